"""Loaders: bad input is rejected with a LoadError and leaves the index unchanged; good input is indexed."""

from __future__ import annotations

import importlib.util
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import all_chunks

from assistant.load import LoadError, load_bytes, sniff
from assistant.settings import LoadSettings

PDF_PAGES = [
    ["第一页：咸宁市科技局发布2024年工作要点。", "全市高新技术企业达到620家，科技型中小企业入库2364家。"],
    ["第二页：新增市级创新平台50家。", "技术合同成交额突破80亿元，科技创新综合考评保持全省前列。"],
]


# -- builders --------------------------------------------------------------------------------------
def cjk_pdf(pages: list[list[str]] = PDF_PAGES) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for lines in pages:
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            c.drawString(72, 720 - 20 * i, line)
        c.showPage()
    c.save()
    return buf.getvalue()


def blank_pdf(n: int, size: float = 200) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(n):
        w.add_blank_page(size, size)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def encrypted_pdf(user_password: str = "secret") -> bytes:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(cjk_pdf())))
    w.encrypt(user_password=user_password, owner_password="owner")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def raw_pdf(objects: list[bytes]) -> bytes:
    """A hand-made PDF with a correct xref table over the given object bodies (object 1 is the root)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (i, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


CIRCULAR_PDF = raw_pdf(
    [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Pages /Kids [2 0 R] /Parent 2 0 R /Count 1 >>",
    ]
)
GARBAGE_OBJECTS_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\n2 0 obj\n<<<<>>>>]]]]((((\nendobj\n"
    b"xref\nnonsense\ntrailer\n<< /Root 1 0 R >>\nstartxref\n99999\n%%EOF\n"
)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("咸宁市科技局2024年科技工作要点", 1)
    d.add_paragraph("一、全市高新技术企业达到620家，科技型中小企业入库2364家。")
    d.add_paragraph("二、新增市级创新平台50家，技术合同成交额突破80亿元。")
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "孵化器"
    table.rows[0].cells[1].text = "新增省级科技企业孵化器3家"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def corrupt_docx_xml() -> bytes:
    """A DOCX zip whose word/document.xml is not well-formed XML."""
    good = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    return zip_bytes({n: b"<w:document><<<" if n == "word/document.xml" else good.read(n) for n in good.namelist()})


HTML_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>咸宁市科学技术局</title>
<script>var tracker = "SCRIPT_SHOULD_NOT_APPEAR"; function f() { return 1; }</script>
<style>.nav { color: red }</style></head><body>
<nav class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>\
<li><a href="/x">导航链接NAVLINK</a></li></ul></nav>
<article><h1>咸宁市2024年科技创新工作进展</h1>
<p>2024年，咸宁市科技局深入实施创新驱动发展战略，全市高新技术企业达到620家，科技型中小企业评价入库2364家。</p>
<p>全市新增市级创新平台50家，技术合同成交额突破80亿元，科技创新综合考评继续保持全省前列。</p>
<p>下一步，市科技局将围绕光谷科创大走廊咸宁功能区建设，加快推进离岸科创园建设，推动更多科技成果在咸宁转化落地。</p>
</article>
<footer>版权所有 咸宁市科学技术局</footer>
<script>document.write("SCRIPT2_SHOULD_NOT_APPEAR")</script>
</body></html>"""


# -- fixtures and helpers ----------------------------------------------------------------------------
@pytest.fixture
def loaded(library, bulletin: str):  # type: ignore[no-untyped-def]
    """A small non-empty index (one pasted bulletin)."""
    library.add_text(bulletin)
    return library


def snapshot(lib) -> tuple:  # type: ignore[no-untyped-def]
    corpus = Path(lib.settings.corpus_dir)
    files = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*") if p.is_file())
    return (
        lib.catalog.count_chunks(),
        lib.vectors.count(),
        len(lib.bm25),
        lib.catalog.generation,
        sorted(d["doc_id"] for d in lib.documents()),
        files,
    )


def assert_rejected(lib, action: Callable[[], object]) -> LoadError:  # type: ignore[no-untyped-def]
    before = snapshot(lib)
    with pytest.raises(LoadError) as info:
        action()
    assert str(info.value).strip(), "LoadError without a message"
    assert snapshot(lib) == before
    return info.value


def chunk_text(lib, doc_id: str) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(c.text for c in all_chunks(lib) if c.doc_id == doc_id)


# -- bad pastes ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   \n\t\u3000 \n"], ids=["empty", "whitespace"])
def test_empty_paste_rejected(loaded, text: str) -> None:  # type: ignore[no-untyped-def]
    err = assert_rejected(loaded, lambda: loaded.add_text(text))
    assert "空" in str(err) or "empty" in str(err) or "no words" in str(err)


