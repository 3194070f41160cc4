"""Targets vs results: standard bureau indicators extracted from documents as dated, placed, typed records.

A record is one figure of one indicator in one sentence: "2021年,实现科技成果转化70项" in a 工作要点 is
(科技成果转化项数, 70 项, 2021, 咸宁, target). Records are stored in the catalog database (table
`indicators`) next to the document they come from, and a comparison question is answered from them
with a table whose every figure cites the sentence it was read from; the completion rate is the only
number computed, and a missing target or result is stated, never guessed.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from assistant.chunk import split_sentences
from assistant.gazetteer import gazetteer
from assistant.metadata import PLAN_DOCS, place_name, place_with_parents, places_in
from assistant.tables import HEADER_UNIT, RATE_HEAD, TARGET_HEAD, Row, parse_row

VERSION = "2"  # 2: records from table rows
"""Bump when INDICATORS or the rules change; the caller re-extracts (backfill(db, only_missing=False))."""


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


INDICATORS: tuple[Indicator, ...] = (
    Indicator("高新技术企业数", "家", (r"高新技术企业", r"高企"), new=True),
    Indicator("科技型中小企业入库数", "家", (r"科技型中小企业", r"科小企业")),
    Indicator("科技成果转化项数", "项", (r"(?:科技)?成果转化(?:项目)?", r"转化科技成果")),
    Indicator("科技成果登记项数", "项", (r"科技成果登记", r"登记(?:省级)?科技成果")),
    Indicator("技术合同成交额", "亿元", (r"技术合同(?:登记|认定)?(?:成交|交易)?(?:总)?额",)),
    Indicator(
        "高新技术产业增加值占GDP比重",
        "%",
        (r"高新技术(?:产业)?增加值占(?:GDP|地区生产总值|生产总值)(?:的)?比重", r"高新技术(?:产业)?增加值占比"),
    ),
    Indicator("高新技术产业增加值", "亿元", (r"高新技术(?:产业)?增加值",)),
    Indicator(
        "R&D投入强度",
        "%",
        (
            r"研究与(?:实验|试验)发展(?:经费)?(?:\((?:R&D)\))?(?:经费)?投入强度",
            r"R&D(?:经费)?投入强度",
            r"研发(?:经费)?投入强度",
        ),
    ),
    Indicator("科技特派员人数", "人", (r"科技特派员",)),
    Indicator("省级科技奖励数", "项", (r"省级?科技奖(?:励)?", r"省科学技术奖(?:励)?")),
    Indicator("星创天地数", "家", (r"星创天地",), levels=True, new=True),
    Indicator("众创空间数", "家", (r"众创空间",), levels=True, new=True),
    Indicator("孵化器数", "家", (r"(?:科技企业)?孵化器",), levels=True, new=True),
    Indicator("孵化器和众创空间数", "家", (r"(?:科技企业)?孵化器、众创空间",), levels=True, new=True),
    Indicator("研发费用加计扣除", "亿元", (r"(?:研发费用?)?加计扣除(?:额|金额)?",)),
    Indicator("创新平台数", "家", (r"(?:科技)?创新平台",), levels=True, new=True),
    Indicator("新型研发机构数", "家", (r"新型研发机构",), levels=True, new=True),
    Indicator("产业技术研究院数", "家", (r"产业技术研究院",), levels=True, new=True),
    Indicator("企校联合创新中心数", "家", (r"企校联合创新中心",), levels=True, new=True),
    Indicator("农业科技示范基地数", "家", (r"农业科技(?:创新)?示范基地",), levels=True, new=True),
    Indicator("科创企业数", "家", (r"科创企业",), new=True),
    Indicator("科创新物种企业数", "家", (r"(?:湖北省)?(?:科创)?[“\"]?新物种[”\"]?企业",), new=True),
    Indicator(
        "争取上级科技经费",
        "亿元",
        (r"争取(?:国家、?省级?|省级以上|国家和省级?|上级)?(?:无偿)?科技(?:项目)?(?:经费|资金)", r"争取(?:项目)?资金"),
    ),
    Indicator("新增授信额", "亿元", (r"新增授信",)),
    Indicator(
        "规上工业企业研发机构比例",
        "%",
        (r"规模以上工业企业建立研发机构(?:的)?比例", r"规上工业企业(?:建立)?研发机构(?:的)?(?:比例|覆盖率)"),
    ),
    Indicator(
        "财政科技支出占公共财政支出比重", "%", (r"财政科技支出占(?:(?:公共财政|一般公共预算)支出(?:的)?)?比重?",)
    ),
    Indicator("科学研究和技术服务业营业收入", "亿元", (r"科学研究(?:与|和)技术服务业(?:营业|主营业务)收入",)),
    Indicator("科学研究和技术服务业企业进规数", "家", (r"科学研究(?:与|和)技术服务业企业进规",)),
    Indicator("规上工业企业新招引研发人员数", "人", (r"(?:规上工业企业|规模以上工业企业)?新招引研发人员",)),
    Indicator("每万人高价值发明专利拥有量", "件", (r"每万人(?:口)?高价值发明专利拥有量",)),
    Indicator("人才总量", "人", (r"人才总量",)),
)
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
CN_NUM = "一二两三四五六七八九十百千"
FIGURE = re.compile(
    r"(?P<num>\d+(?:\.\d+)?|[" + CN_NUM + r"]+)(?P<approx>余|多)?"
    r"(?P<unit>亿元|万元|千元|元|%|万人|亿|家|项|个|人|名|位|件)(?P<suffix>以上|左右)?"
)
LEVEL = r"(?:国家级|省级以上|省级|市级以上|市级|县级|区级)"
# Words allowed between a mention and its figure ("高新技术企业总数超过340家", "科技型中小企业评价入库256家").
GAP_WORDS = [
    "数量",
    "总数",
    "总量",
    "总额",
    "规模",
    "入库数",
    "评价入库",
    "入库",
    "登记",
    "备案",
    "数",
    "已经",
    "已",
    "将",
    "累计",
    "共有",
    "共计",
    "合计",
    "总计",
    "共",
    "全年",
    "当年",
    "预计",
    "达到",
    "达",
    "为",
    "突破",
    "超过",
    "超",
    "逾",
    "完成",
    "实现",
    "增至",
    "增加到",
    "增长到",
    "提高到",
    "提升到",
    "提高至",
    "提升至",
    "稳定在",
    "保持在",
    "是",
    "有",
    "了",
    "约",
    "近",
    "不低于",
    "不少于",
    "高于",
    "目标为",
    "力争",
    "确保",
]
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
# A mention that is not the indicator itself: 已申报高新技术企业 (applications), 每万家企业法人中高新技术企业数 (a density).
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
KINDS = ("target", "achieved", "forecast")

_PATTERNS: list[tuple[re.Pattern[str], Indicator]] = [
    (re.compile(v, re.I), ind) for ind in INDICATORS for v in ind.variants
]
_ELLIPTIC = [(re.compile(v, re.I), BY_NAME[name], re.compile(need)) for v, name, need in ELLIPTIC]


# -- extraction ---------------------------------------------------------------------------------
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


def _hits(sentence: str) -> Iterator[tuple[Mention, str, re.Match[str], int]]:
    """(mention, indicator name, figure match, phrase start) for each figure read from the sentence."""
    for mention in mentions(sentence):
        ind = mention.indicator
        before = sentence[: mention.start]
        if DISQUALIFY_BEFORE.search(before):
            continue
        clause_start, _ = _clause_bounds(sentence, mention.start, mention.end)
        if "每万" in sentence[clause_start : mention.start]:
            continue
        new_after = NEW_AFTER.match(sentence, mention.end)
        if new_after and ind.new and not mention.new:
            mention = Mention(mention.start, new_after.end(), ind, True, mention.level)
        name = compose(ind, mention.new, mention.level)
        gap = GAP.match(sentence, mention.end)
        fig = FIGURE.match(sentence, gap.end())
        if fig and _figure_value(fig, ind.unit) is not None:
            q = QUALIFIER.search(sentence, gap.start(), gap.end())
            up = UPGRADE.match(sentence, fig.end())
            if up and ind.levels and any(p.match(sentence, up.end()) for p, i in _PATTERNS if i is ind):
                name = compose(ind, mention.new, up.group(1))
            yield mention, name, fig, q.start() if q else fig.start()
            continue
        if ind.levels:
            pos = BREAKDOWN_HEAD.match(sentence, mention.end).end()
            got = False
            while True:
                item = BREAKDOWN_ITEM.match(sentence, pos)
                if not item:
                    break
                fig = FIGURE.match(sentence, item.end())
                if not fig or _figure_value(fig, ind.unit) is None:
                    break
                level = item.group(1)
                yield mention, compose(ind, mention.new, level), fig, fig.start()
                got = True
                pos = fig.end()
                if sentence[pos : pos + 1] != "、":
                    break
                pos += 1
            if got:
                continue
        # The figure before the mention: "申报备案3家省级创新平台。"
        lead = sentence[mention.start - 1 : mention.start] if mention.start else ""
        fig_end = mention.start - (1 if lead and re.fullmatch(QUOTE, lead) else 0)
        figs = [f for f in FIGURE.finditer(sentence, max(0, fig_end - 12), fig_end) if f.end() == fig_end]
        after = sentence[mention.end : mention.end + 2]
        if figs and re.match(QUOTE + r"?(?:[,;。、:!?，；：！？]|$)", after):
            fig = figs[-1]
            verb = BEFORE.search(sentence, max(0, fig.start() - 8), fig.start())
            if verb and _figure_value(fig, ind.unit) is not None:
                new = mention.new or verb.group("verb") == "新增"
                yield (
                    mention,
                    compose(ind, new, mention.level),
                    fig,
                    verb.start("q") if verb.group("q") else fig.start(),
                )


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
        # an explicit year is _year's to find (it skips years inside 《titles》); a relative or inherited one is resolved
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


# -- storage ------------------------------------------------------------------------------------
COLUMNS = ("doc_id", "indicator", "value", "unit", "raw", "year", "place", "kind", "start", "end", "sentence", "phrase")
SCHEMA = [
    """CREATE TABLE IF NOT EXISTS indicators (
      doc_id TEXT NOT NULL, indicator TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL, raw TEXT NOT NULL,
      year TEXT NOT NULL, place TEXT NOT NULL, kind TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
      sentence TEXT NOT NULL, phrase TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX IF NOT EXISTS indicators_doc ON indicators(doc_id)",
    "CREATE INDEX IF NOT EXISTS indicators_name ON indicators(indicator, place, year)",
]
_SELECT = "SELECT " + ", ".join(f'"{c}"' for c in COLUMNS) + " FROM indicators"


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """Join the caller's transaction when there is one (so a document and its records commit together)."""
    if db.in_transaction:
        yield
        return
    with db:
        db.execute("BEGIN IMMEDIATE")
        yield


