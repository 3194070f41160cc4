"""Tables as tables: DOCX / PDF / XLSX / XLS / CSV grids -> one line of text per row, read with its header.

A row is written as `caption｜header：cell｜header：cell…。` so that each row is a sentence that can be
retrieved, quoted and cited on its own. A bare number takes the unit its column header, its row label,
a 单位 column or the caption names ("全年目标（亿元）" + "45" -> "全年目标：45亿元"), so a figure an answer
quotes occurs literally in the cited row. `parse_row` reads such a line back (chunking, indicators,
rendering a cited row as a small table).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

SEP = "｜"  # full-width bar between cells; NFKC in clean() turns it (and "：") into "|" and ":"
UNITS = r"亿元|万元|千元|元|万人|人次|人|家|项|个|件|名|亩|吨|平方米|万平方米|公里|台|套|所|篇|次|%|‰"
HEADER_UNIT = re.compile(r"[（(]\s*(?:单位\s*[:：]\s*)?(" + UNITS + r")\s*[)）]")
CAPTION_UNIT = re.compile(r"单位\s*[:：]\s*(" + UNITS + r")")
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
SKIP_COLUMNS = re.compile(r"^(?:序号|编号|No\.?|#)$", re.I)
UNIT_COLUMN = re.compile(r"^(?:计量)?单位$")
# A row as Table.lines writes it: a caption, two or more "header：value" cells, one 。 at the end (cells never hold
# 。 or a bar), so a news line with "| 编辑：…" or a web page's "登录 | 注册" is not read as a table row.
ROW = re.compile(r"^(?P<caption>[^|｜\n。]{0,120})(?P<cells>(?:[|｜][^|｜:：\n。]{1,60}[:：][^|｜\n。]{0,200}){2,})。$")
_CELL_FORBIDDEN = str.maketrans({"|": "/", "｜": "/", "。": "；", "\n": " "})
MAX_HEADER_ROWS = 3


class TableError(ValueError):
    """A table file that cannot be read; the message says why."""


@dataclass(frozen=True)
class Table:
    """A grid with one header per column and the caption (title) it sits under."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    unit: str = ""  # a unit the caption states for the whole table ("单位：万元")

    def lines(self) -> list[str]:
        """One text line per body row (see the module docstring)."""
        unit_col = next((i for i, h in enumerate(self.header) if UNIT_COLUMN.match(h)), None)
        label_col = next((i for i, h in enumerate(self.header) if not SKIP_COLUMNS.match(h)), 0)
        out = []
        for row in self.rows:
            row_unit = row[unit_col] if unit_col is not None and unit_col < len(row) else ""
            label_unit = _unit_in(row[label_col]) if label_col < len(row) else ""
            cells = []
            for i, value in enumerate(row):
                head = self.header[i] if i < len(self.header) else ""
                if not value or SKIP_COLUMNS.match(head) or i == unit_col:
                    continue
                unit = _unit_in(head) or label_unit or row_unit or _unit_for(head or self.caption, self.unit)
                name = (head or f"第{i + 1}列").replace(":", "").replace("：", "").translate(_CELL_FORBIDDEN)[:60]
                text = with_unit(value, unit).translate(_CELL_FORBIDDEN)[:200].rstrip("；")
                cells.append(f"{name}：{text}")
            if len(cells) >= 2:
                out.append(self.caption.translate(_CELL_FORBIDDEN) + "".join(SEP + c for c in cells) + "。")
        return out

    def text(self, caption_line: bool = True) -> str:
        """The caption on a line of its own (unless the text before the table already is it), then the rows."""
        rows = self.lines()
        return "\n".join(([self.caption] if self.caption and caption_line else []) + rows) if rows else ""


def _unit_in(label: str) -> str:
    m = HEADER_UNIT.search(label) or CAPTION_UNIT.search(label)
    return m.group(1) if m else ""


def table_unit(text: str) -> str:
    """The unit a "单位：家" statement gives a whole table; a list ("单位：家、亿元") is kept as "家、亿元"."""
    m = CAPTION_UNIT.search(text)
    if not m:
        return ""
    units, pos = [m.group(1)], m.end()
    more = re.compile(r"\s*[、,，/及和]\s*(" + UNITS + ")")
    while (n := more.match(text, pos)) is not None:
        units.append(n.group(1))
        pos = n.end()
    return "、".join(units)


def _unit_for(head: str, units: str) -> str:
    """One unit of a table's list for a column: the one its header's indicator is counted in."""
    if "、" not in units:
        return units
    from assistant.indicators import mentions

    found = mentions(head)
    return found[0].indicator.unit if found and found[0].indicator.unit in units.split("、") else ""


def with_unit(value: str, unit: str) -> str:
    """A bare number gets the unit its header names; anything else is kept as written."""
    v = value.strip()
    if unit and NUMBER.fullmatch(v.replace(",", "")):
        return v.replace(",", "") + unit
    return v


def _clean_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.10g}"
    return re.sub(r"\s+", " ", str(value)).strip()


