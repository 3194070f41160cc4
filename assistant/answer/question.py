"""Question analysis: the kind of value a question asks for, its content terms, the measure it counts, the
parts of the year and the places it names (QuestionInfo)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from assistant.answer.values import BYLINE_ROLES, UNITS
from assistant.gazetteer import Place, gazetteer
from assistant.retrieve import QueryFilters, parse_filters
from assistant.scope import Scope, question_scope
from assistant.terms import _jieba, tokenize, word_counts
from assistant.timeref import EVENT_AFTER, MONTH_PART

# The word lists, with their provenance: assistant/data/question_words.toml
WORDS = tomllib.loads((Path(__file__).resolve().parent.parent / "data" / "question_words.toml").read_text("utf-8"))
FILLER_KEPT = frozenset(WORDS["filler_kept_in_text"])


# Chinese measure words that follow 几 in a count ("几家", "几场", "几轮"): a closed class of the grammar.
COUNTERS = "家个项人所次批名件趟回座条位种类场期轮台辆届起笔套章节款"
QUESTION_WORDS = re.compile(
    rf"是多少|多少|几[{COUNTERS}年号]?|(?:什么|啥)时(?:候|间)|何时|哪一?年|哪一?天|哪些|哪[几一二两三四五六七八九十]+[个家项类条种所位大]?(?:方面)?|哪[个位里儿类种份部项条篇]|是什么|什么|谁|如何|有何|何种|何处|为何|怎么样|怎样|是否|有没有|吗|呢|请问|请|告诉我|一下"
)


NUMBER_CUE = re.compile(
    rf"多少|几[{COUNTERS}]|几倍|多大|多高|多长|多久|面积|比重|比例|占比|强度|增长|金额|规模|总额|数量|数目|成交额|交易额|增加值|人数|家数"
)


# A phone number, hotline, web or mail address asked ("咨询电话是多少", "开通了什么热线", "如何电话举报", "联系方式").
CONTACT_CUE = re.compile(
    r"(?:电话|热线|号码|网址|邮箱|传真)(?:号码|地址)?(?:是|为)?(?:多少|什么|哪个|几)|(?:什么|哪个|哪些)[^,，;；。?？]{0,4}"
    r"(?:电话|热线|号码|网址|邮箱)|(?:如何|怎么|怎样)[^,，;；。?？]{0,4}(?:电话|致电|拨打)|联系方式"
)
# "时间" asks for a date only where it is the thing asked ("什么时间开始", "办理时间？", "具体时间是何时"), not in
# "第一时间部署", "长时间超负荷工作" or "等候时间长等问题采取什么办法".
DATE_CUE = re.compile(
    r"(?:什么|啥)时候|何时|哪[一几]?天|哪[一几]?年|哪[一几]?日|日期|几月|几号|几日|文号|索引号|发文字号"
    r"|(?:什么|啥|哪个|具体)时间|时间(?=(?:是|为)?(?:何时|什么时候|哪一?天)?\s*[?？]?\s*$)"
)


PERSON_CUE = re.compile(r"谁|[哪那这]位|负责人|局长|书记|主任|记者|通讯员|编辑|(?<!工)作者|姓名|姓什么")  # (not 工作者)


# The words of PERSON_CUE that ask who, not a role that may be counted ("几家企业负责人").
WHO_WORDS = frozenset({"谁", "哪位", "姓名", "姓什么"})


# "谁牵头" asks for a unit of the bureau (高新科, 战资科), not a person.
# An event's organisers (主办, 承办, 协办, 指导) are organisations, not people: "谁主办的" asks for one.
ORG_CUE = re.compile(
    r"牵头|(?:责任|负责|主管)(?:单位|部门)|哪[个家](?:科室|处室|部门|单位|机构)|谁(?:来)?(?:主办|承办|协办|指导|举办)"
    r"|(?:主办|承办|协办|指导)(?:单位|方)"
)


PLACE_CUE = re.compile(
    r"哪里|哪儿|在哪|什么地方|地点|选址|位于|哪[个座](?:城市|国家|省份|[省市县区](?![\u4e00-\u9fff])|[省市县区](?=[的是有在把将被会能于获]))"
    r"|哪[个座][\u4e00-\u9fff]{1,4}?(?:城市|国家|省份)"  # (哪个市场主体: 市场 is no 市)
)


# A query with no asking word that ends with a noun of quantity: a word formed with 量/额/率/数/值 (交付量, 营收额,
# 出生率, 人数, 产值) or a word for income or takings. Word formation, not a list of measures.
NOMINAL_FIGURE = re.compile(r"[\u4e00-\u9fff](?:[量额率数值]|营收|收入|票房)[?？]?$")


LIST_CUE = re.compile(
    r"哪些|哪几|有什么|包括|包含|分别|措施|举措|内容|目标是什么|任务是什么|重点是什么|几个方面|哪[两二三四五六七八九十]"
)


TARGET_CUE = re.compile(r"目标|计划|力争|要求|预期|任务|定了|定的|打算|规划[要里中]")


ACHIEVED_CUE = re.compile(
    r"实际|完成(?:了|情况|度|没|得)|进度|做到|超了[没吗]|实现了|达到了|结果|进展|做到了|成效|最终|最后|已经|了吗|了没有|是否已|获批了"
)


ACHIEVED_ONLY = re.compile(
    r"实际|最终|最后|已经|了吗|了没有|是否已|完成(?:了多少|得)|达到了多少|实现了|(?:获批|建成|新增|引进|认定|立项|落地)了"
)


# How long ("最长可以延期多久", "贴息期限是多长"): a duration, never a year such as 2020年
# (one or two digits before 年).
# List cues that are nouns, not asking words: a question about 措施 may still ask for one figure in them.
LIST_NOUN_ONLY = re.compile(r"措施|举措|内容|包括|包含")


def asks_a_figure(q: str) -> bool:
    return bool(DURATION_ASKED.search(q) or COUNT_ASKED.search(q))


DURATION_ASKED = re.compile(
    r"多久|多长时间|(?:期限|期|时长|时间)(?:是|为|有)?多长|多少(?:天|个月|年|周|小时|个工作日)|(?<!哪)几(?:天|个月|年|周)"
)
# A question that asks a change, a rate or a share: a percentage answers it.
RELATIVE_ASKED = re.compile(r"增|降|涨|跌|浮|提高|提升|下调|上调|减少|扩大|缩小|比|率|占|幅|百分|成|倍|速|折")
RECENT_YEARS = re.compile(r"[近这前]几年")
DURATION_UNITS = r"个月|周|天|个?小时|个?工作日|(?<=(?<!\d)\d)年|(?<=(?<!\d)\d\d)年|(?<=[一二两三四五六七八九十半])年"
MONEY_UNITS = r"亿元|万元|元|亿|万"
# What does not follow a word of size that asks a length of time instead ("多长时间", "多长期限", "多久").
NOT_OF_TIME = r"(?!时间|时|期|久)"


UNIT_ASKED = [
    (DURATION_ASKED, DURATION_UNITS),
    # Counting words are loose in speech ("几个平台" is counted in 家 in the text); measures are not.
    (re.compile(r"(?:多少|几)(?:家)"), r"家|个|所"),
    (re.compile(r"(?:多少|几)(?:项)"), r"项|个|条"),
    (re.compile(r"(?:多少|几)(?:个)"), r"个|项|家|所|座|条|批"),
    (
        re.compile(
            r"(?:多少|几)(?:人(?!才)|名|位)|人数"
            r"|(?:多少|几个)[\u4e00-\u9fff]{0,6}(?:人员|人才|专家|特派员|员工|学生)(?![\u4e00-\u9fff])"
        ),
        r"人|名|位",
    ),
    (re.compile(r"(?:多少|几)(?:次|场|期|趟|回)"), r"次|场|期|趟"),
    (re.compile(r"(?:多少|几)倍"), r"倍"),
    # "多大" asks an area only of a piece of land ("园区有多大"), not of a size in general ("产业规模有多大")
    (
        re.compile(r"面积|多大(?:的)?(?:地|场地|面积)$|(?:占地|用地|场地|地块|园区|基地|厂房)[^,，。]{0,6}多大"),
        r"平方米|平方公里|公顷|㎡|亩",
    ),
    # a length ("大桥有多长", "全长多少公里"), not a length of time ("多长时间": DURATION_ASKED, first)
    (re.compile(rf"多长{NOT_OF_TIME}|全长|长度|里程|多少(?:公里|千米|米)"), r"公里|千米|米|km"),
    # ("同比各增长多少": a rate of growth; "比上年增加了多少" may be an amount, so only 同比/环比)
    (
        re.compile(r"比重|比例|占比|百分之|强度|增长率|增速|开工率|率[是为达]|多少%|[同环]比[\u4e00-\u9fff]{0,3}增长"),
        r"%",
    ),
    (
        re.compile(
            r"金额|资金|收入|估值|经费|授信|债券|产值|增加值|税收|投资额|成交额|交易额|贷款|保证金|多少(?:钱|元|亿|万)"
        ),
        MONEY_UNITS,
    ),
]


BYLINE_ASKED = re.compile(rf"{BYLINE_ROLES}|谁写")


# (not a means used: "用什么办法解决", "采取什么方案", "通过什么办法", "有什么办法")
DOC_ASKED = re.compile(r"(?:哪[份个部]|(?<![用取过有])什么)(?:文件|方案|办法|通知)|哪份")


NAME_ASKED = re.compile(r"名字|姓名|叫什么|姓什么")


GENERIC = set(WORDS["generic"])


# Spoken filler of typed questions ("科技招商这块,局里…跑了多少趟"): never a fact the text must contain.
# Single words here; the phrases they build are patterns below, so that a new combination needs no new entry.
FILLER = frozenset(WORDS["filler"])


GENERIC |= FILLER


# Phrases of the same kinds: the document the user is reading ("那篇报道里", "这份材料中"), a verb with a directional
# complement ("批下来", "报上去"), a request ("请列出", "请核实"), 值 after 目标 ("目标值"), the modal 得.
SPOKEN_PHRASES = (
    r"[这那]?[篇份]?(?:报道|稿子|文章|文件|材料|通知)(?:里面?|中)|[这那][篇份](?:报道|稿子|文章|材料)?(?:里面?|中)?",
    r"[批报交送递提](?:下来|上去|上来)",
    r"请(?:列出|提供|核实|核对|说明|告知)",
    r"(?<=目标)值",
    # the modal 得 (must) before a verb of reaching ("设备原值得达到多少" would be cut 原/值得/达到, not 原值/达到)
    r"(?<![获取赢记觉显使懂])得(?=达到|超过|满足|不低于|不少于)",
)


# Filler removed from the question text before segmentation (removing "目标值" whole would leave "标值").
SPOKEN = re.compile(
    "|".join(
        [
            *SPOKEN_PHRASES,
            *sorted(
                (w for w in FILLER if len(w) >= 2 and w not in FILLER_KEPT),
                key=len,
                reverse=True,
            ),
        ]
    )
)


# The kind of thing asked for ("成立了什么组织", "哪份文件") is not a word the answer contains.
# (with the verb that asks for it: "采取了哪些措施", "出台了什么政策" ask for the measures, whatever the verb)
ANSWER_TYPE = re.compile(
    r"(?:(?:采取|提出|出台|推出|做出|作出|给出|制定|给予)了?)?(?:什么|哪[个份部项条篇类种些几]?)(?:组织|机构|文件|单位|部门|措施|举措|活动|荣誉|称号|奖项|政策|制度|方式|模式|"
    r"作风|名称|内容|会议|载体|样的?)"
)


@dataclass
class QuestionInfo:
    text: str
    kind: str  # number | date | person | name | title | place | contact | list | fact
    terms: list[str]
    filters: QueryFilters
    two_part: bool = False
    weights: dict[str, float] = field(default_factory=dict)
    unit: str = ""  # regex of the units a 多少 question asks for
    wants_achieved: bool = False  # asks what was actually done, not what was planned
    periods: tuple[str, ...] = ()  # a part of the year the question names ("一季度", "上半年", "3月")
    measure: str = ""  # the term a 多少 question counts ("总投资是多少" -> 总投资, "几个企校联合创新中心")
    scope: Scope | None = None  # the places (gazetteer) and the year / part of the year asked about
    place_terms: frozenset[str] = frozenset()  # terms that are the names of places asked about
    counter: str = ""  # the question's own counter when no known unit is asked ("投诉多少起": 起, "多少课时": 课时)
    focus: tuple[str, ...] = ()  # the terms next to the asking word: what is asked about ("谁主办": 主办)


def content_words(info: QuestionInfo) -> list[str]:
    """The question's words: its terms that no longer term contains (伊丽莎白, not its part 丽莎)."""
    return [t for t in info.terms if not any(t != u and t in u for u in info.terms)]


