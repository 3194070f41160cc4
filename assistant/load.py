"""Loaders: documents, scans, tables and pasted text -> raw text, checked by content, not by name.

txt/md/html, PDF (text layer; scanned pages by OCR; ruled tables as row lines), DOCX (tables in
document order), XLSX/XLS/CSV (every row read with its header), PNG/JPG/TIFF (OCR), and .doc/.wps/.et
through LibreOffice when it is installed. PDFs and images are read in a child process
(assistant/pdfworker.py) under time limits.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.settings import LoadSettings

IMAGES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
SHEETS = (".xlsx", ".xls", ".csv")
CONVERTED = {".doc": "docx", ".wps": "docx", ".et": "xlsx"}  # LibreOffice converts these first
SUPPORTED = (".txt", ".md", ".pdf", ".docx", ".html", ".htm", *SHEETS, *IMAGES, *CONVERTED)
KINDS = "PDF / DOCX / XLSX / XLS / CSV / TXT / MD / HTML / PNG / JPG / TIFF（.doc/.wps/.et 需安装 LibreOffice）"
OnPage = Callable[[int, int], None]
"""Progress of a file read page by page: (pages done, pages in all)."""


@dataclass
class Loaded:
    """A loaded file: its raw text, what it was read from, and the pages that were recognised by OCR."""

    text: str
    meta: dict[str, str] = field(default_factory=dict)  # format, ocr_pages, ocr_confidence, ocr_low_pages, tables
    pages: list[tuple[int, str, float | None]] = field(default_factory=list)  # (page no, text, OCR confidence)


class LoadError(ValueError):
    """A document that cannot be indexed; the message says why in words a user can act on."""


def sniff(data: bytes) -> str:
    """The real kind of a file from its first bytes: pdf, docx, zip, html, text or binary."""
    head = data[:1024]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 with a byte-order mark (NUL bytes are expected there)
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data[:200_000]:
            return "docx"
        if b"xl/" in data[:200_000]:
            return "xlsx"
        return "docx" if b"[Content_Types].xml" in data[:200_000] else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # a compound file: .doc/.xls/.wps/.et, or an encrypted (password-protected) OOXML file
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta")):
        return "html"
    return "binary" if looks_binary(data) else "text"


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes mean this is not text in any encoding we accept."""
    sample = data[:65536]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(sample) > 0.02


