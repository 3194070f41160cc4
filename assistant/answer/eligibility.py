"""Eligibility: whether a sentence may answer at all - the asked year and place, the part of the year, a
result when a result is asked (not a target), and the gazetteer's place/time scope."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from assistant.answer.question import (
    BYLINE_ASKED,
    DURATION_ASKED,
    DURATION_UNITS,
    ITEMS_ASKED,
    RELATIVE_ASKED,
    REST_ASKED,
    STOCK_ASKED,
    WORDS,
    QuestionInfo,
    pos_words,
)
from assistant.answer.scoring import (
    CN_DIGIT,
    Candidate,
    abbreviation_match,
    counted_in,
    enumerates,
    measure_head,
    measure_match,
    term_match,
    value_clause_cover,
    value_clauses,
)
from assistant.answer.values import (
    COUNTED_SET,
    FLOW,
    NAMED_ONE_AND_ETC,
    PROPER_NAME,
    SENTENCE,
    VALUE,
    VALUE_KINDS,
    countries_in,
    mask_quoted,
    max_items,
    ordinal_count,
    unit_value,
)
from assistant.gazetteer import gazetteer
from assistant.metadata import PLAN_DOCS, VENUE, is_furniture_line, place_name
from assistant.scope import (
    FIGURE_CLAUSE,
    WHOLE_UNIT,
    deepest_places,
    doc_place,
    part_of_whole,
    place_conflict,
    subject_places,
    time_conflict,
    time_of,
    whole_unit_place,
)
from assistant.tables import is_row, row_sides
from assistant.timeref import TimeRef, question_time, resolve
from assistant.types import Passage


def is_plan(sentence: str, meta: dict[str, object], question: str = "") -> bool:
    """A sentence that states a target or intention rather than a result (an intention the question asks about
    itself, "达成就业意向的有多少人", is its result)."""
    if meta.get("doc_type") in PLAN_DOCS:
        return True
    if meta.get("doc_type") == "进展报告" and re.match(r"^[一二三四五六七八九十]+、", sentence):
        return True  # a progress report's numbered headings restate the year's targets
    # (an intention: "达成意向成交金额735.2亿美元")
    intention = "" if "意向" in question else "|意向"
    return bool(re.search(rf"力争|目标|计划|确保|将|拟{intention}", sentence))


def whole_unit_named(sent: str, meta: dict[str, object], places: tuple[str, ...]) -> bool:
    """The sentence names the whole of an asked unit by its level alone ("全省…" in a 南昌 wire item, 江西 asked)."""
    if subject_places(sent):
        return False
    whole = whole_unit_place(sent, doc_place(meta))
    return whole is not None and place_name(whole) in places


# A sentence about the whole country ("全国…贷款余额为2.72万亿元") is about no province or city asked.
NATIONAL = re.compile(r"全国|我国|中国")


def eligible(
    info: QuestionInfo,
    sent: str,
    meta: dict[str, object],
    doc_ok: dict[str, bool],
    kind: str,
    plan: bool | None,
    previous: str = "",
    unplaced: bool = False,
    months: tuple[int, int] | None = None,
) -> bool:
    """Hard rules: the right year, the right place, a result when a result is asked. The place is right when the
    sentence names it (or names none and the sentence before it, `previous`, does: "上海…。政策实施后，预计…") or the
    document is about it; a sentence about another place is then refused by the gazetteer's check (in_scope). A
    passage whose document and text name no place at all (`unplaced`: "本市…" in a bulletin whose city nothing
    names) is unknown, not another place: its sentences are not filtered on the place, unless about the country."""
    years_in = set(re.findall(r"20\d{2}", sent))
    if info.filters.years and not doc_ok.get("year", True) and not years_in & set(info.filters.years):
        return False
    if info.filters.years and years_in and not years_in & set(info.filters.years) and re.search(r"20\d{2}年", sent):
        return False
    places = most_specific(info)
    focus = gazetteer().places.get(str(meta.get("focus_id", "")))
    if (
        places
        and not (unplaced and not NATIONAL.search(sent))
        and meta.get("region") not in places
        and not (focus and place_name(focus) in places)
        and not any(pl in sent for pl in places)
        and not (previous and not subject_places(sent) and any(pl in VENUE.sub("", previous) for pl in places))
        and not whole_unit_named(sent, meta, places)
    ):
        return False  # and the gazetteer's check of what the sentence is about: scope.place_conflict (candidates)
    if (
        info.periods
        and not any(p in sent or p in str(meta.get("title", "")) for p in info.periods)
        and not same_part_of_year(info, months)
        and not dated_in_month(info, sent, meta, kind)
    ):
        return False  # "一季度完成了多少": a full-year figure is not the answer (another stated period: scope)
    if kind == "number" and info.measure and level_conflict(info, sent):
        return False  # "国家级瞪羚企业几家" is not answered by "省级瞪羚企业2家"
    if is_row(sent):  # a table row may hold the target and the result, each under its own header
        target, result = row_sides(sent)
        return (plan is not True or target) and (result or (plan is not False and not info.wants_achieved))
    planned = is_plan(sent, meta, info.text)
    if plan is not None and planned != plan:
        return False
    if info.wants_achieved and (planned or FORECAST.search(sent)):
        return False  # "已经入驻了多少家" is not answered by "建成后预计吸引…150家"
    return True


def same_part_of_year(info: QuestionInfo, months: tuple[int, int] | None) -> bool:
    """The part of the year the sentence states itself (`months`, as the time resolver reads it) is the one asked,
    however each names it: "前6个月" is "1-6月" is "上半年". (Not one inherited from its paragraph: a sentence of
    the same paragraph may count a part of that period, "北京流向津冀技术合同成交额…".)"""
    asked = info.scope.time.months if info.scope else None
    return bool(months and asked and asked != (1, 12) and months == asked)


def dated_in_month(info: QuestionInfo, sent: str, meta: dict[str, object], kind: str) -> bool:
    """A month that only dates what is asked about ("2023年7月龚正市长会见的…叫什么"): a sentence that names no
    month or part of the year itself, in a document dated that month, tells of that month. (Not for a figure, which
    may count a part of the year the document reports later: "7月…出口额" in a bulletin of 7月 may be 1-6月's.)"""
    asked = info.scope.time.months if info.scope else None
    date = str(meta.get("date", ""))
    return bool(
        kind not in ("number", "date")
        and asked
        and asked[0] == asked[1]
        and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)
        and int(date[5:7]) == asked[0]
        and resolve(sent, date).months is None
        and not re.search(r"\d{1,2}\s*月", sent)  # (nor a day of a month: "7月24日")
    )