# "受理投诉多少起", "购置多少台": the question names its own counter. Only a figure written with that very character
# ("117起") is added as a value; no list of counters is needed, and a noun ("多少企业") meets no "54企" in a text.
COUNTER_ASKED = re.compile(r"(?:多少|几)([\u4e00-\u9fff])")
# A count word that ends its clause with a short word after it ("一共多少课时", "投诉多少起"): that word is the
# counter and also what is counted.
COUNTER_ENDS = re.compile(
    r"(?:多少|几)(?:个)?((?:(?!几|多少)[\u4e00-\u9fff]){1,3}?)(?:呢|啊|呀)?(?=[?？,，;；。!！]|$)"
)


# What makes a clause a question of its own: an asking word (not the polite "请问", not a trailing "吗/呢").
ASKS = re.compile(r"多少|几(?!乎)|什么|啥|哪|谁|何时|如何|怎么|怎样|多大|多久|多长|多高|是否|有没有")


def question_focus(question: str, terms: list[str]) -> tuple[str, ...]:
    """The terms right after the first asking word, within its clause, else right before it ("论坛是谁主办的" -> 主办,
    "学什么编程语言" -> 编程语言, "对学生有什么要求" -> 学生): the thing asked about, beside the subject."""
    m = ASKS.search(question)
    if not m:
        return ()
    clause = re.compile(r"[,，;；。?？!！]")
    before = clause.split(question[max(0, m.start() - 4) : m.start()])[-1]
    after = clause.split(question[m.end() : m.end() + 6])[0]
    # ("什么时间开始实行": 时间 names what is asked, not what it is about)
    terms = [t for t in terms if not DATE_CUE.fullmatch(t)]
    found = [t for t in terms if t in after]
    kind_named = WHICH_KIND.match(question, m.start())
    if kind_named and len(found) > 1:
        # "哪家企业承办的": 企业 is the kind of thing the answer names (吉林化纤集团公司), 承办 what is asked of it
        found = [t for t in found if not kind_named.group(1).startswith(t)] or found
    return tuple(found) or tuple(t for t in terms if t in before)


