"""The extractive reader: quotes the eligible, best-scored sentences that answer; refuses when none is
supported. The learned scorer (assistant/scorer.py) decides when the rules find nothing."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import replace
from typing import Protocol

from assistant.answer.compose import compose, refusal
from assistant.answer.eligibility import (
    eligible,
    focus_elsewhere,
    in_scope,
    is_plan,
    previous_sentence,
    sibling_modifier,
    supported,
    vetoed,
)
from assistant.answer.parts import (
    earlier_subject,
    names_nothing,
    owned_part,
    split_clauses,
    split_question,
)
from assistant.answer.question import (
    BYLINE_ASKED,
    HOW_ASKED,
    TARGET_CUE,
    QuestionInfo,
    _unnamed_places_dropped,
    analyse,
    content_words,
    placeless,
    places_named_only_as_name,
    pos_words,
)
from assistant.answer.scoring import (
    NEAR_BOOST,
    NEAR_CHARS,
    Candidate,
    asked_value_in,
    coverage,
    focus_factor,
    given_dates_masked,
    local_to,
    ordinal_items,
    term_match,
    value_factor,
    value_unit,
)
from assistant.answer.values import (
    ACHIEVED_WORDS,
    BARE_DAY,
    BYLINE,
    CLAUSE,
    DATE_VALUE,
    ENUMERATION_ITEM,
    NUMERALS,
    SENTENCE,
    TARGET_WORDS,
    VALUE_KINDS,
    WIRE_DATELINE,
    header_end,
    holds_value,
    mask_quoted,
)
from assistant.cite import cn_to_number, figures
from assistant.injection import INJECTION
from assistant.lookup import signature_span
from assistant.retrieve import parse_filters
from assistant.scope import sentence_months, subject_places
from assistant.settings import AnswerSettings
from assistant.tables import is_row
from assistant.terms import key_terms
from assistant.types import Answer, Chunk, Passage


class Answerer(Protocol):
    name: str

    def __call__(self, question: str, passages: list[Passage]) -> Answer: ...


# A sentence saying a figure is already reached: no answer to a question about the planned figure.
RESULT_SAID = re.compile(r"已经|已(?:有|达|完成|建成|实现|累计)")


def result_for_planned(info: QuestionInfo, c: Candidate) -> bool:
    """A planned figure asked ("计划…一共建多少个") and a figure said to be reached already ("目前…已经达成了5个")."""
    return info.kind == "number" and bool(TARGET_CUE.search(info.text) and RESULT_SAID.search(c.text))


def quote_about_another(info: QuestionInfo, quote: Candidate, kind: str) -> bool:
    """The clauses a figure answer quotes state another thing's figure: in a sentence of items ("…;三是…对…链主企业
    给予最高500万元一次性奖励;…;七是…游戏企业…") the asked pair is named in another item than the figure's, so the
    sentence passes the sibling check (eligibility.sibling_modifier) and the quote must pass it too."""
    return kind == "number" and bool(sibling_modifier(info, quote.text))


# Whether the question being read, as asked, is short (AnswerSettings.short_question_words); None outside a call.
_ASKED_IS_SHORT: ContextVar[bool | None] = ContextVar("asked_is_short", default=None)
# A photo's credit left before the text it captions ("主办方供图人民网汕头8月17日电 …", "警方供图(下同) "): who gave the
# picture, never part of what the sentence says.
PHOTO_CREDIT = re.compile(r"^[\u4e00-\u9fff]{1,12}?供图(?:[(（]下同[)）])?\s*")


def without_furniture(sent: str, start: int, kind: str) -> tuple[str, int]:
    """sent (at start) less what opens it without being said by it: a photo's credit ("主办方供图"), and for a fact or
    list asked a document's header (title, number, addressees: it only names what its content is about)."""

    def cut(at: int) -> tuple[str, int]:
        rest = sent[at:]
        return rest.strip(), start + at + len(rest) - len(rest.lstrip())

    if credit := PHOTO_CREDIT.match(sent):
        sent, start = cut(credit.end())
    if kind in ("fact", "list") and (end := header_end(sent)) is not None:
        sent, start = cut(end)
    return sent, start


# A sentence that ends with a question mark (outside a quotation or title) asks; it states nothing.
ASKED_IN_TEXT = re.compile(r"[?？]\s*$")
# A sentence whose subject is a demonstrative and a head noun ("该论坛由…主办", "该机制从2017年发起建立") is about the
# thing an earlier sentence names in full ("京台青年科学家论坛"): that sentence is part of its context.
ANAPHOR = re.compile(r"(?:该|这一|此)([\u4e00-\u9fff]{2})")


def antecedent(text: str, start: int, sent: str) -> str:
    """The nearest sentence before start (within 600 characters) that names the head of sent's anaphoric subject
    without the demonstrative; "" when sent opens with no such subject."""
    m = ANAPHOR.search(sent[:12])
    if not m:
        return ""
    word, flag = pos_words(sent[m.start(1) : m.start(1) + 6])[0]
    # (a head of one character is its own word: "该旅在接到…" points at the 旅, not at "旅在")
    head = re.escape(word if len(word) == 1 and flag.startswith("n") else m.group(1))
    for prev in reversed([x.group() for x in SENTENCE.finditer(text[max(0, start - 600) : start])]):
        if re.search(rf"(?<![该此一]){head}", prev):
            return prev.strip()
    return ""


# A sentence that opens by pointing back at what the one before named ("本次论坛是…", "该中心由…").
REFERS_BACK = re.compile(r"^(?:本次|此次|该|这一|此|这次)([\u4e00-\u9fff]{2})")


def follower(text: str, end: int, sent: str) -> str:
    """The next sentence of the paragraph when it opens by pointing back at a thing sent names ("…论坛29日在北京展览馆
    举办。本次论坛是第二届…大会7场分论坛之一"): it says more of what sent is about; "" otherwise."""
    tail = text[end : end + 300].split("\n")[0]
    m = SENTENCE.search(tail)
    if not m:
        return ""
    nxt = m.group().strip()
    head = REFERS_BACK.match(nxt)
    return nxt if head and head.group(1) in sent else ""


def asked_before(text: str, start: int) -> str:
    """The question a question-and-answer text asks right before the answer this sentence belongs to ("16、出入境人员
    拒绝接受检疫…,其法律后果有哪些？ 《…细则》规定,…处以警告或者100元以上5000元以下的罚款。"): the last of the three
    sentences before start that ends with a question mark, across a paragraph break; "" when none does."""
    before = [x.group().strip() for x in SENTENCE.finditer(text[max(0, start - 400) : start]) if x.group().strip()]
    return next((b for b in reversed(before[-3:]) if ASKED_IN_TEXT.search(b)), "")


