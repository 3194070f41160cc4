"""Candidate scoring: how well a sentence matches the question's terms (coverage, term and abbreviation
matches, the asked measure, the value near the terms)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.question import COUNTERS, ITEMS_ASKED, QuestionInfo, pos_words
from assistant.answer.values import (
    CLAUSE,
    DATE_VALUE,
    FILED_NUMBER,
    NOT_A_NAME,
    NOT_A_NAME_START,
    NUMERALS,
    ORDINAL_ASKED,
    SURNAMES,
    UNITS,
    VALUE,
    VALUE_KINDS,
    amounts_only,
    holds_value,
    mask_quoted,
    max_items,
    ordinal_count,
    ordinal_item,
    ordinal_items_in,
)
from assistant.metadata import places_in
from assistant.terms import SYNONYMS
from assistant.types import Passage

# A list answer's weight: so much for each item it holds (figures, 、-pairs, ordinals), up to so many items; a sentence
# enumerating exactly as many items as the question asks for ("哪两所…") weighs as a full list.
LIST_ITEM_WEIGHT, LIST_FULL = 0.08, 10

# A measure named in full only by the sentence's title or heading: its head in the sentence counts this much.
CONTEXT_MEASURE = 0.75


def measure_head(info: QuestionInfo) -> str:
    """The longest of the question's terms that ends its compound measure ("营业利润" -> 利润); "" when none does."""
    heads = [t for t in info.terms if info.measure.endswith(t) and t != info.measure]
    return max(heads, key=len) if heads else ""


def measure_match(info: QuestionInfo, text: str, context: str = "") -> float:
    """named_measure, and for a measure the figure stands inside ("最高奖多少": "给予最高50万元奖励"), the same read
    with the figures left out."""
    own = named_measure(info, text, context)
    if own < 1.0 and VALUE.search(text):
        own = max(own, named_measure(info, VALUE.sub("", text), context))
    return own


def named_measure(info: QuestionInfo, text: str, context: str = "") -> float:
    """How well text names what is counted; a partly matched compound needs its head word itself
    ("科技型中小企业入库" is not matched by "科技型中小企业评价"). The modifier may come from the sentence's
    context (its document title or heading), the head not: "该论坛…约200人参加" under a title naming the
    京台青年科学家论坛, "租房提取最高限额…" in a bulletin about 住房公积金."""
    whole = term_match(info.measure, text)
    if whole >= 1.0:
        return whole
    head = measure_head(info)
    own = min(whole, term_match(head, text)) if head else whole
    if context and head:
        modifier = info.measure[: -len(head)]
        if term_match(head, text) >= 1.0 and len(modifier) >= 2 and modifier in f"{text} {context}":
            return max(own, CONTEXT_MEASURE)
    return own


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)}


NUMBERED_ABBREVIATION = re.compile(r"([一二两三四五六七八九十])(?:个)?([\u4e00-\u9fff]{1,2})")


CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}


def abbreviation_match(term: str, text: str) -> bool:
    """A numbered abbreviation ("三全", "五库") stands for an enumeration whose N items share its character:
    "三全" ~ "全员招商、全域招商、全线招商"."""
    m = NUMBERED_ABBREVIATION.fullmatch(term)
    if not m:
        return False
    n, char = CN_DIGIT[m.group(1)], m.group(2)
    for enum in re.finditer(r"[^,;:。，；：“”\"]*(?:、[^,;:。，；：“”\"]*)+", text):
        items = enum.group().split("、")
        if len(items) >= n and sum(char in it for it in items) >= n:  # "三个重大" ~ 重大产业、重大项目、重大事项
            return True
    return False


# Words an abbreviation passes over between the words it takes its characters from ("人力资源和社会保障": 人社).
ABBREVIATION_GAP = frozenset("和与及的")
HAN = re.compile(r"[\u4e00-\u9fff]+")
ABBREVIATION_REACH = 16  # characters of text an abbreviation of up to four characters is read from


def abbreviates(term: str, text: str) -> bool:
    """term (2-4 characters) is the first characters of consecutive words of text, at least two of them words of
    several characters: 人社 ~ 人力资源和社会保障, 市人社 ~ 市人力资源和社会保障部门, 发改委 ~ 发展和改革委员会. Only
    the stretch of text after each occurrence of its first character is segmented, where the rest follows in order."""
    if not 2 <= len(term) <= 4 or not HAN.fullmatch(term):
        return False
    for m in re.finditer(re.escape(term[0]), text):
        window = text[m.start() : m.start() + ABBREVIATION_REACH]
        if not re.match(".*?".join(map(re.escape, term)), window):
            continue
        words = [w for w, _ in pos_words(window)]
        k = long = 0
        for w in words:
            if k == len(term):
                break
            if w[0] == term[k]:
                long += len(w) >= 2
                k += 1
            elif w not in ABBREVIATION_GAP or k == 0:
                break
        if k == len(term) and long >= 2:
            return True
    return False