def test_huge_paste_rejected(loaded) -> None:  # type: ignore[no-untyped-def]
    limit = loaded.settings.load.max_paste_chars
    assert limit == 2_000_000
    huge = "科技创新" * 5_000_000  # 20 million characters
    err = assert_rejected(loaded, lambda: loaded.add_text(huge))
    assert "too large" in str(err)


def test_binary_paste_rejected(loaded) -> None:  # type: ignore[no-untyped-def]
    err = assert_rejected(loaded, lambda: loaded.add_text(bytes(range(256)).decode("latin-1")))
    assert "binary" in str(err)


def test_binary_debris_inside_chinese_paste_rejected(loaded, bulletin: str) -> None:  # type: ignore[no-untyped-def]
    debris = bytes(range(32)).decode("latin-1") * 20
    assert_rejected(loaded, lambda: loaded.add_text(bulletin + debris))


def test_furniture_only_paste_rejected(loaded) -> None:  # type: ignore[no-untyped-def]
    err = assert_rejected(
        loaded, lambda: loaded.add_text("设为首页\n加入收藏\n无障碍阅读\n长者版\n今天是:2024年1月1日")
    )
    assert "nothing left" in str(err)


def test_punctuation_only_paste_rejected(loaded) -> None:  # type: ignore[no-untyped-def]
    assert_rejected(loaded, lambda: loaded.add_text("。。。，，，！！！----"))