# A year a sentence states ("到2025年底", "2023年").
YEAR_STATED = re.compile(r"(?:19|20)\d{2}年")


# A when-question about a document's issue ("哪天印发的", "什么时候发布", "落款日期"), not a date it sets.
ISSUE_ASKED = re.compile(r"印发|发布|下发|出台|签发|公布|发文|成文|落款|(?:哪天|何时|什么时候|哪一天)发")


def signs(signature: tuple[int, int] | None, start: int) -> bool:
    """Whether the sentence at start in its passage is the passage's signature (lookup.signature_span: the issuer
    and date that end its document, nothing after them but a note in brackets)."""
    return signature is not None and signature[0] <= start < signature[1]


def frame_sentence(text: str, start: int, sent: str, prev: str) -> str:
    """The sentence that sets the time of a run of sentences naming none ("方案明确,到2025年底,…。建成…。数据流通交易
    走在全国前列,年交易额突破100亿元。"): the nearest earlier one in the paragraph, at most three back, that states a
    year, when neither sent nor the sentence right before it states one; "" otherwise."""
    if YEAR_STATED.search(sent) or not prev or YEAR_STATED.search(prev):
        return ""
    head = text[max(0, start - 400) : start].split("\n")[-1]
    before = [x.group().strip() for x in SENTENCE.finditer(head)][-4:-1]
    return next((b for b in reversed(before) if YEAR_STATED.search(b)), "")


def one_sentence(passages: list[Passage], a: tuple[int, int, int, str], b: tuple[int, int, int, str]) -> bool:
    """Whether two spans of one passage overlap or lie in the same sentence."""
    first, second = sorted((a, b), key=lambda sp: sp[1])
    if second[1] < first[2]:
        return True
    return not re.search(r"[。!?！？\n]", passages[a[0]].text[max(first[1], first[2] - 1) : second[1]])


def with_dateline(passages: list[Passage], spans: list[tuple[int, int, int, str]]) -> list[tuple[int, int, int, str]]:
    """A date answered by a bare day ("29日在湖南长沙发布") is quoted with the wire dateline of its passage that gives
    the month ("电头：中新社长沙7月29日电"); a day whose month the passage never states is quoted as it is."""
    if not spans or spans[0][0] < 0:
        return spans
    pi, a, b, _ = spans[0]
    text = passages[pi].text
    quoted = text[a:b]
    if not BARE_DAY.search(quoted) or DATE_VALUE.search(BARE_DAY.sub("", quoted)):
        return spans  # a full date, or no bare day
    m = WIRE_DATELINE.search(text[:a])
    if not m:
        return spans
    return [(pi, m.start(), m.end(), "电头："), *spans]


# "当日/当天/同日": the day the sentence before names ("2月12日,…。当日,长春市…正式启用…").
SAME_DAY = re.compile(r"当日|当天|同日")


def sentence_before(text: str, start: int) -> tuple[int, int]:
    """Where the sentence right before start lies, in this paragraph or ending the one before ((start, start) if
    none)."""
    lo = max(0, start - 300)
    found = [(lo + m.start(), lo + m.end()) for m in SENTENCE.finditer(text[lo:start]) if m.group().strip()]
    return found[-1] if found else (start, start)


def day_before(info: QuestionInfo, text: str, start: int, sent: str) -> tuple[int, int] | None:
    """For a sentence at start saying "当日…" and naming no date itself, where the sentence before it lies when
    that one names the date."""
    if not SAME_DAY.search(sent) or asked_value_in(info, "date", sent):
        return None
    a, b = sentence_before(text, start)
    return (a, b) if asked_value_in(info, "date", text[a:b]) else None


def with_day_before(
    info: QuestionInfo, passages: list[Passage], spans: list[tuple[int, int, int, str]]
) -> list[tuple[int, int, int, str]]:
    """A date answered by "当日…" is quoted with the sentence before it, which names the day."""
    if not spans or spans[0][0] < 0:
        return spans
    pi, a, b, _ = spans[0]
    before = day_before(info, passages[pi].text, a, passages[pi].text[a:b])
    return [(pi, *before, ""), *spans] if before else spans


# A sentence that only announces what follows: a heading ("（三）确诊人员的处置流程", "二、对闲置温室…给予补贴"), a
# lead-in ending with a colon or naming what follows ("确定以下对口支援关系"), or a condition ("三是如果需要咨询涉税
# (费)问题").
ANNOUNCES = re.compile(
    r"^(?:[一二三四五六七八九十]+[、是]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．])|[:：]$|^.{0,8}(?:如果|若|如需)"
    r"|(?:以下|如下)[\u4e00-\u9fff]{0,8}$"
)


def heads_document(sentence: str, meta: dict[str, object]) -> bool:
    """The sentence opens with its document's title ("河北:加强疫情医疗废物管理 2月13日,…下发紧急通知"): a headline
    and lead say what the item is about; its content follows."""
    title = str(meta.get("title", "")).removesuffix("…").strip()
    return len(title) >= 6 and sentence.startswith(title)


def restates(info: QuestionInfo, sentence: str) -> bool:
    """The sentence says little the question does not ("我省税务部门合理调整了个体双定户纳税定额" for "山西省税务部门
    如何调整个体双定户纳税定额"): at most one of its terms is not in the question."""
    terms = [t for t in key_terms(sentence) if len(t) >= 2 and not t.isdigit()]
    return len(terms) >= 3 and sum(t not in info.text for t in terms) <= 1


def with_what_follows(
    info: QuestionInfo, passages: list[Passage], spans: list[tuple[int, int, int, str]]
) -> list[tuple[int, int, int, str]]:
    """A how/what or list question answered by a sentence that only announces its content, that restates the
    question, or by a short one, is quoted with the sentence that follows it (the content itself)."""
    if len(spans) != 1 or spans[0][0] < 0:
        return spans
    pi, a, b, label = spans[0]
    text = passages[pi].text
    quoted = text[a:b].strip().rstrip("。;；")
    announces = ANNOUNCES.search(quoted) or heads_document(quoted, passages[pi].meta) or restates(info, quoted)
    # (the items of an enumeration it opens with say little: "向信阳、周口、…、邓州、桐柏等十个市县…")
    core = re.sub(rf"^(?:{ENUMERATION_ITEM}、)+(?=[^、,，;；:：]{{1,20}}等)", "", quoted)
    if len(core) >= 40 and not announces:
        return spans
    m = SENTENCE.search(text, b)
    if not m or len(m.group().strip()) < 6 or text[b : m.start()].count("\n") > 1:
        return spans
    after, own = heading_level(m.group().strip()), heading_level(quoted)
    if after is not None and (not announces or (own is not None and after <= own)):
        return spans  # the heading after a short answer, or after its own heading's peer, opens another section
    return [(pi, a, m.end(), label)]