QUOTES = re.compile(r"[“”‘’\"「」『』]")


def term_match(term: str, text: str) -> float:
    """1 for an exact occurrence, partial credit for a long term whose bigrams mostly occur."""
    if term not in text and len(term) >= 3:
        text = QUOTES.sub("", text)  # “百强”县市 is a 百强县市
    if term not in text and re.search(r"[a-z]", term):
        text = text.lower()  # question terms are lower-cased (terms.tokenize): "app" is the text's APP
    if (
        term in text
        or any(alt in text for alt in SYNONYMS.get(term, ()))
        or abbreviation_match(term, text)
        or abbreviates(term, text)
    ):
        return 1.0
    if len(term) >= 4:
        grams = _bigrams(term)
        share = sum(g in text for g in grams) / len(grams)
        return 0.8 * share if share >= 0.6 else 0.0
    return 0.0


def coverage(info: QuestionInfo, text: str) -> float:
    total = sum(info.weights.values())
    if not total:
        return 0.0
    got = {t: term_match(t, text) for t in info.weights}
    for long_term, m in got.items():
        # A compound matched through a synonym (高新技术企业 ~ 高企) covers its own parts too.
        for part in got:
            if part != long_term and part in long_term:
                got[part] = max(got[part], m)
    return sum(w * got[t] for t, w in info.weights.items()) / total


@dataclass
class Candidate:
    passage_index: int
    start: int  # offsets within the passage text
    end: int
    text: str
    score: float
    cover: float
    has_value: bool
    follows: str = ""  # the passage text right after the sentence (a heading's "一是…")
    context: str = ""  # the document title and the heading the sentence sits under
    subject: str = ""  # the earlier sentence naming in full what its "该论坛" is, or the short one heading it
    signature: bool = False  # the issuer and date that end a document (lookup.signature_span)


def value_unit(info: QuestionInfo, text: str) -> str:
    """The unit of the first value that follows a matched key term in text ('' if none)."""
    for t in sorted(info.terms, key=len, reverse=True):
        for m in re.finditer(re.escape(t), text):
            v = re.search(r"\d+(?:\.\d+)?\s*(?:余|多)?(" + UNITS + ")", text[m.end() : m.end() + 20])
            if v:
                return v.group(1)
    return ""


def value_clauses(info: QuestionInfo, text: str) -> list[str]:
    """The clauses of text holding a value of the asked unit."""
    return [m.group() for m in CLAUSE.finditer(mask_quoted(text)) if holds_value("number", m.group(), info.unit)]


# How far after a long sentence its enumeration may open ("…分两类。科技部副部长 吴朝晖：一类是…").
ITEM_OPENS = 20
# The most text between one item of an enumeration and the next.
ITEM_GAP = 300


def enumerates(c: Candidate) -> bool:
    """The sentence heads an enumeration: its items open right after it ("…分两类。吴朝晖：一类是…"; a short heading:
    anywhere in the text after it) or it holds them itself."""
    opening = ordinal_item(0).search(c.follows)
    return bool(opening and (len(c.text) <= 40 or opening.start() <= ITEM_OPENS)) or ordinal_count(c.text) >= 2


def ordinal_items(passages: list[Passage], head: Candidate) -> list[tuple[int, int, int]]:
    """The first sentence of each "一是… 二是… 三是…" item that follows a heading sentence, across the
    consecutive chunks of its document that were retrieved; [] when the heading is not followed by one. A sentence
    holding the first items itself ("设立三道防线，第一道防线是…；第二道防线是…。") is followed by the rest of the same
    form (not by the "四是" of another enumeration)."""
    first = passages[head.passage_index]
    inner, form = ordinal_items_in(head.text)
    if inner >= len(NUMERALS):
        return []
    opening = ordinal_item(inner, form if inner else None).search(first.text[head.end : head.end + 160])
    if not inner and (
        head.text.count("、") >= 2 or not opening or (len(head.text) > 40 and opening.start() > ITEM_OPENS)
    ):
        return []  # a heading-like sentence stands for the items after it; a long one only when they open right after
    if not inner and opening:
        form = opening.group(1)  # every item has the form the first one has
    chunks = {p.chunk.ord: i for i, p in enumerate(passages) if p.chunk.doc_id == first.chunk.doc_id}
    items: list[tuple[int, int, int]] = []
    ordinal, start, limit = inner, head.end, len(first.text) + 160
    for ord_ in range(first.chunk.ord, first.chunk.ord + 4):
        if ord_ not in chunks:
            break  # only consecutive chunks: a gap could hide an item
        i = chunks[ord_]
        text = passages[i].text
        while ordinal < len(NUMERALS):
            m = ordinal_item(ordinal, form).search(text, start)
            if not m or m.start() > limit:
                break  # (an item far on starts another enumeration)
            if items and items[-1][0] == i and items[-1][2] > m.start():
                items[-1] = (i, items[-1][1], m.start())  # items in one sentence: each ends where the next opens
            items.append((i, m.start(), m.end()))
            ordinal, start, limit = ordinal + 1, m.start() + 1, m.end() + ITEM_GAP
        if limit <= len(text):
            break  # the next item was not within reach in this chunk
        start, limit = 0, limit - len(text)
    return items if len(items) >= (1 if inner else 2) else []


