"""Time: the document's date from every common form, and each sentence's year and part of the year.

A bulletin says "今年上半年…", "去年", "一季度", "1至9月", "截至目前", "近日", "下一步"; these are resolved against
the document date into an explicit year and month range for each sentence. A sentence that names no time of its
own inherits the last one named earlier in its paragraph ("今年上半年，…。其中，…"); nothing is guessed when the
document has no date: the fields stay empty and nobody filters on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CN_NUM = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}

# Dates a news item or notice carries in its head: "2023-07-28 17:29:55，正文：", "[ 2023-07-28 16：40 ] ，正文：",
# "23-07-29 05:23，正文：", "日期：2021-03-04", "发布时间：2023年7月28日".
DATELINE = re.compile(
    r"^[^\n]{0,60}?(?<!\d)((?:19|20)?\d{2})[-/](\d{1,2})[-/](\d{1,2})(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*\]?\s*[，,]?\s*正文[:：]"
)
# the same dateline once cleaning has put it on a line of its own
FIRST_LINE_DATE = re.compile(
    r"^\s*\[?\s*((?:19|20)?\d{2})(?:[-/](\d{1,2})[-/](\d{1,2})|(?<=\d)年(\d{1,2})月(\d{1,2})日)"
    r"(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*\]?\s*$",
    re.M,
)
HEAD_DATE = re.compile(
    r"(?:发布日期|发布时间|发文日期|成文日期|日期|时间)[:：]\s*((?:19|20)\d{2}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2})"
)
FULL_DATE = re.compile(r"((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
SIGNATURE = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日\s*$")


def _date(y: int, m: int, d: int) -> str:
    if y < 100:
        y += 2000
    return f"{y:04d}-{m:02d}-{d:02d}" if 1 <= m <= 12 and 1 <= d <= 31 and 1990 <= y <= 2100 else ""


def document_date(text: str) -> str:
    """YYYY-MM-DD from the head fields, a dateline, or the signature date at the end; '' when none parses."""
    head = text[:400]
    m = DATELINE.search(head) or FIRST_LINE_DATE.search(head)  # (the dateline's line may follow a 来源 line)
    if m:
        month, day = (m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5))
        got = _date(int(m.group(1)), int(month), int(day))
        if got:
            return got
    m = HEAD_DATE.search(text[:1500])
    if m:
        d = FULL_DATE.search(m.group(1))
        got = _date(int(d.group(1)), int(d.group(2)), int(d.group(3))) if d else ""
        if got:
            return got
    tail = text.strip()[-120:]
    m = SIGNATURE.search(tail)
    if m:
        return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return ""


@dataclass(frozen=True)
class TimeRef:
    """A year and a month range (1-12 when the whole year or unknown part); `how`: explicit | relative |
    inherited | document; `plan`: the sentence looks ahead (下一步, 计划, 到2025年)."""

    year: int | None = None
    months: tuple[int, int] | None = None
    how: str = ""
    plan: bool = False

    @property
    def period(self) -> str:
        return period_label(self.months)

    def to_dict(self) -> dict[str, object]:
        return {
            "year": self.year,
            "months": list(self.months) if self.months else None,
            "how": self.how,
            "plan": self.plan,
        }


def period_label(months: tuple[int, int] | None) -> str:
    if not months:
        return ""
    names = {
        (1, 6): "上半年",
        (7, 12): "下半年",
        (1, 3): "一季度",
        (4, 6): "二季度",
        (7, 9): "三季度",
        (10, 12): "四季度",
        (1, 9): "前三季度",
        (1, 12): "全年",
    }
    return names.get(months) or (f"{months[0]}月" if months[0] == months[1] else f"{months[0]}-{months[1]}月")


def _num(s: str) -> int:
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + CN_NUM[s[1]]
    if s.endswith("十"):
        return CN_NUM[s[0]] * 10
    if "十" in s:
        a, b = s.split("十")
        return CN_NUM[a] * 10 + CN_NUM[b]
    return CN_NUM.get(s, 0)


MONTH = r"(\d{1,2}|十[一二]?|[一二三四五六七八九])"
QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
PERIODS: list[tuple[re.Pattern[str], object]] = [
    (re.compile(r"前([三二两3 2])季度"), lambda m: (1, 3 * (3 if m.group(1) in "三3" else 2))),
    (re.compile(r"第?([一二三四1-4])季度"), lambda m: (3 * QUARTER[m.group(1)] - 2, 3 * QUARTER[m.group(1)])),
    (re.compile(r"上半年|(?<![上下])半年(?:度|报)"), lambda m: (1, 6)),  # ("2023年半年度报告": its first half)
    (re.compile(r"下半年"), lambda m: (7, 12)),
    (re.compile(rf"{MONTH}\s*(?:月份?)?\s*[-—~至到]\s*{MONTH}\s*月"), lambda m: (_num(m.group(1)), _num(m.group(2)))),
    (
        re.compile(rf"(?:截至|截止|截止到|到)\s*(?:(?:19|20)\d{{2}}年)?{MONTH}月(?:底|末)"),
        lambda m: (1, _num(m.group(1))),
    ),
    (re.compile(r"前(\d{1,2}|十[一二]?|[一二两三四五六七八九])个月"), lambda m: (1, _num(m.group(1)))),  # 前6个月: 1-6
    (re.compile(r"全年|(?<!半)年度"), lambda m: (1, 12)),
    (
        re.compile(r"(?<![\d.])(1[0-2]|[1-9])月份?(?![\d一二三四五六七八九十]{1,3}日|\d)"),
        lambda m: (int(m.group(1)), int(m.group(1))),
    ),
]
YEAR = re.compile(
    r"(?<![\d.])((?:19|20)\d{2})\s*年(?!代)|(?<![\d.])((?:19|20)\d{2})(?=\s*[-—~至到]\s*(?:19|20)\d{2}年)"
)
# what a question compares with ("比2021年增长了多少"): not the time it asks about
BASE_YEAR = re.compile(r"[比较与]\s*$")
RELATIVE_YEAR = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
RELATIVE = re.compile("|".join(RELATIVE_YEAR))
TO_DATE = re.compile(r"截至目前|截止目前|目前|至今|近日|日前|近期|当前")
PLAN = re.compile(r"下一步|计划|力争|预计|将于|将在|目标|到(?:19|20)\d{2}年|争取|拟")


# A periodic report a document is about ("发布2023年半年度报告", "2022年年报", "2024年一季报"): the period its
# "报告期" means. (A third-quarter report states both the quarter and 1-9月: ambiguous, not read.)
REPORT_NAMED = re.compile(r"(20\d{2})\s*年\s*(第?[一1]季度?|半年度?|中期|年度|度|年)\s*报(?:告)?(?![道名送考])")
REPORT_MONTHS = {"一": (1, 3), "1": (1, 3), "半": (1, 6), "中": (1, 6), "年": (1, 12), "度": (1, 12)}
REPORT_TIME = "报告期"


def report_period(head: str) -> str:
    """ "2023:1-6" for a document whose title or lead names a half-year report of 2023; "" when it names none."""
    m = REPORT_NAMED.search(head)
    if not m:
        return ""
    a, b = REPORT_MONTHS[m.group(2).lstrip("第")[0]]
    return f"{m.group(1)}:{a}-{b}"


def report_time(sentence: str, report: str) -> TimeRef | None:
    """The time of a sentence speaking of "报告期" in a document about a periodic report (`report`, as
    report_period gives it), when the sentence names no part of the year of its own."""
    if REPORT_TIME not in sentence or not re.fullmatch(r"\d{4}:\d{1,2}-\d{1,2}", report):
        return None
    year, months = report.split(":")
    a, b = (int(x) for x in months.split("-"))
    return TimeRef(int(year), (a, b), "report")


@lru_cache(maxsize=8192)  # (the reader reads the same sentences again for each part and clause of a question)
def resolve(text: str, doc_date: str = "", infer_year: bool = True) -> TimeRef:
    """The time one sentence states (explicitly or relative to doc_date); an empty TimeRef when it states none.

    infer_year: a part of the year or "目前" without a year is the document's year (False for questions)."""
    doc_year = int(doc_date[:4]) if doc_date[:4].isdigit() else None
    year, how = None, ""
    m = (
        YEAR.search(text)
        if infer_year
        else next((y for y in YEAR.finditer(text) if not BASE_YEAR.search(text[: y.start()])), None)
    )
    rel = RELATIVE.search(text)
    if m:  # "今年(2021年)": the explicit year
        year, how = int(m.group(1) or m.group(2)), "explicit"
    elif rel and doc_year:
        year, how = doc_year + RELATIVE_YEAR[rel.group()], "relative"
    months = None
    # the part of the year named first is the text's own ("今年上半年…增速高于一季度"); ties go to the more specific
    # pattern (listed first); 全年/年度 only when nothing else is named
    found = []
    for rank, (pattern, fn) in enumerate(PERIODS):
        pm = pattern.search(text)
        if pm:
            a, b = fn(pm)  # type: ignore[operator]
            if 1 <= a <= b <= 12:
                found.append((pm.group() in ("全年", "年度"), pm.start(), rank, (a, b)))
    if found:
        months = min(found)[3]
    if not infer_year:
        return TimeRef(year, months, how, bool(PLAN.search(text)))
    if months is None and year is None and TO_DATE.search(text) and doc_year:
        year, how = doc_year, "relative"  # "截至目前", "近日": the document's year (the part of it stays open)
    if months and year is None and doc_year:
        year, how = doc_year, "relative"  # "上半年" in a dated bulletin is that year's
    return TimeRef(year, months, how, bool(PLAN.search(text)))