# Section headings of a policy document, outermost first: "四、", "（三）", "2." and "第五条". A heading opens a
# line or follows a sentence's end or a space (documents flattened to one line keep a space before it).
DIGIT_NUMBER = r"(\d{1,2})[.．、](?!\d)"  # "9.", "10、": a heading's or a list item's number
HEADING_STYLES = (
    r"([一二三四五六七八九十]{1,3})、",
    r"[(（]([一二三四五六七八九十]{1,3})[)）]",
    DIGIT_NUMBER,
    r"第([一二三四五六七八九十百]{1,4})条",
)
HEADING_BEFORE = r"(?:^|(?<=[\s。！？!?；;:：]))"
SECTION_CHARS = 400  # a section is quoted up to this long, cut at a sentence's end


def heading_level(sentence: str) -> int | None:
    """The level (index in HEADING_STYLES, outermost 0) of the heading that opens sentence; None when none does."""
    return next((level for level, style in enumerate(HEADING_STYLES) if re.match(style, sentence)), None)


def numeral(s: str) -> int:
    """The value of a heading's number ("12", "十二", "二十"); 0 when it is none."""
    return int(cn_to_number(s) or 0)


def section_end(text: str, start: int) -> int | None:
    """Where the section whose heading opens at start ends: at the next heading of the same style and number, or
    of an outer style, or SECTION_CHARS on at a sentence's end; None when no heading opens at start."""
    for level, style in enumerate(HEADING_STYLES):
        m = re.compile(style).match(text, start)
        if not m:
            continue
        n = numeral(m.group(1))
        end = min(len(text), start + SECTION_CHARS)
        for other in HEADING_STYLES[: level + 1]:
            for nxt in re.finditer(HEADING_BEFORE + other, text[:end]):
                if nxt.start() > m.end() and (other != style or numeral(nxt.group(1)) == n + 1):
                    end = min(end, nxt.start())
                    break
        if end == start + SECTION_CHARS:
            stops = [x.end() for x in re.finditer(r"[。！？!?]", text[m.end() : end])]
            end = m.end() + stops[-1] if stops else end
        return end
    return None


# What a flattened document puts before a heading on the same line: a parenthesised note ("(责任单位:省财政厅)") and
# outer headings with their titles ("二、加强援企稳岗和用工保障").
FURNITURE = re.compile(
    r"\s*(?:[(（](?![一二三四五六七八九十\d]{1,3}[)）])[^()（）]{0,160}[)）]"  # (not a heading's "(二)")
    r"|(?:" + "|".join(HEADING_STYLES[:2]) + r")[^\s,，。;；]{1,30}(?=\s))\s*"
)
HEADING_LINE_CHARS = 30  # a heading that ends the sentence before an answer is followed by at most this much


def inline_opening(text: str, a: int, b: int) -> int | None:
    """Where the section of a sentence at [a, b) opens when it is not at a: at a heading inside the sentence after
    only furniture ("(责任单位:…) 二、加强援企稳岗 5.实施援企稳岗政策。"), or at a heading line that ends the
    sentence before ("…财政局) (五)缓缴社会保险费。" then "对受疫情影响…")."""
    pos = a + len(text[a:b]) - len(text[a:b].lstrip())
    while (m := FURNITURE.match(text, pos, b)) and pos < m.end() < b:  # (a heading ending the sentence opens it)
        pos = m.end()
    if pos > a and section_end(text, pos) is not None:
        return pos
    lo, hi = sentence_before(text, a)
    for m in reversed(list(re.finditer(HEADING_BEFORE + "(?:" + "|".join(HEADING_STYLES) + ")", text[lo:hi]))):
        start = lo + m.start()
        line = text[start:hi].strip()
        if len(line) <= HEADING_LINE_CHARS and not re.search(r"[,，;；]", line):
            return start
        break
    return None


def with_section(passages: list[Passage], spans: list[tuple[int, int, int, str]]) -> list[tuple[int, int, int, str]]:
    """A how/what answer whose sentence opens a section ("四、继续做好…工作 组织做好…"), or follows its heading, is
    quoted with the whole section body, up to the next heading (a policy document's measure is its section)."""
    if len(spans) != 1 or spans[0][0] < 0:
        return spans
    pi, a, b, label = spans[0]
    text = passages[pi].text
    lo = sentence_before(text, a)[1] if a else 0
    opening = lo + len(text[lo:a]) - len(text[lo:a].lstrip())
    end = section_end(text, opening)
    if end is None:
        opening = inline_opening(text, a, b)
        end = section_end(text, opening) if opening is not None else None
    return [(pi, opening, end, label)] if end is not None and end >= b and opening is not None else spans


INLINE_HEADING_CHARS = 16  # a sentence this short, of one clause and no figure, heads the one after it


def inline_heading(sentence: str) -> bool:
    """A short sentence of one clause and no figure that heads the next one in its paragraph, naming what it is
    about ("实行扶贫小额信贷延期快贷。对受疫情影响不能按期还款的贫困户,…延期时间不超过6个月。")."""
    body = sentence.strip().rstrip("。;；:：")
    return 4 <= len(body) <= INLINE_HEADING_CHARS and not re.search(r"[,，、\d]", body)


# A sentence that goes on with what the one before said ("同时,要求重点排查…", "此外,…", "具体包括…").
CONTINUES = re.compile(r"^(?:同时|此外|另外|并且|其中|具体|包括|对此)")
CONTINUATION_CHARS = 300  # a how/what answer grows by such sentences up to this long


# The number of an item in a list written in one paragraph: "(2)", "2.", "2、" (a list of "一是…二是…" is read by
# scoring.ordinal_items).
ITEM_NUMBER = re.compile(rf"[(（](\d{{1,2}})[)）]|(?<![\d.]){DIGIT_NUMBER}")


def next_item(so_far: str, sentence: str) -> bool:
    """sentence opens the item after the last one so_far numbers, in the same style, of a list so_far opens with a
    colon ("主要包括:(1)对患者…。" then "(2)采取…"); the next of items that are themselves headings ("四是减轻企业
    负担。…" then "五是加强综合保障") is not part of the answer."""
    if not re.search(rf"[:：]\s*(?:{ITEM_NUMBER.pattern})", so_far):
        return False
    last = next(reversed(list(ITEM_NUMBER.finditer(so_far))), None)
    first = ITEM_NUMBER.match(sentence)
    if last is None or first is None or last.lastindex != first.lastindex:
        return False
    return numeral(first.group(first.lastindex)) == numeral(last.group(last.lastindex)) + 1


