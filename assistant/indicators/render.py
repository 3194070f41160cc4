"""Indicator records as a cited target / achieved table and a short Chinese answer around it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from assistant.indicators.catalogue import KINDS, Record
from assistant.indicators.extraction import strip_name
from assistant.indicators.routing import match_indicator
from assistant.labels import INDICATOR_COLUMNS, RATE, RATE_FORMULA
from assistant.metadata import place_with_parents, places_in


def _sort_key(r: Record) -> tuple[str, int]:
    return (r.doc_id, r.start)


def _cell(records: list[Record]) -> dict[str, Any] | None:
    """One table cell: the first figure (document order) with all its sources; other values kept apart."""
    if not records:
        return None
    groups: dict[float, list[Record]] = {}
    for r in sorted(records, key=_sort_key):
        groups.setdefault(r.value, []).append(r)

    def entry(rs: list[Record]) -> dict[str, Any]:
        first = rs[0]
        return {
            "value": first.value,
            "unit": first.unit,
            "raw": first.raw,
            "text": first.phrase or first.raw,
            "sources": [{"doc_id": r.doc_id, "start": r.start, "end": r.end, "sentence": r.sentence} for r in rs],
        }

    values = list(groups.values())
    cell = entry(values[0])
    cell["others"] = [entry(rs) for rs in values[1:]]
    return cell


def _rate(target: dict[str, Any] | None, done: dict[str, Any] | None) -> str | None:
    if not target or not done or not target["value"]:
        return None
    return f"{done['value'] / target['value'] * 100:.1f}%"


def table(
    records: Iterable[Record], indicator: str, place: str | None, years: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Rows per (place, year): target, achieved and forecast cells (None where missing), completion rate."""
    recs = [r for r in records if r.indicator == indicator and (place is None or r.place == place)]
    places = [place] if place is not None else sorted({r.place for r in recs})
    rows = []
    for pl in places:
        mine = [r for r in recs if r.place == pl]
        yrs = list(dict.fromkeys(years)) if years is not None else sorted({r.year for r in mine})
        for y in yrs:
            row: dict[str, Any] = {"indicator": indicator, "place": pl, "year": y}
            for kind in KINDS:
                row[kind] = _cell([r for r in mine if r.year == y and r.kind == kind])
            basis = "achieved" if row["achieved"] else ("forecast" if row["forecast"] else None)
            row["rate"] = _rate(row["target"], row[basis]) if basis else None
            row["rate_basis"] = basis if row["rate"] else None
            rows.append(row)
    return rows


class Rendered(NamedTuple):
    text: str  # markdown: a short Chinese answer with a table; figures carry [n]
    rows: list[dict[str, Any]]
    sources: list[tuple[str, int, int]]  # [n] -> (doc_id, start, end) of the sentence, n = index + 1


def _question_place(question: str) -> str | None:
    found = [p for p in places_in(question, lenient=True) if p != "湖北"] or places_in(question, lenient=True)
    return max(found, key=lambda p: len(place_with_parents(p))) if found else None


def _names_for(name: str, records: list[Record]) -> list[str]:
    """name if it has records, else the indicators of the same base (市级/省级…, then 新增 or not)."""
    have = sorted({r.indicator for r in records})
    if name in have:
        return [name]
    base = strip_name(name)
    same_new = [n for n in have if strip_name(n) == base and n.startswith("新增") == name.startswith("新增")]
    return same_new or [n for n in have if strip_name(n) == base]


