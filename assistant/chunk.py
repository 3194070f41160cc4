"""Sentence-aware chunking for Chinese government documents, with heading paths and exact offsets."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from assistant.clean import META_START, TERMINAL
from assistant.tables import parse_row
from assistant.types import Chunk, SourceDoc

SENTENCE_END = re.compile(r"[。!?！？]+[”’\"」』)]*|\n")
LEVELS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(r"^(?:[一二三四五六七八九十]+、|[■◆▲])")),
    (2, re.compile(r"^\([一二三四五六七八九十]+\)")),
    (3, re.compile(r"^\d{1,2}[、.](?!\d)")),
    (4, re.compile(r"^\(\d{1,2}\)")),
]
TITLE_MAX = 40
MIN_SECTION_CHARS = 40


def _chars(text: str, spans: list[tuple[int, int]]) -> int:
    return sum(b - a for a, b in spans)


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str
    level: int  # 0: title-like line, 1-4: numbered heading, 9: body


def split_sentences(text: str, offset: int = 0) -> Iterator[tuple[int, int]]:
    """Spans [start, end) of the sentences of text (ends at 。!?; and line ends), shifted by offset."""
    start = 0
    for m in SENTENCE_END.finditer(text):
        end = m.end() if m.group() != "\n" else m.start()
        if text[start:end].strip():
            s = start + len(text[start:end]) - len(text[start:end].lstrip())
            yield offset + s, offset + end
        start = m.end()
    if text[start:].strip():
        s = start + len(text[start:]) - len(text[start:].lstrip())
        yield offset + s, offset + len(text.rstrip())


def classify(line: str) -> int:
    for level, pattern in LEVELS:
        if pattern.match(line):
            return level
    if len(line) <= TITLE_MAX and line[-1] not in TERMINAL and not META_START.match(line) and not line.startswith("●"):
        return 0
    return 9


def lines_of(text: str) -> list[Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        if raw.strip():
            out.append(Line(pos, pos + len(raw), raw, classify(raw.strip())))
        pos += len(raw) + 1
    return out


def heading_label(line: str) -> str:
    """A heading line shortened to its first clause (numbered headings are often whole sentences)."""
    label = re.split(r"[。;,!?]", line, maxsplit=1)[0]
    return label[:40]


def chunk_id(doc_id: str, ordinal: int, text: str) -> str:
    return hashlib.sha1(f"{doc_id}\x1f{ordinal}\x1f{text}".encode()).hexdigest()[:24]


def chunk_document(doc: SourceDoc, max_tokens: int, overlap: int, count: Callable[[str], int]) -> list[Chunk]:
    """Chunks of doc.text: a new chunk at every title or top-level heading, else when max_tokens is hit.

    A table row (a line written by assistant/tables.py) is a chunk of its own, under the section it sits in
    or its table's caption, so that a figure is retrieved and cited with its row.
    """
    text = doc.text
    lines, rows = [], []
    for line in lines_of(text):
        row = parse_row(line.text)
        (rows if row is not None else lines).append((line, row.caption if row else ""))
    lines = [ln for ln, _ in lines]
    spans_out: list[tuple[int, int, str]] = []
    path: dict[int, str] = {}
    sections: list[tuple[str, list[tuple[int, int]]]] = []
    prev_level = 9
    has_body = False
    for line in lines:
        level = line.level
        if level <= 1 or not sections:
            if level == 0 and prev_level == 0 and sections:
                # Consecutive title lines (title + subtitle) form one heading.
                path[0] = path.get(0, "") + " " + line.text.strip()
            else:
                path = {k: v for k, v in path.items() if k < level}
                path[level] = heading_label(line.text.strip())
            heading = " › ".join(path[k] for k in sorted(path))
            if sections and not has_body and _chars(text, sections[-1][1]) < MIN_SECTION_CHARS:
                # A section that is only a title line joins the section it introduces.
                sections[-1] = (heading, sections[-1][1])
            else:
                sections.append((heading, []))
        elif level <= 4:
            path = {k: v for k, v in path.items() if k < level}
            path[level] = heading_label(line.text.strip())
        sections[-1][1].extend(split_sentences(line.text, line.start))
        has_body = level == 9 or (level <= 4 and len(line.text) > TITLE_MAX)
        prev_level = level
    if len(sections) > 1 and _chars(text, sections[-1][1]) < MIN_SECTION_CHARS:
        # A trailing signature (issuer, date) stays with the last section.
        sections[-2][1].extend(sections.pop()[1])
    for heading, spans in sections:
        for group in _pack(text, spans, max_tokens, overlap, count):
            spans_out.append((group[0][0], group[-1][1], heading))
    for line, caption in rows:
        before = [h for s, _, h in spans_out if s < line.start]
        spans_out.append((line.start, line.end, before[-1] if before else caption))
    chunks: list[Chunk] = []
    for start, end, heading in sorted(spans_out):
        body = text[start:end]
        n = len(chunks)
        chunks.append(Chunk(chunk_id(doc.doc_id, n, body), doc.doc_id, n, start, end, body, heading))
    return chunks


def _pack(
    text: str, spans: list[tuple[int, int]], max_tokens: int, overlap: int, count: Callable[[str], int]
) -> Iterator[list[tuple[int, int]]]:
    """Group sentence spans into chunks whose exact text (newlines included) stays within max_tokens."""
    spans = [piece for span in spans for piece in _split_long(text, span, max_tokens, count)]
    group: list[tuple[int, int]] = []
    for span in spans:
        if group and count(text[group[0][0] : span[1]]) > max_tokens:
            yield group
            keep = group[-overlap:] if overlap and len(group) > overlap else []
            if keep and count(text[keep[0][0] : span[1]]) > max_tokens:
                keep = []  # no room for the overlap sentence
            group = list(keep)
        group.append(span)
    if group:
        yield group


def _split_long(
    text: str, span: tuple[int, int], max_tokens: int, count: Callable[[str], int]
) -> Iterator[tuple[int, int]]:
    """A sentence longer than max_tokens is cut at ;,、: (or, as a last resort, at the longest prefix that fits)."""
    start, end = span
    cut = start
    while count(text[cut:end]) > max_tokens:
        stops = [cut + m.end() for m in re.finditer(r"[;；,、:]", text[cut:end])]
        fitting = [p for p in stops if count(text[cut:p]) <= max_tokens]
        if fitting:
            nxt = fitting[-1]
        else:
            lo, hi = cut + 1, end
            while lo < hi:  # longest prefix within the cap
                mid = (lo + hi + 1) // 2
                if count(text[cut:mid]) <= max_tokens:
                    lo = mid
                else:
                    hi = mid - 1
            nxt = max(lo, cut + 1)
        yield cut, nxt
        cut = nxt
    if cut < end:
        yield cut, end
