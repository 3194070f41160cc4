"""What an ingest tells its caller: the result of one document, the report of a batch, how a file was read
(OCR pages, tables), and the progress bars shown on a terminal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.types import record_dict


@dataclass
class AddResult:
    doc_id: str
    chunks: int
    duplicate: bool
    source: str = ""
    title: str = ""
    suspicious: str = ""
    note: str = ""  # how the file was read, when the user should know (OCR pages, low-confidence pages)

    def to_dict(self) -> dict[str, Any]:
        return record_dict(self)


def read_note(meta: dict[str, Any]) -> str:
    """What a user should know about how a file was read: OCR'd pages and the ones to check by eye."""
    parts = []
    if meta.get("ocr_pages"):
        parts.append(f"第 {meta['ocr_pages']} 页经文字识别(OCR)，平均置信度 {meta.get('ocr_confidence', '?')}")
    if meta.get("ocr_low_pages"):
        parts.append(f"第 {meta['ocr_low_pages']} 页识别置信度低，请核对原件 (low OCR confidence)")
    if meta.get("ocr_empty_pages"):
        parts.append(f"第 {meta['ocr_empty_pages']} 页没有识别出文字 (no text recognised)")
    if meta.get("tables") and meta.get("tables") != "0":
        parts.append(f"{meta['tables']} 个表格按行索引")
    return "；".join(parts)


@dataclass
class IngestReport:
    added: int = 0
    skipped: int = 0
    chunks: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # files read by OCR, low-confidence pages, tables

    def count(self, path: Path, result: AddResult) -> None:
        if result.duplicate:
            self.skipped += 1
        else:
            self.added += 1
            self.chunks += result.chunks
            if result.note:
                self.notes.append(f"{path.name}: {result.note}")

    def to_dict(self) -> dict[str, Any]:
        return record_dict(self)


class ProgressBars:
    """tqdm progress bars of an ingest on a terminal: one over the files, one over the pages of a scan or long PDF."""

    def __init__(self, total: int) -> None:
        from tqdm import tqdm

        self._tqdm = tqdm
        self.files = tqdm(total=total, unit="doc", desc="ingest")
        self.pages: Any = None

    def on_page(self, name: str) -> Callable[[int, int], None]:
        """The load_path callback for one file (its page bar appears once it has more than one page)."""

        def on_page(done: int, total: int) -> None:
            if self.pages is None and total > 1:
                self.pages = self._tqdm(total=total, unit="page", desc=name[:24], leave=False, position=1)
            if self.pages is not None:
                self.pages.n = done
                self.pages.refresh()

        return on_page

    def file_done(self) -> None:
        if self.pages is not None:
            self.pages.close()
            self.pages = None
        self.files.update(1)

    def close(self) -> None:
        self.files.close()