def value_clause_cover(info: QuestionInfo, text: str, subject: str = "") -> float:
    """How well the clauses holding a value of the asked unit (with the clause before, or with the sentence that
    names in full the subject text opens with: "该论坛…约200人参加") match the question."""
    clauses = [text[m.start() : m.end()] for m in CLAUSE.finditer(mask_quoted(text))]
    best = 0.0
    for i, clause in enumerate(clauses):
        if holds_value("number", clause, info.unit):
            # the clauses before it that share its topic: up to two, not across a semicolon ("…;国外采访部分,
            # 人民网与…联合进行,走访…17个国家": the 国外采访部分 it is about)
            k = i
            while k > max(0, i - 2) and not clauses[k - 1].rstrip().endswith((";", "；")):
                k -= 1
            best = max(best, coverage(info, clause), 0.9 * coverage(info, "".join(clauses[k:i]) + clause))
            if subject:
                best = max(best, 0.9 * coverage(info, subject + clause))
    return best


def value_near_terms(info: QuestionInfo, text: str) -> bool:
    """A value within a short distance after a matched key term, or right before it ("10家重点产业研究院")."""
    for t in info.terms:
        for m in re.finditer(re.escape(t), text):
            if VALUE.search(text[m.start() : m.end() + 30]) or re.search(
                f"(?:{VALUE.pattern})[^,;:。，；：、]{{0,4}}$", text[max(0, m.start() - 12) : m.start()]
            ):
                return True
    return False


# How much a sentence around the earlier part's answer weighs for a later part, and what "around" is (characters).
NEAR_BOOST = 1.3
NEAR_CHARS = 300


def local_to(c: Candidate, near: tuple[int, int]) -> bool:
    """Whether c is in the passage of near (passage index, end of the earlier answer) and within NEAR_CHARS."""
    return c.passage_index == near[0] and -NEAR_CHARS <= c.start - near[1] <= NEAR_CHARS


def given_dates_masked(info: QuestionInfo, text: str) -> str:
    """text without the dates the question itself states ("2023年暑期…什么时候": 2023年 is no answer to when)."""
    for d in DATE_VALUE.findall(info.text):
        text = text.replace(d, "#" * len(d))
    return text


# Where a thing is, when the place is not in the gazetteer (a foreign city, a venue): "总部位于新加坡…", "在…学院举办".
WHERE = re.compile(
    r"(?:位于|坐落于?|落户|设在|总部在)[\u4e00-\u9fff]{2,}|在[^,，。;；]{2,30}?(?:举办|举行|召开|开幕|开班)"
)


def place_value_in(info: QuestionInfo, sent: str) -> bool:
    """Whether sent says where: a place the question does not name itself ("越凡医疗总部在加拿大哪个城市" is not
    answered by a sentence naming only 加拿大), or a location phrase."""
    asked = set(info.filters.places) | {p.short for p in (info.scope.places if info.scope else ())}
    named = [p for p in places_in(sent) if p not in asked and p not in info.text]
    return bool(named) or any(m.group() not in info.text for m in WHERE.finditer(sent))


# A count in words; a lone 一 before a counter is an article ("建立起一套机制"), not a count.
CN_COUNT = r"(?!一(?![十百千万]))[一二两三四五六七八九十百千]+"


def counted_in(info: QuestionInfo, text: str) -> bool:
    """Whether text holds a figure in the question's own counter ("投诉多少起": 117起, "多少户": 4262户)."""
    return bool(info.counter) and bool(
        re.search(rf"(?:\d+(?:\.\d+)?|{CN_COUNT})\s*(?:余|多)?[万亿]?{re.escape(info.counter)}", text)
    )


# A question asking for a document's number ("文号是多少", "索引号").
NUMBER_ASKED = re.compile(r"文号|字号|索引号|编号")