# -- bad uploads -----------------------------------------------------------------------------------
BAD_UPLOADS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "pdf-name-html-content": ("x.pdf", lambda: HTML_PAGE.encode(), "not a PDF"),
    "pdf-name-zip-content": ("x.pdf", lambda: zip_bytes({"a.txt": b"hello"}), "not a PDF"),
    "encrypted-pdf": ("secret.pdf", encrypted_pdf, "encrypted"),
    "encrypted-pdf-empty-user-password": ("owner.pdf", lambda: encrypted_pdf(""), "encrypted"),
    "truncated-pdf": ("half.pdf", lambda: cjk_pdf()[: len(cjk_pdf()) // 2], "PDF"),
    "circular-pdf": ("loop.pdf", lambda: CIRCULAR_PDF, "PDF"),
    "garbage-objects-pdf": ("garbage.pdf", lambda: GARBAGE_OBJECTS_PDF, "PDF"),
    "random-bytes-pdf": ("random.pdf", lambda: b"%PDF-1.7\n" + bytes((i * 37 + 11) % 256 for i in range(5000)), "PDF"),
    "2000-page-pdf": ("big.pdf", lambda: blank_pdf(2000, 100), "page cap"),
    "scanned-pdf-no-text": ("scan.pdf", lambda: blank_pdf(3), "scanned"),
    "docx-not-a-zip": ("x.docx", lambda: "这不是Word文档，只是文本。".encode(), "DOCX"),
    "docx-plain-zip": ("y.docx", lambda: zip_bytes({"a.txt": b"hello"}), "DOCX"),
    "docx-truncated": ("t.docx", lambda: docx_bytes()[:2000], "DOCX"),
    "zip-file": ("archive.zip", lambda: zip_bytes({"a.txt": "咸宁".encode()}), "zip"),
    "binary-as-txt": ("data.txt", lambda: bytes(range(256)) * 8, "binary"),
    "empty-file": ("empty.txt", lambda: b"", "empty"),
    "whitespace-file": ("blank.md", lambda: b" \n\t\n", "empty"),
    "png-as-docx": ("img.docx", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "DOCX"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_bad_upload_rejected(loaded, case: str) -> None:  # type: ignore[no-untyped-def]
    name, make, words = BAD_UPLOADS[case]
    err = assert_rejected(loaded, lambda: loaded.add_upload(make(), name))
    assert words in str(err), str(err)
    assert not (Path(loaded.settings.corpus_dir) / "uploads").exists()


def test_pdf_page_cap_is_the_setting(loaded) -> None:  # type: ignore[no-untyped-def]
    assert loaded.settings.load.pdf_max_pages == 500
    err = assert_rejected(loaded, lambda: loaded.add_upload(blank_pdf(2000, 100), "big.pdf"))
    assert "2000" in str(err) and "500" in str(err)


def test_docx_with_malformed_xml_rejected(loaded) -> None:  # type: ignore[no-untyped-def]
    assert_rejected(loaded, lambda: loaded.add_upload(corrupt_docx_xml(), "broken.docx"))


def test_file_over_size_limit_rejected(loaded) -> None:  # type: ignore[no-untyped-def]
    loaded.settings.load.max_file_mb = 0.01
    data = ("咸宁市科技局发布2024年工作要点。" * 1000).encode()
    assert len(data) > 0.01 * 1024 * 1024
    err = assert_rejected(loaded, lambda: loaded.add_upload(data, "big.txt"))
    assert "MB" in str(err)


def test_pdf_parse_timeout_rejected(loaded) -> None:  # type: ignore[no-untyped-def]
    loaded.settings.load.pdf_timeout_s = 0.01
    err = assert_rejected(loaded, lambda: loaded.add_upload(cjk_pdf(), "slow.pdf"))
    assert "超时" in str(err)


def test_bad_file_in_corpus_is_reported_not_fatal(library, settings) -> None:  # type: ignore[no-untyped-def]
    (settings.corpus_dir / "fake.pdf").write_bytes(zip_bytes({"a.txt": b"x"}))
    (settings.corpus_dir / "scan.pdf").write_bytes(blank_pdf(2))
    report = library.ingest_paths(progress=False)
    assert report.added == 5
    assert sorted(e.split(":")[0] for e in report.errors) == ["fake.pdf", "scan.pdf"]
    assert all(e.split(":", 1)[1].strip() for e in report.errors)


# -- good input ------------------------------------------------------------------------------------------
GBK_TEXT = "咸宁市科技局发布2024年工作要点，高新技术企业达到620家。"


def test_gbk_txt_upload_decoded(loaded) -> None:  # type: ignore[no-untyped-def]
    data = GBK_TEXT.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = loaded.add_upload(data, "gbk.txt")
    assert result.duplicate is False and result.chunks >= 1
    assert result.source == "uploads/gbk.txt"
    text = chunk_text(loaded, result.doc_id)
    assert "咸宁市科技局发布2024年工作要点,高新技术企业达到620家。" in text  # NFKC turns ， into ,
    assert (Path(loaded.settings.corpus_dir) / "uploads" / "gbk.txt").read_bytes() == data


def test_gbk_txt_in_corpus_dir_ingested(library, settings) -> None:  # type: ignore[no-untyped-def]
    (settings.corpus_dir / "gbk_notice.txt").write_bytes(GBK_TEXT.encode("gbk"))
    report = library.ingest_paths(progress=False)
    assert report.errors == [] and report.added == 6
    [doc] = [d for d in library.documents() if d["source"] == "gbk_notice.txt"]
    assert "高新技术企业达到620家" in chunk_text(library, doc["doc_id"])


def test_big5_and_utf8_bom_decoded() -> None:
    s = LoadSettings()
    trad = "咸寧市科技局發布2024年工作要點，高新技術企業達到620家。"
    assert load_bytes(trad.encode("big5"), "big5.txt", s) == trad
    assert load_bytes(b"\xef\xbb\xbf" + GBK_TEXT.encode(), "bom.txt", s) == GBK_TEXT


def test_cjk_pdf_upload(loaded) -> None:  # type: ignore[no-untyped-def]
    data = cjk_pdf()
    assert sniff(data) == "pdf"
    result = loaded.add_upload(data, "工作要点.pdf", title="2024年工作要点（PDF）")
    assert result.duplicate is False and result.chunks >= 1
    assert result.source == "uploads/工作要点.pdf"
    text = chunk_text(loaded, result.doc_id)
    for needle in [
        "咸宁市科技局发布2024年工作要点",
        "高新技术企业达到620家",
        "新增市级创新平台50家",
        "技术合同成交额突破80亿元",
    ]:
        assert needle in text, needle
    # Both pages made it, in order.
    assert text.index("620家") < text.index("80亿元")
    [doc] = [d for d in loaded.documents() if d["doc_id"] == result.doc_id]
    assert doc["title"] == "2024年工作要点（PDF）"
    assert (Path(loaded.settings.corpus_dir) / "uploads" / "工作要点.pdf").read_bytes() == data
    # Uploading the same PDF again is a duplicate.
    assert loaded.add_upload(data, "again.pdf").duplicate is True


def test_docx_upload(loaded) -> None:  # type: ignore[no-untyped-def]
    result = loaded.add_upload(docx_bytes(), "要点.docx")
    assert result.duplicate is False
    text = chunk_text(loaded, result.doc_id)
    assert "高新技术企业达到620家" in text
    assert "新增省级科技企业孵化器3家" in text  # table cells are kept
    [doc] = [d for d in loaded.documents() if d["doc_id"] == result.doc_id]
    assert doc["title"] == "咸宁市科技局2024年科技工作要点"


HAS_HTML_CLEAN = importlib.util.find_spec("lxml_html_clean") is not None


def test_html_upload_main_text(loaded) -> None:  # type: ignore[no-untyped-def]
    result = loaded.add_upload(HTML_PAGE.encode(), "page.html")
    assert result.duplicate is False
    text = chunk_text(loaded, result.doc_id)
    assert "全市高新技术企业达到620家" in text
    assert "技术合同成交额突破80亿元" in text
    assert "离岸科创园" in text
    assert "SCRIPT" not in text and "tracker" not in text and "document.write" not in text
    assert "NAVLINK" not in text and "政务公开" not in text
