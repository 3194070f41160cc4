"""Offline OCR (rapidocr-onnxruntime, PP-OCRv4 Chinese models inside the wheel): page image -> paragraphs.

Runs inside the PDF child process (assistant/pdfworker.py). Recognised boxes are ordered into reading
order (top to bottom, left to right within a line) and joined into paragraphs (a paragraph ends at a
vertical gap, an indented line start, or a line that ends a sentence short of the right margin).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

LOW_CONFIDENCE = 0.80
"""A page whose mean line confidence is below this is flagged as low-confidence (kept, not dropped)."""


@dataclass(frozen=True)
class OcrLine:
    text: str
    confidence: float
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class OcrPage:
    text: str
    confidence: float  # mean over lines, weighted by characters; 0.0 when nothing was recognised
    lines: int


_ENGINE: Any = None


def engine() -> Any:
    """The RapidOCR engine, loaded once per process (one thread each for ONNX: the machine is shared)."""
    global _ENGINE
    if _ENGINE is None:
        from rapidocr_onnxruntime import RapidOCR

        _ENGINE = RapidOCR(intra_op_num_threads=2, inter_op_num_threads=1, print_verbose=False)
    return _ENGINE


def recognise(image: Any) -> OcrPage:
    """OCR one page image (a PIL image, an array or a path)."""
    import numpy as np

    if hasattr(image, "convert"):
        image = np.asarray(image.convert("RGB"))
    result, _ = engine()(image)
    lines = [
        OcrLine(
            str(text),
            float(score),
            min(p[0] for p in box),
            min(p[1] for p in box),
            max(p[0] for p in box),
            max(p[1] for p in box),
        )
        for box, text, score in (result or [])
        if str(text).strip()
    ]
    return layout(lines)


def layout(lines: list[OcrLine]) -> OcrPage:
    """Reading order and paragraphs from recognised line boxes."""
    if not lines:
        return OcrPage("", 0.0, 0)
    height = statistics.median(ln.y1 - ln.y0 for ln in lines)
    rows: list[list[OcrLine]] = []
    for ln in sorted(lines, key=lambda b: (b.y0 + b.y1) / 2):
        mid = (ln.y0 + ln.y1) / 2
        if rows and abs(mid - statistics.fmean((b.y0 + b.y1) / 2 for b in rows[-1])) < height * 0.5:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    left = min(b.x0 for b in lines)
    right = max(b.x1 for b in lines)
    paragraphs: list[str] = []
    prev: list[OcrLine] | None = None
    for row in rows:
        row.sort(key=lambda b: b.x0)
        text = " ".join(b.text.strip() for b in row)
        if prev is None:
            paragraphs.append(text)
        else:
            gap = row[0].y0 - max(b.y1 for b in prev)
            indented = row[0].x0 - left > height * 1.5
            short = max(b.x1 for b in prev) < right - height * 2  # the previous line stopped short of the margin
            if gap > height * 1.5 or indented or short:
                paragraphs.append(text)
            else:
                paragraphs[-1] += text
        prev = row
    chars = sum(len(b.text) for b in lines)
    conf = sum(b.confidence * len(b.text) for b in lines) / max(1, chars)
    return OcrPage("\n".join(paragraphs), round(conf, 4), len(lines))


# -- where a chunk came from ---------------------------------------------------------------------
def page_spans(text: str, pages: list[tuple[int, str, float | None]]) -> list[tuple[int, int, int, float | None]]:
    """(start, end, page no, OCR confidence) of each page inside the cleaned text of its document.

    Each page's first cleaned words are looked up in order; a page that cannot be found joins the one before.
    """
    from assistant.clean import clean

    starts: list[tuple[int, int, float | None]] = []
    cursor = 0
    for number, page_text, conf in pages:
        first = next((ln.strip() for ln in clean(page_text).split("\n") if ln.strip()), "")
        pos = text.find(first[:12], cursor) if first else -1
        if pos >= 0:
            starts.append((pos, number, conf))
            cursor = pos + 1
    out = []
    for i, (start, number, conf) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        out.append((0 if i == 0 else start, end, number, conf))
    return out


def encode_spans(spans: list[tuple[int, int, int, float | None]], min_confidence: float = LOW_CONFIDENCE) -> str:
    """The OCR pages' spans as one flat metadata string: "start-end@page:confidence;...", "!" marking low ones."""
    return ";".join(f"{a}-{b}@{n}:{c:.2f}{'!' if c < min_confidence else ''}" for a, b, n, c in spans if c is not None)


def origin(meta: dict[str, Any], start: int, end: int) -> str:
    """ "OCR 第2页 置信度0.93" for a passage read by OCR (a low-confidence page says so), else ""."""
    for part in str(meta.get("ocr_spans", "") or "").split(";"):
        try:
            span, rest = part.split("@")
            a, b = (int(x) for x in span.split("-"))
            page, conf = rest.split(":")
        except ValueError:
            continue
        if a < end and start < b:
            low = "，置信度低，请核对原件" if conf.endswith("!") else ""
            return f"文字识别(OCR) 第{page}页 置信度{conf.rstrip('!')}{low}"
    return ""