def with_continuation(
    info: QuestionInfo, passages: list[Passage], spans: list[tuple[int, int, int, str]]
) -> list[tuple[int, int, int, str]]:
    """A how/what answer quoted with the sentences right after it in its paragraph that go on with it ("同时,…")."""
    if len(spans) != 1 or spans[0][0] < 0:
        return spans
    pi, a, b, label = spans[0]
    text = passages[pi].text
    while True:
        m = SENTENCE.search(text, b)
        nxt = m.group().strip() if m else ""
        on_topic = bool(info.focus) and all(t in nxt for t in info.focus)
        if not m or "\n" in text[b : m.start()] or not (CONTINUES.match(nxt) or on_topic or next_item(text[a:b], nxt)):
            break
        if m.end() - a > CONTINUATION_CHARS:
            break
        b = m.end()
    return [(pi, a, b, label)]


# A sentence whose subject is a bare "this" ("这是该区…第二例招商引资签约活动", "此举…") or "this measure"
# ("该项措施是…兜底条款") says what the sentence before it told: that sentence is the content asked about.
POINTS_BACK = re.compile(
    r"^(?:这|此)(?:也|就|正|便)?(?:是|为|举|一举措)|^(?:该|这|此)(?:项|一|些)?(?:措施|政策|举措|做法)"
)


def with_what_it_points_to(
    passages: list[Passage], spans: list[tuple[int, int, int, str]]
) -> list[tuple[int, int, int, str]]:
    """A how/what answer whose sentence points back ("这是…") is quoted with the sentence before it."""
    if len(spans) != 1 or spans[0][0] < 0:
        return spans
    pi, a, b, label = spans[0]
    text = passages[pi].text
    if not POINTS_BACK.match(text[a:b].strip()):
        return spans
    lo, hi = sentence_before(text, a)
    return [(pi, lo, b, label)] if hi > lo and len(text[lo:hi].strip()) >= 6 else spans


def quoted_whole(
    info: QuestionInfo, passages: list[Passage], spans: list[tuple[int, int, int, str]], near: tuple[int, int] | None
) -> list[tuple[int, int, int, str]]:
    """The spans with what completes them: a date's day or month from before, a how/what answer's content after."""
    if info.kind == "date":
        return with_dateline(passages, with_day_before(info, passages, spans))
    if info.kind in ("fact", "list") and near is None:  # (a later part read after an earlier answer stays as trimmed)
        whole = with_section(passages, spans)
        if whole == spans:
            whole = with_what_it_points_to(passages, spans)
        return whole if whole != spans else with_continuation(info, passages, with_what_follows(info, passages, spans))
    return spans


def add_span(passages: list[Passage], spans: list[tuple[int, int, int, str]], sp: tuple[int, int, int, str]) -> None:
    """Add sp to spans, widening the span already taken when sp lies in the same sentence of the same passage."""
    same = next(
        (k for k, o in enumerate(spans) if sp[0] >= 0 and sp[0] == o[0] and one_sentence(passages, o, sp)), None
    )
    if same is None:
        spans.append(sp)
    else:
        o = spans[same]
        spans[same] = (o[0], min(o[1], sp[1]), max(o[2], sp[2]), o[3])


# The kinds of value a figure answers (a count, an amount, a day): what cite.figures finds.
FIGURE_KINDS = ("number", "date")
# What a stated gap says: a part of the question the documents do not answer ("目标：现有文件中没有找到。").
NOT_FOUND = "现有文件中没有找到。"
# A later part read around the earlier answer needs this share of the support a whole question needs.
LOCAL_SUPPORT = 0.5
# A part read again in the documents the other parts were answered from (ExtractiveAnswerer.document_spans).
DOCUMENT_SUPPORT = 0.8


def undated_year_checked(info: QuestionInfo, p: Passage, doc_ok: dict[str, bool]) -> dict[str, bool]:
    """A passage of a document with no date (nothing to filter on) whose text and title name years, none of them
    the asked one, is about another time: only its sentences naming the asked year stay eligible. One naming no
    year at all stays unknown and unfiltered."""
    if not info.filters.years or "year" in doc_ok:  # (QueryFilters.matches: the document's date decides)
        return doc_ok
    named = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", f"{p.meta.get('title', '')} {p.text}"))
    return {**doc_ok, "year": bool(named & set(info.filters.years))} if named else doc_ok