# A figure forecast, not yet reached ("预计全年…", "建成后…").
FORECAST = re.compile(r"预计|建成后|预期")


# What happened on the day a date question asks, when no asking word points at it: the word right before
# "(的)时间/日期" ("伊丽莎白二世去世时间", "乌镇峰会举办时间").
EVENT_BEFORE = re.compile(r"([\u4e00-\u9fff]{2})的?(?:具体)?(?:时间|日期)")


def asked_events(info: QuestionInfo) -> tuple[str, ...]:
    """The event words a date question names before its date cue (each one of its terms)."""
    near = [m.group(1) for m in EVENT_BEFORE.finditer(info.text)]
    return tuple(t for t in info.terms if len(t) >= 2 and any(t in w for w in near))


RATIO_VALUE = re.compile(r"(?:%|％|‰|个百分点|成)$")


def ratio_for_amount(info: QuestionInfo, sent: str) -> bool:
    """The question asks an amount (a sales volume, a revenue) and every figure of sent is a percentage."""
    if RELATIVE_ASKED.search(info.text) or info.unit:
        return False
    figures = [m.group() for m in VALUE.finditer(sent)]
    if counted_in(info, sent):
        return False  # a figure in the question's own counter ("多少户": 4262户) is an amount
    return bool(figures) and all(RATIO_VALUE.search(f) for f in figures)


def figure_starts(info: QuestionInfo, sent: str) -> list[int]:
    """Where the figures of the asked unit (any figure when none is asked) start in sent."""
    pattern = re.compile(unit_value(info.unit)) if info.unit else VALUE
    return [m.start() for m in pattern.finditer(sent)]


def figure_clauses(info: QuestionInfo, sent: str) -> list[str]:
    """The clause (between commas, semicolons and colons; 、 lists items) holding each figure of the asked unit in
    sent (any figure when none is asked), one per figure, left to right."""
    clauses = [(m.start(), m.end()) for m in FIGURE_CLAUSE.finditer(mask_quoted(sent))]
    return [next((sent[a:b] for a, b in clauses if a <= at < b), sent) for at in figure_starts(info, sent)]


def figures_of_part(info: QuestionInfo, sent: str) -> bool:
    """The question asks the whole of a unit ("上海全市一共…") and every figure of the asked unit in sent sits in a
    clause about a part of it ("浦东现有…约200家", "共完成全区498个…"): scope.part_of_whole."""
    if not info.scope or not info.scope.whole:
        return False
    clauses = figure_clauses(info, sent)
    return bool(clauses) and all(part_of_whole(info.scope, clause) for clause in clauses)


def value_place_conflict(info: QuestionInfo, sent: str) -> bool:
    """Every figure of the asked unit in sent sits in a clause that names places, and none only the asked one: it
    is another place's figure ("其中53家企业总部位于北京") or several places' together ("捐赠2500万元驰援北京、河北"
    does not say what 北京 got)."""
    if not info.scope or not info.scope.places:
        return False
    g = gazetteer()
    asked = deepest_places(info.scope.places)
    clauses = figure_clauses(info, sent)
    if not clauses:
        return False
    # (a county or district of another province is the gazetteer's weakest reading: "上海湾区东湖国际创新中心")
    provinces = {q.province for q in asked}
    for clause in clauses:
        named = [p for p in subject_places(clause) if p.level < 3 or p.province in provinces]
        # the figure's clause names no place (the sentence's own check decides), or only the asked one or a place
        # around it ("山东淄博第一批…737家")
        if not named or all(any(g.contains(q, p) or g.contains(p, q) for q in asked) for p in named):
            return False
    return True


# A year that dates the figure after it ("2020年的出生率为4.84‰"), not one it is compared with or counted from
# ("比2020年增长", "自2019年以来", "2019年起").
STATED_YEAR = re.compile(r"(?<![比较与从自至到和同])(20\d{2})年(?!以来|起|以前|之前|相比|同期|底前)")


def value_year_conflict(info: QuestionInfo, sent: str) -> bool:
    """Every figure of the asked unit in sent is dated by a year the question does not ask: the nearest year stated
    before each figure is another one."""
    if not info.filters.years or any(year_of_value(int(y), sent) for y in info.filters.years):
        return False  # ("由2015年8700多亿元提高到2022年1.7万亿元" states the asked 2022's figure)
    values = figure_starts(info, sent)
    if not values:
        return False
    for at in values:
        years = STATED_YEAR.findall(sent[:at])
        if not years or years[-1] in info.filters.years:
            return False
    return True


# A year a clause is compared with or counted from ("比2022年增长", "较上年", "自2019年以来"): not its own time.
BASE_TIME = re.compile(
    r"[比较与从自同]\s*(?:(?:19|20)\d{2}\s*年|上年|去年)(?:同期)?|(?:19|20)\d{2}\s*年(?:以来|起|以前|之前|相比)"
)
# A span of several years ("五年来", "近三年", "十年间"): no one year's figure.
YEARS_SPAN = re.compile(r"(?:[二两三四五六七八九十几多]|\d+)年(?:来|间|以来)|近(?:[二两三四五六七八九十几]|\d+)年")


