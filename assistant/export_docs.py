"""An answer with its citations (and an indicator table, when it has one) as a Word or Excel file.

Staff paste these into their own reports: the DOCX holds the question, the answer, the table and every cited
passage with its title, issuer and date; the XLSX holds one sheet for the answer and citations and, for an
indicator answer, one sheet with the table and a line chart of target vs achieved by year.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

CITE_MARK = re.compile(r"\[(\d{1,2})\]")
FORMATS = ("docx", "xlsx")


def _rows(answer: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The indicator table of an answer dict (header, rows), or ([], [])."""
    from assistant.ui.app import rows_from_table, split_table_answer

    _, header, rows, _ = split_table_answer(answer.get("answer", ""))
    if header and all(len(r) == len(header) for r in rows):
        return header, rows
    if answer.get("table"):
        return rows_from_table(answer["table"])
    return [], []


def _answer_lines(answer: dict[str, Any]) -> list[str]:
    from assistant.ui.app import split_table_answer

    before, header, _, after = split_table_answer(answer.get("answer", ""))
    return before + after if header else [ln for ln in (answer.get("answer") or "").splitlines() if ln.strip()]


def write_docx(answer: dict[str, Any], path: Path) -> Path:
    """`answer`: a logged answer (question, answer, citations, table …) -> a .docx at path."""
    from docx import Document

    doc = Document()
    doc.add_heading("政策问答助手 · 回答", level=1)
    doc.add_paragraph().add_run("问题：").bold = True
    doc.paragraphs[-1].add_run(answer.get("question", ""))
    doc.add_paragraph().add_run("回答：").bold = True
    for line in _answer_lines(answer):
        doc.add_paragraph(line)
    header, rows = _rows(answer)
    if header:
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=False):
                cell.text = text
    if answer.get("unverified"):
        doc.add_paragraph("⚠ 未能核实：" + "、".join(answer["unverified"]))
    if answer.get("citations"):
        doc.add_heading("引用来源", level=2)
        for c in answer["citations"]:
            head = doc.add_paragraph()
            head.add_run(f"[{c['n']}] {c.get('title') or c.get('source', '')}").bold = True
            head.add_run(
                f" · {c.get('issuer') or '发文单位未注明'} · {c.get('date') or '日期未注明'} · {c.get('source', '')}"
            )
            doc.add_paragraph(c.get("quote", ""), style="Intense Quote")
    doc.save(str(path))
    return path


def write_xlsx(answer: dict[str, Any], path: Path) -> Path:
    """`answer` -> a .xlsx at path: sheet 回答 (question, answer, citations) and, for a table, sheet 指标 with a
    chart."""
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "回答"
    ws.append(["问题", answer.get("question", "")])
    ws.append(["回答", CITE_MARK.sub(r"[\1]", answer.get("answer", ""))])
    ws.append([])
    ws.append(["编号", "标题", "发文单位", "日期", "来源", "原文段落"])
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for c in answer.get("citations", []):
        ws.append(
            [
                c["n"],
                c.get("title", ""),
                c.get("issuer", ""),
                c.get("date", ""),
                c.get("source", ""),
                c.get("quote", ""),
            ]
        )
    for col, width in zip("ABCDEF", (8, 36, 20, 12, 24, 80), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    header, rows = _rows(answer)
    if header:
        from assistant.ui.app import figure_value

        sheet = wb.create_sheet("指标")
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        table = answer.get("table") or []
        if len(table) >= 2:  # the chart's data: year, target, achieved as numbers
            data = wb.create_sheet("图表数据")
            data.append(["年份", "目标", "实际完成"])
            for r in table:
                got = [figure_value(str(r.get(k) or "")) for k in ("target", "achieved")]
                data.append([str(r.get("year") or ""), *[g[0] if g else None for g in got]])
            chart = LineChart()
            chart.title = "目标 / 实际完成（按年份）"
            values = Reference(data, min_col=2, max_col=3, min_row=1, max_row=len(table) + 1)
            chart.add_data(values, titles_from_data=True)
            chart.set_categories(Reference(data, min_col=1, min_row=2, max_row=len(table) + 1))
            sheet.add_chart(chart, f"A{len(rows) + 3}")
    wb.save(str(path))
    return path


def export(answer: dict[str, Any], fmt: str, folder: Path) -> Path:
    """Write the answer as `fmt` (docx | xlsx) in folder; the file's path."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use docx or xlsx")
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w\-]+", "_", str(answer.get("id") or "answer"))[:80]  # \w: also 汉字
    path = folder / f"回答-{stem}.{fmt}"
    return write_docx(answer, path) if fmt == "docx" else write_xlsx(answer, path)