def decode_text(data: bytes) -> str:
    """Decode UTF-8 first, then GB18030/GBK/Big5 as charset-normalizer finds them."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    if len(data) < 24:
        # Too short for detection; Chinese files that are not UTF-8 are almost always GB18030/GBK.
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            pass
    best = from_bytes(data, cp_isolation=["gb18030", "big5", "utf_16"]).best()
    if best is None:
        raise LoadError("无法识别文件编码 (not UTF-8, GB18030/GBK or Big5 text)")
    enc = "gb18030" if best.encoding.lower() in ("gbk", "gb2312", "gb18030") else best.encoding
    return data.decode(enc, errors="strict")


def check_text(text: str) -> str:
    """Reject pasted or decoded text with no content or with binary debris."""
    if not text or not text.strip():
        raise LoadError("内容为空 (the text is empty)")
    bad = sum(1 for ch in text[:65536] if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    if bad / max(1, min(len(text), 65536)) > 0.01:
        raise LoadError("内容含有二进制数据，不是可读文本 (binary bytes in the text)")
    if not any("\u4e00" <= ch <= "\u9fff" or ch.isalnum() for ch in text):
        raise LoadError("内容没有可索引的文字 (no words to index)")
    return text


def html_to_text(html: str) -> str:
    """Main text of a web page (trafilatura), falling back to all visible text."""
    text = ""
    try:
        import trafilatura

        text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True) or ""
    except Exception:  # noqa: BLE001 - trafilatura failing on odd markup falls back to plain extraction
        text = ""
    if not text:
        from lxml import html as lhtml

        try:
            tree = lhtml.fromstring(html)
        except Exception as exc:  # noqa: BLE001
            raise LoadError(f"HTML 无法解析 ({exc.__class__.__name__})") from exc
        for bad in tree.xpath("//script|//style|//noscript|//nav|//header|//footer|//aside"):
            bad.drop_tree()
        text = "\n".join(t.strip() for t in tree.itertext() if t.strip())
    return text


def docx_to_text(data: bytes) -> str:
    """Paragraphs and tables in document order; a table row is read with its header (assistant/tables.py)."""
    from assistant.tables import docx_blocks

    try:
        return "\n".join(docx_blocks(data))
    except Exception as exc:  # noqa: BLE001 - any broken part of the package is the same user error
        raise LoadError(f"DOCX 文件已损坏或不是 Word 文档 ({exc.__class__.__name__})") from exc


def run_worker(args: list[str], settings: LoadSettings, what: str, on_page: OnPage | None = None) -> dict:
    """Run assistant.pdfworker; the parse limit covers the text layer, the per-page limit each OCR page."""
    cmd = [sys.executable, "-m", "assistant.pdfworker", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    state = {"last": time.monotonic(), "done": 0, "total": 0}
    err_tail: list[str] = []

    def read_progress() -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            line = raw.decode("utf-8", "replace").split()
            if len(line) == 3 and line[0] == "page":
                state.update(last=time.monotonic(), done=int(line[1]), total=int(line[2]))
                if on_page and state["total"]:
                    on_page(state["done"], state["total"])
            else:
                err_tail[:] = (err_tail + [" ".join(line)])[-5:]

    reader = threading.Thread(target=read_progress, daemon=True)
    reader.start()
    out: list[bytes] = []
    writer = threading.Thread(target=lambda: out.append(proc.stdout.read() if proc.stdout else b""), daemon=True)
    writer.start()
    started = time.monotonic()
    while proc.poll() is None:
        now = time.monotonic()
        if not state["total"] and now - started > settings.pdf_timeout_s:
            proc.kill()
            proc.wait()
            raise LoadError(f"{what} 解析超时 ({settings.pdf_timeout_s:.0f} s); the file may be malformed")
        if state["total"] and now - state["last"] > settings.ocr_page_timeout_s + settings.pdf_timeout_s:
            proc.kill()
            proc.wait()
            raise LoadError(
                f"{what} 第 {state['done'] + 1} 页处理超时 (over {settings.ocr_page_timeout_s:.0f} s "
                "for one page, ASSISTANT_LOAD__OCR_PAGE_TIMEOUT_S)"
            )
        time.sleep(0.02)
    writer.join(5)
    reader.join(5)
    try:
        result = json.loads((out[0] if out else b"").decode("utf-8") or "{}")
    except ValueError:
        result = {}
    if "error" in result:
        raise LoadError(result["error"])
    if proc.returncode != 0 or "pages" not in result:
        raise LoadError(f"{what} 文件已损坏，无法解析 (the parser failed)")
    return result


def _pages_to_loaded(pages: list[dict], settings: LoadSettings, what: str) -> Loaded:
    ocr = [(i + 1, p["text"], float(p["confidence"] or 0.0)) for i, p in enumerate(pages) if p.get("ocr")]
    text = "\n".join(p["text"] for p in pages)
    if len(text.strip()) < 10:
        if ocr:
            raise LoadError(f"{what}中没有识别出文字（扫描件/图片经文字识别后为空） (scanned: no text found by OCR)")
        raise LoadError(f"{what}没有文字 (no text)")
    meta: dict[str, str] = {}
    tables = sum(int(p.get("tables") or 0) for p in pages)
    if tables:
        meta["tables"] = str(tables)
    if ocr:
        chars = sum(len(t) for _, t, _ in ocr)
        mean = sum(c * len(t) for _, t, c in ocr) / max(1, chars)
        low = [str(n) for n, t, c in ocr if t.strip() and c < settings.ocr_min_confidence]
        empty = [str(n) for n, t, _ in ocr if not t.strip()]
        meta.update(ocr_pages=",".join(str(n) for n, _, _ in ocr), ocr_confidence=f"{mean:.2f}")
        if low:
            meta["ocr_low_pages"] = ",".join(low)
        if empty:
            meta["ocr_empty_pages"] = ",".join(empty)
    numbered = [(i + 1, p["text"], p["confidence"] if p.get("ocr") else None) for i, p in enumerate(pages)]
    return Loaded(text, meta, numbered)


def pdf_to_text(path: Path, settings: LoadSettings) -> str:
    """Parse a PDF in a child process with a wall-clock timeout and a page cap."""
    return read_pdf(path, settings).text


def read_pdf(path: Path, settings: LoadSettings, on_page: OnPage | None = None) -> Loaded:
    """A PDF read in the child process: text pages as text, scanned pages by OCR (page cap, per-page limit)."""
    args = ["pdf", str(path), str(settings.pdf_max_pages), str(settings.ocr_max_pages)]
    loaded = _pages_to_loaded(run_worker(args, settings, "PDF", on_page)["pages"], settings, "PDF ")
    loaded.meta["format"] = "pdf"
    return loaded


def read_image(path: Path, settings: LoadSettings, on_page: OnPage | None = None) -> Loaded:
    """A page image (PNG/JPG/TIFF) recognised in the child process."""
    args = ["image", str(path), str(settings.ocr_max_pages)]
    loaded = _pages_to_loaded(run_worker(args, settings, "图片", on_page)["pages"], settings, "图片")
    loaded.meta["format"] = "image"
    return loaded


def _tables_text(tables: list, what: str) -> str:
    text = "\n\n".join(t.text() for t in tables if t.text())
    if not text.strip():
        raise LoadError(f"{what}中没有可读的表格内容 (no table with a header and rows)")
    return text


def read_sheet(data: bytes, kind: str, suffix: str, name: str, settings: LoadSettings) -> Loaded:
    """XLSX / XLS / CSV -> table row lines."""
    from assistant.tables import TableError, csv_table, looks_like_csv, xls_tables, xlsx_tables

    try:
        if kind == "xlsx":
            tables = xlsx_tables(data, name, settings.table_max_rows)
            return Loaded(_tables_text(tables, "工作簿"), {"format": "xlsx", "tables": str(len(tables))})
        if kind == "ole":
            tables = xls_tables(data, settings.table_max_rows)
            return Loaded(_tables_text(tables, "工作簿"), {"format": "xls", "tables": str(len(tables))})
        text = decode_text(data)
        if kind == "html":
            raise LoadError(
                f"文件扩展名是 {suffix}，但内容是 HTML 网页，不是 Excel 工作簿（常见于系统导出的“Excel”）; "
                "请用 Excel/WPS 打开后另存为 .xlsx (content is HTML, not a spreadsheet)"
            )
        if suffix != ".csv":
            hint = "CSV 文本，请把扩展名改为 .csv" if looks_like_csv(text) else "纯文本"
            raise LoadError(f"文件扩展名是 {suffix}，但内容是{hint} (content is text, not an Excel workbook)")
        table = csv_table(text, settings.table_max_rows)
        return Loaded(_tables_text([table] if table else [], "CSV 文件"), {"format": "csv", "tables": "1"})
    except TableError as exc:
        raise LoadError(str(exc)) from exc


def convert_office(data: bytes, suffix: str, settings: LoadSettings) -> tuple[bytes, str]:
    """.doc/.wps -> .docx and .et -> .xlsx with LibreOffice (soffice --headless --convert-to)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    target = CONVERTED[suffix]
    if not soffice:
        raise LoadError(
            f"{suffix} 文件需要先用 LibreOffice 转换，但本机没有安装 LibreOffice：请安装 "
            "(apt-get install libreoffice-writer libreoffice-calc)，或用 WPS/Word 另存为 "
            f".{target} 后再上传 (LibreOffice not installed)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(data)
        cmd = [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp}/profile",
            "--convert-to",
            target,
            "--outdir",
            str(Path(tmp) / "out"),
            str(src),
        ]
        try:
            subprocess.run(cmd, capture_output=True, timeout=settings.convert_timeout_s, check=False)
        except subprocess.TimeoutExpired as exc:
            raise LoadError(f"LibreOffice 转换 {suffix} 超时 ({settings.convert_timeout_s:.0f} s)") from exc
        out = Path(tmp) / "out" / f"input.{target}"
        if not out.exists():
            raise LoadError(f"LibreOffice 无法转换这个 {suffix} 文件（文件可能已损坏或加密） (conversion failed)")
        return out.read_bytes(), f".{target}"