def ensure_table(db: sqlite3.Connection) -> None:
    # Statement by statement: executescript() would commit a transaction the caller has open.
    for statement in SCHEMA:
        db.execute(statement)


def replace_records(db: sqlite3.Connection, doc_id: str, records: Iterable[Record]) -> int:
    """Replace the records of doc_id, atomically; returns how many were written."""
    rows = [tuple(getattr(r, c) for c in COLUMNS) for r in records]
    if any(r[0] != doc_id for r in rows):
        raise ValueError("every record must belong to doc_id")
    with _transaction(db):
        ensure_table(db)
        db.execute("DELETE FROM indicators WHERE doc_id=?", (doc_id,))
        db.executemany(
            "INSERT INTO indicators("
            + ", ".join(f'"{c}"' for c in COLUMNS)
            + ") VALUES("
            + ",".join("?" * len(COLUMNS))
            + ")",
            rows,
        )
    return len(rows)


def delete_records(db: sqlite3.Connection, doc_id: str) -> int:
    with _transaction(db):
        ensure_table(db)
        return db.execute("DELETE FROM indicators WHERE doc_id=?", (doc_id,)).rowcount


def query(db: sqlite3.Connection, indicator: str | None = None, place: str | None = None) -> list[Record]:
    ensure_table(db)
    where, args = [], []
    if indicator:
        where.append("indicator=?")
        args.append(indicator)
    if place:
        where.append("place=?")
        args.append(place)
    sql = (
        _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY indicator, place, year, doc_id, start"
    )
    return [Record(*row) for row in db.execute(sql, args)]