def value_time_conflict(info: QuestionInfo, sent: str, doc_date: str) -> bool:
    """Every clause of sent that states a figure of the asked measure is dated by its own year or part of the
    year, or counts a span of years, and none by the asked one: "1至5月…进出口总额3432.5亿元" does not answer
    上半年, nor "到2030年…产值达到300亿元" 2025年, nor "五年来,涌现出…74人" what one year added, however the
    sentence opens ("今年上半年,…;1至5月…", "确保到2025年…,到2030年…")."""
    asked = info.scope.time if info.scope else None
    if asked is None or (asked.year is None and not asked.months) or not info.measure:
        return False
    if year_of_value(asked.year, sent):
        return False  # "留县率已从2023年的18.6%提升至2024年的21.4%" states both years' figures
    about = [cl for cl in value_clauses(info, sent) if term_match(info.measure, cl) > 0]
    span = YEARS_SPAN.search(sent) and not (asked.year and str(asked.year) in sent)
    for cl in about:
        ref = resolve(BASE_TIME.sub("", cl), doc_date)
        if ref.year is None and ref.months is None:
            if span:
                continue  # the sentence counts several years together
            return False  # a figure no time of its own dates: the sentence's time decides
        # (a clause naming a year but no part of it, "目前完成…229亿元", leaves the part of the year to the sentence)
        if not (time_conflict(info.scope, ref) if ref.months else ref.year not in (None, asked.year)) and not (
            month_counted(cl, ref, asked)
        ):
            return False
    return bool(about)


# A month a figure is counted over ("6月份…进口118.5亿元", "6月…新增"), not a point in it ("6月末余额", "6月5日").
MONTH_COUNTED = re.compile(r"(?<![\d至到~—-])\d{1,2}月份?(?![末底初中上下旬\d])")


def month_counted(clause: str, ref: TimeRef, asked: TimeRef) -> bool:
    """The clause counts its figure over one month inside the several the question asks about: a month's figure
    is no figure of the half-year or quarter (an event of that month is: timeref.agrees)."""
    return bool(
        ref.months
        and ref.months[0] == ref.months[1]
        and asked.months
        and asked.months[0] < asked.months[1]
        and MONTH_COUNTED.search(clause)
    )


def most_specific(info: QuestionInfo) -> tuple[str, ...]:
    """The places asked, without those the question names only as the parent of another ("上海松江新城": 松江; a
    sentence about all of 上海 does not answer for 松江)."""
    scope = info.scope.places if info.scope else ()
    parents = {n for p in scope if p not in deepest_places(scope) for n in (p.name, p.short)}
    return tuple(pl for pl in info.filters.places if pl not in parents) or info.filters.places


# A running total: what has accumulated so far, not what one year added.
TALLY = re.compile(r"累计|已|共有|总数|总量|至今|以来")


# A figure per head of a population or per unit of a whole ("每万人拥有", "人均", "每平方公里").
PER_HEAD = re.compile(r"每[百千万]?(?:人|户|家|平方公里|亩)|人均|户均")


def stock_flow_conflict(info: QuestionInfo, text: str) -> bool:
    """A total asked ("总数有多少家") and only an increment stated ("新增…16家"), or what one year added asked
    ("23年新获批几个") and only a running total of no year stated ("5个…产品已获批上市")."""
    total_asked = bool(STOCK_ASKED.search(info.text) and not FLOW.search(info.text))
    if not total_asked and not (FLOW.search(info.text) and info.filters.years):
        return False  # (checked first: this runs for every candidate sentence)
    # (a figure per head of a population counts nothing: "每万人拥有5G基站数43.9个")
    clauses = [cl for cl in value_clauses(info, text) if not (PER_HEAD.search(cl) and not PER_HEAD.search(info.text))]
    about = [cl for cl in clauses if info.measure and term_match(info.measure, cl) > 0] or clauses
    if total_asked:
        return all(FLOW.search(cl) for cl in about)
    return all(TALLY.search(cl) and not FLOW.search(cl) and not re.search(r"20\d\d", cl) for cl in about)


LEVEL = r"国家级|省级|市级|县级|区级"


def level_conflict(info: QuestionInfo, text: str) -> bool:
    """The question counts a thing at one level ("国家级瞪羚企业") and every mention of that thing in text is at
    another ("省级瞪羚企业2家"); a mention without a level is not a conflict."""
    m = re.match(rf"({LEVEL})(.{{2,}})", info.measure)
    if not m:
        return False
    level, head = m.groups()
    stated = [x.group(1) for x in re.finditer(rf"({LEVEL})?{re.escape(head)}", text)]
    return bool(stated) and all(s and s != level for s in stated)


def supported(info: QuestionInfo, c: Candidate, kind: str, min_support: float) -> bool:
    """Whether a scored candidate supports an answer of this kind: enough of the question matched, a value when
    a value is asked, the counted thing (a stock, not a flow), as many items as asked, the asked measure."""
    if c.cover < min_support:
        return False
    if kind in VALUE_KINDS and not c.has_value:
        return False
    if vetoed(info, c, kind):
        return False
    if kind == "list" and COUNTED_SET.search(info.text) and max_items(c.text) < 2 and not enumerates(c):
        return False  # "那26家企业都是哪些": a sentence that only counts them names none
    n_asked = ITEMS_ASKED.search(info.text)
    if (
        n_asked
        and kind == "list"
        and max(max_items(c.text), ordinal_count(c.text)) < CN_DIGIT[n_asked.group(1)]
        and not abbreviation_match(n_asked.group(0)[1:], c.text)
        and not enumerates(c)
    ):
        return False  # "分别是哪两个团队": a sentence that names none of them
    text = SINGLE_ITEMS.sub(r"\1", c.text) if kind == "number" else c.text  # "11个省、市" counts 省市
    if (
        kind == "number"
        and info.measure
        and not info.two_part
        and measure_match(info, text, c.context) < 0.5
        and not (DURATION_ASKED.search(info.text) and DURATION_STATED.search(c.text))
    ):
        return False  # "项目总投资是多少": a sentence about the project that never states its 总投资
        # (a length asked, "比赛持续几天", is measured by the sentence stating one: "大赛总决赛将持续三天")
    if kind == "number" and info.unit and value_clause_cover(info, text, c.subject) < 0.25:
        return False  # the asked-for figure sits in a clause about something else
    return True


