"""Composition: an answer from quoted spans, its numbered citations, and the refusal."""

from __future__ import annotations

import re
from typing import Any

from assistant import REFUSAL
from assistant.cite import CLOSING_QUOTES, verify
from assistant.types import Answer, Citation, Passage


def compose(question: str, passages: list[Passage], spans: list[tuple[int, int, int, str]], backend: str) -> Answer:
    """Write the answer from (passage index, start, end, label) spans, numbering citations in order."""
    numbers: dict[int, int] = {}
    parts = []
    for pi, a, b, label in spans:
        if pi < 0:  # a stated gap ("实际完成情况：现有文件中没有找到。")
            parts.append(label)
            continue
        n = numbers.setdefault(pi, len(numbers) + 1)
        text = passages[pi].text[a:b].strip().rstrip("。;；,，")
        quoted_end = re.search(rf"[。!?！？][{CLOSING_QUOTES}]+$", text)  # "…延期。”": the stop stays inside
        parts.append(f"{label}{text}[{n}]" + ("" if quoted_end else "。"))
    citations = [citation(n, passages[pi]) for pi, n in numbers.items()]
    check = verify("".join(parts), {c.n: c.quote for c in citations}, question)
    return Answer(
        check.answer, False, backend, check.verified, citations, check.unverified, question=question, passages=passages
    )


def citation(n: int, p: Passage) -> Citation:
    """Citation n of a retrieved passage: its whole chunk is the quote."""
    return cite_span(n, p.chunk.doc_id, p.meta, p.chunk.text, p.chunk.start, p.chunk.end, p.chunk.heading)


def cite_span(
    n: int, doc_id: str, meta: dict[str, Any], quote: str, start: int, end: int, heading: str = ""
) -> Citation:
    """Every answer's citation is built here (passages, indicator tables, the page's table view): the document's
    source, title, date and issuer, the quoted span, and where an OCR'd page it came from."""
    from assistant.ocr import origin

    return Citation(
        n,
        doc_id,
        meta.get("source", ""),
        meta.get("title", ""),
        meta.get("date", ""),
        meta.get("issuer", ""),
        quote,
        start,
        end,
        heading,
        origin=origin(meta, start, end),
    )


def refusal(question: str, passages: list[Passage], backend: str) -> Answer:
    """The fixed refusal sentence, with the closest documents as 相关文件."""
    related, seen = [], set()
    for p in passages:
        if p.chunk.doc_id not in seen and len(related) < 3:
            seen.add(p.chunk.doc_id)
            related.append(
                {
                    "doc_id": p.chunk.doc_id,
                    "title": p.meta.get("title", ""),
                    "date": p.meta.get("date", ""),
                    "source": p.meta.get("source", ""),
                }
            )
    return Answer(REFUSAL, True, backend, True, [], [], related, question=question, passages=passages)
