"""Tables as tables: DOCX / XLSX / XLS / CSV / PDF tables become row chunks read with header and caption,
answered and cited by the row; spreadsheets that are not what they claim are rejected, nothing indexed."""

from __future__ import annotations

import io

import pytest
from conftest import all_chunks

from assistant.chain import QA
from assistant.index import Library
from assistant.load import LoadError, load_bytes, sniff
from assistant.tables import from_grid, parse_row, row_html


# -- builders (the tests make their own files) ---------------------------------------------------
def progress_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("枣阳市科技局2025年上半年科技创新工作进展情况报告")
    d.add_paragraph("今年以来，我局围绕年度目标，扎实推进各项工作，现将主要指标完成情况报告如下。")
    d.add_paragraph("枣阳市2025年上半年科技创新主要指标完成情况")
    t = d.add_table(rows=1, cols=4)
    for c, h in zip(t.rows[0].cells, ["指标", "全年目标", "上半年完成", "完成率"], strict=True):
        c.text = h
    for row in [
        ("技术合同成交额（亿元）", "36", "21.6", "60%"),
        ("高新技术企业数（家）", "150", "96", "64%"),
        ("科技型中小企业入库数（家）", "420", "355", "84.5%"),
    ]:
        for c, v in zip(t.add_row().cells, row, strict=True):
            c.text = v
    d.add_paragraph("下一步，我局将继续加大工作力度，确保完成全年目标任务。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def county_xlsx(rows: int = 3) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["襄阳市各县（市、区）2025年科技创新指标"])
    ws.merge_cells("A1:D1")
    ws.append(["县（市、区）", "高新技术企业数（家）", "技术合同成交额（亿元）", "研发投入强度"])
    data = [("宜城市", 61, 8.7, 0.018), ("南漳县", 42, 5.3, 0.015), ("保康县", 17, "=0.4+1.5", 0.009)]
    for i in range(rows):
        name, a, b, c = data[i % 3]
        ws.append([name if i < 3 else f"{name}{i}", a, b, c])
        ws.cell(row=ws.max_row, column=4).number_format = "0.0%"
    buf = io.BytesIO()
    wb.save(buf)
    return with_cached_values(buf.getvalue(), "1.9")


def with_cached_values(xlsx: bytes, value: str) -> bytes:
    """openpyxl writes formulas without the value Excel caches next to them; add it, as Excel would."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name.startswith("xl/worksheets/"):
                data = data.replace(b"</f><v></v>", b"</f><v>" + value.encode() + b"</v>")
            dst.writestr(name, data)
    return out.getvalue()


def table_pdf() -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=12, leading=18)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4)
    grid = [
        ["指标", "2025年目标", "2025年完成"],
        ["新增省级创新平台（家）", "12", "15"],
        ["科技成果转化（项）", "80", "91"],
    ]
    table = Table(grid)
    table.setStyle(
        TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)])
    )
    doc.build(
        [
            Paragraph("老河口市科技局2025年工作总结", style),
            Paragraph("全年各项工作进展顺利，主要指标完成情况见下表。", style),
            Paragraph("老河口市2025年科技创新指标完成表", style),
            table,
        ]
    )
    return buf.getvalue()


# -- pure pieces ---------------------------------------------------------------------------------------
def test_cell_takes_the_unit_of_its_header_and_row_reads_back() -> None:
    table = from_grid(
        [["指标", "全年目标", "完成"], ["技术合同成交额（亿元）", "45", "52.8"]], "随州市2024年科技创新主要指标完成情况"
    )
    [line] = table.lines()
    assert (
        line == "随州市2024年科技创新主要指标完成情况｜指标：技术合同成交额（亿元）｜全年目标：45亿元｜完成：52.8亿元。"
    )
    row = parse_row(line)
    assert row is not None and row.caption.startswith("随州市") and ("全年目标", "45亿元") in row.cells
    assert "<th>全年目标</th>" in row_html(line) and "<td>45亿元</td>" in row_html(line)


def test_merged_header_levels_join() -> None:
    grid = [["县市区", "高新技术企业（家）", "高新技术企业（家）"], ["", "目标", "完成"], ["谷城县", "30", "34"]]
    table = from_grid(grid)
    assert table is not None and table.header == ("县市区", "高新技术企业（家）·目标", "高新技术企业（家）·完成")
    assert table.lines() == ["｜县市区：谷城县｜高新技术企业（家）·目标：30家｜高新技术企业（家）·完成：34家。"]


def test_sniff_spreadsheets_and_images() -> None:
    assert sniff(county_xlsx()) == "xlsx"
    assert sniff(progress_docx()) == "docx"
    assert sniff(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20) == "image"


# -- end to end ----------------------------------------------------------------------------------------
def test_docx_progress_table_answered_from_its_row(library: Library, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "进展报告.docx"
    path.write_bytes(progress_docx())
    report = library.ingest_paths([path], progress=False)
    assert report.errors == [] and report.added == 1
    rows = [c for c in all_chunks(library) if c.kind == "table"]
    assert len(rows) == 3
    qa = QA(library.settings, library=library)
    ans = qa.ask("枣阳市上半年高新技术企业完成了多少家？")
    assert not ans.refused and "96家" in ans.answer and ans.verified
    assert any("上半年完成:96家" in c.quote for c in ans.citations)
    ans = qa.ask("枣阳市科技型中小企业入库数的目标完成率是多少？")
    assert "84.5%" in ans.answer and "420家" in ans.answer and "355家" in ans.answer, ans.answer


def test_xlsx_county_cells_answered(library: Library, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "各县指标.xlsx"
    path.write_bytes(county_xlsx())
    assert library.ingest_paths([path], progress=False).errors == []
    qa = QA(library.settings, library=library)
    ans = qa.ask("南漳县的技术合同成交额是多少亿元？")
    assert "5.3亿元" in ans.answer and ans.verified, ans.answer
    assert ans.citations and "南漳县" in ans.citations[0].quote and "各县指标.xlsx" in ans.citations[0].source
    assert any("保康县|高新技术企业数(家):17家|技术合同成交额(亿元):1.9亿元" in c.text for c in all_chunks(library))
    ans = qa.ask("保康县研发投入强度是多少？")
    assert "0.9%" in ans.answer, ans.answer  # a percent-formatted cell is read as it is shown


def test_pdf_table_rows(library: Library, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("pdfplumber")
    path = tmp_path / "总结.pdf"
    path.write_bytes(table_pdf())
    assert library.ingest_paths([path], progress=False).errors == []
    rows = [c.text for c in all_chunks(library) if c.kind == "table"]
    assert any("2025年完成:91项" in r for r in rows), rows
    ans = QA(library.settings, library=library).ask("老河口市2025年科技成果转化完成了多少项？")
    assert "91项" in ans.answer, ans.answer


def test_csv_upload(library: Library) -> None:
    data = "县市区,科技特派员（人）\n谷城县,86\n保康县,40\n".encode("gb18030")
    result = library.add_upload(data, "特派员.csv")
    assert result.chunks == 2
    assert any("科技特派员(人):86人" in c.text for c in all_chunks(library))


HTML_TABLE = "<html><body><table><tr><td>谷城</td></tr></table></body></html>".encode()
BAD_SHEETS = {
    "xlsx-really-csv": ("a.xlsx", lambda: "县,企业数\n谷城,3\n保康,4\n".encode(), ".csv"),
    "xlsx-really-html": ("b.xlsx", lambda: HTML_TABLE, "HTML"),
    "xls-really-html": ("b.xls", lambda: HTML_TABLE, "HTML"),
    # an encrypted OOXML package is a compound file holding an EncryptedPackage stream
    "password-xlsx": (
        "c.xlsx",
        lambda: (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 500
        ),
        "密码",
    ),
    "corrupt-xlsx": ("d.xlsx", lambda: county_xlsx()[:3000], "XLSX"),
    "row-cap": ("e.xlsx", lambda: county_xlsx(60), "row cap 50"),
}


@pytest.mark.parametrize("case", list(BAD_SHEETS))
def test_bad_spreadsheet_rejected_nothing_indexed(library: Library, case: str) -> None:
    name, make, words = BAD_SHEETS[case]
    library.settings.load.table_max_rows = 50
    before = library.catalog.count_chunks()
    with pytest.raises(LoadError) as err:
        library.add_upload(make(), name)
    assert words in str(err.value), str(err.value)
    assert library.catalog.count_chunks() == before == 0


def test_row_cap_states_the_numbers() -> None:
    from assistant.settings import LoadSettings

    with pytest.raises(LoadError, match="62") as err:
        load_bytes(county_xlsx(60), "big.xlsx", LoadSettings(table_max_rows=50))
    assert "50" in str(err.value)


def test_legacy_office_formats_need_libreoffice(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from assistant.settings import LoadSettings

    monkeypatch.setattr(shutil, "which", lambda name: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\x00" * 600
    for name in ("通知.doc", "通知.wps", "报表.et"):
        with pytest.raises(LoadError, match="LibreOffice"):
            load_bytes(ole, name, LoadSettings())


def test_docx_merged_header_cells_filled(library: Library) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("谷城县2025年创新平台建设情况")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "平台类别"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "数量（家）"
    t.cell(1, 1).text, t.cell(1, 2).text = "目标", "完成"
    t.cell(2, 0).text, t.cell(2, 1).text, t.cell(2, 2).text = "省级众创空间", "3", "4"
    buf = io.BytesIO()
    d.save(buf)
    library.add_upload(buf.getvalue(), "平台.docx")
    rows = [c.text for c in all_chunks(library) if c.kind == "table"]
    assert rows == ["谷城县2025年创新平台建设情况|平台类别:省级众创空间|数量(家)·目标:3家|数量(家)·完成:4家。"]


def test_legacy_format_converted_with_libreoffice(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A stand-in soffice (same command line) that writes the converted file where LibreOffice would."""
    import os
    import sys

    from assistant.settings import LoadSettings

    converted = tmp_path / "converted.docx"
    converted.write_bytes(progress_docx())
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text(f"""#!{sys.executable}
import shutil, sys
args = sys.argv[1:]
assert "--headless" in args and args[args.index("--convert-to") + 1] == "docx"
out = args[args.index("--outdir") + 1]
import os; os.makedirs(out, exist_ok=True)
shutil.copy({str(converted)!r}, os.path.join(out, os.path.basename(args[-1]).rsplit(".", 1)[0] + ".docx"))
""")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\x00" * 600
    text = load_bytes(ole, "进展报告.doc", LoadSettings())
    assert "全年目标：36亿元" in text


def test_target_read_from_the_target_column_among_tables(library: Library, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A progress report and a county sheet both name 枣阳市 and 技术合同成交额: a target question is answered by
    the row with a target column, and its 上半年 caption does not hide the 全年目标 cell."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["襄阳市各县（市、区）2025年科技创新指标"])
    ws.append(["县（市、区）", "高新技术企业数（家）", "技术合同成交额（亿元）"])
    ws.append(["枣阳市", 88, 12.4])
    ws.append(["宜城市", 61, 8.7])
    buf = io.BytesIO()
    wb.save(buf)
    (tmp_path / "县.xlsx").write_bytes(buf.getvalue())
    (tmp_path / "报告.docx").write_bytes(progress_docx())
    assert library.ingest_paths([tmp_path / "县.xlsx", tmp_path / "报告.docx"], progress=False).errors == []
    ans = QA(library.settings, library=library).ask("枣阳市2025年技术合同成交额全年目标是多少？")
    assert "全年目标:36亿元" in ans.answer and ans.verified, (ans.answer, ans.unverified)
    assert ans.citations[0].source == "报告.docx"


def test_chat_shows_a_cited_row_as_a_small_table() -> None:
    from assistant.types import Citation
    from assistant.ui.app import render_answer_text, render_citation

    row = "枣阳市2025年科技创新指标|指标:高新技术企业数(家)|全年目标:150家|完成:96家。"
    html = render_answer_text(row.rstrip("。") + "[1]。")
    assert html.startswith('<table class="pa-row">') and "<td>96家</td>" in html and "&#91;1&#93;" in html
    cite = Citation(1, "d", "s.pdf", "标题", "", "", row, 0, len(row), origin="文字识别(OCR) 第1页 置信度0.91")
    out = render_citation(cite, "")
    assert '<table class="pa-row">' in out and "置信度0.91" in out


def county_years_xlsx() -> bytes:
    """A title row, a "单位" row listing two units, a header merged over two year columns."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "县市区指标"
    ws.append(["十堰市各县（市、区）科技创新主要指标"])
    ws.merge_cells("A1:E1")
    ws.append(["单位：家、亿元"])
    ws.append(["县（市、区）", "高新技术企业数", None, "技术合同成交额", None])
    ws.merge_cells("B3:C3")
    ws.merge_cells("D3:E3")
    ws.append([None, "2023年", "2024年", "2023年", "2024年"])
    for row in [("郧西县", 31, 38, 3.2, 4.4), ("竹山县", 27, 35, 2.5, 3.9)]:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_county_sheet_with_year_columns_answers_the_county(library: Library) -> None:
    library.add_upload(county_years_xlsx(), "十堰各县.xlsx")
    rows = [c.text for c in all_chunks(library) if c.kind == "table"]
    assert any(
        "县(市、区):竹山县|高新技术企业数·2023年:27家|高新技术企业数·2024年:35家|技术合同成交额·2023年:2.5亿元" in r
        for r in rows
    ), rows
    ans = QA(library.settings, library=library).ask("竹山县2024年技术合同成交额是多少？")
    assert "技术合同成交额·2024年:3.9亿元" in ans.answer and ans.verified, (ans.answer, ans.unverified)


def test_web_lines_with_bars_are_not_table_rows() -> None:
    from assistant.tables import is_row

    assert not is_row(
        "对企业实施挂牌管理 来源:重庆日报 时间:2020-02-19 07:33:20 | 编辑:李振兵 重庆日报讯(记者 龙丹梅)记者了解到。"
    )
    assert not is_row("个人登录 | 企业登录 热门搜索:请确认您是否已安装过驱动程序")
    assert not is_row("发布时间:2023-01-01 | 来源:咸宁日报")
    table = from_grid([["指标", "说明", "目标"], ["成交额（亿元）", "全年完成。超额|完成", "45"]], "表|一")
    assert [is_row(line) for line in table.lines()] == [True]  # a cell's own 。 and bars never break its row


def test_only_pages_that_look_tabular_go_to_pdfplumber() -> None:
    from assistant.pdfworker import looks_tabular

    assert not looks_tabular("咸宁市科技局发布2024年工作要点。\n全市高新技术企业达到620家，2024年3月15日印发。")
    assert looks_tabular("指标 全年目标 完成\n技术合同成交额 45 52.8 117%\n高新技术企业 260 281 108%")
    assert looks_tabular("平台类型\n国家级\n省级\n工程技术研究中心\n1\n14\n重点实验室\n0\n3")
