"""Indicator records read from a cleaned document: mentions of the catalogue's indicators, each with its figure,
year, place and kind (target, achieved, forecast), from sentences and from table rows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from assistant.chunk import split_sentences
from assistant.gazetteer import gazetteer
from assistant.indicators.catalogue import BY_NAME, ELLIPTIC, INDICATORS, UNITS, Indicator, Record
from assistant.metadata import PLAN_DOCS, place_name, place_with_parents, places_in
from assistant.tables import HEADER_UNIT, RATE_HEAD, TARGET_HEAD, Row, parse_row

CN_NUM = "一二两三四五六七八九十百千"
FIGURE = re.compile(
    r"(?P<num>\d+(?:\.\d+)?|[" + CN_NUM + r"]+)(?P<approx>余|多)?"
    r"(?P<unit>亿元|万元|千元|元|%|万人|亿|家|项|个|人|名|位|件)(?P<suffix>以上|左右)?"
)
LEVEL = r"(?:国家级|省级以上|省级|市级以上|市级|县级|区级)"
# Words allowed between a mention and its figure ("高新技术企业总数超过340家", "科技型中小企业评价入库256家").
GAP_WORDS = (
    "数量 总数 总量 总额 规模 入库数 评价入库 入库 登记 备案 数 已经 已 将 累计 共有 共计 "
    "合计 总计 共 全年 当年 预计 达到 达 为 突破 超过 超 逾 完成 实现 增至 增加到 增长到 "
    "提高到 提升到 提高至 提升至 稳定在 保持在 是 有 了 约 近 不低于 不少于 高于 目标为 力争 "
    "确保"
).split()
QUOTE = r"[“”\"‘’「」『』]"
GAP = re.compile(
    r"(?:"
    + QUOTE
    + r"|\s)*(?:(?:"
    + "|".join(sorted(GAP_WORDS, key=len, reverse=True))
    + r")(?:"
    + QUOTE
    + r"|\s)*){0,4}"
)
QUALIFIER = re.compile(r"(?:超过|超|逾|近|约|不低于|不少于|突破|高于)$")
# 新增 and its synonyms before a mention ("新认定国家高新技术企业46家"), then a level.
NEW_WORDS = r"新增|净增|新认定|新培育|新备案|新建"
PREFIX = re.compile(r"(" + NEW_WORDS + r")?(" + LEVEL + r")?(?:国家)?" + QUOTE + r"?$")
NEW_AFTER = re.compile(r"(?:" + QUOTE + r")?(?:新增|净增)")
# A mention that is not the indicator itself: 已申报高新技术企业 (applications),
# 每万家企业法人中高新技术企业数 (a density).
DISQUALIFY_BEFORE = re.compile(r"(?:申报|推荐)$")
# "全市现有创新平台中,国家级5家、省级64家": a breakdown by level after the mention.
BREAKDOWN_HEAD = re.compile(r"(?:中|其中)?[,:，：]?\s*(?:其中)?[,:，：]?\s*")
BREAKDOWN_ITEM = re.compile(r"(?:[\u4e00-\u9fff]{0,2})(" + LEVEL + r")(?:为|有|达)?")
# "申报备案3家省级创新平台": the figure before the mention, after a verb of creation.
BEFORE = re.compile(r"(?P<verb>申报备案|申报|备案|建成|新建|新增|培育|创建|认定|获批)(?P<q>不少于|不低于|超过)?$")
UPGRADE = re.compile(r"(?:获批|被?认定为|升级为|创建为)(" + LEVEL + r")" + QUOTE + r"?")
CLAUSE_SEP = re.compile(r"[,;:，；：]")
HEADING = re.compile(r"^[一二三四五六七八九十]+、")
YEAR = re.compile(r"(?<![\d\-—~至])(20\d{2})年(?![\-—~至])")
# A sentence or clause that states a target (the question-side cue is answer.question.TARGET_CUE).
TARGET_STATED = re.compile(
    r"力争|目标|计划|确保|(?<![需重主纪概提])要(?![求素点闻件])|不低于|不少于|(?<!级)以上|预期|争取达到"
)

_PATTERNS: list[tuple[re.Pattern[str], Indicator]] = [
    (re.compile(v, re.I), ind) for ind in INDICATORS for v in ind.variants
]
_ELLIPTIC = [(re.compile(v, re.I), BY_NAME[name], re.compile(need)) for v, name, need in ELLIPTIC]


@dataclass(frozen=True)
class Mention:
    start: int  # of the mention, including a 新增/level prefix
    end: int
    indicator: Indicator
    new: bool
    level: str


def compose(ind: Indicator, new: bool = False, level: str = "") -> str:
    """The indicator name for a mention: 新增 + level + canonical name where the indicator takes them."""
    return ("新增" if new and ind.new else "") + (level if ind.levels else "") + ind.name


def strip_name(name: str) -> str:
    """The canonical name without its 新增/level prefix ("新增市级创新平台数" -> "创新平台数")."""
    return re.sub("^" + LEVEL, "", re.sub(r"^新增", "", name))


def mentions(text: str) -> list[Mention]:
    """Indicator mentions in text, longest first where they overlap, with their 新增/level prefixes."""
    found = []
    for pattern, ind in _PATTERNS:
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), ind))
    for pattern, ind, need in _ELLIPTIC:
        for m in pattern.finditer(text):
            if need.search(text, 0, m.start()):
                found.append((m.start(), m.end(), ind))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, Indicator]] = []
    for f in found:
        if any(f[0] < k[1] and k[0] < f[1] for k in kept):
            continue
        kept.append(f)
    out = []
    for start, end, ind in sorted(kept, key=lambda k: k[0]):
        p = PREFIX.search(text, max(0, start - 8), start)
        new, level = False, ""
        if p and p.group(0):
            new, level = bool(p.group(1)), p.group(2) or ""
            if (new and ind.new) or (level and ind.levels):
                start = p.start() if (new and ind.new) else p.start(2)
        out.append(Mention(start, end, ind, new and ind.new, level if ind.levels else ""))
    return out


def number_of(num: str) -> float | None:
    """An Arabic or Chinese numeral as a float (None when it is not a number)."""
    if num[0].isdigit():
        return float(num)
    from assistant.cite import cn_to_number

    return cn_to_number(num)


def _figure_value(m: re.Match[str], unit: str) -> float | None:
    factors = UNITS.get(unit, {})
    if m.group("unit") not in factors:
        return None
    value = number_of(m.group("num"))
    return None if value is None else round(value * factors[m.group("unit")], 8)


def _clause_bounds(sentence: str, a: int, b: int) -> tuple[int, int]:
    starts = [m.end() for m in CLAUSE_SEP.finditer(sentence, 0, a)]
    m = CLAUSE_SEP.search(sentence, b)
    return (starts[-1] if starts else 0), (m.start() if m else len(sentence))


def _year(sentence: str, a: int, b: int, default: str) -> str:
    """The year written nearest before the mention (not inside 《》), else in its clause after it, else default."""
    titles = [(m.start(), m.end()) for m in re.finditer(r"《[^》]*》", sentence)]
    years = [m for m in YEAR.finditer(sentence) if not any(s <= m.start() < e for s, e in titles)]
    before = [m for m in years if m.end() <= a]
    if before:
        return before[-1].group(1)
    _, clause_end = _clause_bounds(sentence, a, b)
    after = [m for m in years if b <= m.start() < clause_end]
    return after[0].group(1) if after else default


def _place(sentence: str, a: int, region: str) -> str:
    """A place the sentence names as an administrative unit (大冶市, 下陆区) before the mention, else the region.

    A parent of the document's region (黄石 in a 下陆区 document, 湖北) names an institution or a
    wider frame more often than the subject, so it does not override the region.
    """
    parents = set(place_with_parents(region)) if region else set()
    named = [
        place_name(m.places[0])
        for m in gazetteer().mentions(sentence[:a])
        if len(m.places) == 1 and m.surface != m.places[0].short and m.places[0].level > 1
    ]
    named = [n for n in named if n not in parents or n == region]
    if named:
        return named[-1]
    if region:
        return region
    found = [p for p in places_in(sentence) if p != "湖北"]
    return found[0] if found else ""


def _lead(sentence: str, clause_start: int) -> str:
    """The sentence's opening clause when it is an adverbial without figures ("计划到2025年,"), else ''."""
    sep = CLAUSE_SEP.search(sentence)
    if not sep or sep.end() > clause_start:
        return ""
    lead = sentence[: sep.start()]
    return "" if FIGURE.search(lead) else lead


