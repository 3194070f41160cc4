"""Typed records at the stage boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SourceDoc:
    """A cleaned document ready to chunk: `text` is what citations quote from."""

    doc_id: str
    source: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Chunk:
    """A span [start, end) of a document's cleaned text."""

    chunk_id: str
    doc_id: str
    ord: int
    start: int
    end: int
    text: str
    heading: str = ""

    @property
    def kind(self) -> str:
        """ "table" for a table row (read with its header, assistant/tables.py), else "text"."""
        from assistant.tables import is_row

        return "table" if is_row(self.text) else "text"


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score and the flat metadata of its document."""

    chunk: Chunk
    score: float
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.chunk.text


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    source: str
    title: str
    date: str
    issuer: str
    quote: str
    start: int
    end: int
    heading: str = ""  # the section or article the passage sits in (a newspaper page holds several)
    origin: str = ""  # how the quoted text was read when not from a text layer: "文字识别(OCR) 第2页 置信度0.93"
    kb: str = ""  # the knowledge base it comes from, set when one question is asked across several

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        if not out["kb"]:
            del out["kb"]
        return out


@dataclass
class Answer:
    answer: str
    refused: bool
    backend: str
    verified: bool
    citations: list[Citation] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    related: list[dict[str, str]] = field(default_factory=list)
    note: str = ""
    question: str = ""
    passages: list[Passage] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)  # figures derived in code (completion rates), labelled as such
    table: list[dict[str, Any]] = field(default_factory=list)  # indicator rows (year, target, achieved, rate)

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "refused": self.refused,
            "backend": self.backend,
            "verified": self.verified,
            "citations": [c.to_dict() for c in self.citations],
            "unverified": self.unverified,
            "related": self.related,
            "note": self.note,
            "computed": self.computed,
            "table": self.table,
        }