# "哪家企业", "哪个部门", "哪些单位": the asking word with a counter and the noun that names the kind of the answer.
WHICH_KIND = re.compile(r"哪[一几]?(?:个|家|位|些|所|座|部|支|项|种|类|条|款|批)?([\u4e00-\u9fff]{2})")


# "多少个特殊人才落户指标": the thing counted, named right after the counter (its first two characters; not a
# possessive "的", a verb of the question or a time word).
COUNTED = re.compile(rf"(?:多少|几)[{COUNTERS}]([\u4e00-\u9fff]{{2,}})")


def counted_noun(question: str) -> str:
    """The first two characters of the noun a 多少/几 + counter names as counted, "" when none follows (a verb,
    "多少家具有…的龙头企业"; a particle, "几家是…")."""
    m = COUNTED.search(counters_in_words_masked(question))
    if not m or ASKS.search(m.group(1)[:2]):
        return ""
    _, tag = pos_words(m.group(1))[0]
    return "" if re.match(r"[vpdcuryf]|m", tag) else m.group(1)[:2]


def asked_counter(question: str) -> str:
    """The question's own counter: the short word ending the clause after 多少/几, else the character after it."""
    question = counters_in_words_masked(question)
    m = COUNTER_ENDS.search(question) or COUNTER_ASKED.search(question)
    return m.group(1) if m and "□" not in m.group(1) else ""