def _kind(meta: dict[str, Any], clause: str, heading: bool, qualifier: str, lead: str = "") -> str:
    """target in plans and progress-report headings, or with a target cue in the clause (or the sentence's
    opening adverbial); forecast with 预计; achieved otherwise."""
    if meta.get("doc_type") in PLAN_DOCS or heading:
        return "target"
    if "预计" in clause or "预计" in lead:
        return "forecast"
    if TARGET_STATED.search(clause) or TARGET_STATED.search(lead) or qualifier in ("以上", "不低于", "不少于"):
        return "target"
    return "achieved"


Hit = tuple[Mention, str, re.Match[str], int]  # mention, indicator name, figure match, phrase start


def _hits(sentence: str) -> Iterator[Hit]:
    """(mention, indicator name, figure match, phrase start) for each figure read from the sentence."""
    for found in mentions(sentence):
        mention = _subject(sentence, found)
        if mention is None:
            continue
        hit = _figure_after(sentence, mention)
        if hit is not None:
            yield hit
            continue
        breakdown = list(_breakdown(sentence, mention)) if mention.indicator.levels else []
        if breakdown:
            yield from breakdown
            continue
        hit = _figure_before(sentence, mention)
        if hit is not None:
            yield hit


def _subject(sentence: str, mention: Mention) -> Mention | None:
    """The mention as the subject of a figure (a 新增 written after it taken in), or None when it is not the
    indicator itself (已申报高新技术企业, 每万家企业法人中高新技术企业数)."""
    ind = mention.indicator
    if DISQUALIFY_BEFORE.search(sentence[: mention.start]):
        return None
    clause_start, _ = _clause_bounds(sentence, mention.start, mention.end)
    if "每万" in sentence[clause_start : mention.start]:
        return None
    new_after = NEW_AFTER.match(sentence, mention.end)
    if new_after and ind.new and not mention.new:
        return Mention(mention.start, new_after.end(), ind, True, mention.level)
    return mention