def _numeric(cell: str) -> bool:
    return bool(NUMBER.fullmatch(cell.replace(",", "").rstrip("%‰")))


def from_grid(grid: Iterable[Iterable[object]], caption: str = "", context: str = "") -> Table | None:
    """A Table from a raw grid: title rows become the caption, leading rows without numbers the header.

    Cells of merged header ranges arrive repeated (the readers fill them); a multi-row header joins its
    levels ("2024年·目标"). Returns None for a grid with no header and body.
    """
    rows = [[_clean_cell(c) for c in row] for row in grid]
    rows = [r for r in rows if any(r)]
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    # drop columns that are empty everywhere
    keep = [j for j in range(width) if any(r[j] for r in rows)]
    rows = [[r[j] for j in keep] for r in rows]
    unit = table_unit(caption) or table_unit(context)  # "（单位：家）" in the caption or the lines just above
    titles = []
    while rows and len({c for c in rows[0] if c}) == 1 and len(rows) > 2:
        only = next(c for c in rows[0] if c)
        if CAPTION_UNIT.search(only):
            unit = unit or table_unit(only)
            if len(only) > 12:
                titles.append(only)
        else:
            titles.append(only)
        rows.pop(0)
    if len(rows) < 2:
        return None
    n_header = 1
    while (
        n_header < min(MAX_HEADER_ROWS, len(rows) - 1)
        and not any(_numeric(c) for c in rows[n_header])
        and any(_numeric(c) for r in rows[n_header + 1 :] for c in r)
        and _has_merged(rows[n_header - 1])
    ):
        n_header += 1
    header = []
    for j in range(len(rows[0])):
        levels: list[str] = []
        for r in rows[:n_header]:
            if r[j] and r[j] not in levels:
                levels.append(r[j])
        header.append("·".join(levels))
    caption = "".join(titles) or caption
    return Table(caption.strip(), tuple(header), tuple(tuple(r) for r in rows[n_header:]), unit)


def _has_merged(row: list[str]) -> bool:
    """A header row with a cell repeated in adjacent columns (a merged range) or blanks under a merge."""
    return any(row[j] and row[j] == row[j + 1] for j in range(len(row) - 1)) or "" in row


# -- readers ------------------------------------------------------------------------------------
def docx_blocks(data: bytes) -> Iterator[str]:
    """The paragraphs and tables of a DOCX body in document order; a table is its row lines."""
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    before: list[str] = []
    for item in document.element.body.iterchildren():
        tag = item.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(item, document).text
            if text.strip():
                before = [*before[-2:], text.strip()]
            yield text
        elif tag == "tbl":
            grid = [[cell.text for cell in row.cells] for row in DocxTable(item, document).rows]
            caption = caption_from(before[-1]) if before else ""
            table = from_grid(grid, caption, " ".join(before))
            before = []
            if table is not None:
                yield table.text(caption_line=table.caption != caption)
            else:
                yield "\n".join(" ".join(c for c in row if c) for row in grid)


def caption_from(line: str) -> str:
    """The text just before a table is its caption when it reads like one (short, no sentence end)."""
    line = re.sub(r"^(?:附?表\s*\d+[:：.、\s]*)", "", line.strip())
    if 4 <= len(line) <= 60 and not re.search(r"[。；;]$", line):
        return line.rstrip("：:")
    return ""


def check_rows(n: int, max_rows: int, what: str) -> None:
    if n > max_rows:
        raise TableError(f"{what}共 {n:,} 行，超过 {max_rows:,} 行上限 (row cap {max_rows:,}); 请拆分后再上传")