def render_answer(question: str, records: Iterable[Record]) -> Rendered:
    """A cited Chinese answer with a target/achieved table; missing cells say 未找到, nothing is guessed."""
    records = list(records)
    name = match_indicator(question)
    if not name:
        return Rendered("没有识别出问题所问的指标。", [], [])
    years = list(dict.fromkeys(re.findall(r"(20\d{2})\s*年?", question))) or None
    place = _question_place(question)
    pool = [r for r in records if place is None or r.place == place]
    names = _names_for(name, pool) or [name]
    rows: list[dict[str, Any]] = []
    for n in names:
        rows += table(pool, n, place, years) if place or any(r.indicator == n for r in pool) else []
    where = place or ""
    when = "、".join(f"{y}年" for y in years) if years else ""
    if not rows:
        return Rendered(f"现有文件中未找到{when}{where}「{name}」的目标或完成数据。", [], [])

    marks = _Marks()
    multi_place = len({r["place"] for r in rows}) > 1
    multi_name = len({r["indicator"] for r in rows}) > 1
    head = (["指标"] if multi_name else []) + (["地区"] if multi_place else []) + list(INDICATOR_COLUMNS)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    notes: list[str] = []
    for row in rows:
        cells = ([row["indicator"]] if multi_name else []) + ([row["place"]] if multi_place else [])
        lines.append("| " + " | ".join(cells + _figure_cells(row, marks)) + " |")
        notes += _notes(row, f"{row['year']}年{row['place']}{row['indicator'] if multi_name else ''}")
    title = names[0] if len(names) == 1 else "、".join(names)
    intro = f"{when}{where}「{title}」目标与实际完成情况如下（数字摘自所引文件原文，{RATE_FORMULA}，由系统计算）："
    text = "\n".join([intro, "", *lines, "", *notes]).strip()
    return Rendered(text, rows, marks.sources())


class _Marks:
    """[n] marks of the sources, numbered in the order they are first cited."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, int, int], int] = {}

    def cite(self, entry: dict[str, Any]) -> str:
        marks = ""
        for s in entry["sources"]:
            n = self.numbers.setdefault((s["doc_id"], s["start"], s["end"]), len(self.numbers) + 1)
            marks += f"[{n}]"
        return entry["text"] + marks

    def show(self, cell: dict[str, Any] | None, label: str = "") -> str:
        """A cell's figure with its [n], then the other values found for it ("；另有…")."""
        if not cell:
            return ""
        out = label + self.cite(cell)
        for other in cell["others"]:
            out += f"；另有{label}{self.cite(other)}"
        return out

    def sources(self) -> list[tuple[str, int, int]]:
        return sorted(self.numbers, key=lambda k: self.numbers[k])


def _figure_cells(row: dict[str, Any], marks: _Marks) -> list[str]:
    """The year, target, achieved (or forecast) and rate cells of a table row."""
    target = marks.show(row["target"]) or "未找到"  # first, so that [n] run in reading order
    achieved = marks.show(row["achieved"])
    forecast = marks.show(row["forecast"], "预计")
    done = "；".join(x for x in (achieved, forecast) if x) or "未找到"
    rate = row["rate"] or "—"
    if row["rate"] and row["rate_basis"] == "forecast":
        rate += "（按预计数）"
    return [f"{row['year']}年", target, done, rate]


def _notes(row: dict[str, Any], label: str) -> list[str]:
    """What the table row lacks, or whether its target was met."""
    notes = []
    if not row["target"]:
        notes.append(f"{label}目标：现有文件中未找到。")
    if not row["achieved"] and not row["forecast"]:
        notes.append(f"{label}实际完成：现有文件中未找到。")
    elif row["rate"]:
        t, d = row["target"]["value"], row[row["rate_basis"]]["value"]
        verdict = "已完成目标" if d >= t else "未完成目标"
        basis = "（按预计数）" if row["rate_basis"] == "forecast" else ""
        notes.append(f"{label}{basis}{RATE}{row['rate']}，{verdict}。")
    return notes


def source_sentences(rows: list[dict[str, Any]]) -> dict[tuple[str, int, int], str]:
    """(doc_id, start, end) -> sentence text, for every source cited in rows (to build Citation quotes)."""
    out: dict[tuple[str, int, int], str] = {}
    for row in rows:
        for kind in KINDS:
            cell = row.get(kind)
            for entry in [cell, *cell["others"]] if cell else []:
                for src in entry["sources"]:
                    out[(src["doc_id"], src["start"], src["end"])] = src["sentence"]
    return out
