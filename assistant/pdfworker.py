"""Child process that reads one PDF or page image and prints {"pages": [...]} or {"error": "..."} as JSON.

Run by assistant.load.run_worker under a wall-clock timeout, so a hostile file (decompression bomb,
circular xref, a page OCR never finishes) can only cost that much time, and a crash leaves nothing half
indexed. Each page is {"text", "ocr", "confidence", "tables"}: pages with a text layer are read as text
(tables found by pdfplumber become row lines, see assistant/tables.py); pages without one are rendered
(pypdfium2) and recognised (assistant/ocr.py). Progress goes to stderr as "page DONE TOTAL" lines; the
parent kills the child when a page takes longer than its per-page limit.

    python -m assistant.pdfworker pdf PATH MAX_PAGES [OCR_MAX_PAGES]
    python -m assistant.pdfworker image PATH [OCR_MAX_PAGES]
"""

from __future__ import annotations

import json
import re
import resource
import sys
from typing import Any

MIN_TEXT_CHARS = 20
"""A page with fewer visible characters in its text layer is treated as scanned and recognised."""
RENDER_SCALE = 2.0  # 144 dpi: enough for body text of a scanned A4 notice
MAX_IMAGE_PIXELS = 40_000_000


def progress(done: int, total: int) -> None:
    sys.stderr.write(f"page {done} {total}\n")
    sys.stderr.flush()


def _visible(text: str) -> int:
    return len(re.sub(r"\s", "", text))


NUMBER_RUN = re.compile(r"\d[\d.,%]*\s+[-\d]")
NUMBER_LINE = re.compile(r"^\s*[-+]?\d[\d.,]*\s*[%‰]?\s*$", re.M)


def looks_tabular(text: str) -> bool:
    """Cells in a text layer: numbers side by side ("45 52.8 117%") or numbers alone on their lines. Prose
    pages skip pdfplumber, which costs far more than pypdf on a long document."""
    return len(NUMBER_RUN.findall(text)) >= 2 or len(NUMBER_LINE.findall(text)) >= 3


def _text_page(plumber_page: Any, text: str) -> dict[str, Any]:
    """A text page; when pdfplumber finds ruled tables, the text around them plus their row lines in order."""
    from assistant.tables import caption_from, from_grid

    if plumber_page is None or not looks_tabular(text):
        return {"text": text, "ocr": False, "confidence": None, "tables": 0}
    try:
        found = plumber_page.find_tables()
    except Exception:  # noqa: BLE001 - table detection is a bonus; the text layer stays
        found = []
    if not found:
        return {"text": text, "ocr": False, "confidence": None, "tables": 0}
    boxes = [t.bbox for t in found]

    def outside(obj: dict[str, Any]) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    lines = [(ln["top"], ln["text"]) for ln in plumber_page.filter(outside).extract_text_lines()]
    blocks: list[tuple[float, str]] = list(lines)
    n = 0
    for t in found:
        above = [txt for top, txt in lines if top < t.bbox[1]]
        caption = caption_from(above[-1]) if above else ""
        table = from_grid(t.extract(), caption, " ".join(above[-3:]))
        if table is not None:
            blocks.append((t.bbox[1], table.text(caption_line=table.caption != caption)))
            n += 1
    blocks.sort(key=lambda b: b[0])
    return {"text": "\n".join(b[1] for b in blocks), "ocr": False, "confidence": None, "tables": n}


def _ocr_page(image: Any) -> dict[str, Any]:
    from assistant.ocr import recognise

    page = recognise(image)
    return {"text": page.text, "ocr": True, "confidence": page.confidence, "tables": 0}