def indicators_available(db: sqlite3.Connection) -> list[tuple[str, str]]:
    ensure_table(db)
    return [
        (r[0], r[1]) for r in db.execute("SELECT DISTINCT indicator, place FROM indicators ORDER BY indicator, place")
    ]


def index_document(db: sqlite3.Connection, doc_id: str, text: str, meta: dict[str, Any]) -> int:
    """Extract and store the records of one cleaned document (what Library.index_document calls)."""
    return replace_records(db, doc_id, extract(doc_id, text, meta))


def backfill(db: sqlite3.Connection, only_missing: bool = True) -> int:
    """Extract records for the catalog's documents (an index built before this table existed)."""
    import json

    ensure_table(db)
    done = {r[0] for r in db.execute("SELECT DISTINCT doc_id FROM indicators")} if only_missing else set()
    n = 0
    for doc_id, text, meta in db.execute("SELECT doc_id, text, meta FROM documents").fetchall():
        if doc_id not in done:
            n += index_document(db, doc_id, text, json.loads(meta))
    return n


def prune(db: sqlite3.Connection) -> int:
    """Drop records whose document is no longer in the catalog (a crash between the two writes)."""
    with _transaction(db):
        ensure_table(db)
        return db.execute("DELETE FROM indicators WHERE doc_id NOT IN (SELECT doc_id FROM documents)").rowcount