# One-character items of a count ("来自11个省、市…"): one compound, "省市", as a question names it.
SINGLE_ITEMS = re.compile(r"(?<=[\d个])([\u4e00-\u9fff])、(?=[\u4e00-\u9fff])")


# A length of time stated as one ("持续三天", "为期4天", "历时两个月"), in the units a length is asked in.
DURATION_STATED = re.compile(
    rf"(?:持续|为期|历时|用时|耗时)\s*(?:\d+|[一二两三四五六七八九十半]+)(?:{DURATION_UNITS}|日)"
)


def vetoed(info: QuestionInfo, c: Candidate, kind: str) -> bool:
    """What rules a sentence out whatever scores it (the rules' support or the learned scorer's): for a figure,
    another kind of count or whole, place, year or thing (figure_vetoed); no country or holder named where one is
    asked; another edition; one of the things asked "besides" and "等" for the rest."""
    if kind == "number" and figure_vetoed(info, c):
        return True
    if COUNTRY_ASKED.search(info.text) and not countries_in(c.text) - countries_in(info.text):
        return True  # "哪些国家参加了…" is not answered by a sentence naming no country but those asked with
    if kind not in ("number", "date") and ROLE_ASKED.search(info.text) and not names_something_new(info.text, c.text):
        return True  # "2022年澳网男单冠军": "9届澳网男单冠军无缘2022年卫冕之路" names no champion
    if kind != "number" and named_by_another_figure(info.text, c.text):
        return True  # "男子500米速度滑冰金牌" is not answered by "…又增加了女子1500米金牌"
    if another_model(info.text, c.text):
        return True  # "AI-95汽油每吨价格" is not answered by "AI-92汽油当日价格…达到每吨64879卢布"
    if named_by_another_count(info.text, c.text):
        return True  # "4100余名援疆干部人才的平均年龄" is not answered by "…援疆干部人才共600多名,平均年龄43岁"
    if edition_conflict(info.text, c.text, c.context):
        return True  # "第一期…是什么主题" is not answered by "这一期…" under a title about the 第二期
    if earlier_version(info.text, c.text):
        return True  # "新修订的《条例》从哪天施行" is not answered by "现行《条例》自2005年12月1日施行"
    return bool(REST_ASKED.search(info.text) and NAMED_ONE_AND_ETC.search(c.text))  # "除了…还有哪两所": "等3所"


def figure_vetoed(info: QuestionInfo, c: Candidate) -> bool:
    """A figure sentence stating another kind of count (an increment for a total, a running total for a year's
    increment), a share of another whole, or a figure of another thing, period, place, body, year or group."""
    return bool(
        stock_flow_conflict(info, c.text)  # "总数有多少家" is not answered by "新增…16家"
        or share_conflict(info.text, c.text)  # "占GDP的比重" not by "占研发经费比重"
        or contrast_term(info, c.text, c.context)  # "同济大学…累计实现技术交易多少": not a sentence about 复旦大学
        or partial_period(info.text, c.text)  # "2月全月…共多少" is not answered by a running total "截至2月16日"
        or ratio_for_amount(info, c.text)  # "宝马全球销量" is not answered by "…销量已占全球销量的近34%"
        # "总部在上海的有几家" is not answered by "…分布在北京市、上海市…,其中53家企业总部位于北京"
        or value_place_conflict(info, c.text)
        # "昆明理工大学…获得了几项一等奖" is not answered by "云南工商学院…荣获全国一等奖4项"
        or other_organisation(info.text, c.text)
        or other_counted_thing(info.text, c.text)  # "几家是产业链企业" is not "联合了24家高能级科研院所"
        or value_year_conflict(info, c.text)  # "2021年出生率": not "…2021年统计年鉴…,2020年的出生率为…4.84‰"
        or union_counted(info, c.text)  # "多少名营员" is not answered by "营员及带队教师等70余人"
        or total_for_part(info, c.text)  # "青年基金项目获批经费" is not answered by "…总经费865万元"
        or measure_scattered(info, c.text)  # "营业利润" is not "实现营业收入…;…净利润9.66亿元"
    )


def measure_scattered(info: QuestionInfo, text: str) -> bool:
    """The compound measure asked, modifier + head ("营业利润": 营业, 利润), is nowhere in the text, while a word of
    the text opens with its modifier ("营业收入") and another ends with its head ("净利润"): each is another measure."""
    measure = info.measure
    if len(measure) < 4 or term_match(measure, text) >= 1.0:
        return False
    head = measure_head(info)
    modifier = next((t for t in info.terms if len(head) >= 2 and len(t) >= 2 and measure.endswith(t + head)), "")
    if not modifier or modifier not in text or head not in text:
        return False
    words = [w for w, _ in pos_words(text)]
    return any(w.startswith(modifier) and len(w) > len(modifier) for w in words) and any(
        w.endswith(head) and len(w) > len(head) and not w.startswith(modifier) for w in words
    )


