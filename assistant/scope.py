"""Scope: the place and time a question asks about and a sentence states, and whether they agree.

Shared by the answerer (a sentence about another place, year or part of the year is not eligible) and the
verifier (a figure is verified only by a sentence whose scope agrees with the answer's question).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.gazetteer import Mention, Place, gazetteer
from assistant.timeref import TimeRef, agrees, question_time, report_time, resolve, sentence_times

# A place inside the name of an organisation or facility (武汉理工大学, 建行咸宁分行, 鄂州花湖机场) says where it
# is, not what the sentence is about.
ORGANISATION_AFTER = re.compile(
    r"^[\u4e00-\u9fff()（）]{0,12}?(?:大学|学院|银行|分行|支行|公司|集团|研究院|研究所|医院|协会|商会|高校|报|网|电视台"
    r"|机场|火车站|港口|实验室|产业园|科创园|科技园|基地|平台)"
)

# A place opening a short name in a list of names ("签约浙江星煜机电、华润电力、青岛纳辉等四家企业"): where a firm
# comes from, not what the sentence is about ("赴成都、武汉等地": the place alone is an item, still a place).
NAME_IN_LIST = re.compile(r"^[\u4e00-\u9fff]{2,6}(?:、|等)")
# A place issuing a document the sentence cites ("按照北京市《…通告》要求,交道口地区…", "根据省政府印发的《…》"):
# whose rule it is, not what the sentence is about.
ISSUER_OF_TITLE = re.compile(
    r"^(?:[\u4e00-\u9fff]{0,8}?(?:政府|办公厅|办公室|委员会|局|厅|委|办))?(?:印发|发布|出台)?的?《"
)


@dataclass(frozen=True)
class Scope:
    places: tuple[Place, ...]
    time: TimeRef
    whole: tuple[Place, ...] = ()  # the asked places whose whole is asked ("上海全市一共…"): a part's is not theirs


# "全市…" asking the whole of a unit, not a rank or a share within it ("全省第一", "占全市").
WHOLE_ASKED = re.compile(r"(?<![占居在列位至为])全([省市区县])(?![第前首排内外])")
# the level below which a unit's part sits: 全县 and 全区 are parts of a 市, which is part of a 省
WHOLE_RANK = {"省": 1, "市": 2, "区": 3, "县": 3}


def question_scope(question: str, today: str | None = None) -> Scope:
    places = tuple(subject_places(question, lenient=True))
    levels = {m.group(1) for m in WHOLE_ASKED.finditer(question)}
    whole = tuple(p for p in deepest_places(places) if p.name[-1:] in levels)
    return Scope(places, question_time(question, today or dt.date.today().isoformat()), whole)


def subject_mentions(text: str, lenient: bool = False) -> list[Mention]:
    """The resolved mentions of places text names as what it is about (not inside an organisation's name)."""
    return [
        m
        for m in gazetteer().mentions(text, lenient)
        if len(m.places) == 1
        and not ORGANISATION_AFTER.match(text[m.end : m.end + 16])
        and not NAME_IN_LIST.match(text[m.end : m.end + 8])
        and not ISSUER_OF_TITLE.match(text[m.end : m.end + 16])
    ]


def subject_places(text: str, lenient: bool = False) -> list[Place]:
    return list(dict.fromkeys(m.places[0] for m in subject_mentions(text, lenient)))


def doc_place(meta: dict[str, Any]) -> Place | None:
    uid = str(meta.get("region_id", ""))
    return gazetteer().places.get(uid) if uid else None


@lru_cache(maxsize=4096)
def _times(text: str, date: str) -> tuple[tuple[int, int, TimeRef], ...]:
    return tuple(sentence_times(text, date))


def time_of(passage_text: str, start: int, meta: dict[str, Any]) -> TimeRef:
    """The time of the sentence at `start` of a passage: its own, inherited in its paragraph, or the document's;
    a part of the year the document's title names ("第三季度进展报告") when the sentence names none."""
    date = str(meta.get("date", ""))
    span = next(((a, b, r) for a, b, r in _times(passage_text, date) if a <= start < b), None)
    ref = span[2] if span else TimeRef()
    report = report_ref(passage_text[span[0] : span[1]], meta) if span else None
    if report:
        return TimeRef(report.year, report.months, report.how, ref.plan)  # "报告期内…" in a half-year report
    if ref.year is None and str(meta.get("year", "")).isdigit():
        ref = TimeRef(int(str(meta["year"])), ref.months, "document", ref.plan)
    if ref.months is None:
        title = resolve(str(meta.get("title", "")), date)
        if title.months:
            ref = TimeRef(ref.year, title.months, ref.how or "document", ref.plan)
    return ref


def report_ref(sentence: str, meta: dict[str, Any]) -> TimeRef | None:
    """The period of the report a sentence speaks of ("报告期内…"), when it names no part of the year itself."""
    report = report_time(sentence, str(meta.get("report", "")))
    return report if report and resolve(sentence, str(meta.get("date", ""))).months is None else None


def sentence_months(sentence: str, meta: dict[str, Any]) -> tuple[int, int] | None:
    """The part of the year a sentence states itself, or the period of the report it speaks of ("报告期内")."""
    report = report_ref(sentence, meta)
    return report.months if report else resolve(sentence, str(meta.get("date", ""))).months


# A sentence about the whole of a province, city or the country names it by its level alone.
WHOLE_UNIT = re.compile(r"[全我本][省市国]")
WHOLE_UNIT_SUBJECT = re.compile(r"(?:^|[,，;；:：])\s*[全我本]([省市])")


def whole_unit_place(sentence: str, home: Place | None) -> Place | None:
    """The unit a sentence naming the whole of its own means ("全省…" in a 南昌 wire item is 江西; "全市…" in a
    杨浦区 bulletin is 上海): the document's place or the ancestor of that level; its own place for "全国" or when
    none of that level is above it."""
    if home is None or not WHOLE_UNIT.search(sentence):
        return None
    # only a clause that opens with the unit is about all of it ("位居全市前列", "“全省…优秀县市”" rank within it)
    m = WHOLE_UNIT_SUBJECT.search(sentence)
    lineage = gazetteer().lineage(home)
    if m and m.group(1) == "省":
        return lineage[-1]
    if m and m.group(1) == "市":
        return next((p for p in lineage if p.name.endswith("市")), home)
    return home


ENUMERATION_GAP = re.compile(r"^[市区县省]?(?:、|和|及|与|,)$")


def sentence_places(sentence: str, meta: dict[str, Any]) -> list[Place]:
    """What a sentence is about: the places it names, less those that only frame its document's place (湖北省 in
    a 大冶 bulletin); its document's places when it names no other. Places named as an enumeration ("赴成都、武汉、
    青岛等地考察") are where something went, so the document's place stays a subject beside them."""
    from assistant.tables import parse_row

    row = parse_row(sentence.strip())
    if row is not None and row.cells:  # a table row is about the place its label names ("随县" in a county sheet)
        named = subject_places(row.cells[0][1], lenient=True)
        if named:
            return named
    g = gazetteer()
    home = doc_place(meta)
    mentions = subject_mentions(sentence)
    stated: list[Place] = []
    for m in mentions:
        p = m.places[0]
        if home and weakest_reading(m, home):
            continue
        if p not in stated and not (home and p.uid != home.uid and g.contains(p, home)):
            stated.append(p)
    listed = any(ENUMERATION_GAP.match(sentence[a.end : b.start]) for a, b in zip(mentions, mentions[1:], strict=False))
    if stated and not listed:
        return stated
    whole = whole_unit_place(sentence, home) if not stated else None
    if whole:
        return [whole]  # "全市…" in a 上海 item about 杨浦区 is about 上海, not the district it focuses on
    return [*stated, *document_places(meta)]


def weakest_reading(m: Mention, home: Place) -> bool:
    """A county's bare short form naming a county of another province than its document's: the gazetteer's weakest
    reading, most often a common word ("在郑首次购买新建商品住房" in a 郑州 bulletin is no 南昌 新建区)."""
    p = m.places[0]
    return p.level >= 3 and m.surface != p.name and p.province != home.province


def document_places(meta: dict[str, Any]) -> list[Place]:
    """The document's place and the other places it names (a 上海 bulletin about 徐汇区 names both)."""
    g = gazetteer()
    home = doc_place(meta)
    named = [*str(meta.get("mentioned", "")).split(","), str(meta.get("focus_id", ""))]
    others = list(dict.fromkeys(g.places[u] for u in named if u in g.places))
    # a place around the document's own (黄石 in a 下陆区 bulletin) frames it and is not a subject
    return ([home] if home else []) + [p for p in others if not (home and (p.uid == home.uid or g.contains(p, home)))]


def deepest_places(places: tuple[Place, ...]) -> list[Place]:
    """The places asked less those named only as the parent of another ("黄石下陆区" asks about 下陆区)."""
    g = gazetteer()
    return [q for q in places if not any(o.uid != q.uid and g.contains(q, o) for o in places)]


def place_conflict(asked: Scope, sentence: str, meta: dict[str, Any]) -> bool:
    """The sentence is not about the place the question asks about: every place it is about is another one, or
    around it, or inside it (a city's figure does not answer a question about one of its counties, nor a
    district's figure one about its city)."""
    if not asked.places:
        return False
    g = gazetteer()
    stated = sentence_places(sentence, meta)
    if not stated:
        return False
    deepest = deepest_places(asked.places)  # a sentence about any of them agrees
    # a province named in the question frames it ("湖北科创供应链平台"): its cities' sentences agree
    return not any(g.contains(q, s) for q in deepest for s in stated)


# A clause of a sentence as a figure's scope reads it: between commas, semicolons and colons (、 lists items).
FIGURE_CLAUSE = re.compile(r"[^,;:，；：]+")

# A zone inside a city named by the city ("长春新区", "沈阳经开区"): a part of it, not the city.
ZONE_AFTER = re.compile(r"^(?:新区|高新区|开发区|经开区|高新技术产业开发区|经济技术开发区|自贸区|园区|片区)")


def part_of_whole(asked: Scope, clause: str) -> bool:
    """The question asks the whole of a unit ("上海全市一共…") and the clause is about a part of it: a place inside
    it ("浦东现有…"), a zone named by it ("长春新区…"), the whole of a lower unit ("全区…" for 全市) or a share or rank
    within it ("约占上海全市1/4", "居全市第一")."""
    if not asked.whole:
        return False
    g = gazetteer()
    for w in asked.whole:
        level = w.name[-1]
        if re.search(rf"(?:占|居|位居|位列|列)[^，。,；;]{{0,6}}全{level}|全{level}(?:第|前|首位|排名)", clause):
            return True
        if any(WHOLE_RANK.get(m.group(1), 0) > WHOLE_RANK[level] for m in WHOLE_ASKED.finditer(clause)):
            return True
        # (any one-reading mention: only places inside the asked one count, and a clause about a part opens with it)
        for m in g.mentions(clause, lenient=True):
            p = m.places[0]
            inside = p.uid != w.uid and g.contains(w, p)
            if len(m.places) == 1 and (inside or (p.uid == w.uid and ZONE_AFTER.match(clause[m.end :]))):
                return True
    return False


def time_conflict(asked: Scope, stated: TimeRef) -> bool:
    """The sentence itself states (explicitly or relative to its document's date) another year or part of the
    year than the question asks. A time it only inherits from its paragraph or document is left to the
    answerer's document-level checks: inheritance across sentences is too often wrong to refuse on."""
    if stated.how not in ("explicit", "relative"):
        return False
    return not agrees(asked.time, stated)
