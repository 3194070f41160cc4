"""Loaders: txt/md/html/pdf/docx files and pasted text -> raw text, checked by content, not by name."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from assistant.settings import LoadSettings

SUPPORTED = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")


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
        return "docx" if b"word/" in data[:200_000] or b"[Content_Types].xml" in data[:200_000] else "zip"
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
    import io

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - any broken part of the package is the same user error
        raise LoadError(f"DOCX 文件已损坏或不是 Word 文档 ({exc.__class__.__name__})") from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text.strip() for cell in row.cells))
    return "\n".join(parts)


def pdf_to_text(path: Path, settings: LoadSettings) -> str:
    """Parse a PDF in a child process with a wall-clock timeout and a page cap."""
    cmd = [sys.executable, "-m", "assistant.pdfworker", str(path), str(settings.pdf_max_pages)]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=settings.pdf_timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        raise LoadError(f"PDF 解析超时 ({settings.pdf_timeout_s:.0f} s); the file may be malformed") from exc
    try:
        result = json.loads(proc.stdout.decode("utf-8") or "{}")
    except ValueError:
        result = {}
    if "error" in result:
        raise LoadError(result["error"])
    if proc.returncode != 0 or "pages" not in result:
        raise LoadError("PDF 文件已损坏，无法解析 (the PDF parser failed)")
    text = "\n".join(result["pages"])
    if len(text.strip()) < 10:
        raise LoadError("PDF 没有文字层（可能是扫描件），请先做文字识别 (scanned PDF: no text layer)")
    return text


def load_bytes(data: bytes, name: str, settings: LoadSettings) -> str:
    """Raw text of an uploaded or ingested file, by its content; raises LoadError."""
    if len(data) > settings.max_file_mb * 1024 * 1024:
        raise LoadError(f"文件超过 {settings.max_file_mb:.0f} MB 上限 (file too large)")
    if not data.strip():
        raise LoadError("文件为空 (the file is empty)")
    kind = sniff(data)
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf" and kind != "pdf":
        raise LoadError(f"文件扩展名是 .pdf，但内容是 {kind}，不是 PDF (content is not a PDF)")
    if suffix == ".docx" and kind != "docx":
        raise LoadError(f"文件扩展名是 .docx，但内容不是 Word 文档 (content is {kind}, not a DOCX zip)")
    if kind == "pdf":
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
            tmp.write(data)
            tmp.flush()
            return pdf_to_text(Path(tmp.name), settings)
    if kind == "docx":
        return check_text(docx_to_text(data))
    if kind in ("zip", "binary"):
        raise LoadError(f"不支持的文件类型 ({kind}); 支持 PDF / DOCX / TXT / MD / HTML")
    text = decode_text(data)
    if kind == "html" or suffix in (".html", ".htm"):
        text = html_to_text(text)
    return check_text(text)


def load_file(path: Path, settings: LoadSettings) -> str:
    """Raw text of a file on disk; raises LoadError."""
    size = path.stat().st_size
    if size > settings.max_file_mb * 1024 * 1024:
        raise LoadError(f"文件超过 {settings.max_file_mb:.0f} MB 上限 (file too large)")
    return load_bytes(path.read_bytes(), path.name, settings)