# "是不是已经过300家了": a yes/no about a threshold asks for the figure.
THRESHOLD = re.compile(
    r"(?:是不是|是否|有没有|有无)?(?:已经)?(?:超过|突破|达到|过|超)了?\s*\d+(?:\.\d+)?\s*(?:万|亿)?\s*(?:家|个|项|人|名|元|亿元|万元|%)?(?:了吗|了没有|了没|没有|吗|了)?"
)


# "占比提了什么要求" names a measure but asks for a requirement in words ("达到全省平均水平").
NOT_A_FIGURE = re.compile(r"(?:什么|哪些|怎么|怎样)(?:要求|目标|规定|标准)|什么样|如何")


COUNT_ASKED = re.compile(rf"多少|(?<!哪)几[{COUNTERS}]|多大|多高|多长")  # ("哪几项" asks which, not how many)


# A measure that is a ratio by its word formation (利率, 增长率, 占比, 比重): its figure is a percentage.
RATE_WORD = re.compile(r"(?:率|比重|比例|占比)$")


def place_aware_tokens(text: str) -> list[str]:
    """The search tokens of text, with the places the gazetteer finds kept whole: jieba's search mode also gives
    平顶 and 山中 for 平顶山中试基地, fragments of a place name that would match sentences about something else."""
    toks = [t for t in tokenize(text) if len(t) >= 2 or t.isdigit()]
    spans = [(m.start, m.end, m.surface.lower()) for m in gazetteer().mentions(text, lenient=True)]
    if not spans:
        return toks
    low = text.lower()

    def a_fragment(tok: str) -> bool:
        at = [i for i in range(len(low)) if low.startswith(tok, i)]
        return bool(at) and all(any(i < b and a < i + len(tok) and tok != s for a, b, s in spans) for i in at)

    kept = [t for t in toks if not a_fragment(t)]
    return [*(s for _, _, s in spans if s not in kept), *kept]