# A figure of a physical measure that can name a thing ("500米速度滑冰", "7纳米芯片", "12英寸晶圆").
NAMING_FIGURE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(公里|千米|毫米|厘米|纳米|英寸|公斤|千克|米|吨|克|升|瓦)")


def named_by_another_figure(question: str, text: str) -> bool:
    """The question names its thing by a measure's figure ("男子500米速度滑冰") and text states figures of that unit,
    none of them the question's: it is about another thing of the kind ("女子1500米")."""
    return only_others_named(NAMING_FIGURE, question, text, lambda m: (m.group(2), float(m.group(1))))


def only_others_named(
    pattern: re.Pattern[str], question: str, text: str, read: Callable[[re.Match[str]], tuple[str, object]]
) -> bool:
    """Some (series, member) the question names by pattern (read from a match) has its series named in text by
    other members only: "500米" asked, "1500米" stated; "AI-95" asked, "AI-92" stated."""
    stated: dict[str, set[object]] = {}
    for m in pattern.finditer(text):
        series, member = read(m)
        stated.setdefault(series, set()).add(member)
    return any(
        series in stated and member not in stated[series]
        for series, member in (read(m) for m in pattern.finditer(question))
    )


# A model or line named by letters and a number ("AI-95汽油", "P29路", "C919"): the letters, the number.
MODEL_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,4})-?(\d{1,4})(?![\d.])")


def another_model(question: str, text: str) -> bool:
    """The question names a thing by a code ("AI-95汽油") and text names only others of its series ("AI-92汽油"):
    the same letters with another number, never the asked one."""
    return only_others_named(MODEL_CODE, question, text, lambda m: (m.group(1).upper(), m.group(2)))


# A group the question names by its head count ("第十一批4100余名援疆干部人才"): the count, its counter, the group.
COUNT_NAMED = re.compile(r"(?<![\d.])(\d+)\s*(?:余|多)?\s*([名人家个所])([\u4e00-\u9fff]{2,})")


def named_by_another_count(question: str, text: str) -> bool:
    """The question names a group by its head count ("4100余名援疆干部人才的平均年龄") and text counts that group
    ("…援疆干部人才共600多名" or "600多名援疆干部人才") in the same counter with other figures only: it is about
    another group of the kind (another body's 援疆干部人才)."""
    for m in COUNT_NAMED.finditer(question):
        count, counter, group = m.group(1), m.group(2), m.group(3)
        named = next((group[:n] for n in range(len(group), 2, -1) if group[:n] in text), "")
        if not named:
            continue
        g = re.escape(named)
        figure = rf"(\d+)\s*(?:余|多)?\s*{counter}"
        stated = re.findall(rf"{figure}{g}|{g}(?:共|总计|合计|达|为|约|有)?{figure}", text)
        counts = {n for pair in stated for n in pair if n}
        if counts and count not in counts:
            return True
    return False


# A question about the holder of a role (question_words.toml: entity_roles): "2021赛季中超冠军", "…的主演？".
ROLE_ASKED = re.compile(rf"(?:{'|'.join(WORDS['entity_roles'])})(?:是谁|是哪|有哪|都有谁|[?？]?$)")
# What names a holder: a proper noun (jieba: person, place, organisation, other), a title, a quoted or bracketed name.
PROPER_FLAGS = ("nr", "ns", "nt", "nz", "eng")
BRACKETED = re.compile(r"[（(]([^）)]{2,8})[）)]")


def names_something_new(question: str, text: str) -> bool:
    """text names a thing the question does not: a proper noun (jieba), a title, a quoted name or an organisation
    (values.PROPER_NAME), a bracketed name."""
    words = [w for w, flag in pos_words(text) if flag.startswith(PROPER_FLAGS) and len(w) >= 2]
    words += [m.group().strip("“”《》") for m in PROPER_NAME.finditer(text)] + BRACKETED.findall(text)
    return any(w not in question for w in words)


# A question asking which country or countries ("哪些国家", "哪个国家主办").
COUNTRY_ASKED = re.compile(r"哪(?:个|些|几个|[一二两三四五六七八九十]+个)?国家")


# The edition of a recurring thing ("第二期", "第十一批", "第5届", "第三轮") or the class of a graded one ("第三类").
EDITION = re.compile(r"第([一二三四五六七八九十百零〇两\d]+)(期|届|批|轮|季|类)")


def edition_conflict(question: str, text: str, context: str = "") -> bool:
    """The question asks about one edition ("第一期") and the sentence, or its title and the sentence before, names
    another of the same kind ("第二期") and not the asked one."""
    stated = set(EDITION.findall(f"{text} {context}"))
    for n, kind in set(EDITION.findall(question)):
        if (n, kind) not in stated and any(k == kind for _, k in stated):
            return True
    return False


# A rule or plan as revised ("新修订的《…条例》", "修订后的"), and one as it stood before ("现行《…》", "原《…》",
# "修订前"): two versions of one text.
REVISED = re.compile(r"新修订|新修改|修订后|修改后|新版")
EARLIER = re.compile(r"现行|原(?=《)|旧版|修订前|修改前")


def earlier_version(question: str, text: str) -> bool:
    """The question asks about a revised version and the sentence speaks only of the version in force before it."""
    return bool(REVISED.search(question) and EARLIER.search(text) and not REVISED.search(text))


# A share names what it is a share of: "占GDP的比重", "占全省总量的比例", "占比".
SHARE = re.compile(r"占([^,，;；。?？占]{1,14}?)的?(?:比重|比例|份额|百分比)")


def share_conflict(question: str, text: str) -> bool:
    """The question asks a share of one whole ("占GDP的比重") and text states shares only of others
    ("占研发经费比重"); a text stating no share with a named whole is no conflict."""
    asked = SHARE.search(question)
    if not asked:
        return False
    whole = asked.group(1)
    stated = [m.group(1) for m in SHARE.finditer(text)]
    return bool(stated) and not any(term_match(whole, s) >= 1.0 or term_match(s, whole) >= 1.0 for s in stated)


