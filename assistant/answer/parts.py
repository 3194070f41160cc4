"""Question parts: a compound question ("…多少家？新增了几家？") split into the parts it asks, and a question asking two
things in one sentence split into clauses, each answered on its own."""

from __future__ import annotations

import re

from assistant.answer.question import ASKS, RELATIVE_ASKED, QuestionInfo, pos_words
from assistant.gazetteer import gazetteer
from assistant.retrieve import institution_places_masked


def split_question(question: str) -> list[str]:
    """A compound question ("…多少家?2022年新增了几家?") as its parts; one part otherwise. A follow-up that only
    names another subject ("引进的高层次人才呢?") asks what the part before it asked."""
    parts = [p.strip() for p in re.split(r"[?？]\s*(?=\S)", question) if len(p.strip()) >= 4]
    for i in range(1, len(parts)):
        bare = parts[i].rstrip("?？ ")
        if bare.endswith("呢") and not ASKS.search(bare):
            # "…，额度能上浮多少？引进的高层次人才呢？": the follow-up asks the same of another subject
            asking = re.split(r"[,，;；]", parts[i - 1])[-1]
            parts[i] = bare[:-1] + asking
    return parts if len(parts) > 1 else [question]


# "A和B(同比)各/分别(增长)多少": two measures asked at once, each with its own figure.
EACH_ASKED = re.compile(
    r"([^,，、;；和与及]{4,})(?:和|与|及)([^,，、;；和与及]{2,}?)((?:同比|环比)?(?:各|分别)[^,，、;；]{0,8}(?:多少|几)[^,，;；]*)"
)


EACH_PERIOD = re.compile(r"[上下]半年|前?[一二三四1-4]季度|\d{1,2}\s*[-至到]\s*\d{1,2}月|全年")


def split_clauses(question: str) -> list[str]:
    """A question that asks two things in one sentence ("一共多少课时，学什么编程语言", "谁主办、谁指导") as its
    clauses, each asking one; a later clause is given the subject the first one opens with (the words before its
    asking word): "贵澳科创学堂信息学课堂一共" + "学什么编程语言". One clause when it asks one thing."""
    q = question.strip().rstrip("?？。")
    both = EACH_ASKED.fullmatch(q)
    if both:  # "A和B同比各增长多少": A's and B's own figures, each asked with the time and place A names
        a, b, rest = both.group(1), both.group(2), re.sub(r"^((?:同比|环比)?)(?:各|分别)", r"\1", both.group(3))
        from assistant.retrieve import parse_filters

        f = parse_filters(a)
        period = EACH_PERIOD.search(a)
        frame = "".join(f"{y}年" for y in f.years) + (period.group() if period else "") + "".join(f.places[:1])
        return [a + rest, (frame if frame and frame not in b else "") + b + rest]
    # clauses before the first asking one, each ending in a comma, frame them all ("…某旅支援五常市灾后重建，派了多少
    # 官兵、多少台车辆"); not items of a subject ("面上基金、青年基金各批了几项")
    cut = re.split(r"([,，、;；])", q)  # pieces and the marks between them
    lead = next((i for i in range(0, len(cut), 2) if ASKS.search(cut[i])), 0)
    if lead and all(mark in ",，" for mark in cut[1:lead:2]):
        cut = ["".join(cut[:lead]) + cut[lead].strip(), *cut[lead + 1 :]]
    pieces = [p.strip() for p in cut[::2] if p.strip()]
    if len(pieces) < 2 or not all(ASKS.search(p) for p in pieces):
        return [question]
    first = pieces[0]
    subject = question_subject(first)
    return [first, *(p if subject and p.startswith(subject) else subject + p for p in pieces[1:])]


# The words that end a subject without being part of it: a verb, an auxiliary, an adverb, a preposition or a
# conjunction ("重庆发了", "余额是", "全县有").
NOT_SUBJECT_END = re.compile(r"v|u.*|d|p|c")


def question_subject(part: str, drop_time: bool = False) -> str:
    """The words of a question part before its asking word, less a trailing verb or adverb ("截至2月16日重庆发了几台次"
    -> 截至2月16日重庆): the subject a later part that names none asks about. drop_time: less a trailing time word
    too ("产业规模目前": the later part names its own time)."""
    m = ASKS.search(part)
    if not m:
        return ""
    words = list(pos_words(part[: m.start()]))
    end = re.compile(f"{NOT_SUBJECT_END.pattern}|t") if drop_time else NOT_SUBJECT_END
    while words and end.fullmatch(words[-1][1]) and not re.search(r"\d", words[-1][0]):
        words.pop()
    return "".join(w for w, _ in words)


def earlier_subject(previous: str, before: QuestionInfo | None, own_year: bool, own_place: bool = False) -> str:
    """The subject a later part naming nothing of its own asks about: the earlier part's (question_subject, less its
    time), less a last clause that only names what the earlier part asked ("…的通知，文号是多少？哪天发的？": the
    notice's day, not its number's); when the later part names its own year, less the earlier one ("…2022年
    营收…？到2025年目标是多少？"), and when it names its own place, less the earlier one ("…给北京捐了多少？给河北
    捐了多少？")."""
    subject = question_subject(previous, drop_time=True)
    head, _, last = subject.rpartition("，") if "，" in subject else subject.rpartition(",")
    if head and before is not None and last == before.measure:
        subject = head
    if own_place:
        for m in reversed(gazetteer().mentions(institution_places_masked(subject), lenient=True)):
            a = m.start - 1 if m.start and subject[m.start - 1] in PLACE_PREPOSITIONS else m.start
            subject = subject[:a] + subject[m.end :]
    return re.sub(r"(?:19|20)\d{2}\s*年度?", "", subject) if own_year else subject


# A preposition that goes with the place after it ("给北京", "在沈阳"): dropped with the place.
PLACE_PREPOSITIONS = "给在向对于从"


def names_nothing(terms: list[str], place_terms: frozenset[str] = frozenset()) -> bool:
    """A question part names nothing of its own when its words, less places, only say how a figure changed or
    when ("同比增长多少", "比上年增加多少", "占比多少", "新增了几家"): it asks about the part before it."""
    return all(t in place_terms or RELATIVE_ASKED.search(t) or pos_words(t)[0][1] == "t" for t in terms)


def owner(part: str, focus: tuple[str, ...]) -> str:
    """Whose figure a question part asks: its subject less what it asks ("上海湾区东湖国际创新中心总投资多少" ->
    上海湾区东湖国际创新中心), for a later part that names only what it asks ("总建筑面积多大")."""
    subject = question_subject(part, drop_time=True)
    cut = min((subject.find(t) for t in focus if t in subject), default=len(subject))
    return subject[:cut].rstrip("的之总")


def names_only_what_it_asks(terms: list[str], focus: tuple[str, ...]) -> bool:
    """A question part whose words all name what it asks ("总建筑面积多大", "营收多少")."""
    return bool(terms) and all(t in focus for t in terms)


def owned_part(part: str, own: QuestionInfo | None, previous: str, before: QuestionInfo | None) -> str:
    """A later part naming only what it asks ("总建筑面积多大") with the earlier part's subject ("上海湾区东湖国际
    创新中心": `previous` as read, less what `before`, its analysis, asks); "" for any other part."""
    if own is None or before is None or own.filters.places or not names_only_what_it_asks(own.terms, own.focus):
        return ""
    subject = owner(previous, before.focus)
    return subject + part if subject else ""