# The words that ask how. A how-question is answered by whole sentences (extractive.trim): HOW_ASKED, not "结果如何？",
# which asks what the result is.
HOW_WORDS = r"如何|怎么|怎样"
HOW_ASKED = re.compile(rf"(?:{HOW_WORDS})(?!样)(?!\s*[?？。]?\s*$)")


def question_kind(q: str) -> str:
    """The kind of value the question asks for."""
    if DURATION_ASKED.search(RECENT_YEARS.sub("", q)):
        return "number"  # "提前几天向主管部门报备", "延期多长时间": a count of days, whatever office or time it names
    date = DATE_CUE.search(q)
    if date and not (date.group() == "时间" and re.search(HOW_WORDS, q[: date.start()])):
        return "date"  # (not "如何查询医学观察措施和结束时间": a time that is the object of a how)
    if CONTACT_CUE.search(q):
        return "contact"
    if ORG_CUE.search(q):
        return "fact"
    person = PERSON_CUE.search(q)
    if person and not (person.group() not in WHO_WORDS and COUNT_ASKED.search(q)):
        # (a role counted, "有几家企业负责人作了发言", asks a number)
        return "name" if NAME_ASKED.search(q) else "person"
    if NAME_ASKED.search(q) or DOC_ASKED.search(q):
        return "title"  # the name of a thing: "培育行动叫什么名字" -> “春晓行动”
    if LIST_CUE.search(q) and not (LIST_NOUN_ONLY.fullmatch(LIST_CUE.search(q).group()) and asks_a_figure(q)):
        return "list"  # ("措施里…延期多久": the measures are the subject; a duration is asked)
    if (NUMBER_CUE.search(q) and not (NOT_A_FIGURE.search(q) and not COUNT_ASKED.search(q))) or THRESHOLD.search(q):
        return "number"
    if PLACE_CUE.search(q):
        return "place"
    if NOMINAL_FIGURE.search(q) and not NOT_A_FIGURE.search(q):
        # "2022年特斯拉交付量": a query naming a quantity by its noun asks its figure ("如何调整…定额" asks how)
        return "number"
    return "fact"


@lru_cache(maxsize=4096)  # (analyse, counted_noun and asked_counter each ask it of the same question)
def counters_in_words_masked(question: str) -> str:
    """The question with a counter character after 多少/几 masked where it opens a dictionary word of three or more
    characters: "多少人民币贷款" counts no 人 (a word of two, "多少人次", keeps its counter; so does a word jieba
    only guessed, "多少名营员")."""
    words = pos_words(question)
    known = word_counts()
    return "".join(
        "□" + w[1:]
        if len(w) >= 3 and w[0] in COUNTERS and known.get(w) and i and words[i - 1][0] in ("多少", "几")
        else w
        for i, (w, _) in enumerate(words)
    )