def focus_elsewhere(info: QuestionInfo, kind: str, c: Candidate, passages: list[Passage]) -> bool:
    """A when-question's asked event ("什么时候起施行": 施行; "去世时间": 去世) that the passages name, but not in this
    sentence: the date here is of another event (the rules' publication). A document that never names it leaves the
    sentence be (they may say it in other words: 选出 ~ 选举产生)."""
    asked = (info.focus or asked_events(info)) if kind == "date" else ()
    if not asked or c.signature:
        return False  # (a document's signature dates its issue, whatever it says of other events)
    doc = passages[c.passage_index].chunk.doc_id  # (another document naming the event says nothing of this one)
    named = [t for t in asked if any(t in p.text for p in passages if p.chunk.doc_id == doc)]
    return bool(named) and not any(t in c.text for t in named)


def previous_sentence(text: str, start: int) -> str:
    """The sentence right before start in the same paragraph ("" at a paragraph's start)."""
    head = text[max(0, start - 300) : start]
    if not head.strip() or head.rstrip(" \t").endswith("\n"):
        return ""
    sents = [x.group().strip() for x in SENTENCE.finditer(head.split("\n")[-1])]
    return sents[-1] if sents else ""


def in_scope(info: QuestionInfo, sent: str, text: str, start: int, meta: dict[str, object]) -> bool:
    """The gazetteer's and the time resolver's check: the sentence (at start in text) is not about another place,
    year or part of the year than the question asks, and is not a dateline or byline on its own."""
    # (a table row's parts of the year are per column, "全年目标" next to "上半年完成": its headers say them)
    prev = VENUE.sub("", previous_sentence(text, start))  # (where an event was held is not what it is about)
    # a sentence naming no place is about the place the sentence before it names ("上海…。政策实施后，预计…")
    # (one naming the whole of its unit, "全市…", is about that: scope.WHOLE_UNIT)
    about = prev if prev and not subject_places(sent) and subject_places(prev) and not WHOLE_UNIT.search(sent) else sent
    if info.scope and (
        place_conflict(info.scope, about, meta)
        or (
            not is_row(sent)
            and time_conflict(info.scope, time_of(text, start, meta))
            and not year_of_value(info.scope.time.year, sent)
        )
        or (info.kind == "number" and not is_row(sent) and value_time_conflict(info, sent, str(meta.get("date", ""))))
        or (info.kind == "number" and figures_of_part(info, sent))
    ):
        return False
    return not (is_furniture_line(sent) and not BYLINE_ASKED.search(info.text))


# "2022年的22.33%", "2022年底的66.17万人": a figure that belongs to the year right before it ("Y of year X");
# so does one right after the year a change runs from or to ("由2015年8700多亿元提高到2022年1.7万亿元"; not a month
# of it: "截至2022年6月"). Only these forms bind: a figure after a verb ("比2022年增长5%") may be measured against
# that year.
YEAR_OF_VALUE = (
    r"{year}年(?:底|末|全年|年底|年末)?的\s*(?:\d|[一二两三四五六七八九十])"
    r"|(?:由|从|到|至){year}年(?:底|末)?(?!\d{{1,2}}\s*(?:月|[-—~至到]))\s*\d"
)


def year_of_value(year: int | None, sent: str) -> bool:
    """Whether sent states a figure of the asked year in the "X年的Y" (or "由/到X年Y") form, however many other years
    it names ("留镇率已从2021年的21.42%提升至2022年的22.33%" states a 2021 and a 2022 figure)."""
    return year is not None and bool(re.search(YEAR_OF_VALUE.format(year=year), sent))


def contrast_term(info: QuestionInfo, text: str, context: str = "") -> str:
    """A word of text that names another thing of the kind a question term names: the same head, another modifier
    (同济大学 asked, 复旦大学 in the sentence; 青年基金 vs 面上基金), when the asked term itself is in neither the
    sentence nor its context. "" when there is none."""
    from assistant.terms import tokenize

    missing = [t for t in info.terms if len(t) >= 3 and t not in info.place_terms and t not in text + context]
    words = set(tokenize(text)) if missing else set()
    for t in missing:
        for w in words:
            if len(w) == len(t) and w[-2:] == t[-2:] and w[:-2] != t[:-2] and w not in info.text:
                return w
    return sibling_modifier(info, text) or class_unstated(info, text + context)


def class_unstated(info: QuestionInfo, text: str) -> str:
    """A word that classifies the thing asked (jieba's distinguishing words, "b": 混合型, 大型) standing before a noun
    of the question that the sentence names without it: "混合型科创票据的余额" asked, "科创票据的余额达2264亿元"
    stated is the whole class's figure. "" when there is none."""
    words = pos_words(info.text)
    for (w, flag), (h, hflag) in zip(words, words[1:], strict=False):
        if flag == "b" and hflag.startswith("n") and len(h) >= 2 and w not in text and h in text:
            return w
    return ""


# jieba flags of a word that can name a kind of thing before a head noun: nouns, other proper nouns, verbal nouns.
NOUNISH = frozenset({"n", "nz", "vn"})