class ExtractiveAnswerer:
    """Quote the sentences that answer; never write a figure that is not in a passage."""

    name = "extractive"

    def __init__(
        self,
        settings: AnswerSettings | None = None,
        idf: Callable[[str], float] | None = None,
        following: Callable[[Chunk, int], str] | None = None,
    ) -> None:
        """idf weighs the question's terms; following(chunk, n) gives up to n characters of the chunk's document after
        it, so that a how/what answer near a passage's end is quoted whole (its section, what it announces)."""
        self.settings = settings or AnswerSettings()
        self.idf = idf
        self.following = following

    def _scored_candidates(
        self, question: str, passages: list[Passage]
    ) -> tuple[QuestionInfo, list[Candidate], list[float]]:
        """The eligible candidates (right place and time, not furniture; with a value when one is asked) and the
        learned scorer's probability for each; empty without a scorer or without terms."""
        from assistant.scorer import features, load_scorer

        scorer = load_scorer()
        info = analyse(question, self.idf)
        if scorer is None or not info.terms:
            return info, [], []
        cands = self.candidates(info, passages)[:12]
        if info.kind in ("number", "date", "person", "name", "place", "contact"):
            cands = [
                c
                for c in cands
                if c.has_value and not focus_elsewhere(info, info.kind, c, passages) and not vetoed(info, c, info.kind)
            ]  # a figure, date or name question needs one in the sentence
        else:
            cands = [c for c in cands if not vetoed(info, c, info.kind)]  # (what the rules' picks are held to)
        probs = [
            scorer.prob(
                features(
                    info,
                    c.text,
                    c.cover,
                    coverage(info, c.text),
                    is_plan(c.text, passages[c.passage_index].meta, info.text),
                )
            )
            for c in cands
        ]
        return info, cands, probs

    def evidence(self, question: str, passages: list[Passage]) -> float:
        """How likely the passages hold the answer: the best eligible sentence's probability (0 when none)."""
        return max(self._scored_candidates(question, passages)[2], default=0.0)

    def learned_spans(self, question: str, passages: list[Passage]) -> list[tuple[int, int, int, str]] | None:
        """When the rules find no supported sentence: the eligible sentence (right place, time, not furniture) that
        the learned scorer (assistant/scorer.py, trained on public data) rates above its calibrated threshold."""
        from assistant.scorer import load_scorer

        scorer = load_scorer()
        if analyse(question, self.idf).two_part:
            return None
        info, cands, probs = self._scored_candidates(question, passages)
        if not cands or scorer is None:
            return None
        best = max(range(len(cands)), key=lambda i: probs[i])
        if probs[best] < scorer.threshold:
            return None
        c = cands[best]
        quote = self.quoted(info, c, info.kind)
        if result_for_planned(info, c) or quote_about_another(info, quote, info.kind):
            return None  # (what the rules' own picks are held to: spans, pick)
        return [(c.passage_index, quote.start, quote.end, "")]

    def candidates(
        self,
        info: QuestionInfo,
        passages: list[Passage],
        kind: str | None = None,
        prefer: re.Pattern[str] | None = None,
        plan: bool | None = None,
    ) -> list[Candidate]:
        """Scored sentences of the passages; `plan` True/False keeps only target/result sentences."""
        kind = kind or info.kind
        out: list[Candidate] = []
        for i, p in enumerate(passages):
            # (a place the question names only as the opening of the name this passage gives: no place here)
            here = placeless(info) if places_named_only_as_name(info, p.text) else info
            # (a when-question about the document's issue is answered by its signature, read under its title)
            signature = signature_span(p.text) if kind == "date" and ISSUE_ASKED.search(info.text) else None
            base_context = f"{p.meta.get('title', '')} {p.chunk.heading}"
            doc_ok = undated_year_checked(here, p, here.filters.matches(p.meta, ""))
            # a document with no place found is unknown to QueryFilters.matches; a passage naming none is too
            unplaced = bool(here.filters.places) and "place" not in doc_ok and not subject_places(p.text)
            for m in SENTENCE.finditer(p.text):
                sent = m.group().strip()
                if len(sent) < 4 or INJECTION.search(sent):
                    continue  # text that tries to instruct the model is never quoted
                if ASKED_IN_TEXT.search(sent):
                    continue  # a question the text asks ("这超67亿的票房会分给谁？") answers nothing
                start = m.start() + (len(m.group()) - len(m.group().lstrip()))
                sent, start = without_furniture(sent, start, kind)
                if len(sent) < 4:
                    continue
                prev = previous_sentence(p.text, start)
                months = sentence_months(sent, p.meta) if info.periods else None
                if not eligible(here, sent, p.meta, doc_ok, kind, plan, prev, unplaced, months) or not in_scope(
                    here, sent, p.text, start, p.meta
                ):
                    continue
                ante = antecedent(p.text, start, sent)
                after = follower(p.text, start + len(sent), sent)
                frame = frame_sentence(p.text, start, sent, prev) or asked_before(p.text, start)
                context = f"{base_context} {ante or prev} {frame} {after}".rstrip()
                heading = prev if not ante and inline_heading(prev) else ""  # ("实行扶贫小额信贷延期快贷。")
                subject = ante or heading
                sinfo = info if not info.place_terms else _unnamed_places_dropped(info, sent + " " + context)
                # (a figure's sentence is about what the short sentence heading it names)
                own = coverage(sinfo, f"{heading} {sent}" if kind == "number" and heading else sent)
                cover = max(own, own + 0.6 * (coverage(sinfo, sent + " " + context) - own))
                signed = signs(signature, start)
                if (BYLINE.match(sent) and BYLINE_ASKED.search(info.text)) or signed:
                    # a byline belongs to the article it heads; so does a signature, the date it was issued
                    cover = coverage(info, sent + " " + context)
                has_value = asked_value_in(info, kind, sent) or (
                    kind == "date" and day_before(info, p.text, start, sent) is not None
                )
                score = cover * value_factor(info, kind, sent, has_value) * focus_factor(info, kind, sent)
                if prefer is not None:
                    score *= 1.25 if prefer.search(sent) else 0.85
                elif plan is None and not TARGET_CUE.search(info.text) and is_plan(sent, p.meta, info.text):
                    score *= 0.85  # "登记了多少项": what was done outranks what was planned
                for ok in doc_ok.values():
                    score *= 1.0 if ok else 0.8
                score *= 1.0 / (1.0 + 0.08 * i)
                out.append(
                    Candidate(
                        i,
                        start,
                        start + len(sent),
                        sent,
                        score,
                        cover,
                        has_value,
                        p.text[start + len(sent) : start + len(sent) + 160],
                        context,
                        subject,
                        signed,
                    )
                )
        out.sort(key=lambda c: -c.score)
        return out

    def supported(self, info: QuestionInfo, c: Candidate, kind: str) -> bool:
        # A question of three words or fewer ("2022年英特尔全年营收"): one word missed is an entity missed, so the
        # share of the words a sentence must cover is higher (chosen on the RGB tuning half and the dev splits).
        # (the question as asked decides, not the shorter parts and clauses read from it: _ASKED_IS_SHORT)
        asked = _ASKED_IS_SHORT.get()
        short = asked if asked is not None else self.short(info)
        return supported(info, c, kind, self.settings.min_support_short if short else self.settings.min_support)

    def short(self, info: QuestionInfo) -> bool:
        return len(content_words(info)) <= self.settings.short_question_words

    def trim(self, info: QuestionInfo, c: Candidate, kind: str, near: tuple[int, int] | None = None) -> tuple[int, int]:
        """Long sentences shrink to the clauses holding the value and the matched terms; lists stay whole."""
        # a how-question ("应该如何做", "怎样帮助企业纾困") is answered by a whole sentence, not by its best clauses
        how = kind == "fact" and HOW_ASKED.search(info.text)
        if kind in ("list", "contact") or how or len(c.text) <= 90 or is_row(c.text):
            return c.start, c.end  # (a table row is quoted whole: each figure under its header; numbers to call
            # with the offices they reach)
        clauses = [(m.start(), m.end()) for m in CLAUSE.finditer(mask_quoted(c.text))]
        if len(clauses) <= 1:
            return c.start, c.end

        text = given_dates_masked(info, c.text) if kind == "date" else c.text
        if kind == "date":
            # a wire dateline ("新华社天津2月16日电") dates the filing: another date of the sentence is the answer
            filed = WIRE_DATELINE.sub(lambda m: "#" * len(m.group()), text)
            text = filed if holds_value("date", filed, info.unit) else text

        def valued(piece: str) -> bool:
            # a figure counts as the question's asked value does: in its own counter ("发了几台次": 3台次, not 76人)
            if kind == "number":
                return asked_value_in(info, kind, piece)
            return kind in VALUE_KINDS and holds_value(kind, piece, info.unit)

        def useful(a: int, b: int) -> float:
            piece = text[a:b]
            return coverage(info, piece) + (0.5 if valued(piece) else 0.0)

        scores = [useful(a, b) for a, b in clauses]
        # the subject, then its figure ("…等10余支投资基金,总规模35亿元"): a valued clause right after the clause
        # naming the asked measure whole states its figure, whatever the clause's own words; quoted with that clause
        subject_before = {
            i
            for i, (a, b) in enumerate(clauses)
            if kind == "number"
            and len(info.measure) >= 3
            and i
            and named_whole(info, text, clauses, i)
            and valued(text[a:b])
        }
        scores = [x + (MEASURE_BEFORE if i in subject_before else 0.0) for i, x in enumerate(scores)]
        if near is not None and near[0] == c.passage_index:
            # a later part of a compound question: the clause right after the earlier part's answer
            # ("余额2.36万亿元，同比增长25.1%", not the 同比增长 of the clause before)
            scores = [
                x + (0.5 if 0 <= c.start + a - near[1] <= 4 else 0.0) for x, (a, _) in zip(scores, clauses, strict=True)
            ]
        best = max(range(len(clauses)), key=lambda i: scores[i])
        floor = near[1] if near is not None and near[0] == c.passage_index else -1  # not back into the earlier answer
        lo, hi = widened(c.text, clauses, scores, best, floor - c.start)
        if best in subject_before and clauses[best - 1][0] >= floor - c.start:
            lo = min(lo, best - 1)
        if kind in VALUE_KINDS and not valued(text[clauses[lo][0] : clauses[hi][1]]):
            # The clause naming the subject lacks the value ("2022年8月,…验收,获评…百强县市"): reach the nearest one.
            reach = len(clauses) if kind == "date" else 3  # a news sentence opens with its date ("2月23日,…")
            near = [
                i
                for i in range(max(0, lo - reach), min(len(clauses), hi + 4))
                if valued(text[clauses[i][0] : clauses[i][1]])
            ]
            # (the one stating the asked measure's value: "…位于宝山区罗店镇,…面积约200亩,总投资约18亿元" for 总投资)
            named = [i for i in near if info.measure and term_match(info.measure, text[slice(*clauses[i])]) > 0]
            if near:
                i = min(named or near, key=lambda i: min(abs(i - lo), abs(i - hi)))
                lo, hi = min(lo, i), max(hi, i)
        a, b = clauses[lo][0], clauses[hi][1]
        piece = c.text[a:b].rstrip(",;:，；：、")
        return c.start + a, c.start + a + len(piece)

    def quoted(self, info: QuestionInfo, c: Candidate, kind: str) -> Candidate:
        """The candidate cut to the clauses its answer quotes (trim)."""
        a, b = self.trim(info, c, kind)
        return replace(c, start=a, end=b, text=c.text[a - c.start : b - c.start])

    def pick(
        self,
        info: QuestionInfo,
        passages: list[Passage],
        kind: str,
        prefer: re.Pattern[str] | None = None,
        plan: bool | None = None,
        near: tuple[int, int] | None = None,
    ) -> list[Candidate]:
        cands = [
            c
            for c in self.candidates(info, passages, kind, prefer, plan)
            if self.supported(info, c, kind) and not focus_elsewhere(info, kind, c, passages)
        ]
        if kind == "number":
            cands = [c for c in cands if not quote_about_another(info, self.quoted(info, c, kind), kind)]
        if not cands:
            return []
        if near is not None:
            # A later part of a compound question ("…余额是多少？同比增长多少？") is about what the earlier part's
            # answer is about: among the supported sentences, one right around that answer comes first.
            cands.sort(key=lambda c: -c.score * (NEAR_BOOST if local_to(c, near) else 1.0))
        best = cands[0]
        chosen = [best]
        if kind == "list":
            # Neighbouring sentences of the same passage that continue the list.
            for c in cands[1:]:
                if len(chosen) >= self.settings.max_sentences:
                    break
                if (
                    c.passage_index == best.passage_index
                    and c.score >= 0.75 * best.score
                    and c.text not in best.text
                    and abs(c.start - best.start) < 400
                ):
                    chosen.append(c)
            chosen.sort(key=lambda c: c.start)
        return chosen

    def local_pick(
        self, info: QuestionInfo, passages: list[Passage], near: tuple[int, int], sentence_only: bool = False
    ) -> list[Candidate]:
        """A later part of a compound question that names little of its own ("依托哪个APP？", "项目总工程师叫什么？")
        is read after the earlier part's answer only (its own sentence or one of the next): the best sentence there
        that matches some of the part's own terms and holds a value of the asked kind (no such sentence elsewhere
        would be enough)."""
        kind = info.kind
        plan = True if TARGET_CUE.search(info.text) else None
        reach = 0 if sentence_only else NEAR_CHARS  # (sentence_only: the sentence holding near[1] only)
        for c in self.candidates(info, passages, kind, plan=plan):
            after = c.passage_index == near[0] and c.end > near[1] and c.start - near[1] <= reach
            if not after or c.cover < LOCAL_SUPPORT * self.settings.min_support:
                continue
            if kind in VALUE_KINDS and not c.has_value:
                continue
            if not vetoed(info, c, kind) and not focus_elsewhere(info, kind, c, passages):
                return [c]
        return []

    def spans(
        self, question: str, passages: list[Passage], near: tuple[int, int] | None = None
    ) -> list[tuple[int, int, int, str]] | None:
        """(passage index, start, end, label) of the answer; None when nothing supports one."""
        info = analyse(question, self.idf)
        if not info.terms:
            return None
        if info.two_part:
            kind = "number" if info.kind in ("fact", "list", "number") else info.kind
            target = self.pick(info, passages, kind, TARGET_WORDS, plan=True)
            out = [(c.passage_index, *self.trim(info, c, kind), "目标：") for c in target[:1]]
            if target and not info.unit:
                # The result is counted in the target's unit (70项 -> 97项, not 2000万元).
                pi, a, b, _ = out[0]
                unit = value_unit(info, passages[pi].text[a:b])
                info = replace(info, unit=re.escape(unit)) if unit else info
            done = self.pick(info, passages, kind, ACHIEVED_WORDS, plan=False)
            if not target and not done:
                return None
            out += [(c.passage_index, *self.trim(info, c, kind), "完成：") for c in done[:1]]
            if not target:
                out.append((-1, 0, 0, f"目标：{NOT_FOUND}"))
            if not done:
                out.append((-1, 0, 0, f"实际完成情况：{NOT_FOUND}"))
            return out
        if TARGET_CUE.search(question):
            # A question about targets is answered from target statements when there are any.
            picks = self.pick(info, passages, info.kind, TARGET_WORDS, plan=True) or [
                c for c in self.pick(info, passages, info.kind, TARGET_WORDS) if not result_for_planned(info, c)
            ]
        else:
            picks = self.pick(info, passages, info.kind, near=near)
        if not picks and near is not None:
            picks = self.local_pick(info, passages, near)
        if not picks:
            return None
        if info.kind == "list":
            items = ordinal_items(passages, picks[0])
            if items:  # a heading answered by the "一是…二是…三是…" that follow it
                return [
                    (picks[0].passage_index, picks[0].start, picks[0].end, ""),
                    *((i, a, b, "") for i, a, b in items),
                ]
        trimmed = [(c.passage_index, *self.trim(info, c, info.kind, near), "") for c in picks]
        return self.quoted_whole_across(info, passages, trimmed, near)

    def quoted_whole_across(
        self,
        info: QuestionInfo,
        passages: list[Passage],
        spans: list[tuple[int, int, int, str]],
        near: tuple[int, int] | None,
    ) -> list[tuple[int, int, int, str]]:
        """quoted_whole, a how/what answer read on its passage widened by the document text after it (to a
        sentence's end): a section, or what a sentence announces, may go on past its chunk. passages[i] is replaced
        by the passage widened as far as the quote reaches, when it reaches into the added text."""
        pi = spans[0][0]
        if pi < 0 or self.following is None or info.kind not in ("fact", "list") or near is not None:
            return quoted_whole(info, passages, spans, near)
        p = passages[pi]
        tail = self.following(p.chunk, SECTION_CHARS)
        ends = [m.end() for m in re.finditer(r"[。！？!?]", tail)]
        tail = tail[: ends[-1]] if ends else ""
        if not tail:
            return quoted_whole(info, passages, spans, None)
        wide = Passage(replace(p.chunk, end=p.chunk.end + len(tail), text=p.chunk.text + tail), p.score, p.meta)
        trial = [*passages[:pi], wide, *passages[pi + 1 :]]
        out = quoted_whole(info, trial, spans, None)
        reach = max(sp[2] for sp in out if sp[0] == pi)
        if reach > len(p.text):  # (the passage grows only as far as the quote goes; a quote inside it leaves it be)
            passages[pi] = Passage(replace(p.chunk, end=p.chunk.start + reach, text=wide.text[:reach]), p.score, p.meta)
        return out

    def clause_spans(self, question: str, passages: list[Passage]) -> list[tuple[int, int, int, str]] | None:
        """A question asking two things in one sentence (not a target-and-result one), answered clause by clause:
        the spans when every clause is supported, None otherwise (the question is then read whole)."""
        clauses = split_clauses(question)
        if len(clauses) < 2:
            return None
        spans: list[tuple[int, int, int, str]] = []
        found = [self.spans(clause, passages) or self.learned_spans(clause, passages) for clause in clauses]
        anchors = [(sp[0], sp[1]) for got in found if got for sp in got if sp[0] >= 0]
        for clause, got in zip(clauses, found, strict=True):
            if not got and anchors:
                # a clause the whole passages do not support may be answered in a sibling clause's answer
                # sentence ("孵化了多少家企业，新增营收多少": "…孵化企业54家,新增营业收入6.26亿元")
                info = analyse(clause, self.idf)
                near = [c for a in anchors for c in self.local_pick(info, passages, a, sentence_only=True)]
                got = [(c.passage_index, *self.trim(info, c, info.kind), "") for c in near[:1]]
            if not got:
                return None
            for sp in got:
                # a clause answered from the same sentence widens the span already taken ("…737家,…返还资金3900万元")
                add_span(passages, spans, sp)
        return spans

    def __call__(self, question: str, passages: list[Passage]) -> Answer:
        if not passages:
            return refusal(question, passages, self.name)
        info = analyse(question, self.idf)
        token = _ASKED_IS_SHORT.set(self.short(info))
        try:
            return self._read(question, passages, info.two_part)
        finally:
            _ASKED_IS_SHORT.reset(token)

    def part_spans(
        self, part: str, owned: str, passages: list[Passage], near: tuple[int, int] | None
    ) -> list[tuple[int, int, int, str]] | None:
        """A part read as asked; a part naming only what it asks whose answer lies outside the earlier answer's
        document ("…总投资多少？总建筑面积多大？": another project's floor area) is read again with the earlier
        part's subject, and that reading stands when it finds an answer."""
        got = self.spans(part, passages, near)
        if not owned or near is None:
            return got
        doc = passages[near[0]].chunk.doc_id
        if got is not None and any(sp[0] >= 0 and passages[sp[0]].chunk.doc_id == doc for sp in got):
            return got
        return self.spans(owned, passages, near) or got

    def _read(self, question: str, passages: list[Passage], two_part: bool) -> Answer:
        passages = list(passages)  # (an answer's passage may be widened by what follows it: quoted_whole_across)
        # (two_part: a target-and-result question is read whole, by its own path)
        by_clause = None if two_part else self.clause_spans(question, passages)
        if by_clause:
            return compose(question, passages, by_clause, self.name)
        parts = split_question(question) if not two_part else [question]
        spans: list[tuple[int, int, int, str]] = []
        context = parse_filters(question)
        previous = ""
        before: QuestionInfo | None = None  # (the earlier part's own analysis)
        unanswered: list[tuple[int, QuestionInfo]] = []  # (index, the part as asked)
        taken = 0  # the parts answered with a figure or a date
        for k, part in enumerate(parts):
            own = analyse(part, self.idf) if len(parts) > 1 else None  # (a single part: the question, read below)
            if own is not None:
                # A later part inherits the place and year named in an earlier one.
                pf = parse_filters(part)
                prefix = ("" if pf.places else "".join(context.places[:1])) + (
                    "" if pf.years else "".join(f"{y}年" for y in context.years[:1])
                )
                if previous and names_nothing(own.terms, own.place_terms):
                    # "…产业规模目前多少？到2025年的目标是多少？": a part naming nothing of its own asks about the
                    # earlier part's subject (less the time that part named: this one names its own)
                    part = earlier_subject(previous, before, bool(pf.years), bool(pf.places)) + part
                else:
                    part = prefix + part
            owned = owned_part(part, own, previous, before)
            previous, before = part, own
            near = next(((sp[0], sp[2]) for sp in spans if sp[0] >= 0), None)
            got = self.part_spans(part, owned, passages, near)
            if got is None and len(parts) == 1:
                got = self.learned_spans(part, passages)
            if own is None:
                if got is None:
                    return refusal(question, passages, self.name)
            elif got is None:
                unanswered.append((k, own))
                continue
            else:
                taken += own.kind in FIGURE_KINDS
            for sp in got:  # (a later part answered in the earlier answer's sentence: one quote covering both)
                add_span(passages, spans, sp)
        if not any(sp[0] >= 0 for sp in spans):
            return refusal(question, passages, self.name)
        unanswered, taken = self.read_again(passages, spans, unanswered, taken)
        return compose(question, passages, spans + gaps(passages, spans, unanswered, taken), self.name)

    def read_again(
        self,
        passages: list[Passage],
        spans: list[tuple[int, int, int, str]],
        unanswered: list[tuple[int, QuestionInfo]],
        taken: int,
    ) -> tuple[list[tuple[int, QuestionInfo]], int]:
        """The parts still unanswered once the quotes are in (gaps' verdict), each asking a value read again in the
        documents the other parts were answered from (document_spans); spans grows by what that finds. Returns the
        parts left unanswered and the count of parts answered with a figure or a date."""
        still = []
        for k, own in unanswered:
            left = bool(gaps(passages, spans, [(k, own)], taken))
            got = self.document_spans(own, passages, spans) if left and own.kind in VALUE_KINDS else None
            if got is None:
                still.append((k, own))
                continue
            taken += own.kind in FIGURE_KINDS
            for sp in got:
                add_span(passages, spans, sp)
        return still, taken

    def document_spans(
        self, info: QuestionInfo, passages: list[Passage], spans: list[tuple[int, int, int, str]]
    ) -> list[tuple[int, int, int, str]] | None:
        """A part of a compound question that found no answer of its own, read again in the documents the other parts
        were answered from: their answers confirm what the question is about there, so a sentence needs less of
        the part's words (DOCUMENT_SUPPORT of the usual share): "宝山药谷一期是什么时候开工的？还在建设时出租率就到了
        多少？" answered "…出租率已达90%" from the park's article; its "自2021年2月园区开工…" names the park only in
        the article's head. Every other check (value, vetoes, the asked measure and event) stands."""
        docs = {passages[sp[0]].chunk.doc_id for sp in spans if sp[0] >= 0}
        keep = [i for i, p in enumerate(passages) if p.chunk.doc_id in docs]
        sub = [passages[i] for i in keep]
        bar = DOCUMENT_SUPPORT * self.settings.min_support
        for c in self.candidates(info, sub, info.kind):
            if supported(info, c, info.kind, bar) and not focus_elsewhere(info, info.kind, c, sub):
                return [(keep[c.passage_index], *self.trim(info, c, info.kind), "")]
        return None