def xlsx_tables(data: bytes, name: str, max_rows: int) -> list[Table]:
    """The sheets of an XLSX workbook as tables (cached values of formulas, merged ranges filled)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        total = 0
        for ws in book.worksheets:
            n = ws.max_row or sum(1 for _ in ws.iter_rows(values_only=True))
            total += n
            check_rows(total, max_rows, "表格")
        book.close()
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except TableError:
        raise
    except Exception as exc:  # noqa: BLE001 - any broken part of the package is the same user error
        raise TableError(f"XLSX 文件已损坏或不是 Excel 工作簿 ({exc.__class__.__name__})") from exc
    out = []
    for ws in book.worksheets:
        grid = [[_xlsx_value(c) for c in row] for row in ws.iter_rows()]
        for rng in ws.merged_cells.ranges:
            value = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(grid) else ""
            for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
                for c in range(rng.min_col - 1, min(rng.max_col, len(grid[r]))):
                    grid[r][c] = value
        table = from_grid(_dedupe_title(grid), _sheet_caption(ws.title, name, len(book.worksheets)))
        if table is not None:
            out.append(table)
    return out


def _dedupe_title(grid: list[list[object]]) -> list[list[object]]:
    """A title merged across all columns arrives repeated in every cell: keep it once."""
    out = []
    for row in grid:
        vals = [v for v in row if v not in (None, "")]
        if len(vals) > 1 and len(set(map(str, vals))) == 1 and len(vals) == len(row):
            out.append([vals[0]] + [None] * (len(row) - 1))
        else:
            out.append(row)
    return out


def _sheet_caption(title: str, name: str, sheets: int) -> str:
    """No caption from a default sheet name ("Sheet1"): the title row or the file name says it instead."""
    if re.fullmatch(r"(?:Sheet|工作表)\s*\d*", title, re.I):
        return ""
    return title if sheets > 1 else ""


def _xlsx_value(cell: object) -> object:
    value = getattr(cell, "value", None)
    fmt = str(getattr(cell, "number_format", "") or "")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in fmt:
        return f"{_clean_cell(round(float(value) * 100, 6))}%"
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value


def xls_tables(data: bytes, max_rows: int) -> list[Table]:
    """The sheets of a legacy .xls workbook (xlrd), merged ranges filled."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception:  # noqa: BLE001 - formatting_info is unsupported for some files; read them without
        try:
            book = xlrd.open_workbook(file_contents=data, on_demand=True)
        except Exception as exc:  # noqa: BLE001
            raise TableError(f"XLS 文件已损坏或已加密 ({exc.__class__.__name__}: {str(exc)[:80]})") from exc
    sheets = [book.sheet_by_index(i) for i in range(book.nsheets)]
    check_rows(sum(s.nrows for s in sheets), max_rows, "表格")
    out = []
    for sh in sheets:
        grid: list[list[object]] = [sh.row_values(r) for r in range(sh.nrows)]
        for r0, r1, c0, c1 in getattr(sh, "merged_cells", []) or []:
            for r in range(r0, r1):
                for c in range(c0, c1):
                    grid[r][c] = grid[r0][c0]
        table = from_grid(_dedupe_title(grid), _sheet_caption(sh.name, "", len(sheets)))
        if table is not None:
            out.append(table)
    return out


def csv_table(text: str, max_rows: int) -> Table | None:
    """A CSV (comma, tab or semicolon separated) as one table."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    check_rows(len(rows), max_rows, "CSV 文件")
    return from_grid(rows)


def looks_like_csv(text: str) -> bool:
    """Several lines with the same number (>= 2) of separators."""
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    if len(lines) < 2:
        return False
    for sep in (",", "\t", ";"):
        counts = {ln.count(sep) for ln in lines}
        if len(counts) == 1 and counts.pop() >= 1:
            return True
    return False


# -- reading rows back --------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    caption: str
    cells: tuple[tuple[str, str], ...]  # (header, value with unit)


def parse_row(line: str) -> Row | None:
    """A table row line written by Table.lines (before or after NFKC), else None."""
    m = ROW.match(line.strip())
    if not m:
        return None
    cells = []
    for part in re.split(r"[|｜]", m.group("cells"))[1:]:
        head, _, value = re.split(r"([:：])", part, maxsplit=1)
        cells.append((head.strip(), value.strip().rstrip("。")))
    return Row(m.group("caption").strip(), tuple(cells))


def is_row(line: str) -> bool:
    return parse_row(line) is not None


def cell_time(line: str, figure_text: str) -> str:
    """For a table row: the caption's year and the header of the cell holding figure_text ("2025年全年目标"),
    i.e. the time that figure is about; "" when line is not a row."""
    row = parse_row(line.strip())
    if row is None:
        return ""
    year = next(iter(re.findall(r"20\d{2}年", row.caption)), "")
    for head, value in row.cells:
        if value.startswith(figure_text):
            return year + head
    return year


# How far a target was reached, as reports write it: a verb of attainment with a ratio ("完成率", "完成比例",
# "实现率", "达成率", "完成程度"). One pattern for table headers and for questions that ask for the rate; the
# indicator table's own column label (labels.RATE) is only written, never matched on.
ATTAINMENT_RATE = r"(?:完成|实现|达成|达标)(?:率|比例|比率|程度)"
# Column headers that say which figures of a row are targets, which results, which rates.
RATE_HEAD = re.compile(rf"{ATTAINMENT_RATE}|进度|增幅|增速|增长|同比|比上年|占比")
TARGET_HEAD = re.compile(r"目标|计划|预期|任务|规划")


def row_sides(line: str) -> tuple[bool, bool]:
    """(holds a target, holds a result) for a table row: a figure under a target header is a target; any
    other figure beyond the row label is a result (a rate is neither)."""
    row = parse_row(line)
    if row is None:
        return False, False
    target = result = False
    for head, value in row.cells[1:]:
        if not NUMBER.match(value) or RATE_HEAD.search(head):
            continue
        if TARGET_HEAD.search(head):
            target = True
        else:
            result = True
    return target, result


def row_html(line: str) -> str:
    """A cited row as a small two-line HTML table (header over values), for the chat."""
    import html

    row = parse_row(line)
    if row is None:
        return html.escape(line)
    head = "".join(f"<th>{html.escape(h)}</th>" for h, _ in row.cells)
    body = "".join(f"<td>{html.escape(v)}</td>" for _, v in row.cells)
    cap = f"<caption>{html.escape(row.caption)}</caption>" if row.caption else ""
    return f'<table class="pa-row">{cap}<tr>{head}</tr><tr>{body}</tr></table>'