def analyse(question: str, idf: Callable[[str], float] | None = None) -> QuestionInfo:
    """The kind of value a question asks for, its content terms and the metadata it names."""
    q = question.strip()
    kind = question_kind(q)
    filters = parse_filters(q)
    stripped = THRESHOLD.sub(
        " ", ANSWER_TYPE.sub(" ", SPOKEN.sub(" ", q))
    )  # "过300家了": the user's figure, not a term
    stripped = QUESTION_WORDS.sub(" ", re.sub(r"20\d{2}\s*年?", " ", stripped))
    stripped = re.sub(r"《[^》]{2,40}》", " ", stripped) if "这篇" in q or "报道" in q else stripped
    stripped = PERIOD.sub(" ", stripped)  # "三季度" is checked as a part of the year, not matched as a word
    # A day named in the question ("1月25日") is one term, not "1", "25", "日市".
    days = re.findall(r"\d{1,2}月\d{1,2}日", stripped)
    stripped = re.sub(r"\d{1,2}月\d{1,2}日", " ", stripped)
    # (a month PERIOD left, the month an event was held, is checked as a time, not matched as the word "7")
    stripped = re.sub(rf"(?<![\d.])\d{{1,2}}月(?:份|{MONTH_PART})?", " ", stripped)
    toks = dict.fromkeys([*days, *place_aware_tokens(stripped)])
    terms = [t for t in toks if t not in GENERIC and t not in filters.years and not re.fullmatch(r"20\d{2}", t)]
    # A place the question names is checked, not matched as a term (_eligible, scope.place_conflict).
    terms = [t for t in terms if t not in filters.places and t.rstrip("市区县") not in filters.places]
    two_part = bool(TARGET_CUE.search(q) and ACHIEVED_CUE.search(q))
    weights = {t: (idf(t) if idf else 1.0) * (1.0 + 0.15 * min(len(t), 6)) for t in terms}
    counted = counters_in_words_masked(q)  # ("多少人民币": no 人 counted)
    unit = next((u for pattern, u in UNIT_ASKED if pattern.search(counted)), "")
    noun = counted_noun(q)
    if unit and noun:
        unit += rf"|[{COUNTERS}](?={noun})"  # "多少个特殊人才落户指标": "100名特殊人才落户指标" counts the same thing
    if unit == MONEY_UNITS and re.search(rf"(?:多少|几)[{COUNTERS}]", counted):
        unit = ""  # "《…贷款管理办法》分几章几条": a count in its own counter, whatever the title's words
    measure = asked_measure(q, terms)
    if not measure and kind == "number" and NOMINAL_FIGURE.search(q):
        measure = nominal_measure(q, terms)  # "2022年特斯拉交付量": the noun that ends the query is counted
    if RATE_WORD.search(measure):
        unit = "%|‰|个百分点"  # "贷款利率下浮多少": a rate is asked, whatever the words around it count
    wants_achieved = bool(ACHIEVED_ONLY.search(q)) and not TARGET_CUE.search(q)
    scope = question_scope(q)
    names = {n for p in scope.places for n in (p.name, p.short)}
    place_terms = frozenset(t for t in terms if t in names or t.rstrip("市区县") in names)
    counter = asked_counter(q) if kind == "number" and not unit else ""
    return QuestionInfo(
        q,
        kind,
        terms,
        filters,
        two_part,
        weights,
        unit,
        wants_achieved,
        periods_in(q),
        measure,
        scope,
        place_terms,
        counter,
        question_focus(q, terms),
    )


def _unnamed_places_dropped(info: QuestionInfo, text: str) -> QuestionInfo:
    """info with the place terms text does not name at half weight: a sentence that inherits its place from its
    document (checked by scope.place_conflict) is scored mostly on the other terms."""
    missing = {t for t in info.place_terms if t not in text}
    if not missing:
        return info
    return replace(info, weights={t: w * (0.5 if t in missing else 1.0) for t, w in info.weights.items()})


COUNT_WORD = re.compile(
    rf"(?:是|有|为|共|一共|总共|了|占|要|能|约|大概|达到|达|到)*(?:多少|(?<!第)几)(?:[{COUNTERS}]|亿元|万元|元)?"
)


# Words around a count that say how it was counted, not what was counted.
NOT_A_MEASURE = frozenset(WORDS["not_a_measure"])


@lru_cache(maxsize=2048)
def pos_words(text: str) -> tuple[tuple[str, str], ...]:
    """(word, jieba part-of-speech flag) of text: n… nouns, v verbs, vn verbal nouns."""
    from jieba import posseg

    _jieba()  # the domain words first
    return tuple((w.word, w.flag) for w in posseg.cut(text))


QUANTITY_OF = re.compile(r"^(?:的)?(?:额度|数额|金额|数量|规模|总额|总量)的")