# What a figure's clause gains when the clause before it names the asked measure whole (extractive.trim).
MEASURE_BEFORE = 0.3


def named_whole(info: QuestionInfo, text: str, clauses: list[tuple[int, int]], i: int) -> bool:
    """Whether the clause before clause i names the asked measure whole with no figure, and clause i, not naming
    it, labels its figure with another word of the question ("…投资基金,总规模35亿元" for "投资基金总规模是多少";
    not "…服务补助,人数为50人以上的": the label of a condition)."""
    a, b = clauses[i - 1]
    clause = text[slice(*clauses[i])]
    label = re.split(r"\d", clause, maxsplit=1)[0]
    pairs = {label[j : j + 2] for j in range(len(label) - 1)}
    asked_label = any(p in info.text and p not in info.measure for p in pairs)
    return (
        info.measure in text[a:b]
        and not holds_value("number", text[a:b], info.unit)  # (a subject with its own figure is answered there)
        and term_match(info.measure, clause) == 0.0
        and asked_label
    )


def widened(text: str, clauses: list[tuple[int, int]], scores: list[float], best: int, floor: int) -> tuple[int, int]:
    """The clauses (lo, hi) kept around the best one: up to two on each side that score at least half of it (before
    it, also a short one: "2023年,"), and the whole of an enumeration the kept clauses close or open ("…拥有A、B等7个
    国家驻区科研院所，C、D等5个市级科研院所"); never back before floor (an earlier part's answer)."""
    bar = 0.5 * scores[best]

    def item(i: int) -> bool:  # a bare item of an enumeration the next clause goes on with ("天津华北地质勘查总院、")
        a, b = clauses[i]
        return text[b : b + 1] == "、" and bool(re.fullmatch(ENUMERATION_ITEM, text[a:b]))

    lo = hi = best
    while (
        lo > 0
        and best - lo < 2
        and clauses[lo - 1][0] >= floor
        and (scores[lo - 1] >= bar or clauses[lo - 1][1] - clauses[lo - 1][0] <= 8)
    ):
        lo -= 1
    while lo > 0 and clauses[lo - 1][0] >= floor and item(lo - 1):
        lo -= 1
    for _ in range(2):
        j = hi + 1
        while j + 1 < len(clauses) and scores[j] < bar and item(j):
            j += 1
        if j >= len(clauses) or scores[j] < bar:
            break
        hi = j
    return lo, hi


