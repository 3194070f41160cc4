"""OCR, offline: a rendered scan (image or image-only PDF page) is recognised, indexed with its origin and
confidence, and answered; a mixed PDF recognises only its scanned page; bad images are rejected."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import all_chunks

from assistant.chain import QA
from assistant.index import Library
from assistant.load import LoadError, load_document
from assistant.ocr import OcrLine, layout
from assistant.settings import LoadSettings

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
needs_font = pytest.mark.skipif(not FONT.exists(), reason="CJK font missing: apt-get install fonts-wqy-microhei")
needs_ocr = pytest.mark.skipif(
    __import__("importlib").util.find_spec("rapidocr_onnxruntime") is None, reason="rapidocr-onnxruntime not installed"
)
NOTICE = [
    "谷城县科学技术局关于开展科技特派员服务的通知",
    "",
    "    2025年全县共选派科技特派员86名，覆盖全部",
    "乡镇，计划建设科技示范基地12个。",
]


def render(lines: list[str], size: tuple[int, int] = (1000, 360)):  # type: ignore[no-untyped-def]
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 30)
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(lines):
        draw.text((50, 40 + i * 60), text, font=font, fill=0)
    return img


def image_bytes(img, fmt: str) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


def scan_pdf(img) -> bytes:  # type: ignore[no-untyped-def]
    return image_bytes(img.convert("RGB"), "PDF")


def test_layout_orders_lines_and_joins_wrapped_ones() -> None:
    lines = [
        OcrLine("第二行接着写完。", 0.9, 10, 78, 300, 106),
        OcrLine("标题", 0.99, 100, 0, 160, 28),
        OcrLine("正文第一行很长一直写到", 0.8, 40, 40, 600, 68),
    ]
    page = layout(lines)
    assert page.text == "标题\n正文第一行很长一直写到第二行接着写完。"
    assert 0.8 < page.confidence < 0.99 and page.lines == 3


@pytest.mark.slow
@needs_font
@needs_ocr
def test_scanned_pdf_answered_with_ocr_origin(library: Library, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "通知扫描件.pdf"
    path.write_bytes(scan_pdf(render(NOTICE)))
    seen: list[tuple[int, int]] = []
    loaded = load_document(path.read_bytes(), path.name, library.settings.load, lambda d, t: seen.append((d, t)))
    assert loaded.meta["ocr_pages"] == "1" and float(loaded.meta["ocr_confidence"]) > 0.8
    assert seen[-1] == (1, 1)
    assert "科技特派员86名" in loaded.text
    result = library.index_document(loaded, "通知扫描件.pdf")
    assert result.chunks >= 1
    ans = QA(library.settings, library=library).ask("谷城县2025年选派了多少名科技特派员？")
    assert "86名" in ans.answer and ans.verified, ans.answer
    assert ans.citations[0].origin.startswith("文字识别(OCR) 第1页")


@pytest.mark.slow
@needs_font
@needs_ocr
def test_png_upload_and_mixed_pdf_ocrs_only_scanned_pages(library: Library) -> None:
    library.settings.load.ocr_min_confidence = 0.9999  # every page counts as low-confidence: flagged, still indexed
    result = library.add_upload(image_bytes(render(NOTICE), "PNG"), "notice.png")
    assert result.chunks >= 1 and "置信度低" in result.note
    doc = library.catalog.document(result.doc_id)
    assert doc is not None and doc["meta"]["format"] == "image" and doc["meta"]["ocr_low_pages"] == "1"
    passage = library.catalog.chunks(library.chunk_ids_of(result.doc_id)[:1])
    chunk = next(iter(passage.values()))
    from assistant.ocr import origin

    assert "置信度低" in origin(doc["meta"], chunk.start, chunk.end)

    from pypdf import PdfReader, PdfWriter
    from test_load import cjk_pdf

    writer = PdfWriter()
    for part in (cjk_pdf(), scan_pdf(render(["第三页扫描：新增省级众创空间4家。"], (900, 120)))):
        for page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(page)
    buf = io.BytesIO()
    writer.write(buf)
    loaded = load_document(buf.getvalue(), "mixed.pdf", LoadSettings())
    assert loaded.meta["ocr_pages"] == "3"  # pages 1-2 have a text layer and are not recognised
    assert "众创空间4家" in loaded.text and "620家" in loaded.text


@pytest.mark.slow
@needs_font
@needs_ocr
def test_image_without_text_rejected(library: Library) -> None:
    from PIL import Image

    with pytest.raises(LoadError, match="没有识别出文字"):
        library.add_upload(image_bytes(Image.new("L", (400, 300), 255), "PNG"), "blank.png")
    assert library.catalog.count_chunks() == 0


BAD_IMAGES = {
    "corrupt-png": ("x.png", b"\x89PNG\r\n\x1a\n" + b"\x13" * 400, "损坏"),
    "truncated-jpeg": ("x.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "损坏"),
    "text-named-png": ("y.png", "这不是图片".encode(), "不是 PNG/JPG/TIFF"),
}


@pytest.mark.parametrize("case", list(BAD_IMAGES))
def test_bad_image_rejected(library: Library, case: str) -> None:
    name, data, words = BAD_IMAGES[case]
    with pytest.raises(LoadError, match=words):
        library.add_upload(data, name)
    assert library.catalog.count_chunks() == 0 and not all_chunks(library)


def test_scan_over_ocr_page_cap_rejected(library: Library) -> None:
    from test_load import blank_pdf

    library.settings.load.ocr_max_pages = 5
    with pytest.raises(LoadError, match="OCR page cap of 5") as err:
        library.add_upload(blank_pdf(40), "long-scan.pdf")
    assert "40" in str(err.value)
    assert library.catalog.count_chunks() == 0


def test_multipage_tiff_over_ocr_page_cap_rejected() -> None:
    from PIL import Image

    frames = [Image.new("L", (60, 40), 255) for _ in range(4)]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(LoadError, match="OCR page cap of 3"):
        load_document(buf.getvalue(), "scan.tif", LoadSettings(ocr_max_pages=3))