def tag_of(term: str, tags: dict[str, str], words: tuple[tuple[str, str], ...]) -> str:
    """jieba's part of speech of a search term: its own, else that of the word holding it ("出去" in the verb
    "投出去", "一个" in the numeral "一个月"); a noun when no word holds it."""
    return tags.get(term) or next((flag for w, flag in words if term in w), "n")


# A size asked of the thing named before it ("渭河特大桥有多长", "展区面积大概多大").
SIZE_WORD = re.compile(rf"(?:有|是|大概|大约|约)*多(?:长|高|宽|深|大){NOT_OF_TIME}")


# A modal and a one-character verb ("最高能贷多少", "可领多少"), which jieba may take for an unknown noun: an act, not
# the thing counted.
MODAL_VERB = re.compile(r"[能可][\u4e00-\u9fff]")


def asked_measure(question: str, terms: list[str]) -> str:
    """The term a count question is about: the noun right after the count word ("几个企校联合创新中心"),
    else the last term before it ("项目总投资是多少")."""
    counted = counters_in_words_masked(question)  # (of the same length: "多少人民币贷款" is "多少□民币贷款")
    m = COUNT_WORD.search(counted) or SIZE_WORD.search(counted)
    if not m or not terms:
        return ""
    counter = asked_counter(question)
    if len(counter) >= 2 and counter in terms and not re.search(UNITS, counter):
        return counter  # "一共多少课时": the counter is what is counted
    after, before = question[m.end() : m.end() + 12], question[: m.start()]
    words = pos_words(question)
    tags = dict(words)
    # What is counted is a noun or a distinguishing attribute ("入库比例提出的目标是多少": 比例, not the verb
    # 提出; "省级的有几个": 省级), never a unit ("每平方米").
    terms = [
        t
        for t in terms
        if t not in NOT_A_MEASURE
        and len(t) >= 2
        and not re.fullmatch(UNITS, t)
        and not t.startswith("每")
        and not MODAL_VERB.fullmatch(t)
        and re.fullmatch(r"[nxb].*|vn", tag_of(t, tags, words))
    ]
    # "预拨多少额度的医保基金": a noun of quantity before 的 says how it is counted; the thing counted follows
    after = QUANTITY_OF.sub("", re.split(r"[,;:。，；：？?！!]", after)[0])
    if not counted[m.end() :].startswith("□"):  # (not the 人 of 人民币)
        after = re.sub(rf"^(?:{UNITS})", "", after)  # "面积有多少平方米": a unit after the count word counts nothing
    after = first_noun_phrase(after)
    before = re.sub(r"每[\u4e00-\u9fff]{1,4}$", "", before)  # "租金每平方米多少钱": per square metre is the unit
    following = [(after.find(t) + len(t), len(t), t) for t in terms if t in after]
    if following:  # "几家省级产业技术研究院": the head noun ends the phrase
        return with_modifier(after, max(following)[2])
    placed = [(before.rfind(t) + len(t), len(t), t) for t in terms if t in before]
    measure = with_modifier(before, max(placed)[2]) if placed else ""
    # a numeral and its counter ("一个月大概多少钱": 一个) count nothing
    return "" if re.fullmatch(rf"[\d一二两三四五六七八九十百千万]+[{COUNTERS}]?", measure) else measure


def nominal_measure(question: str, terms: list[str]) -> str:
    """The term that ends a query naming a quantity by its noun ("我国人口出生率" -> 出生率, "宝马全球销量" -> 销量)."""
    q = re.sub(r"[?？\s]+$", "", question)
    ending = [(q.rfind(t) + len(t), len(t), t) for t in terms if t in q and len(t) >= 2 and t not in NOT_A_MEASURE]
    if not ending:
        return ""
    end, _, head = max(ending)
    return with_modifier(q[:end], head) if end >= len(q) - 1 else ""


NOUNISH = re.compile(r"n|vn|b|nz|j|ng|an|x")


def first_noun_phrase(text: str) -> str:
    """The words of text up to its first verb ("专家教授服务企业" -> 专家教授): what a count counts."""
    out = ""
    for word, flag in pos_words(text):
        if out and (not NOUNISH.fullmatch(flag) or flag == "vn"):
            break  # a verbal noun after a noun starts the predicate ("专家教授|服务企业")
        out += word
    return out