def sibling_modifier(info: QuestionInfo, text: str) -> str:
    """A noun standing, in a clause that states a figure of the asked unit, before a head noun the question has
    another noun before, in a sentence that never names the asked pair: "外贸出口总额…增长多少" asked, "…,外贸进口
    总额同比增长17.9%" stated; "对游戏企业上市给多少奖励" asked, "对…链主企业给予最高500万元" stated. A sentence
    that also names the asked thing ("科技企业孵化器、众创空间2家,新增科创企业120家") is no conflict. Words as jieba
    cuts the clause ("新型冠状病毒肺炎" holds no word "病毒" before "肺炎" to stand for "新冠"); only nouns stand for
    nouns ("促进文创" is no modifier). "" when there is none."""
    asked = [t for t in info.terms if len(t) == 2 and t not in info.place_terms and pos_words(t)[0][1] in NOUNISH]
    # (the pair named with 的 between is named: "科创票据的余额" names 票据余额)
    pairs = [
        (t, h)
        for t in asked
        for h in info.terms
        if len(h) >= 2 and t + h in info.text and t + h not in text and f"{t}的{h}" not in text
    ]
    for clause in value_clauses(info, text) if pairs else []:
        words = pos_words(clause)
        for (w, wflag), (h, hflag) in zip(words, words[1:], strict=False):
            if (
                hflag.startswith("n")
                and len(w) == 2
                and wflag in NOUNISH
                and w not in info.text
                and any(h == head and t not in clause for t, head in pairs)
            ):
                return w
    return verb_sibling(info, text)


def verb_sibling(info: QuestionInfo, text: str) -> str:
    """A compound head shared by the question and a sentence (two words: "研究" + "经费支出") standing after a verb in
    the question and a noun in the sentence, each missing from the other ("应用研究经费支出" asked, "基础研究
    经费支出为1951亿元" stated), in a sentence holding a figure of the asked unit. A verb before a one-word head is no
    kind ("新增企业", "培育企业")."""
    if not value_clauses(info, text):
        return ""
    # (the whole sentence, not the figure's clause: a growth rate's names no head, "…经费支出为1951亿元,比上年增长7.4%")
    qw = pos_words(info.text)
    asked = {
        (q1, q2)
        for (t, tflag), (q1, _), (q2, _) in zip(qw, qw[1:], qw[2:], strict=False)
        if tflag == "v" and len(t) == 2 and t not in text
    }
    words = pos_words(text)
    for (w, wflag), (h1, h1flag), (h2, h2flag) in zip(words, words[1:], words[2:], strict=False):
        if wflag == "n" and len(w) == 2 and w not in info.text and h1flag in NOUNISH and h2flag.startswith("n"):
            if (h1, h2) in asked:
                return w
    return ""


# A question about a whole month or year ("2月全月", "全年") and a sentence counting only up to a day inside it.
WHOLE_PERIOD = re.compile(r"全月|整月|全年|整年")
PART_OF_YEAR = re.compile(r"第?[一二三四1-4]季度|[QH][1-4]|[上下]半年|前三季度|前\d{1,2}个月|1[-—至~]\d{1,2}月")
UP_TO_DAY = re.compile(r"截至(?:(?:19|20)\d{2}年)?(\d{1,2})月(\d{1,2})日")


def partial_period(question: str, text: str) -> bool:
    """The question asks the total of a whole month or year and the sentence states a running total up to a day
    before its end ("截至2月16日共运送…" for "2月全月…共多少") or, for a year, only a part of it (a quarter, a half)."""
    whole = WHOLE_PERIOD.search(question)
    if (
        whole
        and "年" in whole.group()
        and PART_OF_YEAR.search(text)
        and not WHOLE_PERIOD.search(text)
        and not part_asked_besides(question, whole)
    ):
        return True  # "全年营收" is not answered by "第四季度营收为140亿美元"
    m = UP_TO_DAY.search(text) if whole else None
    if not m:
        return False
    month, day = int(m.group(1)), int(m.group(2))
    return (month, day) != (12, 31) if "年" in whole.group() else day < 28


def part_asked_besides(question: str, whole: re.Match[str]) -> bool:
    """The question asks a part of the year too, besides the whole one ("全年的预期是多少？1到7月份已经出口了多少"):
    a figure of that part answers that part."""
    months = question_time(question[: whole.start()] + " " + question[whole.end() :]).months
    return bool(months and months != (1, 12))


# A count word of a question with a counter that a noun can follow ("几家是产业链企业", "多少名营员"): not 人 or 次,
# which count people and times themselves ("11人全部遇难", "举办3次").
COUNT_WORD = re.compile(r"(?:多少|几)([家个项所名件座条位例台辆])")
# A count asked by its noun alone ("澳大利亚运动员数量", "死亡人数").
COUNT_NOUN = re.compile(r"[\u4e00-\u9fff](?:数量|人数|个数|总数)")
# The words that can make up a counted noun phrase after a figure's counter (jieba flags): nouns, verbal nouns,
# idioms, adjectives and distinguishing words ("高能级科研院所", "密切接触者").
NOUN_RUN = frozenset({"vn", "l", "k", "a", "b"})
COUNTED_KIND = frozenset(WORDS["counted_kind"])


def labels_next(text: str, at: int, noun: str) -> bool:
    """The noun after a figure is the label of the figure right after it ("立项34项资金805万元")."""
    return bool(noun) and bool(re.match(r"\s*\d", text[at + len(noun) :]))


def noun_run(text: str) -> str:
    """The noun phrase text opens with ("" when it opens with a verb, a figure or punctuation)."""
    out = ""
    for w, flag in pos_words(text[:12]):
        if not (flag.startswith("n") or flag in NOUN_RUN):
            break
        out += w
    return out


# Words joining two things counted together ("营员及带队教师等70余人", "中国科学院、内蒙古农大等院校的人才40余名"; not
# 与, as often "with": "大冶与武汉理工大学等3所高校签订…").
JOINERS = frozenset({"及", "以及", "和", "、", "及其"})
# A question asking a whole ("总共", "一共", "合计"), not one kind of it.
TOTAL_ASKED = re.compile(r"总|一共|共计|合计|全部|全年")
# How far before its measure a question names the kind of it asked ("青年基金项目获批经费").
KIND_REACH = 10


