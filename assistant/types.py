"""Typed records at the stage boundaries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any


def record_dict(record: Any, omit: Iterable[str] = (), **values: Any) -> dict[str, Any]:
    """A dataclass record as the dict its JSON shows: its fields in order, less `omit`, with `values` in place of
    the stored ones (each must be a field)."""
    skip = set(omit)
    out = {f.name: getattr(record, f.name) for f in fields(record) if f.name not in skip}
    unknown = set(values) - set(out)
    if unknown:
        raise KeyError(f"not fields of {type(record).__name__}: {sorted(unknown)}")
    out.update(values)
    return out


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
        return record_dict(self, omit=() if self.kb else ("kb",))


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
        return record_dict(self, omit=("question", "passages"), citations=[c.to_dict() for c in self.citations])
