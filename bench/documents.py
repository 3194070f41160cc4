"""Documents as bureaus have them, timed on this machine: OCR pages per second and table-file ingest time.

    .venv/bin/python bench/documents.py                  # 5 scanned A4 pages, 1,000-row XLSX, 60-row DOCX table
    .venv/bin/python bench/documents.py --pages 1 --rows 100 --embedder hash   # a smoke run

The files are generated here (Chinese text rendered with the WenQuanYi font; python-docx, openpyxl); the
results go to bench/documents.md.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
SENTENCE = "为深入实施创新驱动发展战略，全市新增高新技术企业120家，技术合同成交额达到52.8亿元。"


def scanned_pdf(pages: int) -> bytes:
    """A4 pages at 144 dpi holding 28 lines of body text each, as an image-only PDF."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 26)
    images = []
    for p in range(pages):
        img = Image.new("L", (1190, 1684), 255)
        draw = ImageDraw.Draw(img)
        for i in range(28):
            text = (SENTENCE * 2)[(i * 7 + p) % len(SENTENCE) :][:40]
            draw.text((90, 110 + i * 52), text, font=font, fill=0)
        images.append(img.convert("RGB"))
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=144)
    return buf.getvalue()


def county_xlsx(rows: int) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["各县（市、区）科技创新指标"])
    ws.append(["县（市、区）", "高新技术企业数（家）", "技术合同成交额（亿元）", "研发投入强度（%）"])
    for i in range(rows):
        ws.append([f"第{i + 1}县", 10 + i % 90, round(1 + i % 50 / 10, 1), round(1 + i % 20 / 10, 1)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def progress_docx(rows: int) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("某市科技局年度科技创新工作进展情况报告")
    d.add_paragraph("主要指标完成情况")
    t = d.add_table(rows=1, cols=4)
    for c, h in zip(t.rows[0].cells, ["指标", "全年目标", "完成", "完成率"], strict=True):
        c.text = h
    for i in range(rows):
        for c, v in zip(t.add_row().cells, [f"指标{i + 1}（项）", str(40 + i), str(30 + i), "75%"], strict=True):
            c.text = v
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=5)
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--embedder", default=os.environ.get("ASSISTANT_EMBEDDER", "e5-small"))
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "documents.md")
    args = ap.parse_args()

    from assistant.index import Library
    from assistant.load import load_document
    from assistant.settings import Settings

    when = f"{datetime.now():%Y-%m-%d}, {platform.machine()}, {os.cpu_count()} CPUs"
    lines = [f"# Documents: OCR and tables ({when})", ""]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp) / "index", corpus_dir=Path(tmp) / "corpus", embedder=args.embedder)
        pdf = scanned_pdf(args.pages)
        t0 = time.perf_counter()
        loaded = load_document(pdf, "scan.pdf", settings.load)
        ocr_s = time.perf_counter() - t0
        lines += [
            "| measure | value |",
            "|---|---|",
            f"| OCR: {args.pages} scanned A4 pages (144 dpi, 28 lines each), child process incl. model load "
            f"| {ocr_s:.1f} s = {args.pages / ocr_s:.2f} pages/s, "
            f"mean confidence {loaded.meta['ocr_confidence']} |",
        ]
        lib = Library(settings, writer=True)
        try:
            for name, data in (
                (f"county-{args.rows}.xlsx", county_xlsx(args.rows)),
                ("progress-60.docx", progress_docx(60)),
            ):
                t0 = time.perf_counter()
                result = lib.add_upload(data, name)
                lines.append(
                    f"| ingest {name} ({result.chunks} row chunks, embedder {args.embedder}) "
                    f"| {time.perf_counter() - t0:.1f} s |"
                )
        finally:
            lib.close()
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