def _text_layers(path: str, max_pages: int) -> list[str] | str:
    """Each page's text layer, or why the PDF cannot be read."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            return "PDF 已加密，请先解除密码保护 (encrypted PDF)"
        n = len(reader.pages)
        if n > max_pages:
            return f"PDF 共 {n} 页，超过 {max_pages} 页上限 (page cap)"
        return [page.extract_text() or "" for page in reader.pages]
    except MemoryError:
        return "PDF 解压后过大，疑似压缩炸弹 (decompression bomb)"
    except RecursionError:
        return "PDF 结构循环引用，无法解析 (circular references)"
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        return f"PDF 文件已损坏，无法解析 ({exc.__class__.__name__}: {str(exc)[:120]})"


def read_pdf(path: str, max_pages: int, ocr_max_pages: int) -> dict[str, Any]:
    texts = _text_layers(path, max_pages)
    if isinstance(texts, str):
        return {"error": texts}
    n = len(texts)
    scanned = [i for i, t in enumerate(texts) if _visible(t) < MIN_TEXT_CHARS]
    if len(scanned) > ocr_max_pages:
        return {
            "error": f"PDF 有 {len(scanned)} 页是扫描页（没有文字层），超过文字识别 {ocr_max_pages} 页上限 "
            f"(scanned pages over the OCR page cap of {ocr_max_pages}); 请拆分后再上传"
        }
    plumber = None
    if any(i not in scanned and looks_tabular(t) for i, t in enumerate(texts)):
        try:
            import pdfplumber

            plumber = pdfplumber.open(path)
        except Exception:  # noqa: BLE001 - without pdfplumber the text layer is used as it is
            plumber = None
    pdfium = None
    if scanned:
        try:
            import pypdfium2

            pdfium = pypdfium2.PdfDocument(path)
        except Exception as exc:  # noqa: BLE001
            return {"error": f"扫描页无法渲染 (scanned PDF pages could not be rendered: {exc.__class__.__name__})"}
    pages = []
    progress(0, n)
    for i, text in enumerate(texts):
        if i in scanned:
            assert pdfium is not None
            pages.append(_ocr_page(pdfium[i].render(scale=RENDER_SCALE).to_pil()))
        else:
            pages.append(_text_page(plumber.pages[i] if plumber is not None else None, text))
        progress(i + 1, n)
    return {"pages": pages}


def read_image(path: str, ocr_max_pages: int = 50) -> dict[str, Any]:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(path) as img:
            frames = [f.copy() for f in ImageSequence.Iterator(img)]  # a multi-page TIFF is several pages
            for f in frames:
                f.load()
    except Image.DecompressionBombError:
        return {"error": f"图片像素过多 (over {MAX_IMAGE_PIXELS:,} pixels)"}
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        return {"error": f"图片文件已损坏，无法读取 (corrupt image: {exc.__class__.__name__})"}
    if len(frames) > ocr_max_pages:
        return {
            "error": f"图片共 {len(frames)} 页，超过文字识别 {ocr_max_pages} 页上限 "
            f"(pages over the OCR page cap of {ocr_max_pages}); 请拆分后再上传"
        }
    pages = []
    progress(0, len(frames))
    for i, frame in enumerate(frames):
        pages.append(_ocr_page(frame))
        progress(i + 1, len(frames))
    return {"pages": pages}


def main(argv: list[str]) -> dict[str, Any]:
    # A decompression bomb hits this address-space cap and fails instead of eating the machine.
    resource.setrlimit(resource.RLIMIT_AS, (4 * 1024**3, 4 * 1024**3))
    import logging

    logging.disable(logging.CRITICAL)
    try:
        if argv[0] == "image":
            return read_image(argv[1], int(argv[2]) if len(argv) > 2 else 50)
        if argv[0] == "pdf":
            return read_pdf(argv[1], int(argv[2]), int(argv[3]) if len(argv) > 3 else 50)
        return read_pdf(argv[0], int(argv[1]), 50)  # the old call: PATH MAX_PAGES
    except MemoryError:
        return {"error": "文件解码后过大 (out of memory while reading the file)"}


if __name__ == "__main__":
    sys.setrecursionlimit(5000)
    out = main(sys.argv[1:])
    sys.stdout.write(json.dumps(out, ensure_ascii=False))