def total_for_part(info: QuestionInfo, text: str) -> bool:
    """The question asks one kind of a measure ("青年基金项目获批经费") and text states only the total of it
    ("…资助项目67项,总经费865万元") without naming that kind: the total of all kinds is not the kind's figure."""
    measure = info.measure
    if not measure or TOTAL_ASKED.search(info.text) or not re.search(rf"总{re.escape(measure)}", text):
        return False
    at = info.text.find(measure)
    before = info.text[max(0, at - KIND_REACH) : at] if at > 0 else ""
    return any(t in before and t not in text and not re.search(r"\d", t) for t in info.terms if t != measure)


# How far a joined pair may stand before the figure that counts it.
UNION_REACH = 40


def union_counted(info: QuestionInfo, text: str) -> str:
    """The asked thing is counted only together with others the question does not name: before every figure of the
    asked unit (within UNION_REACH characters, in its clause, no other figure between), a word of the question is
    joined (及, 和, 、…) to one it lacks in a list closed by 等 ("多少名营员" asked, "营员及带队教师等70余人" stated).
    Figures given one by one ("分别") and a pair the question joins too ("减税降费及退税缓费") are no conflict. The
    unasked word; "" when there is none."""
    masked = mask_quoted(text)
    pattern = re.compile(unit_value(info.unit)) if info.unit else VALUE
    figures = [m.start() for m in pattern.finditer(masked)]
    if not figures or "分别" in masked:
        return ""
    words, at = [], 0
    for w, flag in pos_words(masked):
        words.append((w, flag, at))
        at += len(w)
    unions: list[tuple[int, str]] = []  # (where, the word the question lacks)
    for i, (w, _, pos) in enumerate(words):
        if w not in JOINERS or i == 0:
            continue
        left = words[i - 1][0]
        right = next((x for x, f, _ in words[i + 1 : i + 4] if len(x) >= 2 and not f.startswith(("u", "p", "r"))), "")
        if len(left) < 2 or not right or f"{left}{w}" in info.text or f"{w}{right}" in info.text:
            continue  # (the question joins them too)
        if (left in info.text) != (right in info.text):
            unions.append((pos, right if left in info.text else left))
    found = ""
    for f in figures:
        before = [
            (pos, w)
            for pos, w in unions
            if f - UNION_REACH <= pos < f
            and not any(pos < g < f for g in figures)
            and "等" in masked[pos:f]
            and not re.search(r"[,，;；:：。]", masked[pos:f])
        ]
        if not before:
            return ""
        found = before[-1][1]
    return found


def other_counted_thing(question: str, text: str) -> str:
    """The thing every figure of the asked counter in text counts, when it is named right after the counter and
    shares at most one character with the question: "累计确诊病例多少例" is not answered by "3592例密切接触者…",
    "有几家是产业链企业" not by "24家高能级科研院所" ("8个出口" does answer "几个出入口"). A figure with nothing named
    after it ("企业46家"), a noun labelling the next figure and a kind ("多少家单位", "4个方面") are no conflict.
    "" when there is none."""
    m = COUNT_WORD.search(question)
    if m and any(noun_run(question[m.end() :].lstrip("是")).endswith(k) for k in COUNTED_KIND):
        return ""  # ("多少家单位", "多少所医疗机构": any organisation counted answers it)
    if m:
        counter = m.group(1)
    elif COUNT_NOUN.search(question):  # "运动员数量": a count asked with no counter, in any counter
        counter = "[家个项所名件座条位例台辆人支]"
    else:
        return ""
    things = []
    for f in re.finditer(rf"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)\s*(?:余|多)?{counter}", text):
        thing = noun_run(text[f.end() :])
        if len(thing) < 2 or any(thing.endswith(k) for k in COUNTED_KIND):
            return ""
        if not labels_next(text, f.end(), thing):
            things.append(thing)
    if not things or any(len(set(t) & set(question)) >= 2 for t in things):
        return ""
    return things[0]


# An organisation named after its place ("昆明理工大学", "临沂大学", "云南工商学院", "沈阳化工集团"): the place, up to
# four more characters (no function word: "黄冈市的定点医院" names none) and a suffix of its family (schools, firms,
# institutes, hospitals, banks).
ORG_FAMILIES = (("大学", "学院", "中学", "小学", "职院"), ("公司", "集团"), ("研究院", "研究所"), ("医院",), ("银行",))
ORG_SUFFIX = re.compile(
    r"^((?:(?![的之已将在有和与及或对把被为是等])[\u4e00-\u9fff]){0,4}?)("
    + "|".join(s for f in ORG_FAMILIES for s in f)
    + ")"
)


@lru_cache(maxsize=4096)
def organisations(text: str) -> tuple[tuple[str, str, int], ...]:
    """(name, the part between its place and its suffix, family) of each organisation text names after a place.
    Cached: the question's are read again for every candidate sentence the veto looks at."""
    out = []
    for m in gazetteer().mentions(text):
        tail = ORG_SUFFIX.match(text[m.end : m.end + 8])
        if tail:
            family = next(i for i, f in enumerate(ORG_FAMILIES) if tail.group(2) in f)
            out.append((text[m.start : m.end + tail.end()], tail.group(1), family))
    return tuple(out)


def other_organisation(question: str, text: str) -> str:
    """An organisation of the kind the question names (a school for a school), named before the sentence's first
    figure, where the sentence never names the asked one: its figure is that organisation's. One sharing the asked
    name's own part ("无锡市辅仁高级中学" for "无锡市辅仁中学") is the same. "" when none."""
    asked = organisations(question)
    if not asked or any(name in text for name, _, _ in asked):
        return ""
    first = VALUE.search(text)
    head = text[: first.start()] if first else text
    for name, _, family in organisations(head):
        if any(f == family and not (own and own in name) for _, own, f in asked):
            return name
    return ""
