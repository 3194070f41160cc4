"""Questions about a document named by its 文号 ("咸科技发〔2021〕1号是哪天发的"): answered from that document."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from assistant.types import Passage

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}\s*[〔\[(［（【]\s*\d{4}\s*[〕\])］）】]\s*\d+\s*号")
INDEX_NUMBER = re.compile(r"\d{9}/\d{4}-\d{3,6}")  # 索引号 011336941/2025-05835
# A question asking a document's date ("哪天发的", "发文日期").
DATE_ASKED = re.compile(r"哪一?天|(?:什么|啥)时候|何时|日期|时间|几号|哪年|几月")
# Which header field a question asks for, and the labels that field carries in the document's header.
FIELDS = [
    (re.compile(r"文号|发文字号|字号"), ("文号", "发文字号")),
    (re.compile(r"挂网|网上|发布的|公开"), ("发布日期",)),
    (DATE_ASKED, ("发文日期", "成文日期", "印发日期", "发布日期", "日期")),
    (
        re.compile(r"谁发|哪[个家](?:单位|部门|机构|局)|发文单位|发文机关|发布机构|谁印发"),
        ("发文单位", "发文机关", "发布机构", "来源"),
    ),
    (re.compile(r"(?:什么|哪[个份部])文件|标题|名称|叫什么|题目|是什么"), ("名称", "标题")),
    (re.compile(r"索引号"), ("索引号",)),
    (re.compile(r"有效|废止|失效"), ("有效性",)),
]


def normalize_number(text: str) -> str:
    """One spelling of a 文号: no spaces, 〔〕 brackets."""
    text = re.sub(r"\s", "", text)
    return re.sub(r"[\[(［（【]", "〔", re.sub(r"[\])］）】]", "〕", text))


def same_number(stored: str, asked: str) -> bool:
    """The 文号 a document carries is the one the question names. The question's pattern also takes in the words
    before the issuer's abbreviation ("按国卫办医函〔2020〕146号", "根据京政发〔2021〕3号"): the stored number then
    ends the asked one, with at least two characters of the abbreviation."""
    if stored == asked:
        return True
    longer, shorter = (asked, stored) if len(asked) > len(stored) else (stored, asked)
    return longer.endswith(shorter) and len(shorter.split("〔", 1)[0]) >= 2


def names_document(question: str) -> bool:
    """Whether the question could name a document (a cheap check before reading the catalog)."""
    return bool(INDEX_NUMBER.search(question) or DOC_NUMBER.search(question) or "《" in question)


def find_document(
    question: str, documents: list[dict[str, Any]], headed: Callable[[str], list[str]] | None = None
) -> tuple[str, dict[str, Any] | None]:
    """(the 文号 or 《title》 the question names, the document that carries it); ("", None) without one.
    A 《title》 counts only when the question asks for a header field (文号, 日期, 发文单位): the document of that
    title, or else the one document whose text opens with it (`headed`: title -> doc_ids), its catalog title being
    shortened or led by its issuers."""
    idx = INDEX_NUMBER.search(question)
    if idx:
        for d in documents:
            if d.get("index_no") and d["index_no"].replace(" ", "") == idx.group():
                return idx.group(), d
        return idx.group(), None
    m = DOC_NUMBER.search(question)
    if m:
        wanted = normalize_number(m.group())
        for d in documents:
            if d.get("doc_number") and same_number(normalize_number(d["doc_number"]), wanted):
                return wanted, d
        return wanted, None
    if not any(cue.search(question) for cue, _ in FIELDS[:4]):
        return "", None
    return titled(re.findall(r"《([^》]{4,80})》", question), documents, headed)


def titled(
    titles: list[str], documents: list[dict[str, Any]], headed: Callable[[str], list[str]] | None
) -> tuple[str, dict[str, Any] | None]:
    """(the title, its document) for the first of titles a document carries as its title, or else opens with."""
    for title in titles:
        for d in documents:
            if d.get("title") and re.sub(r"\s", "", d["title"]) == re.sub(r"\s", "", title):
                return title, d
    for title in titles if headed is not None else ():
        ids = headed(title) if len(title) >= 10 else []
        if len(ids) == 1:
            return title, next((d for d in documents if d["doc_id"] == ids[0]), None)
    return "", None


# A document's signature: its issuer and the date it was signed, at its very end ("商务部办公厅　财政部办公厅
# 2020年2月11日"), perhaps followed by a note in brackets ("(信息公开形式:主动公开)").
SIGNATURE = re.compile(
    r"([\u4e00-\u9fff]{2,20}(?:[ \u3000][\u4e00-\u9fff]{2,20})?)[ \u3000]*((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)"
    r"\s*(?:[(（][^()（）]{0,20}[)）])?\s*$"
)


def signature_span(text: str) -> tuple[int, int] | None:
    """(start, end) in text (a document's last passage) of its signature's issuer and date; None without one."""
    m = SIGNATURE.search(text[-200:])
    if not m:
        return None
    off = max(0, len(text) - 200)
    return off + m.start(1), off + m.end(2)


def header_spans(question: str, passage: Passage) -> list[tuple[int, int]]:
    """(start, end) in passage.text of each header field the question asks for ("文号和发文日期": two);
    one date at most, no empty field, and not the identifier the question already gives."""
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", passage.text[:1500])]
    given = (
        {"索引号"} if INDEX_NUMBER.search(question) else {"文号", "发文字号"} if DOC_NUMBER.search(question) else set()
    )
    spans: list[tuple[int, int]] = []
    dated = False
    for cue, labels in FIELDS:
        if not cue.search(question) or (dated and "日期" in labels[0]):
            continue
        for label in labels:
            if label in given:
                continue
            hit = next(((a, m) for a, line in lines if (m := re.search(rf"{label}\s*[:：]", line))), None)
            if not hit:
                continue
            a, m = hit
            line = m.string
            # Just this field: from its label to the next "标签:" on the same line.
            nxt = re.search(r"\s[\u4e00-\u9fff]{2,6}\s*[:：]", line[m.end() :])
            end = m.end() + (nxt.start() if nxt else len(line) - m.end())
            if not line[m.end() : end].strip():
                continue  # "发文日期:" with nothing after it
            spans.append((a + m.start(), a + end))
            dated = dated or "日期" in label
            break
    return spans


def document_spans(question: str, passages: list[Passage]) -> list[tuple[int, int, int]]:
    """(passage index, start, end) of each header field the question asks of a document (passages: its chunks in
    order), and when it asks a date its header does not give, the signature its last passage ends with."""
    spans = [(0, a, b) for a, b in header_spans(question, passages[0])]
    if DATE_ASKED.search(question) and not any("日期" in passages[0].text[a:b] for _, a, b in spans):
        signed = signature_span(passages[-1].text)
        if signed:
            spans.append((len(passages) - 1, *signed))  # no date field in its header: the date it was signed
    return spans
