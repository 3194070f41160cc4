"""Citation keys and figure verification: every figure shown must occur in a cited passage."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
UNIT = (
    r"(%|‰|亿元|万元|千元|元|亿|万|家|项|个|人|名|件|次|所|条|批|倍|场|期|天|"
    r"年|月|日|号|平方米|亩|吨|台|套|篇|位|届|点|周|位)?"
)
FIGURE = re.compile(r"(\d+(?:\.\d+)?|[" + CN_DIGITS + r"]{2,}|[二两三四五六七八九十])" + UNIT)
CITE = re.compile(r"\[(\d{1,2})\]")
SCALE = {"亿元": 1e8, "亿": 1e8, "万元": 1e4, "万": 1e4, "千元": 1e3}
UNIT_CLASS = {"亿元": "元", "万元": "元", "千元": "元", "元": "元", "亿": "", "万": "", "名": "人", "位": "人"}


@dataclass(frozen=True)
class Figure:
    text: str
    value: float
    unit: str


def cn_to_number(s: str) -> float | None:
    """Chinese numerals to a number ('一百二十' -> 120, '三' -> 3); None when it is not a number."""
    try:
        import cn2an

        return float(cn2an.cn2an(s, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def figures(text: str) -> list[Figure]:
    """The figures in text: numbers (Arabic or Chinese) with their unit, scaled by 万/亿."""
    text = unicodedata.normalize("NFKC", text)
    text = CITE.sub(" ", text)
    out = []
    for m in FIGURE.finditer(text):
        raw, unit = m.group(1), m.group(2) or ""
        if raw[0].isdigit():
            value = float(raw)
        else:
            if not unit:  # bare Chinese numerals are words (十四五, 一批), not figures
                continue
            value = cn_to_number(raw)
            if value is None:
                continue
        value *= SCALE.get(unit, 1.0)
        out.append(Figure(m.group(0), round(value, 6), UNIT_CLASS.get(unit, unit)))
    return out


def figure_supported(fig: Figure, pool: list[Figure]) -> bool:
    """Same value and compatible unit ('' is compatible with any unit)."""
    for other in pool:
        if abs(other.value - fig.value) < 1e-6 * max(1.0, abs(fig.value)):
            if not fig.unit or not other.unit or fig.unit == other.unit:
                return True
    return False


def unsupported_figures(sentence: str, passages: list[str], question: str = "") -> list[str]:
    """Figures of sentence found in none of passages (nor in the question)."""
    pool = [f for p in passages for f in figures(p)] + figures(question)
    return [f.text for f in figures(sentence) if not figure_supported(f, pool)]


# The end of an answer sentence: its stop, and the closing quotes after it ("…延期。”").
CLOSING_QUOTES = "”’」』"
SENTENCE_CLOSE = rf"[。!?！？]+[{CLOSING_QUOTES}]*"


def split_answer(answer: str) -> list[str]:
    """Answer sentences, each with its trailing [n] markers kept."""
    parts = re.findall(rf"[^\n]+?(?:{SENTENCE_CLOSE}(?:\s*\[\d{{1,2}}\])*|$)", answer, flags=re.M)
    return [p.strip() for p in parts if p.strip()]


def cited_keys(sentence: str) -> list[int]:
    return [int(k) for k in CITE.findall(sentence)]


@dataclass
class Verification:
    answer: str
    verified: bool
    unverified: list[str]
    dropped_keys: list[int]
    reattached: int


def verify(answer: str, passages: dict[int, str], question: str = "") -> Verification:
    """Check and repair an answer against its numbered passages.

    Unknown [n] are dropped; a sentence whose figures are not all in its cited passages is
    re-cited to a passage that holds them all, or its figures are reported as unverified.
    """
    out, unverified, dropped, reattached = [], [], [], 0
    for sentence in split_answer(answer):
        keys = cited_keys(sentence)
        good = [k for k in keys if k in passages]
        dropped += [k for k in keys if k not in passages]
        body = CITE.sub("", sentence).strip()
        end = ""
        while body and body[-1] in "。!?！？":
            body, end = body[:-1], body[-1] + end
        missing = unsupported_figures(body, [passages[k] for k in good], question)
        if missing or (not good and figures(body)):
            holders = [k for k, text in passages.items() if not unsupported_figures(body, [text], question)]
            if holders and figures(body):
                good, missing = holders[:1], []
                reattached += 1
        if missing:
            unverified += missing
        marks = "".join(f"[{k}]" for k in dict.fromkeys(good))
        out.append(body + marks + end)
    return Verification("".join(out), not unverified, unverified, dropped, reattached)