def _figure_after(sentence: str, mention: Mention) -> Hit | None:
    """The figure right after the mention, past gap words ("高新技术企业总数超过340家")."""
    ind = mention.indicator
    gap = GAP.match(sentence, mention.end)
    fig = FIGURE.match(sentence, gap.end())
    if not fig or _figure_value(fig, ind.unit) is None:
        return None
    name = compose(ind, mention.new, mention.level)
    q = QUALIFIER.search(sentence, gap.start(), gap.end())
    up = UPGRADE.match(sentence, fig.end())
    if up and ind.levels and any(p.match(sentence, up.end()) for p, i in _PATTERNS if i is ind):
        name = compose(ind, mention.new, up.group(1))
    return mention, name, fig, q.start() if q else fig.start()


def _breakdown(sentence: str, mention: Mention) -> Iterator[Hit]:
    """A breakdown by level after the mention: "全市现有创新平台中,国家级5家、省级64家"."""
    ind = mention.indicator
    pos = BREAKDOWN_HEAD.match(sentence, mention.end).end()
    while True:
        item = BREAKDOWN_ITEM.match(sentence, pos)
        if not item:
            return
        fig = FIGURE.match(sentence, item.end())
        if not fig or _figure_value(fig, ind.unit) is None:
            return
        yield mention, compose(ind, mention.new, item.group(1)), fig, fig.start()
        pos = fig.end()
        if sentence[pos : pos + 1] != "、":
            return
        pos += 1


def _figure_before(sentence: str, mention: Mention) -> Hit | None:
    """The figure before the mention, after a verb of creation: "申报备案3家省级创新平台。"."""
    ind = mention.indicator
    lead = sentence[mention.start - 1 : mention.start] if mention.start else ""
    fig_end = mention.start - (1 if lead and re.fullmatch(QUOTE, lead) else 0)
    figs = [f for f in FIGURE.finditer(sentence, max(0, fig_end - 12), fig_end) if f.end() == fig_end]
    after = sentence[mention.end : mention.end + 2]
    if not figs or not re.match(QUOTE + r"?(?:[,;。、:!?，；：！？]|$)", after):
        return None
    fig = figs[-1]
    verb = BEFORE.search(sentence, max(0, fig.start() - 8), fig.start())
    if not verb or _figure_value(fig, ind.unit) is None:
        return None
    new = mention.new or verb.group("verb") == "新增"
    return mention, compose(ind, new, mention.level), fig, verb.start("q") if verb.group("q") else fig.start()


# Column headers of a table row (assistant/tables.py) that name results; targets and rates: tables.py.
ACHIEVED_HEAD = re.compile(r"完成|实际|实现|累计|达到|实绩|现有|数值|数量|总数|合计")