# -- questions ----------------------------------------------------------------------------------
COMPARE_CUE = re.compile(
    r"(?:目标|计划|预期|要求|任务).{0,24}(?:实际|完成|实现|达到|达成|做到|落实)|实际|完成(?:情况|率|了?多少|得)|进度|[这近]几年|"
    r"历年|逐年|每年|各年|几年来|变化|趋势|走势|对比|比较|相比|超额|差距"
)


TARGET_ASKED = re.compile(
    r"目标|计划|任务|要求|预期|力争|对比|比较|相比|完成率|超额|差距|进度|[这近]几年|历年|逐年|每年|各年|几年来|变化|趋势|走势"
)


def match_indicator(question: str) -> str | None:
    """The indicator a question is about (its first mention, with 新增/level), or None."""
    found = mentions(question)
    if not found:
        return None
    m = found[0]
    return compose(m.indicator, m.new, m.level)


def is_comparison(question: str) -> bool:
    """A question about targets against results, or about an indicator over the years."""
    return bool(COMPARE_CUE.search(question))


def answerable(question: str, rows: list[dict[str, Any]]) -> bool:
    """Whether a rendered table answers the question: some figure was found, and a question that asks only
    for the result ("…最终完成了多少") has one; otherwise the caller's ordinary path (or refusal) should answer."""
    if not any(row[k] for row in rows for k in KINDS):
        return False
    if TARGET_ASKED.search(question):
        return True
    return any(row["achieved"] or row["forecast"] for row in rows)


# -- tables and answers -------------------------------------------------------------------------
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

    numbers: dict[tuple[str, int, int], int] = {}

    def cite(entry: dict[str, Any]) -> str:
        marks = ""
        for s in entry["sources"]:
            n = numbers.setdefault((s["doc_id"], s["start"], s["end"]), len(numbers) + 1)
            marks += f"[{n}]"
        return entry["text"] + marks

    def show(cell: dict[str, Any] | None, label: str = "") -> str:
        if not cell:
            return ""
        out = label + cite(cell)
        for other in cell["others"]:
            out += f"；另有{label}{cite(other)}"
        return out

    multi_place = len({r["place"] for r in rows}) > 1
    multi_name = len({r["indicator"] for r in rows}) > 1
    head = (["指标"] if multi_name else []) + (["地区"] if multi_place else []) + ["年份", "目标", "实际完成", "完成率"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    notes: list[str] = []
    for row in rows:
        target = show(row["target"]) or "未找到"  # first, so that [n] run in reading order
        achieved = show(row["achieved"])
        forecast = show(row["forecast"], "预计")
        done = "；".join(x for x in (achieved, forecast) if x) or "未找到"
        rate = row["rate"] or "—"
        if row["rate"] and row["rate_basis"] == "forecast":
            rate += "（按预计数）"
        cells = ([row["indicator"]] if multi_name else []) + ([row["place"]] if multi_place else [])
        cells += [f"{row['year']}年", target, done, rate]
        lines.append("| " + " | ".join(cells) + " |")
        label = f"{row['year']}年{row['place']}{row['indicator'] if multi_name else ''}"
        if not row["target"]:
            notes.append(f"{label}目标：现有文件中未找到。")
        if not row["achieved"] and not row["forecast"]:
            notes.append(f"{label}实际完成：现有文件中未找到。")
        elif row["rate"]:
            t, d = row["target"]["value"], row[row["rate_basis"]]["value"]
            verdict = "已完成目标" if d >= t else "未完成目标"
            notes.append(
                f"{label}{'（按预计数）' if row['rate_basis'] == 'forecast' else ''}完成率{row['rate']}，{verdict}。"
            )
    title = names[0] if len(names) == 1 else "、".join(names)
    intro = (
        f"{when}{where}「{title}」目标与实际完成情况如下（数字摘自所引文件原文，完成率=实际完成÷目标，由系统计算）："
    )
    text = "\n".join([intro, "", *lines, "", *notes]).strip()
    sources = sorted(numbers, key=lambda k: numbers[k])
    return Rendered(text, rows, sources)


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