def _check_kind(data: bytes, kind: str, suffix: str) -> None:
    """Refuse a file whose content is not what its extension says, or an encrypted Office file."""
    if suffix == ".pdf" and kind != "pdf":
        raise LoadError(f"文件扩展名是 .pdf，但内容是 {kind}，不是 PDF (content is not a PDF)")
    if suffix == ".docx" and kind != "docx":
        raise LoadError(f"文件扩展名是 .docx，但内容不是 Word 文档 (content is {kind}, not a DOCX zip)")
    if suffix in IMAGES and kind != "image":
        raise LoadError(f"文件扩展名是 {suffix}，但内容不是 PNG/JPG/TIFF 图片 (content is {kind}, not an image)")
    if kind == "ole" and b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
        raise LoadError(
            "文件已设置打开密码（加密的 Office 文档），请先在 Excel/Word/WPS 中取消密码后再上传 "
            "(password-protected / encrypted file)"
        )


def load_document(data: bytes, name: str, settings: LoadSettings, on_page: OnPage | None = None) -> Loaded:
    """A file's raw text and how it was read, by its content; raises LoadError."""
    if len(data) > settings.max_file_mb * 1024 * 1024:
        raise LoadError(f"文件超过 {settings.max_file_mb:.0f} MB 上限 (file too large)")
    if not data.strip():
        raise LoadError("文件为空 (the file is empty)")
    kind = sniff(data)
    suffix = Path(name).suffix.lower()
    _check_kind(data, kind, suffix)
    if suffix in CONVERTED and kind in ("ole", "zip"):  # (a .wps/.et saved as OOXML is read as it is)
        data, suffix = convert_office(data, suffix, settings)
        kind = sniff(data)
    if kind in ("pdf", "image"):
        with tempfile.NamedTemporaryFile(suffix=".pdf" if kind == "pdf" else suffix or ".img") as tmp:
            tmp.write(data)
            tmp.flush()
            reader = read_pdf if kind == "pdf" else read_image
            loaded = reader(Path(tmp.name), settings, on_page)
        check_text(loaded.text)
        return loaded
    if kind == "docx":
        return Loaded(check_text(docx_to_text(data)), {"format": "docx"})
    if kind == "xlsx" or suffix in SHEETS or (kind == "ole" and b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data):
        if suffix in (".xlsx", ".xls") and kind not in ("xlsx", "ole", "text", "html"):
            raise LoadError(f"文件扩展名是 {suffix}，但内容是 {kind}，不是 Excel 工作簿 (not a spreadsheet)")
        loaded = read_sheet(data, kind, suffix, name, settings)
        check_text(loaded.text)
        return loaded
    if kind in ("zip", "binary", "ole"):
        raise LoadError(f"不支持的文件类型 ({kind}); 支持 {KINDS}")
    text = decode_text(data)
    if kind == "html" or suffix in (".html", ".htm"):
        text = html_to_text(text)
    return Loaded(check_text(text), {"format": "html" if kind == "html" else "text"})


def load_bytes(data: bytes, name: str, settings: LoadSettings) -> str:
    """Raw text of an uploaded or ingested file, by its content; raises LoadError."""
    return load_document(data, name, settings).text


def load_path(path: Path, settings: LoadSettings, on_page: OnPage | None = None) -> Loaded:
    """A file on disk, loaded (see load_document); raises LoadError."""
    size = path.stat().st_size
    if size > settings.max_file_mb * 1024 * 1024:
        raise LoadError(f"文件超过 {settings.max_file_mb:.0f} MB 上限 (file too large)")
    return load_document(path.read_bytes(), path.name, settings, on_page)


def load_file(path: Path, settings: LoadSettings) -> str:
    """Raw text of a file on disk; raises LoadError."""
    return load_path(path, settings).text
