"""The indicator catalogue: what an indicator record is, the indicators read (assistant/data/indicators.toml)
and the units their figures may carry."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

VERSION = "2"  # 2: records from table rows
"""Bump when INDICATORS or the rules change; the caller re-extracts (backfill(db, only_missing=False))."""

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "indicators.toml"
KINDS = ("target", "achieved", "forecast")


@dataclass(frozen=True)
class Record:
    """One figure of one indicator, with the sentence [start, end) of the cleaned text it was read from."""

    doc_id: str
    indicator: str  # canonical name, e.g. 高新技术企业数, 市级星创天地数
    value: float  # normalized: money in 亿元, % as the percent number, counts as-is
    unit: str  # 亿元 | % | 家 | 项 | 个 | 人 | 件
    raw: str  # the figure as written, e.g. "8.34亿元", "2000万元"
    year: str
    place: str
    kind: str  # target | achieved | forecast
    start: int
    end: int
    sentence: str
    phrase: str = ""  # the figure with its qualifier as written ("超过340家", "200亿元以上"): what answers show


@dataclass(frozen=True)
class Indicator:
    """A canonical indicator, its unit and the regexes of its surface forms.

    With `levels`, a level written just before the mention (国家级/省级/市级…) makes a level-specific
    indicator ("市级" + "星创天地数"); with `new`, a preceding 新增 makes the 新增 indicator.
    """

    name: str
    unit: str
    variants: tuple[str, ...]
    levels: bool = False
    new: bool = False


def load_catalogue(path: Path = CATALOGUE) -> tuple[Indicator, ...]:
    """The indicators of a catalogue file, in file order (the order breaks ties between overlapping mentions)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Indicator(e["name"], e["unit"], tuple(e["variants"]), e.get("levels", False), e.get("new", False))
        for e in data["indicator"]
    )


INDICATORS: tuple[Indicator, ...] = load_catalogue()
BY_NAME = {i.name: i for i in INDICATORS}
# A share written without its subject right after the subject's own figure ("高新技术产业增加值达到86.3亿元,
# 占GDP比重为21.5%"): the variant, the indicator, and what must precede it in the sentence.
ELLIPTIC: tuple[tuple[str, str, str], ...] = (
    (
        r"(?<!增加值)占(?:GDP|地区生产总值|生产总值)(?:的)?比重",
        "高新技术产业增加值占GDP比重",
        r"高新技术(?:产业)?增加值",
    ),
)

# Units a figure may carry for each canonical unit, with the factor to the canonical unit.
UNITS: dict[str, dict[str, float]] = {
    "亿元": {"亿元": 1.0, "亿": 1.0, "万元": 1e-4, "千元": 1e-5, "元": 1e-8},
    "%": {"%": 1.0},
    "家": {"家": 1.0, "个": 1.0},
    "项": {"项": 1.0, "个": 1.0},
    "人": {"人": 1.0, "名": 1.0, "位": 1.0, "万人": 1e4},
    "件": {"件": 1.0},
    "个": {"个": 1.0},
}