def gaps(
    passages: list[Passage],
    spans: list[tuple[int, int, int, str]],
    unanswered: list[tuple[int, QuestionInfo]],
    taken: int,
) -> list[tuple[int, int, int, str]]:
    """The lines that say which parts of a compound question the documents do not answer (said plainly, not left
    out): each (index, part) of `unanswered` that found no answer of its own and is not answered by what was quoted
    for the others either. A part asking a figure or a date is answered there when the quotes hold more figures than
    the `taken` parts answered with a figure or a date took ("展区直播观看量35万人次" answers the
    audience, not the floor area; "全县72家用人单位提供就业岗位379个" holds both counts); a part asking a name,
    contact or place when a quote holds one of that kind."""
    quoted = [passages[pi].text[a:b] for pi, a, b, _ in spans if pi >= 0]
    held = len({f.text for text in quoted for f in figures(text)})
    out = []
    for k, info in unanswered:
        if info.kind in FIGURE_KINDS:
            left = held <= taken
        else:
            left = info.kind in VALUE_KINDS and not any(asked_value_in(info, info.kind, text) for text in quoted)
        if left:
            out.append((-1, 0, 0, part_not_found(k, info.text)))
    return out


def part_not_found(k: int, part: str) -> str:
    """The line an answer gives for the k-th part (from 0) of a compound question the documents do not answer:
    "第一问（展区面积有多大）：现有文件中没有找到。" The part is quoted unless it holds a figure (a year, a day,
    "第二届"), which the verifier would look for in a citation; then it is named by its place alone."""
    number = NUMERALS[k] if k < len(NUMERALS) else "另一"
    words = part.strip(" ?？。,，")
    quoted = f"（{words}）" if words and not figures(words) else ""
    return f"第{number}问{quoted}：{NOT_FOUND}"


# A question word the library never uses is mostly phrasing ("省里", "介绍"): it weighs like a word of
# document frequency ~6, not like the rarest term. Chosen over 3 and 12 on dev, test and both blind sets.
UNSEEN_DF = 6.0


def idf_from_library(library) -> Callable[[str], float]:  # type: ignore[no-untyped-def]
    """IDF of a term over the library's chunks (unknown terms get the highest weight).

    Args:
        library: anything with `term_counts(term) -> (document frequency, chunks)`: a `Library` (read under its
            lock, from its current BM25, so a reindex is followed) or a bare `assistant.bm25.BM25`.
    """

    def idf(term: str) -> float:
        df, chunks = library.term_counts(term)
        n = max(1, chunks)
        # A term the library never uses weighs like a rare one, not infinitely: it may be phrasing.
        return math.log(1 + (n + 1) / (df + 0.5 if df else UNSEEN_DF))

    return idf