def with_modifier(phrase: str, head: str) -> str:
    """The head noun with the noun that modifies it ("科技型初创企业" -> 初创企业): 企业 alone would let a
    sentence about 高新技术企业 answer a question about 初创企业."""
    end = phrase.rfind(head) + len(head)
    words, pos = [], 0
    for word, flag in pos_words(phrase):
        words.append((pos, pos + len(word), word, flag))
        pos += len(word)
    last = [i for i, (a, b, _, _) in enumerate(words) if b == end]
    if not last or last[0] == 0:
        return head
    i = last[0]
    prev_start, _, prev_word, prev_flag = words[i - 1]
    if (
        not NOUNISH.fullmatch(prev_flag)
        or prev_word in NOT_A_MEASURE
        or len(prev_word) < 2
        or words[i][0] > end - len(head)
        or PERIOD.fullmatch(prev_word)  # ("半年报营收": a part of the year, checked as such, is no modifier)
    ):
        return head
    return phrase[prev_start:end]


# (a month that dates an event, "7月底召开的座谈会", is no part of the year a figure is counted over)
PERIOD = re.compile(
    rf"(?:第?[一二三四1-4]|前[二三两2-3])季度|[上下]半年|半年(?:度|报)|\d{{1,2}}月份?(?!\d{{1,2}}日|{EVENT_AFTER})"
)


def periods_in(text: str) -> tuple[str, ...]:
    """Parts of a year named in text, normalized ("第一季度" -> "一季度", "3月份" -> "3月")."""
    out = []
    for m in PERIOD.finditer(text):
        p = m.group().removeprefix("第").removesuffix("份")
        p = p.translate(str.maketrans("1234", "一二三四")) if "季度" in p else p
        p = "上半年" if p.startswith("半年") else p  # ("2023年半年报", "半年度": the first half)
        out.append(p)
    return tuple(dict.fromkeys(out))


REST_ASKED = re.compile(r"其余|其他的?[几那]|另外[几那两]|除了|还有哪|剩下")


STOCK_ASKED = re.compile(r"总数|总量|共有|现有|累计|一共有|总共有")


ITEMS_ASKED = re.compile(r"哪([两二三四五六七八九十])(?:个|家|所|项|类|条|位|种|方面)")


# What follows a place in a name the question quotes ("汉台汽车零部件产业合作"): four characters of Chinese.
NAME_TAIL = re.compile(r"[\u4e00-\u9fff]{4}")


def places_named_only_as_name(info: QuestionInfo, text: str) -> bool:
    """Every county-level place the question names by its short form alone opens a name that text repeats word for
    word, and text names neither that place in full nor anything above it: "汉台" in "2023年汉台汽车零部件产业合作交流
    座谈会" is 武汉 and 台湾 in a passage that never names 汉中 or 汉台区, not 汉中市汉台区. The gazetteer's reading is
    then unconfirmed by the passage the question quotes, and its place checks do not apply to that passage."""
    if not info.scope or not info.scope.places:
        return False
    openings = name_openings(info.text, info.scope.places)
    if not openings:
        return False
    g = gazetteer()
    for name, lineage in openings:
        if name not in text:
            return False
        rest = {q for n in g.mentions(text.replace(name, " ")) for q in n.places}
        if rest & lineage:
            return False  # the passage names the place elsewhere, or its city or province
    return True


@lru_cache(maxsize=256)
def name_openings(question: str, asked: tuple[Place, ...]) -> tuple[tuple[str, frozenset[Place]], ...]:
    """(the name as the question gives it, the place and the units above it) for each asked place the question names
    only by a county's short form opening a name ("汉台汽车零部" from "2023年汉台汽车零部件…"); () when an asked
    place is named otherwise: a province or city, a full name, or no name it opens. Read once per question."""
    g = gazetteer()
    out = []
    for m in g.mentions(question, lenient=True):
        places = [p for p in m.places if p in asked]
        if not places:
            continue
        tail = NAME_TAIL.match(question, m.end)
        if any(p.level < 3 for p in places) or m.surface != places[0].short or not tail:
            return ()
        out.append((m.surface + tail.group(), frozenset(q for p in places for q in g.lineage(p))))
    return tuple(out)


def placeless(info: QuestionInfo) -> QuestionInfo:
    """info asking about no place: the same time, terms and kind."""
    scope = Scope((), info.scope.time) if info.scope else None
    return replace(info, scope=scope, filters=replace(info.filters, places=()))