PARAGRAPH = re.compile(r"[^\n]+")
SENTENCE = re.compile(r"[^。!?！？\n]+[。!?！？]*[”’\"」』)]*")


def sentence_times(text: str, doc_date: str = "") -> list[tuple[int, int, TimeRef]]:
    """(start, end, TimeRef) for each sentence of text; a sentence without a time of its own inherits the last
    one named in its paragraph, else the document's year (how='document')."""
    doc_year = int(doc_date[:4]) if doc_date[:4].isdigit() else None
    out: list[tuple[int, int, TimeRef]] = []
    for para in PARAGRAPH.finditer(text):
        last: TimeRef | None = None
        for s in SENTENCE.finditer(para.group()):
            own = resolve(s.group(), doc_date)
            if own.year is not None or own.months is not None:
                if own.year is None and last is not None:
                    own = TimeRef(last.year, own.months, "inherited", own.plan)
                last = own
                ref = own
            elif last is not None:
                ref = TimeRef(last.year, last.months, "inherited", own.plan)
            else:
                ref = TimeRef(doc_year, None, "document" if doc_year else "", own.plan)
            out.append((para.start() + s.start(), para.start() + s.end(), ref))
    return out


def time_at(text: str, offset: int, doc_date: str = "") -> TimeRef:
    """The TimeRef of the sentence of text that holds offset."""
    for a, b, ref in sentence_times(text, doc_date):
        if a <= offset < b:
            return ref
    return TimeRef()