def asked_value_in(info: QuestionInfo, kind: str, sent: str) -> bool:
    """Whether sent holds a value of the kind the question asks: its ordinals left out unless a rank is asked
    ("第几"), a date the question itself states left out of a date asked, and for a number also a figure in the
    question's own counter ("投诉多少起": 117起)."""
    text = sent if ORDINAL_ASKED.search(info.text) else amounts_only(sent)
    if kind == "date":
        text = given_dates_masked(info, text)
        if not NUMBER_ASKED.search(info.text):
            text = FILED_NUMBER.sub(" ", text)  # "国卫办医函〔2020〕146号" names no day the document was issued
    if kind == "place":
        return place_value_in(info, sent)
    in_counter = kind == "number" and counted_in(info, text)
    # (人 opens nouns of its own: "多少人才发展专项资金" asks an amount of money)
    if kind == "number" and not info.unit and len(info.counter) == 1 and info.counter in COUNTERS.replace("人", ""):
        return in_counter  # "新增了多少套", "发了几台次": a figure in another counter ("76人") counts something else
    if kind in ("person", "name") and role_holder_in(info, text):
        return True
    return in_counter or holds_value(kind, text, info.unit)


# How far a name may stand from the asked role word ("导演韩寒", "韩寒导演的", "编剧由…王海鸰担任").
ROLE_REACH = 12


def tagged_persons(text: str) -> list[str]:
    """Person names jieba's tagger finds (nr) with no title beside them ("是韩寒导演的", "编剧由王海鸰担任"), kept
    when they look like a Chinese name: a surname and one or two characters that no office or place word ends."""
    return [
        word
        for word, flag in pos_words(text)
        if flag.startswith("nr")
        and 2 <= len(word) <= 3
        and word[0] in SURNAMES
        and not NOT_A_NAME.search(word[1:])
        and word[:2] not in NOT_A_NAME_START
    ]


def role_holder_in(info: QuestionInfo, text: str) -> bool:
    """A person name (jieba's tagger) within a few characters of the role the question asks about ("《四海》的导演是谁":
    导演), in the same clause: the name of whoever holds that role."""
    roles = [t for t in info.focus if t in text]
    if not roles:
        return False
    for clause in CLAUSE.finditer(text):
        piece = clause.group()
        spans = [(m.start(), m.end()) for t in roles for m in re.finditer(re.escape(t), piece)]
        if not spans:
            continue
        for name in tagged_persons(piece):
            i = piece.find(name)
            if any(abs(i - a) <= ROLE_REACH for a, _ in spans):
                return True
        # a transliterated name (jieba: nrt) right after the role ("副总理诺瓦克随后表示")
        for word, flag in pos_words(piece):
            if flag == "nrt" and 2 <= len(word) <= 5 and any(piece.startswith(word, b) for _, b in spans):
                return True
    return False


# A date question asking when something runs from and to ("几号到几号", "哪几天", "从哪天到哪天"), and a span of days
# stated ("7月28日至30日", "8月5日-9日", "7月28日至8月2日").
RANGE_ASKED = re.compile(r"几[号日]\s*(?:到|至)\s*几[号日]|哪几天|哪天\s*(?:到|至)\s*哪天|起止")
DATE_RANGE = re.compile(r"\d{1,2}日\s*(?:至|到|-|—|~)\s*(?:\d{1,2}月)?\d{1,2}日")


def value_factor(info: QuestionInfo, kind: str, sent: str, has_value: bool) -> float:
    """How much the sentence's values weigh for the kind asked: a figure near the asked terms, a date or name, the
    items of a list."""
    if kind == "number":
        return 1.2 if value_near_terms(info, sent) else (1.0 if has_value else 0.35)
    if kind == "date" and has_value and RANGE_ASKED.search(info.text):
        return 1.4 if DATE_RANGE.search(sent) else 0.9  # "几号到几号": the sentence giving both ends (one day: half)
    if kind in VALUE_KINDS:  # (a date, name, place or number to call; a figure is weighed above)
        return 1.15 if has_value else 0.4
    if kind == "list":
        n_asked = ITEMS_ASKED.search(info.text)
        if n_asked and CN_DIGIT[n_asked.group(1)] in (max_items(sent), ordinal_count(sent)):
            return 1.0 + LIST_ITEM_WEIGHT * LIST_FULL  # "在哪两所高校举办": "…在山东师范大学、济南大学分别举办"
        items = len(VALUE.findall(sent)) + sent.count("、") // 2 + ordinal_count(sent)
        return 1.0 + LIST_ITEM_WEIGHT * min(items, LIST_FULL)
    return 1.0


def focus_factor(info: QuestionInfo, kind: str, sent: str) -> float:
    """For a question that asks for no figure or date: a sentence naming what is asked ("谁主办": 主办) outranks
    one that only names the subject."""
    if kind in ("number", "date") or not info.focus:
        return 1.0
    return 1.15 if any(term_match(t, sent) >= 1.0 for t in info.focus) else 0.8