def row_records(doc_id: str, row: Row, s: int, e: int, sentence: str, meta: dict[str, Any]) -> list[Record]:
    """Records of one table row: the indicator named in the row label (a target / achieved table) or in the
    column header (a table of places); target or achieved by the column header; rate columns are skipped
    (the completion rate is computed from the two figures)."""
    region = str(meta.get("region", "") or "")
    label = row.cells[0][1] if row.cells else ""
    in_label = mentions(label)
    label_places = [p for p in places_in(label, lenient=True) if p != "湖北"]  # a row of a county sheet: "随县"
    place = label_places[0] if label_places else _place(row.caption, len(row.caption), region)
    caption_year = YEAR.search(row.caption)
    out = []
    for head, value in row.cells[1:]:
        if RATE_HEAD.search(head):
            continue
        found = mentions(head) or in_label
        fig = FIGURE.search(value)
        if not found or not fig or fig.start() > 0:
            continue
        ind = found[0].indicator
        number = _figure_value(fig, ind.unit)
        if number is None:
            continue
        kind = (
            "target" if TARGET_HEAD.search(head) else "achieved" if ACHIEVED_HEAD.search(head) or not in_label else ""
        )
        if not kind:
            continue
        year = YEAR.search(head) or caption_year
        out.append(
            Record(
                doc_id=doc_id,
                indicator=compose(ind, found[0].new, found[0].level),
                value=number,
                unit=ind.unit,
                raw=fig.group(0),
                year=year.group(1) if year else str(meta.get("year", "") or ""),
                place=place,
                kind=kind,
                start=s,
                end=e,
                sentence=sentence,
                phrase=f"{HEADER_UNIT.sub('', head)}{fig.group(0)}",
            )
        )
    return out


def extract(doc_id: str, text: str, meta: dict[str, Any]) -> list[Record]:
    """Indicator records of a cleaned document; offsets are those of `text`. A sentence's year is the one it writes,
    else its resolved time (今年/去年 against the document date, inherited in its paragraph: assistant.timeref),
    else the document's; a figure for a part of the year (上半年, 1至9月) is not a year's record."""
    from assistant.timeref import sentence_times

    region = str(meta.get("region", "") or "")
    doc_year = str(meta.get("year", "") or "")
    times = sentence_times(text, str(meta.get("date", "") or ""))
    progress = meta.get("doc_type") == "进展报告"
    out: list[Record] = []
    seen: set[tuple[str, int, int]] = set()
    for s, e in split_sentences(text):
        sentence = text[s:e]
        row = parse_row(sentence)
        if row is not None:
            out.extend(row_records(doc_id, row, s, e, sentence, meta))
            continue
        when = next((t for a, b, t in times if a <= s < b), None)
        if when is not None and when.months is not None and when.months != (1, 12):
            continue  # 上半年 / 一季度 / 1至9月: the records are per year
        # an explicit year is _year's to find (it skips years inside 《titles》);
        # a relative or inherited one is resolved
        default_year = (
            str(when.year) if when is not None and when.year and when.how in ("relative", "inherited") else doc_year
        )
        line_start = text.rfind("\n", 0, s) + 1
        heading = progress and bool(HEADING.match(text[line_start:]))
        for mention, name, fig, phrase_start in _hits(sentence):
            key = (name, s + fig.start(), s + fig.end())
            if key in seen:
                continue
            seen.add(key)
            ind = mention.indicator
            lo, hi = min(mention.start, fig.start()), max(mention.end, fig.end())
            a, b = _clause_bounds(sentence, lo, hi)
            clause = sentence[a:b]
            suffix = fig.group("suffix") or ""
            qualifier = suffix or sentence[phrase_start : fig.start()]
            raw = fig.group(0)[: len(fig.group(0)) - len(suffix)]
            out.append(
                Record(
                    doc_id=doc_id,
                    indicator=name,
                    value=_figure_value(fig, ind.unit) or 0.0,
                    unit=ind.unit,
                    raw=raw,
                    year=_year(sentence, lo, hi, default_year),
                    place=_place(sentence, lo, region),
                    kind=_kind(meta, clause, heading, qualifier, _lead(sentence, a)),
                    start=s,
                    end=e,
                    sentence=sentence,
                    phrase=sentence[phrase_start : fig.end()],
                )
            )
    return out