# The edition of a title ("《科学版图(2020年版)》", "《…发展报告(2023)》"): a name, not the time a question asks about.
EDITION_YEAR = re.compile(r"[(（]\s*(?:19|20)\d{2}\s*(?:年版?)?\s*[)）]|(?:19|20)\d{2}\s*年版")
TITLE = re.compile(r"《[^》]{1,80}》")


def editions_masked(question: str) -> str:
    """question with the editions inside its titles blanked (the rest of the title stays)."""
    return TITLE.sub(lambda m: EDITION_YEAR.sub(" ", m.group()), question)


# Verbs of a one-off event ("7月底召开的座谈会", "3月5日举办的论坛"): a month or day before one dates the event.
# A part of a month named after it ("7月底", "3月上旬").
MONTH_PART = r"底|初|末|上旬|中旬|下旬"
EVENT_VERBS = r"召开|举办|举行|开幕|闭幕|落幕|启动|印发|发布|出台|签署"
# (or at a meeting: "2023年7月在市人大常委会会议上讲")
EVENT_PLACE = (
    r"在[^，,。；;？?]{1,20}?(?:会议?|论坛|峰会|大会|发布会|座谈会|仪式)上"
    # (or where it was held, said plainly: "2023年7月在潍坊开的论坛"; or the meeting a count is asked of:
    # "2023年8月天津那个推动会有几个部门参加")
    r"|在[^，,。；;？?]{1,12}?[开办]的|[^，,。；;？?]{1,30}?(?:会|论坛|峰会|仪式)(?:上|现场)?(?:有|来了|共有|一共有)"
)
# What follows a month or day that dates an event (question.PERIOD leaves such a month out too).
EVENT_AFTER = rf"(?:{MONTH_PART})?(?:{EVENT_VERBS}|{EVENT_PLACE})"
EVENT_DAY = re.compile(rf"\d{{1,2}}月(?:\d{{1,2}}日)?(?={EVENT_AFTER})")


def question_time(question: str, today: str = "") -> TimeRef:
    """What time a question asks about: "23年上半年" -> 2023, 1-6; "今年" against today; not a title's edition, nor
    the day of an event the question names it by ("2023年7月底召开的座谈会上…", "2023年7月在…会议上讲": 2023, the
    meeting's day is no period its figures are counted over)."""
    return resolve(EVENT_DAY.sub(lambda m: " " * len(m.group()), editions_masked(question)), today, infer_year=False)


def agrees(asked: TimeRef, stated: TimeRef) -> bool:
    """A sentence's time can answer the question's: the same year where both have one, the same part of the
    year where the question names one (a whole-year question is not answered by a half-year figure when the
    question says 全年)."""
    if asked.year is not None and stated.year is not None and asked.year != stated.year:
        return False
    if asked.months and asked.months != (1, 12):
        if (
            stated.months
            and stated.months[0] == stated.months[1]
            and asked.months[0] <= stated.months[0] <= asked.months[1]
        ):
            return True  # an event in May is in the first half
        return stated.months == asked.months
    if asked.months == (1, 12) and stated.months and stated.months != (1, 12):
        return False
    return True
