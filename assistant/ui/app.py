"""政策问答助手 web app (Gradio 6): cited answers, adding bulletins, and the document library.

`python app.py` or `assistant serve` opens the index as its one writer, indexes corpus/, and serves
on ASSISTANT_HOST:ASSISTANT_PORT (127.0.0.1:7860). Everything a handler shows that comes from a
document, an answer or a user is HTML-escaped here before it is wrapped in this module's own markup;
the Chatbot additionally sanitizes what it renders.

The page logic lives in `AssistantUI` (plain Python, no Gradio import) so tests can call the
handlers directly; `create_app` only lays out components and wires events to it.
"""

from __future__ import annotations

import html
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

for _key, _value in (
    ("GRADIO_ANALYTICS_ENABLED", "False"),
    ("HF_HUB_OFFLINE", "1"),
    ("ANONYMIZED_TELEMETRY", "False"),
    ("TRANSFORMERS_OFFLINE", "1"),
    ("TOKENIZERS_PARALLELISM", "false"),
):
    os.environ.setdefault(_key, _value)

from assistant import REFUSAL  # noqa: E402
from assistant.load import SUPPORTED  # noqa: E402

if TYPE_CHECKING:
    from assistant.index import Library
    from assistant.settings import Settings
    from assistant.types import Answer, Citation

TITLE = "政策问答助手"
SUBTITLE = "基于已收录的科技政策文件作答：每个回答都标明出处，数字逐一核对，文件里没有的不编造。"
DEFAULT_INDICATORS = ("高新技术企业数", "科技型中小企业入库数", "技术合同成交额", "科技成果转化项数")
EXAMPLES = [  # phrased for the page, not taken from the eval sets
    "咸宁离岸科创园计划引进多少家科技孵化器",
    "2021年咸宁技术合同成交额的目标和完成情况",
    "下陆区2023年科技型中小企业入库目标",
    "大冶市2022年末高新技术企业数量是多少",
    "咸宁历年高新技术企业数目标与完成对比",
]
TABLE_COLUMNS = ["标题", "发文单位", "日期", "类型", "地区", "段落数", "来源", "doc_id", "⚠"]
UPLOAD_TYPES = list(SUPPORTED)  # assistant/load.py: documents, spreadsheets, scans and images
MAX_HISTORY = 8
STREAM_DELAY_S = 0.06
CITE_MARK = re.compile(r"\[(\d{1,2})\]")
LABEL = re.compile(r"^(?:目标|完成|实际完成情况)[:：]")
YEAR = re.compile(r"(?:19|20)\d{2}年?")
DATE_INPUT = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Progress = Callable[..., Any] | None


# -- escaping and rendering ---------------------------------------------------------------------
def esc(text: object) -> str:
    """HTML-escape text for use inside this module's markup.

    Besides <>&"' this also encodes the characters that Markdown, LaTeX and template engines give
    meaning to, and turns every line break into <br> so a message stays one HTML block.
    """
    s = html.escape(str(text or ""), quote=True)
    for ch, ent in (
        ("{", "&#123;"),
        ("}", "&#125;"),
        ("$", "&#36;"),
        ("`", "&#96;"),
        ("\\", "&#92;"),
        ("*", "&#42;"),
        ("_", "&#95;"),
        ("[", "&#91;"),
        ("]", "&#93;"),
        ("|", "&#124;"),
        ("~", "&#126;"),
    ):
        s = s.replace(ch, ent)
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return s.replace("\n", "<br>")


def _with_refs(text: str) -> str:
    parts, last = [], 0
    for m in CITE_MARK.finditer(text):
        parts.append(esc(text[last : m.start()]))
        parts.append(f'<sup class="pa-ref">&#91;{int(m.group(1))}&#93;</sup>')
        last = m.end()
    parts.append(esc(text[last:]))
    return "".join(parts)


def render_answer_text(text: str) -> str:
    """Escaped answer text with its [n] markers as superscript footnote references.

    A two-part answer ("目标：…[1]。完成：…[2]。") gets one line per part with the label set off.
    """
    from assistant.cite import CITE, cited_keys, split_answer
    from assistant.tables import is_row, row_html

    sentences = split_answer(text)
    if sentences and all(is_row(CITE.sub("", s).strip()) for s in sentences):  # quoted table rows: small tables
        return "".join(
            row_html(CITE.sub("", s).strip()) + _with_refs("".join(f"[{k}]" for k in cited_keys(s))) for s in sentences
        )
    if not any(LABEL.match(s) for s in sentences):
        return _with_refs(text)
    lines = []
    for sentence in sentences:
        m = LABEL.match(sentence)
        if m:
            lines.append(
                f'<span class="pa-label">{esc(m.group(0).rstrip(":："))}</span>{_with_refs(sentence[m.end() :])}'
            )
        else:
            lines.append(_with_refs(sentence))
    return "<br>".join(lines)


# -- indicator tables and charts ----------------------------------------------------------------
RATE_HEADER = "完成率（系统计算）"
NOT_FOUND = "未找到"
CELL_PART = re.compile(r"((?:预计|另有)+)?([^\[\]；]*?)((?:\[\d{1,2}\])+)")
CHART_KINDS = (("target", "目标"), ("achieved", "实际完成"), ("forecast", "预计"))
CHART_COLORS = {"target": "#2563eb", "achieved": "#16a34a", "forecast": "#d97706"}
GROUP_COLORS = ("#2563eb", "#16a34a", "#d97706", "#7c3aed", "#db2777", "#0891b2")
CHART_DASH = {"target": "6 4", "achieved": "", "forecast": "2 3"}


def is_table_answer(ans: Answer) -> bool:
    return ans.backend == "indicators" or bool(ans.table)


def split_table_answer(text: str) -> tuple[list[str], list[str], list[list[str]], list[str]]:
    """A markdown answer as (lines before the table, header, rows of cells, lines after); no table: header []."""
    lines = [ln.strip() for ln in (text or "").replace("\r\n", "\n").split("\n")]
    start = next((i for i, ln in enumerate(lines) if ln.startswith("|") and ln.endswith("|")), None)
    if start is None:
        return [ln for ln in lines if ln], [], [], []
    end = start
    while end < len(lines) and lines[end].startswith("|") and lines[end].endswith("|"):
        end += 1

    def cells(line: str) -> list[str]:
        return [c.strip() for c in line[1:-1].split("|")]

    body = [cells(ln) for ln in lines[start + 1 : end] if not re.fullmatch(r"\|(?:\s*:?-+:?\s*\|)+", ln)]
    return [ln for ln in lines[:start] if ln], cells(lines[start]), body, [ln for ln in lines[end:] if ln]


def cell_phrases(cells: list[str], n: int) -> list[str]:
    """The figures (as written, without 预计/另有 and markers) that table cells cite with [n]."""
    out = []
    for cell in cells:
        for m in CELL_PART.finditer(cell):
            if n in {int(k) for k in CITE_MARK.findall(m.group(3))} and m.group(2).strip():
                out.append(m.group(2).strip())
    return out


def _table_cells(text: str) -> list[str]:
    return [c for row in split_table_answer(text)[2] for c in row]


def _render_cell(cell: str, column: str) -> str:
    cell = cell.strip()
    if column in ("完成率", RATE_HEADER):
        if not cell or cell in ("—", "-"):
            return '<span class="pa-na">—</span>'
        return (
            f'<span class="pa-computed" title="系统计算：实际完成÷目标，不是文件原文中的数字">{_with_refs(cell)}</span>'
            '<span class="pa-calc">计算</span>'
        )
    if not cell or cell == NOT_FOUND:
        return f'<span class="pa-notfound">{NOT_FOUND}</span>'
    parts = []
    for part in cell.split("；"):
        m = re.match(r"^((?:另有)?(?:预计)?)(.*)$", part.strip())
        label = m.group(1) if m else ""
        rest = m.group(2) if m else part
        tag = f'<span class="pa-cell-label">{esc(label)}</span>' if label else ""
        parts.append(f'<div class="pa-cell-part">{tag}{_with_refs(rest)}</div>')
    return "".join(parts)


def indicator_table_html(header: list[str], rows: list[list[str]]) -> str:
    """A target/result table: every cell escaped, [n] as footnote references, computed rates marked."""
    head = [RATE_HEADER if h == "完成率" else h for h in header]

    def cls(h: str) -> str:
        return ' class="pa-col-rate"' if h == RATE_HEADER else ""

    ths = "".join(f"<th{cls(h)}>{esc(h)}</th>" for h in head)
    trs = []
    for row in rows:
        cells = list(row) + [""] * (len(head) - len(row))
        tds = "".join(f"<td{cls(h)}>{_render_cell(c, h)}</td>" for h, c in zip(head, cells, strict=False))
        trs.append(f"<tr>{tds}</tr>")
    return (
        f'<div class="pa-table-wrap"><table class="pa-ind-table"><thead><tr>{ths}</tr></thead>'
        f"<tbody>{''.join(trs)}</tbody></table></div>"
    )


def rows_from_table(table: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Header and cells from Answer.table (no [n] markers): used when the answer text has no table."""
    multi_place = len({r.get("place") for r in table}) > 1
    multi_name = len({r.get("indicator") for r in table}) > 1
    header = (
        (["指标"] if multi_name else []) + (["地区"] if multi_place else []) + ["年份", "目标", "实际完成", "完成率"]
    )
    rows = []
    for r in table:
        done = "；".join(x for x in (r.get("achieved") or "", f"预计{r['forecast']}" if r.get("forecast") else "") if x)
        cells = ([str(r.get("indicator") or "")] if multi_name else []) + (
            [str(r.get("place") or "")] if multi_place else []
        )
        cells += [
            f"{r.get('year')}年" if r.get("year") else "",
            r.get("target") or NOT_FOUND,
            done or NOT_FOUND,
            r.get("rate") or "—",
        ]
        rows.append([str(c) for c in cells])
    return header, rows


def _unit_of(indicator: str) -> str:
    from assistant import indicators

    ind = indicators.BY_NAME.get(indicators.strip_name(indicator or ""))
    return ind.unit if ind else ""


def figure_value(text: str, unit: str = "") -> tuple[float, str] | None:
    """(value, unit) of the first figure in a cell's text ("超过340家" -> (340, 家)); money in 亿元."""
    from assistant import indicators

    m = indicators.FIGURE.search(CITE_MARK.sub("", text or ""))
    if not m:
        return None
    value = indicators.number_of(m.group("num"))
    if value is None:
        return None
    written = m.group("unit")
    factors = indicators.UNITS.get(unit or "", {})
    if written in factors:
        return value * factors[written], unit
    return value, written


def _fmt(v: float) -> str:
    if abs(v - round(v)) < 1e-9:
        return f"{round(v):,}".replace(",", "")
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _nice_step(span: float) -> float:
    import math

    if span <= 0:
        return 1.0
    mag = 10 ** math.floor(math.log10(span))
    for f in (1, 2, 2.5, 5, 10):
        if span / (f * mag) <= 4:
            return f * mag
    return 10 * mag


def indicator_chart_svg(table: list[dict[str, Any]]) -> str:
    """A small inline SVG line chart of target vs achieved (and 预计) by year; '' under 2 points."""
    series: dict[tuple[str, str, str], dict[str, float]] = {}
    units = []
    for r in table:
        year = str(r.get("year") or "")
        if not year:
            continue
        unit = _unit_of(str(r.get("indicator") or ""))
        for kind, _ in CHART_KINDS:
            got = figure_value(str(r.get(kind) or ""), unit)
            if got is None:
                continue
            value, u = got
            units.append(u)
            key = (str(r.get("place") or ""), str(r.get("indicator") or ""), kind)
            series.setdefault(key, {}).setdefault(year, value)
    if sum(len(s) for s in series.values()) < 2:
        return ""
    years = sorted({y for s in series.values() for y in s})
    groups = list(dict.fromkeys((p, i) for p, i, _ in series))
    multi = len(groups) > 1
    unit = units[0] if units and all(u == units[0] for u in units) else ""
    width, height, left, right, top, bottom = 600, 230, 58, 20, 40, 34
    pw, ph = width - left - right, height - top - bottom
    vmax = max(v for s in series.values() for v in s.values())
    step = _nice_step(vmax * 1.15 or 1.0)
    ymax = step * max(1, -(-vmax * 1.15 // step))

    pad = 60.0
    numeric = all(yr.isdigit() for yr in years)
    first, last = (int(years[0]), int(years[-1])) if numeric else (0, len(years) - 1)

    def x(year: str) -> float:
        """Years at their distance in time (2021 and 2024 are three years apart), inset from the edges."""
        pos = int(year) if numeric else years.index(year)
        if last == first:
            return left + pw / 2
        return left + pad + (pos - first) / (last - first) * (pw - 2 * pad)

    def y(v: float) -> float:
        return top + ph - (v / ymax) * ph if ymax else top + ph

    parts = [f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#f8fafc" stroke="none"></rect>']
    tick = 0.0
    while tick <= ymax + 1e-9:
        ty = y(tick)
        parts.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{left + pw}" y2="{ty:.1f}" stroke="#e2e8f0" stroke-width="1"></line>'
        )
        parts.append(
            f'<text x="{left - 8}" y="{ty + 4:.1f}" text-anchor="end" font-size="11" fill="#64748b">{esc(_fmt(tick))}</text>'
        )
        tick += step
    for yr in years:
        parts.append(
            f'<text x="{x(yr):.1f}" y="{top + ph + 20}" text-anchor="middle" font-size="12" fill="#334155">{esc(yr)}年</text>'
        )
    if unit:
        parts.append(
            f'<text x="{left - 8}" y="{top - 10}" text-anchor="end" font-size="11" fill="#64748b">单位：{esc(unit)}</text>'
        )
    legend_x = left + 4
    names = dict(CHART_KINDS)
    offsets = {"target": (-8, "end"), "achieved": (8, "start"), "forecast": (8, "start")}
    shift = {"target": -7.0, "achieved": 7.0, "forecast": 15.0}  # side by side where a year has several figures
    for gi, group in enumerate(groups):
        for kind, _ in CHART_KINDS:
            pts = series.get((*group, kind))
            if not pts:
                continue
            color = GROUP_COLORS[gi % len(GROUP_COLORS)] if multi else CHART_COLORS[kind]
            dash = CHART_DASH[kind]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            ordered = [(yr, pts[yr]) for yr in years if yr in pts]
            if len(ordered) > 1:
                coords = " ".join(f"{x(yr) + shift[kind]:.1f},{y(v):.1f}" for yr, v in ordered)
                parts.append(
                    f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2.2"{dash_attr}></polyline>'
                )
            dx, anchor = offsets[kind]
            for yr, v in ordered:
                cx, cy = x(yr) + shift[kind], y(v)
                fill = color if kind == "achieved" else "#ffffff"
                if kind == "forecast":
                    parts.append(
                        f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" transform="rotate(45 {cx:.1f} {cy:.1f})" '
                        f'fill="#ffffff" stroke="{color}" stroke-width="2"></rect>'
                    )
                else:
                    parts.append(
                        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.5" fill="{fill}" stroke="{color}" stroke-width="2"></circle>'
                    )
                dy = 14 if kind == "forecast" else -8
                parts.append(
                    f'<text x="{cx + dx:.1f}" y="{cy + dy:.1f}" text-anchor="{anchor}" font-size="11" font-weight="600" '
                    f'fill="{color}">{esc(_fmt(v))}</text>'
                )
            label = (f"{group[0]}{group[1]} · " if multi else "") + names[kind]
            parts.append(
                f'<line x1="{legend_x}" y1="{top - 22}" x2="{legend_x + 22}" y2="{top - 22}" stroke="{color}" '
                f'stroke-width="2.2"{dash_attr}></line>'
            )
            parts.append(f'<text x="{legend_x + 28}" y="{top - 18}" font-size="12" fill="#334155">{esc(label)}</text>')
            legend_x += 28 + 13 * len(label) + 18
    title = "、".join(f"{p}{i}" for p, i in groups) + "：目标 / 实际完成（按年份）"
    return (
        f'<div class="pa-chart"><svg class="pa-chart-svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{esc(title)}" xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>'
        f"{''.join(parts)}</svg></div>"
    )


def _notes_html(lines: list[str], computed: list[str]) -> str:
    out = []
    for line in lines:
        body = _with_refs(line)
        for c in sorted(set(computed), key=len, reverse=True):
            body = body.replace(esc(c), f'<span class="pa-computed" title="系统计算">{esc(c)}</span>')
        cls = "pa-ind-note pa-notfound-line" if NOT_FOUND in line else "pa-ind-note"
        out.append(f'<div class="{cls}">{body}</div>')
    return f'<div class="pa-ind-notes">{"".join(out)}</div>' if out else ""


def render_indicator_body(text: str, table: list[dict[str, Any]], computed: list[str]) -> str:
    """The intro, the table (from the answer's markdown, else from Answer.table), the chart and the notes."""
    before, header, rows, after = split_table_answer(text)
    if not header or any(len(r) != len(header) for r in rows):
        if not table:
            return f'<div class="pa-text">{_with_refs(text)}</div>'
        header, rows = rows_from_table(table)
        before = [ln for ln in before if not ln.startswith("|")]
    intro = "".join(f'<div class="pa-text">{_with_refs(line)}</div>' for line in before)
    return intro + indicator_table_html(header, rows) + indicator_chart_svg(table) + _notes_html(after, computed)


def _sentences_citing(answer: str, n: int) -> list[str]:
    """The answer's sentences that cite [n], without their markers, labels and final stop."""
    from assistant.cite import cited_keys, split_answer

    before, header, rows, after = split_table_answer(answer)
    out: list[str] = []
    if header:  # a table answer: the figures of the cells citing [n], and the sentences around the table
        out = cell_phrases([c for row in rows for c in row], n)
        answer = "\n".join(before + after)
    for sentence in split_answer(answer):
        if n in cited_keys(sentence):
            body = CITE_MARK.sub("", sentence).strip().rstrip("。;；,，!?！？")
            body = LABEL.sub("", body).strip()
            if body:
                out.append(body)
    return out


def highlight_quote(quote: str, answer: str, n: int, bodies: list[str] | None = None) -> str:
    """The quoted passage, escaped, with the answer's sentence(s) underlined and its figures in <mark>.

    bodies: the text that cites [n] when it is not an answer (the 指标 tab's cells).
    """
    from assistant.cite import figures

    size = len(quote)
    in_sent = [False] * size
    in_mark = [False] * size
    bodies = _sentences_citing(answer, n) if bodies is None else bodies
    for body in bodies:
        start = quote.find(body)
        if start >= 0:
            for i in range(start, start + len(body)):
                in_sent[i] = True
    wanted = {f.text.strip() for body in bodies for f in figures(body)}
    wanted = {w for w in wanted if w and (len(w) >= 2 or not w.isdigit()) and not YEAR.fullmatch(w)}
    for fig in sorted(wanted, key=len, reverse=True):
        for m in re.finditer(r"(?<![\d.])" + re.escape(fig) + (r"(?![\d.])" if fig[-1].isdigit() else ""), quote):
            for i in range(m.start(), m.end()):
                in_mark[i] = True

    def marked(a: int, b: int) -> str:
        out, i = [], a
        while i < b:
            j = i
            while j < b and in_mark[j] == in_mark[i]:
                j += 1
            out.append(f"<mark>{esc(quote[i:j])}</mark>" if in_mark[i] else esc(quote[i:j]))
            i = j
        return "".join(out)

    out, i = [], 0
    while i < size:
        j = i
        while j < size and in_sent[j] == in_sent[i]:
            j += 1
        out.append(f'<span class="pa-hit">{marked(i, j)}</span>' if in_sent[i] else marked(i, j))
        i = j
    return "".join(out)


def render_citation(c: Citation, answer: str) -> str:
    issuer = esc(c.issuer) if c.issuer else '<span class="pa-missing">发文单位未注明</span>'
    date = esc(c.date) if c.date else '<span class="pa-missing">日期未注明</span>'
    title = esc(c.title or c.source or c.doc_id)
    section = c.heading.split(" › ")[0] if c.heading and not c.heading.startswith(c.title or "\0") else ""
    if section:  # a newspaper page holds several articles: name the one quoted
        title += f'<span class="pa-sep"> › </span><span class="pa-section">{esc(section)}</span>'
    from assistant.tables import is_row, row_html

    # a cited table row shows as a small table; a passage read by OCR says so (and how sure it was)
    quote = row_html(c.quote) if is_row(c.quote) else highlight_quote(c.quote, answer, c.n)
    origin = f'<span class="pa-sep"> · </span><span class="pa-origin">{esc(c.origin)}</span>' if c.origin else ""
    kb_tag = f'<span class="pa-badge pa-kb" title="知识库">{esc(c.kb)}</span> ' if c.kb else ""
    return (
        f'<div class="pa-cite"><div class="pa-cite-head"><span class="pa-cite-n">&#91;{c.n}&#93;</span> {kb_tag}'
        f'<span class="pa-cite-title">{title}</span><span class="pa-sep"> · </span>{issuer}'
        f'<span class="pa-sep"> · </span>{date}{origin}</div>'
        f'<details class="pa-details"><summary>查看原文段落 <span class="pa-source">{esc(c.source)}</span></summary>'
        f'<div class="pa-quote">{quote}</div></details></div>'
    )


def backend_label(backend: str) -> str:
    """Which answerer answered, in words: 抽取式 (extractive), 大模型 · <model>, 本地模型 · <name>."""
    backend = backend or "extractive"
    if backend == "extractive":
        return "抽取式"
    if backend.startswith("extractive"):
        return "抽取式（后备）"
    if backend == "indicators":
        return "指标对比"
    kind, _, name = backend.partition(":")
    if kind == "openai":
        return f"大模型 · {name}" if name else "大模型"
    if kind == "local":
        return f"本地模型 · {name}" if name else "本地模型"
    return backend


def _meta_line(ans: Answer, elapsed: float | None = None) -> str:
    bits = [f'<span class="pa-badge" title="回答方式: {esc(ans.backend)}">{esc(backend_label(ans.backend))}</span>']
    if not ans.refused:
        if ans.verified:
            bits.append(
                '<span class="pa-badge pa-badge-ok" title="答案中的数字都能在引用段落中找到">✓ 数字已核对</span>'
            )
        else:
            bits.append('<span class="pa-badge pa-badge-warn">⚠ 含未核实数字</span>')
        if ans.computed:
            bits.append(
                '<span class="pa-badge pa-badge-calc" title="完成率 = 实际完成 ÷ 目标，由系统计算，不是文件原文中的数字">'
                "ⓘ 完成率为系统计算</span>"
            )
    if elapsed is not None:
        bits.append(f'<span class="pa-time">用时 {elapsed:.2f} 秒</span>')
    return f'<div class="pa-meta">{"".join(bits)}</div>'


def render_answer(ans: Answer, elapsed: float | None = None) -> str:
    """The whole assistant message: answer, notes, warnings and footnoted citations, as one HTML block."""
    if ans.refused:
        related = "".join(
            f'<li><span class="pa-cite-title">{esc(r.get("title") or r.get("source"))}</span>'
            + (f'<span class="pa-sep"> · </span>{esc(r["date"])}' if r.get("date") else "")
            + f'<span class="pa-source"> {esc(r.get("source", ""))}</span></li>'
            for r in ans.related
        )
        related_html = (
            f'<div class="pa-related"><div class="pa-section">相关文件</div><ul>{related}</ul></div>' if related else ""
        )
        return (
            f'<div class="pa-answer pa-refused">{_meta_line(ans, elapsed)}'
            f'<div class="pa-refusal"><span class="pa-refusal-icon">ⓘ</span>{esc(ans.answer or REFUSAL)}</div>'
            f'{related_html}<div class="pa-hint">可以换个问法（写明年份、地区或文件名称），或在「新增公告」中补充文件。</div></div>'
        )
    note = f'<div class="pa-note">{esc(ans.note)}</div>' if ans.note else ""
    warn = ""
    if ans.unverified:
        warn = f'<div class="pa-warn">⚠ 未能核实: {esc("、".join(ans.unverified))}（引用段落中找不到这些数字，请核对原文）</div>'
    cites = "".join(render_citation(c, ans.answer) for c in ans.citations)
    cites_html = f'<div class="pa-cites"><div class="pa-section">引用来源</div>{cites}</div>' if cites else ""
    if is_table_answer(ans):
        body = render_indicator_body(ans.answer, ans.table, ans.computed)
        return f'<div class="pa-answer pa-indicators">{_meta_line(ans, elapsed)}{body}{note}{warn}{cites_html}</div>'
    return (
        f'<div class="pa-answer">{_meta_line(ans, elapsed)}<div class="pa-text">{render_answer_text(ans.answer)}</div>'
        f"{note}{warn}{cites_html}</div>"
    )


def render_partial(ans: Answer, sentences: list[str]) -> str:
    """A streaming step: the first sentences of the answer, citations still to come."""
    return (
        f'<div class="pa-answer pa-streaming">{_meta_line(ans)}<div class="pa-text">'
        f'{render_answer_text("".join(sentences))}<span class="pa-cursor">▍</span></div></div>'
    )


def render_question(text: str) -> str:
    return f'<div class="pa-q">{esc(text)}</div>'


def render_pending() -> str:
    return '<div class="pa-answer pa-streaming"><div class="pa-pending">正在检索文件…</div></div>'


def render_error(message: str) -> str:
    return f'<div class="pa-answer"><div class="pa-warn">出错了：{esc(message)}</div></div>'


def result_html(kind: str, message: str) -> str:
    """A status message for the add/library tabs: kind is ok | dup | warn | err | info."""
    return f'<div class="pa-result pa-result-{kind}">{message}</div>'


# -- a small readers/writer lock ----------------------------------------------------------------
class RWLock:
    """Many questions at once, or one indexing job alone (a reindex swaps the catalog underneath)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._waiting_writers += 1
            while self._writer or self._readers:
                self._cond.wait()
            self._waiting_writers -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


def _tick(progress: Progress, value: float, desc: str) -> None:
    if progress is not None:
        try:
            progress(value, desc=desc)
        except Exception:  # noqa: BLE001 - a progress bar must never break indexing
            pass


# -- the page logic -----------------------------------------------------------------------------
class AssistantUI:
    """Handlers behind the page; each returns plain values (HTML strings, rows, dicts)."""

    def __init__(self, settings: Settings, library: Library) -> None:
        from assistant.chain import QA

        self.settings = settings
        self.library = library
        self.lock = RWLock()
        self.qa = QA(settings, library=library)

    # ---- 问答 ----
    @staticmethod
    def new_session() -> dict[str, list]:
        return {"messages": [], "history": []}

    def ask(self, question: str, history: list[tuple[str, str]] | None = None) -> Answer:
        with self.lock.read():
            return self.qa.ask(question, history=history or None)

    def respond(
        self,
        message: str,
        session: dict[str, Any] | None,
        record: Callable[..., tuple[str, str | None]] | None = None,
    ) -> Iterator[tuple[list[dict[str, str]], dict[str, Any], str]]:
        """Stream an answer: (chat messages, session, textbox value) after each step.

        record(question, answer, elapsed_s, html, conversation) -> (answer id, conversation id) saves the answer
        (the page: in the user's conversation); the session keeps both, the answer id per chat message index."""
        session = session or self.new_session()
        messages = list(session.get("messages", []))
        history = list(session.get("history", []))
        extra = {k: v for k, v in session.items() if k not in ("messages", "history")}

        def state() -> dict[str, Any]:
            return {**extra, "messages": messages, "history": history}

        question = (message or "").strip()
        if not question:
            yield messages, state(), ""
            return
        messages.append({"role": "user", "content": render_question(question)})
        yield messages + [{"role": "assistant", "content": render_pending()}], state(), ""
        t0 = time.perf_counter()
        try:
            ans = self.ask(question, history[-MAX_HISTORY:])
        except Exception as exc:  # noqa: BLE001 - shown in the chat, logged on the console
            print(f"error answering {question!r}: {exc!r}", file=sys.stderr)
            messages.append({"role": "assistant", "content": render_error(str(exc) or exc.__class__.__name__)})
            yield messages, state(), ""
            return
        elapsed = time.perf_counter() - t0
        if not ans.refused and not is_table_answer(ans):  # a table appears whole
            from assistant.cite import split_answer

            shown: list[str] = []
            for sentence in split_answer(ans.answer)[:-1]:
                shown.append(sentence)
                yield messages + [{"role": "assistant", "content": render_partial(ans, shown)}], state(), ""
                time.sleep(STREAM_DELAY_S)
        html_answer = render_answer(ans, elapsed)
        messages.append({"role": "assistant", "content": html_answer})
        history = (history + [(question, ans.answer)])[-MAX_HISTORY:]
        if record is not None:
            try:
                answer_id, conversation = record(question, ans, elapsed, html_answer, extra.get("conversation"))
                extra["conversation"] = conversation
                extra["ids"] = {**extra.get("ids", {}), str(len(messages) - 1): answer_id}
                extra["last"] = answer_id
            except Exception as exc:  # noqa: BLE001 - the answer is shown even when saving it failed
                print(f"error saving the answer to {question!r}: {exc!r}", file=sys.stderr)
        yield messages, state(), ""

    # ---- 指标 ----
    def indicator_pairs(self) -> list[tuple[str, str]]:
        """(indicator, place) pairs that have records, from the catalog."""

        with self.lock.read():
            return self.library.indicators_available()

    def indicator_options(
        self, place: str | None = None, indicator: str | None = None
    ) -> tuple[list[str], str, list[str], str]:
        """(places, place, indicators of that place, indicator): the current choice where it still exists, else a default."""
        pairs = self.indicator_pairs()
        counts: dict[str, int] = {}
        for _, pl in pairs:
            counts[pl] = counts.get(pl, 0) + 1
        places = sorted(counts, key=lambda p: (-counts[p], p))
        if not places:
            return [], "", [], ""
        place = place if place in counts else places[0]
        names = [ind for ind, pl in pairs if pl == place]
        if indicator not in names:
            indicator = next((n for n in DEFAULT_INDICATORS if n in names), names[0])
        return places, place, names, indicator

    def indicator_data(
        self, place: str, indicator: str
    ) -> tuple[str, list[list[str]], list[dict[str, Any]], list[Citation]]:
        """(markdown-style header, cells with [n] markers, plain rows, citations) for one indicator in one place."""
        from assistant import indicators
        from assistant.types import Citation

        with self.lock.read():
            records = self.library.indicator_records(indicator, place)
            rows = indicators.table(records, indicator, place)
            numbers: dict[tuple[str, int, int], int] = {}

            def cite(entry: dict[str, Any]) -> str:
                marks = "".join(
                    f"[{numbers.setdefault((s['doc_id'], s['start'], s['end']), len(numbers) + 1)}]"
                    for s in entry["sources"]
                )
                return str(entry["text"]) + marks

            def show(cell: dict[str, Any] | None, label: str = "") -> str:
                if not cell:
                    return ""
                return "；".join([label + cite(cell)] + [f"另有{label}{cite(o)}" for o in cell["others"]])

            cells, plain = [], []
            for row in rows:
                target = show(row["target"]) or NOT_FOUND
                done = "；".join(x for x in (show(row["achieved"]), show(row["forecast"], "预计")) if x) or NOT_FOUND
                rate = (
                    (row["rate"] + ("（按预计数）" if row["rate_basis"] == "forecast" else "")) if row["rate"] else "—"
                )
                cells.append([f"{row['year']}年" if row["year"] else "年份未注明", target, done, rate])
                plain.append(
                    {
                        "year": row["year"],
                        "place": row["place"],
                        "indicator": row["indicator"],
                        **{k: (row[k] or {}).get("text", "") for k in ("target", "achieved", "forecast")},
                        "rate": row["rate"] or "",
                    }
                )
            quotes = indicators.source_sentences(rows)
            metas = self.library.catalog.doc_meta(d for d, _, _ in numbers)
            citations = []
            for (doc_id, start, end), n in sorted(numbers.items(), key=lambda kv: kv[1]):
                m = metas.get(doc_id, {})
                citations.append(
                    Citation(
                        n,
                        doc_id,
                        m.get("source", ""),
                        m.get("title", ""),
                        m.get("date", ""),
                        m.get("issuer", ""),
                        quotes.get((doc_id, start, end), ""),
                        start,
                        end,
                    )
                )
        return ["年份", "目标", "实际完成", "完成率"], cells, plain, citations

    def indicator_record(self, place: str, indicator: str) -> dict[str, Any]:
        """The 指标 tab's table as an answer record (question, markdown table, rows, citations) for export."""
        header, cells, plain, citations = self.indicator_data(place, indicator)
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in cells]
        return {
            "id": f"{place}-{indicator}",
            "question": f"{place} · {indicator}",
            "answer": "\n".join(lines),
            "table": plain,
            "citations": [c.to_dict() for c in citations],
        }

    def indicator_view(self, place: str | None, indicator: str | None) -> str:
        """The 指标 tab: the table, the chart and the cited sentences (title · date · sentence) as one HTML block."""
        if not place or not indicator:
            return result_html(
                "info", "文档库中还没有可对比的指标数据。新增含有目标或完成情况的文件后，这里会自动列出。"
            )
        try:
            header, cells, plain, citations = self.indicator_data(place, indicator)
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged on the console
            print(f"error reading indicators {place!r}/{indicator!r}: {exc!r}", file=sys.stderr)
            return result_html("err", f"读取指标数据失败：{esc(exc) or esc(exc.__class__.__name__)}")
        if not cells:
            return result_html("info", f"没有找到{esc(place)}「{esc(indicator)}」的数据。")
        rates = [r["rate"] for r in plain if r["rate"]]
        notes = []
        for r in plain:
            label = f"{r['year']}年" if r["year"] else ""
            if not r["target"]:
                notes.append(f"{label}目标：现有文件中{NOT_FOUND}。")
            if not r["achieved"] and not r["forecast"]:
                notes.append(f"{label}实际完成：现有文件中{NOT_FOUND}。")
        cells_flat = [c for row in cells for c in row]
        sources = "".join(
            f'<div class="pa-cite"><div class="pa-cite-head"><span class="pa-cite-n">&#91;{c.n}&#93;</span> '
            f'<span class="pa-cite-title">{esc(c.title or c.source or c.doc_id)}</span><span class="pa-sep"> · </span>'
            + (esc(c.date) if c.date else '<span class="pa-missing">日期未注明</span>')
            + f'</div><div class="pa-quote pa-quote-inline">{highlight_quote(c.quote, "", c.n, cell_phrases(cells_flat, c.n))}</div></div>'
            for c in citations
        )
        head = (
            f'<div class="pa-ind-head"><span class="pa-ind-title">{esc(place)} · {esc(indicator)}</span>'
            f'<span class="pa-ind-sub">{len(cells)} 个年份 · {len(citations)} 处原文'
            + (" · 完成率由系统计算（实际完成÷目标）" if rates else "")
            + "</span></div>"
        )
        return (
            f'<div class="pa-answer pa-indicators pa-ind-view">{head}{indicator_table_html(header, cells)}'
            f"{indicator_chart_svg(plain)}{_notes_html(notes, rates)}"
            f'<div class="pa-cites"><div class="pa-section">原文出处</div>{sources}</div></div>'
        )

    # ---- 新增公告 ----
    @staticmethod
    def prefill(
        text: str, title: str, date: str, issuer: str, auto: dict[str, str] | None
    ) -> tuple[str, str, str, dict[str, str]]:
        """Title/date/issuer read from the pasted text's own header, for fields the user left empty.

        A field still holding the value this function filled in last time counts as empty, so the
        suggestion follows the text until the user types over it.
        """
        from assistant.clean import clean
        from assistant.metadata import parse_metadata

        auto = dict(auto or {})
        current = {"title": title or "", "date": date or "", "issuer": issuer or ""}
        found = {"title": "", "date": "", "issuer": ""}
        if text and text.strip():
            sample = text if len(text) <= 20000 else text[:20000]
            try:
                meta = parse_metadata(clean(sample))
                found = {k: (meta.get(k) or "").strip()[:120] for k in found}
            except Exception:  # noqa: BLE001 - a suggestion only
                pass
        out = {}
        for key in ("title", "date", "issuer"):
            value = current[key].strip()
            if not value or value == auto.get(key, ""):
                out[key] = found[key]
                auto[key] = found[key]
            else:
                out[key] = current[key]
        return out["title"], out["date"], out["issuer"], auto

    @staticmethod
    def _check_date(date: str) -> tuple[str, str]:
        """(normalized date, error message)."""
        from assistant.metadata import normalize_date

        date = (date or "").strip()
        if not date:
            return "", ""
        norm = normalize_date(date)
        if not norm or not DATE_INPUT.match(norm):
            return "", f"发布日期「{esc(date)}」格式不对，请写成 YYYY-MM-DD（例如 2024-02-20），或留空自动识别。"
        return norm, ""

    def _added_message(self, result: Any, what: str) -> tuple[str, bool]:
        """(HTML message, added) for an AddResult."""
        title = esc(result.title or result.source or result.doc_id)
        if result.duplicate:
            msg = result_html(
                "dup",
                f"这份{what}与已收录的文件重复：《{title}》（doc_id <code>{esc(result.doc_id)}</code>），没有重复索引。",
            )
            return msg, False
        msg = (
            f"✓ 已索引 {result.chunks} 个段落：《{title}》<br>"
            f'<span class="pa-small">doc_id <code>{esc(result.doc_id)}</code> · 来源 {esc(result.source)} · 现在就可以在「问答」中提问。</span>'
        )
        body = result_html("ok", msg)
        if result.suspicious:
            body += result_html(
                "warn",
                f"⚠ 疑似包含指令注入或隐藏文字：{esc(result.suspicious)}。该文件只作为资料被引用，"
                "其中的文字不会被当作指令执行；请在「文档库」中核对，必要时删除。",
            )
        return body, True

    def add_paste(
        self, text: str, title: str = "", date: str = "", issuer: str = "", progress: Progress = None
    ) -> tuple[str, bool]:
        """Index a pasted bulletin; returns (HTML message, added)."""
        from assistant.load import LoadError

        if not text or not text.strip():
            return result_html("err", "请先在上面粘贴公告正文。"), False
        norm_date, err = self._check_date(date)
        if err:
            return result_html("err", err), False
        _tick(progress, 0.1, "检查内容…")
        try:
            with self.lock.write():
                _tick(progress, 0.3, "切分段落并计算向量…")
                result = self.library.add_text(text, title or "", norm_date, issuer or "")
        except LoadError as exc:
            return result_html("err", f"无法索引：{esc(exc)}"), False
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged on the console
            print(f"error indexing a paste: {exc!r}", file=sys.stderr)
            return result_html("err", f"索引失败：{esc(exc) or esc(exc.__class__.__name__)}"), False
        _tick(progress, 1.0, "完成")
        return self._added_message(result, "公告")

    def add_file(
        self, path: str | None, title: str = "", date: str = "", issuer: str = "", progress: Progress = None
    ) -> tuple[str, bool]:
        """Index an uploaded file (its content is checked by magic bytes); returns (HTML message, added)."""
        from assistant.load import LoadError

        if not path:
            return result_html("err", "请先选择要上传的文件（PDF / DOCX / TXT / MD / HTML）。"), False
        norm_date, err = self._check_date(date)
        if err:
            return result_html("err", err), False
        p = Path(path)
        limit = self.settings.load.max_file_mb
        try:
            if p.stat().st_size > limit * 1024 * 1024:
                return result_html("err", f"文件超过 {limit:.0f} MB 上限 (file too large)"), False
            data = p.read_bytes()
        except OSError as exc:
            return result_html("err", f"读取上传的文件失败：{esc(exc)}"), False
        _tick(progress, 0.1, "识别文件类型并提取文字…")

        def on_page(done: int, total: int) -> None:  # a scan or long PDF, page by page (OCR), then the chunks
            desc = "切分段落并计算向量…" if done >= total else f"识别第 {done + 1}/{total} 页…"
            _tick(progress, 0.1 + 0.3 * done / max(1, total), desc)

        try:
            with self.lock.write():
                result = self.library.add_upload(data, p.name, title or "", norm_date, issuer or "", on_page=on_page)
        except LoadError as exc:
            return result_html("err", f"无法索引《{esc(p.name)}》：{esc(exc)}"), False
        except Exception as exc:  # noqa: BLE001
            print(f"error indexing upload {p.name!r}: {exc!r}", file=sys.stderr)
            return result_html("err", f"索引失败：{esc(exc) or esc(exc.__class__.__name__)}"), False
        _tick(progress, 1.0, "完成")
        return self._added_message(result, "文件")

    # ---- 文档库 ----
    def rows(self, query: str = "") -> list[list[Any]]:
        q = (query or "").strip().lower()
        out = []
        for d in self.library.documents():
            row = [
                d.get("title", ""),
                d.get("issuer", ""),
                d.get("date", ""),
                d.get("doc_type", ""),
                d.get("region", ""),
                int(d.get("chunks", 0) or 0),
                d.get("source", ""),
                d.get("doc_id", ""),
                f"⚠ {d['suspicious']}" if d.get("suspicious") else "",
            ]
            if q and not any(q in str(v).lower() for v in row):
                continue
            out.append(row)
        out.sort(key=lambda r: (r[2] or "0000", r[0]), reverse=True)
        return out

    def table(self, query: str = "") -> Any:
        import pandas as pd

        return pd.DataFrame(self.rows(query), columns=TABLE_COLUMNS)

    def stats(self) -> dict[str, Any]:
        docs = self.library.documents()
        return {
            "documents": len(docs),
            "chunks": sum(int(d.get("chunks", 0) or 0) for d in docs),
            "embedder": self.library.embedder.name,
            "suspicious": sum(1 for d in docs if d.get("suspicious")),
        }

    def stats_html(self) -> str:
        s = self.stats()
        flag = f'<span class="pa-stat pa-stat-warn">⚠ {s["suspicious"]} 份待核对</span>' if s["suspicious"] else ""
        answerer = backend_label(getattr(self.qa.answerer, "name", "extractive"))
        if self.qa.backend_error:
            flag += f'<span class="pa-stat pa-stat-warn" title="{esc(self.qa.backend_error)}">⚠ 大模型未启用，使用抽取式回答</span>'
        kb_name = getattr(self, "kb_label", "") or getattr(self.library, "kb", "default")
        return (
            f'<div class="pa-stats"><span class="pa-stat">知识库 <b>{esc(kb_name)}</b></span>'
            f'<span class="pa-stat"><b>{s["documents"]}</b> 份文件</span>'
            f'<span class="pa-stat"><b>{s["chunks"]}</b> 个段落</span>'
            f'<span class="pa-stat">嵌入模型 <code>{esc(s["embedder"])}</code></span>'
            f'<span class="pa-stat">回答方式 {esc(answerer)}</span>{flag}</div>'
        )

    def delete(self, doc_id: str, confirm: bool) -> tuple[str, bool]:
        """Delete a document after confirmation; returns (HTML message, deleted)."""
        doc_id = (doc_id or "").strip()
        if not doc_id:
            return result_html("err", "请填写要删除的 doc_id（点击表格中的一行可自动填入）。"), False
        if not confirm:
            return result_html("info", f"请勾选「确认删除」后再点击删除（doc_id <code>{esc(doc_id)}</code>）。"), False
        doc = next((d for d in self.library.documents() if d.get("doc_id") == doc_id), None)
        if doc is None:
            return result_html("err", f"没有找到 doc_id 为 <code>{esc(doc_id)}</code> 的文件。"), False
        with self.lock.write():
            ok = self.library.delete(doc_id)
        if not ok:
            return result_html("err", f"没有找到 doc_id 为 <code>{esc(doc_id)}</code> 的文件。"), False
        title = esc(doc.get("title") or doc.get("source"))
        return result_html(
            "ok",
            f"已删除《{title}》（doc_id <code>{esc(doc_id)}</code>）。原文件已移到 corpus/.deleted/，需要时可以恢复。",
        ), True

    def reindex(self, progress: Progress = None) -> str:
        """Rebuild the whole index from the corpus dir; returns an HTML message."""
        from assistant.chain import QA

        _tick(progress, 0.0, "重建索引…")
        t0 = time.perf_counter()
        try:
            with self.lock.write():
                report = self.library.reindex(progress=progress is not None)
                # The extractive answerer caches the library's BM25 for term weights; reindex replaces it.
                self.qa = QA(self.settings, library=self.library)
        except Exception as exc:  # noqa: BLE001
            print(f"error reindexing: {exc!r}", file=sys.stderr)
            return result_html("err", f"重建索引失败：{esc(exc)}")
        msg = f"✓ 索引已重建：{report.added} 份文件，{report.chunks} 个段落，用时 {time.perf_counter() - t0:.1f} 秒。"
        out = result_html("ok", msg)
        if report.errors:
            items = "".join(f"<li>{esc(e)}</li>" for e in report.errors[:20])
            out += result_html("warn", f"⚠ 以下文件未能索引：<ul>{items}</ul>")
        return out


# -- the page -----------------------------------------------------------------------------------
CSS = """
.gradio-container { max-width: 1120px !important; width: 100% !important; margin: 0 auto !important; }
footer { display: none !important; }
#pa-header { padding: 18px 22px 14px; border-radius: 14px; margin-bottom: 4px;
  background: linear-gradient(120deg, #1e3a8a 0%, #1d4ed8 55%, #0e7490 100%); color: #fff; }
#pa-header h1 { margin: 0; font-size: 26px; font-weight: 700; letter-spacing: 1px; color: #fff; }
#pa-header .pa-sub { margin-top: 6px; font-size: 14px; color: #dbeafe !important; }
#pa-header .pa-stats { margin-top: 10px; }
#pa-header .pa-stat { background: rgba(255,255,255,.16); color: #fff; border-color: rgba(255,255,255,.25); }
#pa-header .pa-stat b, #pa-header .pa-stat code { color: #fff !important; background: transparent; }
.pa-stats { display: flex; flex-wrap: wrap; gap: 8px; }
.pa-stat { font-size: 13px; padding: 3px 10px; border-radius: 999px; border: 1px solid var(--border-color-primary);
  background: var(--background-fill-secondary); }
.pa-stat-warn { color: #92400e; background: #fef3c7; border-color: #fcd34d; }
.pa-examples { gap: 8px !important; flex-wrap: wrap !important; }
.pa-examples button { flex: 0 0 auto !important; min-width: 0 !important; font-size: 13px !important; border-radius: 999px !important;
  padding: 4px 14px !important; font-weight: 400 !important; }
.pa-examples-label { font-size: 13px; color: var(--body-text-color-subdued); margin: 4px 0 -4px 2px; }
#chatbot .pa-q { white-space: normal; }
.pa-answer { line-height: 1.75; }
.pa-row { border-collapse: collapse; margin: 4px 0; font-size: 0.95em; }
.pa-row th, .pa-row td { border: 1px solid #cbd5e1; padding: 2px 8px; }
.pa-row caption { caption-side: top; text-align: left; font-size: 0.9em; opacity: 0.75; }
.pa-meta { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-bottom: 6px; }
.pa-badge { font-size: 12px; padding: 1px 8px; border-radius: 999px; background: #e0e7ff; color: #3730a3; }
.pa-badge-ok { background: #dcfce7; color: #166534; }
.pa-badge-warn { background: #fee2e2; color: #991b1b; }
.pa-time { font-size: 12px; color: var(--body-text-color-subdued); }
.pa-text { font-size: 15px; }
.pa-label { display: inline-block; font-size: 12px; font-weight: 600; padding: 0 6px; margin-right: 6px; border-radius: 4px;
  background: #e0f2fe; color: #075985; }
.pa-ref { color: #1d4ed8; font-weight: 600; font-size: 11px; margin: 0 1px; }
.pa-cursor { color: #1d4ed8; animation: pa-blink 1s steps(2) infinite; }
@keyframes pa-blink { 50% { opacity: 0; } }
.pa-pending { color: var(--body-text-color-subdued); font-style: italic; }
.pa-note { margin-top: 6px; font-size: 13px; color: var(--body-text-color-subdued); }
.pa-warn { margin-top: 8px; padding: 6px 10px; border-radius: 8px; background: #fef2f2; color: #991b1b;
  border: 1px solid #fecaca; font-size: 14px; }
.pa-section { font-size: 12px; font-weight: 600; color: var(--body-text-color-subdued); letter-spacing: 1px; margin: 10px 0 4px; }
.pa-cites { border-top: 1px dashed var(--border-color-primary); margin-top: 10px; }
.pa-cite { margin: 6px 0; font-size: 14px; }
.pa-cite-n { color: #1d4ed8; font-weight: 700; }
.pa-cite-title { font-weight: 600; }
.pa-sep, .pa-missing, .pa-source { color: var(--body-text-color-subdued); }
.pa-source { font-size: 12px; font-weight: 400; }
.pa-details { margin: 2px 0 0 24px; }
.pa-details summary { cursor: pointer; font-size: 13px; color: #1d4ed8; }
.pa-quote { margin-top: 6px; padding: 8px 12px; border-left: 3px solid #93c5fd; background: var(--background-fill-secondary);
  border-radius: 0 8px 8px 0; font-size: 13.5px; line-height: 1.8; max-height: 320px; overflow-y: auto; }
.pa-hit { text-decoration: underline; text-decoration-color: #60a5fa; text-decoration-thickness: 2px; text-underline-offset: 3px; }
.pa-quote mark, .pa-answer mark { background: #fde68a; color: inherit; padding: 0 2px; border-radius: 3px; }
.pa-refusal { padding: 10px 12px; border-radius: 10px; background: #f8fafc; border: 1px solid #cbd5e1; color: #334155;
  font-weight: 600; }
.pa-refusal-icon { margin-right: 6px; color: #64748b; }
.pa-related ul { margin: 0; padding-left: 20px; font-size: 14px; }
.pa-hint { margin-top: 8px; font-size: 13px; color: var(--body-text-color-subdued); }
.pa-result { padding: 10px 14px; border-radius: 10px; margin: 4px 0; font-size: 14px; line-height: 1.7; }
.pa-result-ok { background: #f0fdf4; border: 1px solid #bbf7d0; color: #166534; }
.pa-result-dup { background: #fffbeb; border: 1px solid #fde68a; color: #92400e; }
.pa-result-warn { background: #fff7ed; border: 1px solid #fed7aa; color: #9a3412; }
.pa-result-err { background: #fef2f2; border: 1px solid #fecaca; color: #991b1b; }
.pa-result-info { background: #eff6ff; border: 1px solid #bfdbfe; color: #1e40af; }
.pa-result code { font-size: 12.5px; }
.pa-small { font-size: 12.5px; opacity: .85; }
.pa-help { font-size: 13px; color: var(--body-text-color-subdued); margin: 2px 0 6px; }
.pa-danger-zone { border: 1px solid #fecaca; border-radius: 12px; padding: 10px; background: #fffafa; }
#doc_table { font-size: 13px; }
.pa-badge-calc { background: #fef3c7; color: #92400e; }
.pa-table-wrap { overflow-x: auto; margin: 8px 0 6px; }
.pa-answer table.pa-ind-table { border-collapse: separate !important; border-spacing: 0 !important; width: auto !important;
  min-width: 60%; margin: 0 !important; padding: 0 !important; font-size: 14px; line-height: 1.55;
  border: 1px solid #cbd5e1 !important; border-radius: 10px; overflow: hidden; background: var(--background-fill-primary); }
.pa-answer table.pa-ind-table th, .pa-answer table.pa-ind-table td { border: 0 !important; margin: 0 !important;
  border-bottom: 1px solid #e2e8f0 !important; }
.pa-answer table.pa-ind-table th { background: #eff6ff; color: #1e3a8a; font-weight: 600; font-size: 13px; text-align: left;
  padding: 7px 14px !important; border-bottom: 1px solid #bfdbfe !important; white-space: nowrap; }
.pa-answer table.pa-ind-table td { padding: 7px 14px !important; vertical-align: top; text-align: left; }
.pa-answer table.pa-ind-table tbody tr:last-child td { border-bottom: 0 !important; }
.pa-answer table.pa-ind-table tbody tr:nth-child(even) td { background: var(--background-fill-secondary); }
.pa-answer table.pa-ind-table td:first-child { white-space: nowrap; font-weight: 600; }
.pa-answer table.pa-ind-table th.pa-col-rate { background: #fffbeb; color: #92400e; border-bottom-color: #fde68a !important; }
.pa-answer table.pa-ind-table td.pa-col-rate { white-space: nowrap; }
.pa-computed { color: #92400e; font-weight: 600; border-bottom: 1px dotted #d97706; }
.pa-calc { display: inline-block; margin-left: 4px; font-size: 10.5px; line-height: 1.4; padding: 0 4px; border-radius: 4px;
  background: #fef3c7; color: #92400e; vertical-align: 1px; }
.pa-notfound, .pa-na { color: #94a3b8; font-style: italic; }
.pa-cell-label { display: inline-block; font-size: 11px; padding: 0 4px; margin-right: 3px; border-radius: 4px;
  background: #f1f5f9; color: #475569; }
.pa-cell-part + .pa-cell-part { margin-top: 2px; }
.pa-chart { margin: 6px 0 2px; max-width: 600px; }
.pa-chart-svg { width: 100%; height: auto; display: block; font-family: inherit; }
.pa-ind-notes { margin-top: 4px; font-size: 14px; }
.pa-notfound-line { color: #64748b; }
.pa-ind-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 10px; margin-bottom: 2px; }
.pa-ind-title { font-size: 17px; font-weight: 700; }
.pa-ind-sub { font-size: 12.5px; color: var(--body-text-color-subdued); }
.pa-ind-view { padding: 4px 2px; }
.pa-quote-inline { margin: 4px 0 8px 24px; max-height: none; }
.pa-fb { margin: 8px 0; padding: 8px 12px; border: 1px solid var(--border-color-primary); border-radius: 10px;
  font-size: 14px; line-height: 1.7; }
.pa-fb-down { border-left: 4px solid #dc2626; }
.pa-fb-up { border-left: 4px solid #16a34a; }
.pa-fb-mark { display: inline-block; font-size: 12px; padding: 0 6px; border-radius: 4px; background: #f1f5f9; }
.pa-fb-q { font-weight: 600; }
.pa-fb-correction { margin-top: 4px; padding: 4px 8px; border-radius: 6px; background: #fef3c7; color: #78350f; }
.pa-conv-list label { font-size: 13px !important; }
#delete_button { background: #dc2626 !important; border-color: #dc2626 !important; color: #fff !important; }
#delete_button:hover { background: #b91c1c !important; }
"""


def _theme() -> Any:
    import gradio as gr

    fonts = [
        "Noto Sans CJK SC",
        "PingFang SC",
        "Microsoft YaHei",
        "Source Han Sans SC",
        "ui-sans-serif",
        "system-ui",
        "sans-serif",
    ]
    return gr.themes.Soft(
        primary_hue="blue",
        secondary_hue="sky",
        neutral_hue="slate",
        font=fonts,
        font_mono=["ui-monospace", "SFMono-Regular", "Consolas", "monospace"],
    )


def launch_kwargs(settings: Settings) -> dict[str, Any]:
    """Arguments for Blocks.launch (Gradio 6 takes theme and css here, not in Blocks())."""
    kwargs: dict[str, Any] = {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "show_error": True,
        "max_file_size": f"{settings.load.max_file_mb:g}mb",
        "theme": _theme(),
        "css": CSS,
        "footer_links": [],
        "ssr_mode": False,
        "mcp_server": False,
    }
    from assistant import users

    try:
        accounts = users.shared(settings)
    except users.UserError as exc:
        raise ValueError(str(exc)) from None
    if accounts.login_required:  # accounts (`assistant user add`) or ASSISTANT_AUTH: a login, rate-limited
        kwargs["auth"] = accounts
        kwargs["auth_message"] = f"{TITLE}：请登录"
    return kwargs


class AcrossKBs(AssistantUI):
    """全部 on the page: one question asked of every knowledge base, each citation naming its knowledge base."""

    def __init__(self, pool: Any) -> None:  # noqa: D107 - shares the primary's settings; asks through the pool
        primary = pool.primary
        self.settings, self.library, self.lock, self.qa, self.pool = (
            primary.settings,
            primary.library,
            primary.lock,
            primary.qa,
            pool,
        )

    kb_label = "全部"
    only: list[str] | None = None  # the knowledge bases the signed-in user may ask (None: every one)

    def ask(self, question: str, history: list[tuple[str, str]] | None = None) -> Answer:
        return self.pool.ask_all(question, history or None, self.only)

    def stats(self) -> dict[str, Any]:
        names = self.pool.names() if self.only is None else self.only
        parts = [self.pool.get(name).stats() for name in names]
        return {
            "documents": sum(p["documents"] for p in parts),
            "chunks": sum(p["chunks"] for p in parts),
            "embedder": self.library.embedder.name,
            "suspicious": sum(p["suspicious"] for p in parts),
        }


def manage_kb(pool: Any, action: str, current: str, name: str, confirm: bool = False) -> tuple[str, str]:
    """The page's 知识库管理: create / rename the current one / delete the current one; (HTML message, KB to select)."""
    from assistant import kb

    name = (name or "").strip()
    try:
        if action == "create":
            pool.create(name)
            return result_html("ok", f"✓ 已新建知识库「{esc(name)}」，现在可以在「新增公告」中向它添加文件。"), name
        if current == kb.ALL:
            return result_html("err", "请先在上方选择一个具体的知识库（「全部」只用于提问）。"), current
        if action == "rename":
            pool.rename(current, name)
            return result_html("ok", f"✓ 知识库「{esc(current)}」已重命名为「{esc(name)}」。"), name
        if not confirm:
            return result_html("info", f"请勾选「确认删除」后再删除知识库「{esc(current)}」。"), current
        info = pool.delete(current)
        return result_html("ok", f"已删除知识库「{esc(current)}」（{info['documents']} 份文件）。"), pool.primary_name
    except (kb.KBError, OSError) as exc:
        return result_html("err", esc(exc)), current
    except Exception as exc:  # noqa: BLE001 - IndexBusy and the like, shown to the user
        return result_html("err", f"操作失败：{esc(exc)}"), current


def header_html(ui: AssistantUI, only: list[str] | None = None) -> str:
    """The page header; only=[]: without any knowledge base's figures (before the user has signed in)."""
    stats = "" if only == [] else ui.stats_html()
    return f'<div id="pa-header"><h1>{TITLE}</h1><div class="pa-sub">{esc(SUBTITLE)}</div>{stats}</div>'


def create_app(settings: Settings | None = None, library: Library | None = None) -> Any:
    """The page as a gr.Blocks (queued); `.assistant` is its AssistantUI. Launch with launch_kwargs()."""
    import gradio as gr

    from assistant import users as users_mod
    from assistant.history import HistoryError
    from assistant.index import Library as _Library
    from assistant.kb import ALL, KBError
    from assistant.settings import get_settings
    from assistant.ui.admin import conversation_choices, feedback_html
    from assistant.ui.admin import stats_html as admin_stats_html
    from assistant.ui.kbs import KBPool
    from assistant.users import Forbidden, Identity

    settings = settings or get_settings()
    library = library or _Library(settings, writer=True)
    ui = AssistantUI(settings, library)
    pool = KBPool(settings, ui)
    indexing = {"concurrency_limit": 1, "concurrency_id": "indexing"}
    users, history = pool.users, pool.history
    open_page = not users.login_required  # with a login, nothing of a knowledge base is in the page before it

    def who(request: Any) -> Identity:
        """The signed-in user of a request (no login configured: the local admin)."""
        return users.identity(getattr(request, "username", None) if request is not None else None)

    def typed(fn: Callable[..., Any], **hints: Any) -> Callable[..., Any]:
        """Give Gradio the real classes of a handler's special arguments (gr.Request, gr.LikeData): annotations
        here are strings naming a lazily imported module, which Gradio cannot resolve."""
        fn.__annotations__ = hints
        return fn

    def kb_choices(me: Identity | None = None) -> list[str]:
        names = pool.names() if me is None else me.kbs(pool.names())
        return [*names, ALL] if names else []

    def pick(name: str | None) -> AssistantUI:
        """The selected knowledge base's handlers (全部 or a vanished one: the app's own, for showing)."""
        try:
            return ui if not name or name == ALL else pool.get(name)
        except KBError:
            return ui

    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 86400)) as demo:
        header = gr.HTML(header_html(ui) if open_page else header_html(AcrossKBs(pool), only=[]), elem_id="header")
        session = gr.State(AssistantUI.new_session())
        with gr.Row(equal_height=True, elem_classes="pa-kb-row"):
            kb_select = gr.Dropdown(
                choices=kb_choices() if open_page else [],
                label="知识库",
                elem_id="kb_select",
                value=pool.primary_name if open_page else None,
                scale=1,
                min_width=200,
                filterable=False,
                info="问答、新增公告和文档库都针对所选知识库；「全部」在所有知识库中提问，出处标明知识库。",
            )
            signed_in = gr.HTML("", elem_id="signed_in")

        with gr.Tabs(elem_id="tabs"):
            # ---------------------------------------------------------------- 问答
            with gr.Tab("问答", id="qa", elem_id="tab_qa"), gr.Row(equal_height=False):
                with gr.Column(scale=1, min_width=220, elem_id="conv_panel"):
                    conv_new = gr.Button("＋ 新对话", variant="secondary", size="sm", elem_id="conv_new")
                    conv_list = gr.Radio(
                        choices=[], value=None, label="历史对话", elem_id="conv_list", elem_classes="pa-conv-list"
                    )
                    with gr.Accordion("重命名 / 删除", open=False, elem_id="conv_manage"):
                        conv_title = gr.Textbox(label="新标题", elem_id="conv_title", max_lines=1)
                        with gr.Row():
                            conv_rename = gr.Button("重命名", size="sm", elem_id="conv_rename")
                            conv_delete = gr.Button("删除对话", size="sm", variant="stop", elem_id="conv_delete")
                    conv_result = gr.HTML("", elem_id="conv_result")
                with gr.Column(scale=4):
                    chatbot = gr.Chatbot(
                        elem_id="chatbot",
                        show_label=False,
                        height=540,
                        layout="bubble",
                        sanitize_html=True,
                        allow_tags=False,
                        render_markdown=True,
                        latex_delimiters=[],
                        feedback_options=("Like", "Dislike"),
                        buttons=[],
                        autoscroll=True,
                        placeholder=(
                            "<div style='text-align:center;opacity:.75'><b>有什么可以帮您？</b><br>"
                            "问题请尽量写明年份、地区或指标，例如「2023年某市技术合同成交额是多少」。</div>"
                        ),
                    )
                    with gr.Row(equal_height=True):
                        question = gr.Textbox(
                            elem_id="question",
                            show_label=False,
                            placeholder="输入问题，回车发送……",
                            lines=1,
                            max_lines=4,
                            scale=8,
                            autofocus=True,
                            container=False,
                        )
                        send = gr.Button("发送", variant="primary", elem_id="send", scale=1, min_width=90)
                        clear = gr.Button("新对话", variant="secondary", elem_id="clear", scale=1, min_width=90)
                    gr.HTML('<div class="pa-examples-label">示例问题</div>')
                    with gr.Row(elem_classes="pa-examples"):
                        example_buttons = [
                            gr.Button(q, size="sm", variant="secondary", elem_id=f"example_{i}")
                            for i, q in enumerate(EXAMPLES)
                        ]
                    feedback_result = gr.HTML("", elem_id="feedback_result")  # outside: seen after a 👍/👎
                    with gr.Accordion(
                        "反馈与导出（针对最近一条回答，或最近点 👍/👎 的回答）", open=False, elem_id="feedback_panel"
                    ):
                        with gr.Row(equal_height=True):
                            correction = gr.Textbox(
                                label="更正（可选）",
                                elem_id="correction",
                                scale=4,
                                max_lines=4,
                                placeholder="正确答案是……（写明数字）",
                            )
                            correction_doc = gr.Textbox(
                                label="正确的文件（可选）",
                                elem_id="correction_doc",
                                scale=2,
                                max_lines=1,
                                placeholder="文件名或标题",
                            )
                        with gr.Row():
                            correction_submit = gr.Button(
                                "👎 提交更正", variant="secondary", elem_id="correction_submit"
                            )
                            export_docx = gr.Button("导出 Word", variant="secondary", elem_id="export_docx")
                            export_xlsx = gr.Button("导出 Excel", variant="secondary", elem_id="export_xlsx")
                        export_file = gr.File(label="下载", elem_id="export_file", interactive=False, visible=True)

            # ---------------------------------------------------------------- 指标
            with gr.Tab("指标", id="indicators", elem_id="tab_indicators") as ind_tab:
                gr.HTML(
                    '<div class="pa-help">按地区和指标查看历年目标与实际完成情况：表中每个数字都标明出处，'
                    "完成率由系统按「实际完成÷目标」计算，文件中没有的数字显示为「未找到」。</div>"
                )
                places, place0, names, name0 = ui.indicator_options() if open_page else ([], "", [], "")
                with gr.Row(equal_height=True):
                    ind_place = gr.Dropdown(
                        choices=places,
                        value=place0 or None,
                        label="地区",
                        elem_id="ind_place",
                        scale=1,
                        min_width=140,
                        filterable=False,
                    )
                    ind_name = gr.Dropdown(
                        choices=names, value=name0 or None, label="指标", elem_id="ind_name", scale=3, min_width=240
                    )
                ind_view = gr.HTML(ui.indicator_view(place0, name0) if open_page else "", elem_id="ind_view")
                with gr.Row():
                    ind_docx = gr.Button("导出 Word", variant="secondary", size="sm", elem_id="ind_docx")
                    ind_xlsx = gr.Button("导出 Excel（含图表）", variant="secondary", size="sm", elem_id="ind_xlsx")
                ind_file = gr.File(label="下载", elem_id="ind_file", interactive=False)

            # ---------------------------------------------------------------- 新增公告
            # With a login, the tabs a user may not use start hidden and on_load shows the allowed ones (Gradio 6
            # shows a hidden tab on update but does not hide a shown one).
            with gr.Tab("新增公告", id="add", elem_id="tab_add", visible=open_page) as add_tab:
                gr.HTML(
                    '<div class="pa-help">粘贴一篇公告或通知的全文，或上传文件（PDF / DOCX / TXT / MD / HTML），'
                    f"单个文件不超过 {settings.load.max_file_mb:g} MB。索引完成后即可在「问答」中提问，无需重启。</div>"
                )
                with gr.Row():
                    with gr.Column(scale=3):
                        paste_text = gr.Textbox(
                            label="公告正文",
                            elem_id="paste_text",
                            lines=12,
                            max_lines=24,
                            placeholder="在此粘贴公告全文（含标题、发文单位、日期更好）……",
                        )
                        with gr.Row():
                            paste_title = gr.Textbox(
                                label="标题（可选）", elem_id="paste_title", scale=3, placeholder="留空则从正文识别"
                            )
                            paste_date = gr.Textbox(
                                label="发布日期（可选）", elem_id="paste_date", scale=1, placeholder="YYYY-MM-DD"
                            )
                            paste_issuer = gr.Textbox(
                                label="发文单位（可选）",
                                elem_id="paste_issuer",
                                scale=2,
                                placeholder="留空则从正文识别",
                            )
                        with gr.Row():
                            paste_submit = gr.Button("索引这篇公告", variant="primary", elem_id="paste_submit")
                            paste_clear = gr.Button("清空", variant="secondary", elem_id="paste_clear")
                    with gr.Column(scale=2):
                        upload = gr.File(
                            label="上传文件",
                            elem_id="upload_file",
                            file_count="single",
                            file_types=UPLOAD_TYPES,
                            type="filepath",
                            height=180,
                        )
                        gr.HTML(
                            '<div class="pa-help">文件类型按内容识别，而不是按扩展名。左侧填写的标题、日期、发文单位'
                            "同样适用于上传的文件（留空则从文件中识别）。</div>"
                        )
                        upload_submit = gr.Button("索引上传的文件", variant="primary", elem_id="upload_submit")
                paste_result = gr.HTML("", elem_id="paste_result")
                auto_meta = gr.State({})

            # ---------------------------------------------------------------- 文档库
            with gr.Tab("文档库", id="library", elem_id="tab_library"):
                library_stats = gr.HTML(ui.stats_html() if open_page else "", elem_id="library_stats")
                with gr.Row(equal_height=True):
                    doc_search = gr.Textbox(
                        elem_id="doc_search",
                        show_label=False,
                        placeholder="搜索标题、发文单位、日期、来源或 doc_id……",
                        scale=6,
                        container=False,
                    )
                    refresh = gr.Button("刷新", variant="secondary", elem_id="refresh", scale=1, min_width=80)
                doc_table = gr.Dataframe(
                    value=ui.table() if open_page else None,
                    headers=TABLE_COLUMNS,
                    datatype=["str", "str", "str", "str", "str", "number", "str", "str", "str"],
                    elem_id="doc_table",
                    interactive=False,
                    wrap=True,
                    max_height=420,
                    show_label=False,
                    column_widths=["26%", "13%", "9%", "7%", "6%", "6%", "15%", "12%", "6%"],
                )
                gr.HTML(
                    '<div class="pa-help">点击表格中的一行，可把它的 doc_id 填入下方删除框；删除后原文件移到 '
                    "corpus/.deleted/，需要时可以恢复。</div>"
                )
                with gr.Column(elem_id="write_zone", visible=open_page) as write_zone:
                    with gr.Row(equal_height=True, elem_classes="pa-danger-zone"):
                        delete_id = gr.Textbox(
                            label="要删除的 doc_id", elem_id="delete_id", scale=4, placeholder="例如 7cf1635943a20e30"
                        )
                        with gr.Column(scale=2, min_width=220):
                            delete_confirm = gr.Checkbox(
                                label="确认删除", value=False, elem_id="delete_confirm", container=False
                            )
                            delete_button = gr.Button("删除文件", variant="stop", elem_id="delete_button")
                    with gr.Row():
                        reindex_button = gr.Button("重建索引", variant="secondary", elem_id="reindex_button")
                    gr.HTML(
                        '<div class="pa-help">重建索引会按 corpus/ 目录中的文件重新切分、计算向量，期间暂停问答；'
                        "更换嵌入模型或怀疑索引损坏时使用。</div>"
                    )
                library_result = gr.HTML("", elem_id="library_result")
                with gr.Accordion("知识库管理", open=False, elem_id="kb_admin", visible=open_page) as kb_admin:
                    with gr.Row(equal_height=True):
                        kb_name = gr.Textbox(
                            label="知识库名称",
                            elem_id="kb_name",
                            scale=3,
                            placeholder="字母、数字、汉字、- 或 _，例如 huangshi、黄石科技局",
                        )
                        kb_create = gr.Button("新建知识库", variant="secondary", elem_id="kb_create", scale=1)
                        kb_rename = gr.Button(
                            "把所选知识库重命名为此名称", variant="secondary", elem_id="kb_rename", scale=2
                        )
                    with gr.Row(equal_height=True, elem_classes="pa-danger-zone"):
                        kb_delete_confirm = gr.Checkbox(
                            label="确认删除所选知识库及其全部文件",
                            value=False,
                            elem_id="kb_delete_confirm",
                            container=False,
                        )
                        kb_delete = gr.Button("删除所选知识库", variant="stop", elem_id="kb_delete")
                    kb_result = gr.HTML("", elem_id="kb_result")

            # ---------------------------------------------------------------- 反馈 / 统计 (admins)
            with gr.Tab("反馈", id="feedback", elem_id="tab_feedback", visible=open_page) as fb_tab:
                fb_refresh = gr.Button("刷新", variant="secondary", size="sm", elem_id="fb_refresh")
                fb_view = gr.HTML("", elem_id="fb_view")
            with gr.Tab("统计", id="stats", elem_id="tab_stats", visible=open_page) as stats_tab:
                stats_refresh = gr.Button("刷新", variant="secondary", size="sm", elem_id="stats_refresh")
                stats_view_html = gr.HTML("", elem_id="stats_view")

        # ------------------------------------------------------------------ events
        chat_io = {"inputs": [question, session, kb_select], "outputs": [chatbot, session, question]}

        def chat_ui(name: str | None, me: Identity) -> AssistantUI:
            """The knowledge base (or 全部: those the user may ask) a question goes to; Forbidden otherwise."""
            if name == ALL:
                mine = AcrossKBs(pool)
                mine.only = me.kbs(pool.names())
                if not mine.only:
                    raise Forbidden(f"没有权限：用户「{me.name}」没有可提问的知识库 (no knowledge base to ask)")
                return mine
            name = name or pool.primary_name
            me.require(name)
            return pool.get(name)

        def respond(
            message: str, state: dict[str, Any], kb_name: str | None = None, request: Any = None
        ) -> Iterator[tuple[Any, ...]]:
            try:
                me = who(request)
                target = chat_ui(kb_name, me)
            except (KBError, Forbidden) as exc:
                messages = list((state or {}).get("messages", []))
                yield messages + [{"role": "assistant", "content": render_error(str(exc))}], state, message
                return

            def record(
                q: str, ans: Answer, elapsed: float, html_answer: str, conversation: str | None
            ) -> tuple[str, str | None]:
                answer_id = history.record(
                    me.name, kb_name or pool.primary_name, q, ans, elapsed, conversation=conversation, html=html_answer
                )
                return answer_id, history.conversation_of(answer_id)

            yield from target.respond(message, state, record)

        typed(respond, request=gr.Request)

        def conversations(state: dict[str, Any] | None, request: Any = None) -> Any:
            rows = history.conversations(who(request).name)
            current = (state or {}).get("conversation")
            choices = conversation_choices(rows)
            return gr.update(choices=choices, value=current if any(c[1] == current for c in choices) else None)

        typed(conversations, request=gr.Request)
        list_io = {"inputs": [session], "outputs": conv_list, "show_progress": "hidden", "queue": False}
        send.click(respond, **chat_io, show_progress="hidden").then(conversations, **list_io)
        question.submit(respond, **chat_io, show_progress="hidden").then(conversations, **list_io)
        for button, text in zip(example_buttons, EXAMPLES, strict=True):

            def ask_example(
                state: dict[str, Any], kb_name: str | None, request: Any = None, _q: str = text
            ) -> Iterator[tuple[Any, ...]]:
                yield from respond(_q, state, kb_name, request)

            typed(ask_example, request=gr.Request)
            button.click(
                ask_example, inputs=[session, kb_select], outputs=[chatbot, session, question], show_progress="hidden"
            ).then(conversations, **list_io)
        for button in (clear, conv_new):
            button.click(
                lambda: ([], AssistantUI.new_session(), "", gr.update(value=None)),
                outputs=[chatbot, session, question, conv_list],
                queue=False,
            )
        chatbot.clear(lambda: (AssistantUI.new_session(), ""), outputs=[session, question], queue=False)

        def open_conversation(conv_id: str | None, request: Any = None) -> tuple[Any, ...]:
            """Reopen one of the user's conversations: its messages, and its turns for the follow-up rewrite."""
            me = who(request)
            if not conv_id:
                return gr.skip(), gr.skip(), gr.skip(), ""
            try:
                turns = history.turns(me.name, conv_id)
            except HistoryError as exc:
                return gr.skip(), gr.skip(), gr.skip(), result_html("err", esc(exc))
            messages: list[dict[str, str]] = []
            ids: dict[str, str] = {}
            for t in turns:
                messages.append({"role": "user", "content": render_question(t["question"])})
                messages.append({"role": "assistant", "content": t["html"] or render_error("（原回答未保存）")})
                ids[str(len(messages) - 1)] = t["id"]
            state = {
                "messages": messages,
                "history": [(t["question"], t["answer"]) for t in turns][-MAX_HISTORY:],
                "conversation": conv_id,
                "ids": ids,
                "last": turns[-1]["id"] if turns else None,
            }
            kb_last = turns[-1]["kb"] if turns else None
            kb_value = kb_last if kb_last and (kb_last == ALL or me.can(kb_last)) else gr.skip()
            return messages, state, kb_value, ""

        typed(open_conversation, request=gr.Request)
        conv_list.input(
            open_conversation,
            inputs=conv_list,
            outputs=[chatbot, session, kb_select, conv_result],
            show_progress="hidden",
        )

        def rename_conversation(
            conv_id: str | None, title: str, state: dict[str, Any], request: Any = None
        ) -> tuple[Any, ...]:
            if not conv_id:
                return result_html("err", "请先在列表中选择一个对话。"), gr.skip()
            try:
                history.rename(who(request).name, conv_id, title)
            except HistoryError as exc:
                return result_html("err", esc(exc)), gr.skip()
            return result_html("ok", "✓ 已重命名。"), conversations({"conversation": conv_id}, request)

        def delete_conversation(conv_id: str | None, state: dict[str, Any], request: Any = None) -> tuple[Any, ...]:
            if not conv_id:
                return result_html("err", "请先在列表中选择一个对话。"), gr.skip(), gr.skip(), gr.skip()
            try:
                history.delete(who(request).name, conv_id)
            except HistoryError as exc:
                return result_html("err", esc(exc)), gr.skip(), gr.skip(), gr.skip()
            if (state or {}).get("conversation") == conv_id:
                state = AssistantUI.new_session()
                chat: Any = []
            else:
                chat = gr.skip()
            return result_html("ok", "已删除该对话。"), conversations(state, request), chat, state

        typed(rename_conversation, request=gr.Request)
        typed(delete_conversation, request=gr.Request)
        conv_rename.click(
            rename_conversation,
            inputs=[conv_list, conv_title, session],
            outputs=[conv_result, conv_list],
            show_progress="hidden",
        )
        conv_delete.click(
            delete_conversation,
            inputs=[conv_list, session],
            outputs=[conv_result, conv_list, chatbot, session],
            show_progress="hidden",
        )

        # ---- feedback (👍/👎 on a message, a correction) and export of an answer ----
        def on_like(state: dict[str, Any], text: str, doc: str, evt: Any, request: Any = None) -> tuple[Any, ...]:
            index = evt.index if isinstance(evt.index, int) else (evt.index[0] if evt.index else -1)
            answer_id = (state or {}).get("ids", {}).get(str(index))
            if not answer_id:
                return result_html("err", "这条消息没有可反馈的回答。"), gr.skip()
            if evt.liked in (True, "Like"):
                rating = "up"
            elif evt.liked in (False, "Dislike"):
                rating = "down"
            else:
                return gr.skip(), gr.skip()
            try:
                history.feedback(
                    who(request).name,
                    answer_id,
                    rating,
                    text if rating == "down" else "",
                    doc if rating == "down" else "",
                )
            except HistoryError as exc:
                return result_html("err", esc(exc)), gr.skip()
            msg = (
                "✓ 已记录 👍，谢谢。"
                if rating == "up"
                else "✓ 已记录 👎。可在「反馈与导出」中写下正确答案，再点「提交更正」。"
            )
            return result_html("ok", msg), {**state, "rated": answer_id}

        typed(on_like, evt=gr.LikeData, request=gr.Request)
        chatbot.like(
            on_like,
            inputs=[session, correction, correction_doc],
            outputs=[feedback_result, session],
            show_progress="hidden",
        )

        def target_answer(state: dict[str, Any] | None) -> str | None:
            state = state or {}
            return state.get("rated") or state.get("last")

        def submit_correction(state: dict[str, Any], text: str, doc: str, request: Any = None) -> tuple[Any, ...]:
            answer_id = target_answer(state)
            if not answer_id:
                return result_html("err", "还没有可以更正的回答：请先提问。"), gr.skip(), gr.skip()
            if not (text or "").strip() and not (doc or "").strip():
                return result_html("err", "请先写下正确答案（或正确的文件）。"), gr.skip(), gr.skip()
            try:
                history.feedback(who(request).name, answer_id, "down", text, doc)
            except HistoryError as exc:  # nothing saved; the text stays in the box
                return result_html("err", esc(exc)), gr.skip(), gr.skip()
            return result_html("ok", "✓ 已提交更正，管理员会在「反馈」中看到。"), "", ""

        typed(submit_correction, request=gr.Request)
        correction_submit.click(
            submit_correction,
            inputs=[session, correction, correction_doc],
            outputs=[feedback_result, correction, correction_doc],
            show_progress="hidden",
        )

        def exporter(fmt: str) -> Callable[..., tuple[Any, ...]]:
            def run(state: dict[str, Any], request: Any = None) -> tuple[Any, ...]:
                import tempfile

                from assistant import export_docs

                answer_id = target_answer(state)
                if not answer_id:
                    return result_html("err", "还没有可以导出的回答：请先提问。"), None
                try:
                    row = history.answer(answer_id, who(request).name)
                except HistoryError as exc:
                    return result_html("err", esc(exc)), None
                path = export_docs.export(row, fmt, Path(tempfile.mkdtemp(prefix="pa-export-")))
                return result_html("ok", f"✓ 已生成 {path.name}，点击下方下载。"), str(path)

            return typed(run, request=gr.Request)

        export_docx.click(exporter("docx"), inputs=session, outputs=[feedback_result, export_file])
        export_xlsx.click(exporter("xlsx"), inputs=session, outputs=[feedback_result, export_file])

        # ---- the admin tabs ----
        def feedback_view(request: Any = None) -> str:
            try:
                who(request).require_admin()
            except Forbidden as exc:
                return result_html("err", esc(exc))
            return feedback_html(history.feedback_rows())

        def stats_view(request: Any = None) -> str:
            try:
                who(request).require_admin()
            except Forbidden as exc:
                return result_html("err", esc(exc))
            return admin_stats_html(history.stats())

        typed(feedback_view, request=gr.Request)
        typed(stats_view, request=gr.Request)
        for trigger in (fb_tab.select, fb_refresh.click):
            trigger(feedback_view, outputs=fb_view, show_progress="hidden")
        for trigger in (stats_tab.select, stats_refresh.click):
            trigger(stats_view, outputs=stats_view_html, show_progress="hidden")

        def on_prefill(text: str, title: str, date: str, issuer: str, auto: dict[str, str]) -> tuple[Any, ...]:
            return ui.prefill(text, title, date, issuer, auto)

        paste_text.change(
            on_prefill,
            inputs=[paste_text, paste_title, paste_date, paste_issuer, auto_meta],
            outputs=[paste_title, paste_date, paste_issuer, auto_meta],
            trigger_mode="always_last",
            show_progress="hidden",
            queue=False,
        )

        def reader(kb_name: str | None, request: Any) -> AssistantUI:
            """The selected knowledge base's handlers for showing; gr.Error when the user may not read it."""
            me = who(request)
            if kb_name == ALL:
                mine = AcrossKBs(pool)
                mine.only = me.kbs(pool.names())
                return mine
            name = kb_name or pool.primary_name
            if not me.can(name):
                raise gr.Error(f"没有权限查看知识库「{name}」(no access to knowledge base {name!r})")
            return pick(name)

        def indicator_updates(
            place: str | None, name: str | None, kb_name: str | None = None, request: Any = None
        ) -> tuple[Any, ...]:
            target = reader(kb_name, request)
            if isinstance(target, AcrossKBs):
                target = pick(None) if who(request).can(pool.primary_name) else None
            if target is None:
                return gr.update(choices=[], value=None), gr.update(choices=[], value=None), ""
            places, place, names, name = target.indicator_options(place, name)
            return (
                gr.update(choices=places, value=place or None),
                gr.update(choices=names, value=name or None),
                target.indicator_view(place, name),
            )

        def table(query: str, kb_name: str | None, request: Any = None) -> Any:
            target = reader(kb_name, request)
            if not isinstance(target, AcrossKBs):
                return target.table(query)
            import pandas as pd

            source = TABLE_COLUMNS.index("来源")
            rows = [
                [*r[:source], f"[{n}] {r[source]}", *r[source + 1 :]]
                for n in target.only or []
                for r in pool.get(n).rows(query)
            ]
            return pd.DataFrame(rows, columns=TABLE_COLUMNS)

        def refreshed(
            query: str,
            place: str | None = None,
            name: str | None = None,
            kb_name: str | None = None,
            request: Any = None,
        ) -> tuple[Any, ...]:
            target = reader(kb_name, request)
            return (
                table(query, kb_name, request),
                target.stats_html(),
                header_html(target),
                *indicator_updates(place, name, kb_name, request),
            )

        def after_write(
            query: str, place: str | None, name: str | None, kb_name: str | None, request: Any
        ) -> tuple[Any, ...]:
            """refreshed(), or nothing changed where the user may not read kb_name (after a refused write)."""
            try:
                return refreshed(query, place, name, kb_name, request)
            except gr.Error:
                return (gr.skip(),) * 6

        for fn in (indicator_updates, table, refreshed):
            typed(fn, request=gr.Request)
        refresh_outputs = [doc_table, library_stats, header, ind_place, ind_name, ind_view]
        refresh_inputs = [doc_search, ind_place, ind_name, kb_select]

        def on_indicator_place(place: str | None, kb_name: str | None, request: Any = None) -> tuple[Any, ...]:
            return indicator_updates(place, None, kb_name, request)[1:]

        def on_indicator_name(place: str | None, name: str | None, kb_name: str | None, request: Any = None) -> str:
            return indicator_updates(place, name, kb_name, request)[2]

        typed(on_indicator_place, request=gr.Request)
        typed(on_indicator_name, request=gr.Request)
        ind_place.input(
            on_indicator_place, inputs=[ind_place, kb_select], outputs=[ind_name, ind_view], show_progress="hidden"
        )
        ind_name.input(
            on_indicator_name, inputs=[ind_place, ind_name, kb_select], outputs=ind_view, show_progress="hidden"
        )

        def indicator_exporter(fmt: str) -> Callable[..., Any]:
            def export_table(place: str | None, name: str | None, kb_name: str | None, request: Any = None) -> Any:
                import tempfile

                from assistant import export_docs

                target = reader(kb_name, request)
                if isinstance(target, AcrossKBs):
                    if not who(request).can(pool.primary_name):
                        raise gr.Error("请先选择一个具体的知识库。")
                    target = pick(None)
                if not place or not name:
                    raise gr.Error("请先选择地区和指标。")
                record = target.indicator_record(place, name)
                return str(export_docs.export(record, fmt, Path(tempfile.mkdtemp(prefix="pa-export-"))))

            return typed(export_table, request=gr.Request)

        ind_docx.click(indicator_exporter("docx"), inputs=[ind_place, ind_name, kb_select], outputs=ind_file)
        ind_xlsx.click(indicator_exporter("xlsx"), inputs=[ind_place, ind_name, kb_select], outputs=ind_file)
        ind_tab.select(
            indicator_updates,
            inputs=[ind_place, ind_name, kb_select],
            outputs=[ind_place, ind_name, ind_view],
            show_progress="hidden",
        )
        one_kb = result_html("err", "请先在上方选择一个具体的知识库（「全部」只用于提问）。")

        def writer_ui(kb_name: str | None, request: Any = None) -> tuple[AssistantUI | None, str]:
            """(the knowledge base a write goes to, '') or (None, why not): 全部, a vanished one, or no editor role."""
            if kb_name == ALL:
                return None, one_kb
            name = kb_name or pool.primary_name
            try:
                who(request).require(name, "editor")
                return pool.get(name), ""
            except Forbidden as exc:
                return None, result_html("err", esc(exc))
            except KBError as exc:
                return None, result_html("err", esc(exc))

        def on_paste(
            text: str,
            title: str,
            date: str,
            issuer: str,
            query: str,
            place: str | None,
            name: str | None,
            kb_name: str | None,
            request: Any = None,
            progress: Any = gr.Progress(),
        ) -> tuple[Any, ...]:  # noqa: B008 - Gradio's idiom
            target, why = writer_ui(kb_name, request)
            msg, added = target.add_paste(text, title, date, issuer, progress=progress) if target else (why, False)
            fields = ("", "", "", "", {}) if added else (gr.skip(),) * 5
            return (msg, *fields, *after_write(query, place, name, kb_name, request))

        def on_upload(
            path: str | None,
            title: str,
            date: str,
            issuer: str,
            query: str,
            place: str | None,
            name: str | None,
            kb_name: str | None,
            request: Any = None,
            progress: Any = gr.Progress(),
        ) -> tuple[Any, ...]:  # noqa: B008
            target, why = writer_ui(kb_name, request)
            msg, added = target.add_file(path, title, date, issuer, progress=progress) if target else (why, False)
            return (msg, None if added else gr.skip(), *after_write(query, place, name, kb_name, request))

        typed(on_paste, request=gr.Request)
        typed(on_upload, request=gr.Request)
        queued = result_html("info", "⏳ 已提交，正在排队等待索引（同一时间只处理一个索引任务）……")
        paste_submit.click(lambda: queued, outputs=paste_result, queue=False).then(
            on_paste,
            inputs=[paste_text, paste_title, paste_date, paste_issuer, *refresh_inputs],
            outputs=[paste_result, paste_text, paste_title, paste_date, paste_issuer, auto_meta, *refresh_outputs],
            **indexing,
        )
        upload_submit.click(lambda: queued, outputs=paste_result, queue=False).then(
            on_upload,
            inputs=[upload, paste_title, paste_date, paste_issuer, *refresh_inputs],
            outputs=[paste_result, upload, *refresh_outputs],
            **indexing,
        )
        paste_clear.click(
            lambda: ("", "", "", "", {}, ""),
            outputs=[paste_text, paste_title, paste_date, paste_issuer, auto_meta, paste_result],
            queue=False,
        )

        doc_search.change(
            table, inputs=[doc_search, kb_select], outputs=doc_table, show_progress="hidden", trigger_mode="always_last"
        )
        refresh.click(refreshed, inputs=refresh_inputs, outputs=refresh_outputs)

        def on_select(evt: gr.SelectData) -> tuple[Any, ...]:
            row = evt.row_value or []
            doc_id = str(row[TABLE_COLUMNS.index("doc_id")]) if len(row) == len(TABLE_COLUMNS) else gr.skip()
            return doc_id, False

        on_select.__annotations__["evt"] = gr.SelectData  # resolved here: gradio is imported lazily
        doc_table.select(on_select, outputs=[delete_id, delete_confirm], show_progress="hidden")

        def on_delete(
            doc_id: str,
            confirm: bool,
            query: str,
            place: str | None,
            name: str | None,
            kb_name: str | None,
            request: Any = None,
        ) -> tuple[Any, ...]:
            target, why = writer_ui(kb_name, request)
            msg, deleted = target.delete(doc_id, confirm) if target else (why, False)
            return (msg, "" if deleted else gr.skip(), False, *after_write(query, place, name, kb_name, request))

        typed(on_delete, request=gr.Request)
        delete_button.click(
            on_delete,
            inputs=[delete_id, delete_confirm, *refresh_inputs],
            outputs=[library_result, delete_id, delete_confirm, *refresh_outputs],
            **indexing,
        )

        def on_reindex(
            query: str,
            place: str | None,
            name: str | None,
            kb_name: str | None,
            request: Any = None,
            progress: Any = gr.Progress(track_tqdm=True),
        ) -> tuple[Any, ...]:  # noqa: B008
            target, why = writer_ui(kb_name, request)
            return (
                target.reindex(progress=progress) if target else why,
                *after_write(query, place, name, kb_name, request),
            )

        typed(on_reindex, request=gr.Request)
        reindex_button.click(
            lambda: result_html("info", "⏳ 正在重建索引，请稍候……"), outputs=library_result, queue=False
        ).then(on_reindex, inputs=refresh_inputs, outputs=[library_result, *refresh_outputs], **indexing)

        def on_load(current: str | None, state: dict[str, Any], request: Any = None) -> tuple[Any, ...]:
            """What this user may see: their knowledge bases, tabs and conversations."""
            me = who(request)
            choices = kb_choices(me)
            # only where it must change: a 知识库管理 action may already have created and selected another one
            if current in choices:
                kbs = gr.skip() if choices == kb_choices() else gr.update(choices=choices)
            else:
                kbs = gr.update(choices=choices, value=choices[0] if choices else None)
            editor = any(me.can(n, "editor") for n in pool.names())
            return (
                kbs,
                gr.update(visible=editor),
                gr.update(visible=editor),
                gr.update(visible=me.is_admin),
                gr.update(visible=me.is_admin),
                gr.update(visible=me.is_admin),
                conversations(state, request),
                f'<div class="pa-help">已登录：{esc(me.name)}</div>' if me.name != users_mod.LOCAL else "",
            )

        typed(on_load, request=gr.Request)
        demo.load(
            on_load,
            inputs=[kb_select, session],
            outputs=[kb_select, add_tab, write_zone, kb_admin, fb_tab, stats_tab, conv_list, signed_in],
            show_progress="hidden",
            queue=False,
        ).then(refreshed, inputs=refresh_inputs, outputs=refresh_outputs, show_progress="hidden")
        kb_select.change(refreshed, inputs=refresh_inputs, outputs=refresh_outputs, show_progress="hidden")

        def on_manage(action: str) -> Callable[..., tuple[Any, ...]]:
            def run(current: str, name: str, confirm: bool, request: Any = None) -> tuple[Any, ...]:
                me = who(request)
                try:
                    me.require_admin()
                except Forbidden as exc:
                    return result_html("err", esc(exc)), gr.skip(), False
                msg, selected = manage_kb(pool, action, current, name, confirm)
                return msg, gr.update(choices=kb_choices(me), value=selected), False

            return typed(run, request=gr.Request)

        for button, action in ((kb_create, "create"), (kb_rename, "rename"), (kb_delete, "delete")):
            button.click(
                on_manage(action),
                inputs=[kb_select, kb_name, kb_delete_confirm],
                outputs=[kb_result, kb_select, kb_delete_confirm],
                **indexing,
            )

        # A small JSON API for scripts and load tests (same code paths and roles as the page).
        def api_ask(question: str, request: Any = None) -> dict:
            """Answer a question: the `assistant ask --json` contract."""
            me = who(request)
            me.require(pool.primary_name)
            t0 = time.perf_counter()
            ans = ui.ask(question)
            out = ans.to_dict()
            out["answer_id"] = history.record(
                me.name, pool.primary_name, question, ans, time.perf_counter() - t0, channel="api"
            )
            return out

        def api_paste(text: str, title: str = "", date: str = "", issuer: str = "", request: Any = None) -> dict:
            """Index a pasted bulletin: {doc_id, chunks, duplicate} or {error}."""
            from assistant.load import LoadError

            try:
                who(request).require(pool.primary_name, "editor")
            except Forbidden as exc:
                return {"error": str(exc), "code": 403}
            try:
                with ui.lock.write():
                    return ui.library.add_text(text, title, date, issuer).to_dict()
            except LoadError as exc:
                return {"error": str(exc)}

        def api_documents(request: Any = None) -> list:
            """The indexed documents (as `assistant list --json`)."""
            if not who(request).can(pool.primary_name):
                raise gr.Error(f"没有权限查看知识库「{pool.primary_name}」")
            with ui.lock.read():
                return ui.library.documents()

        typed(api_ask, question=str, request=gr.Request, **{"return": dict})
        typed(api_paste, text=str, title=str, date=str, issuer=str, request=gr.Request, **{"return": dict})
        typed(api_documents, request=gr.Request, **{"return": list})
        gr.api(api_ask, api_name="ask")
        gr.api(api_paste, api_name="paste", **indexing)
        gr.api(api_documents, api_name="documents")

    demo.queue(default_concurrency_limit=4)
    demo.assistant = ui  # type: ignore[attr-defined]
    demo.pool = pool  # type: ignore[attr-defined]
    return demo


def server_app(pool: Any) -> Any:
    """The FastAPI app Gradio mounts the page on, holding the OpenAI-compatible /v1 routes first."""
    from gradio.routes import App

    from assistant.ui import api
    from assistant.users import ClientAddress

    app = App()
    app.add_middleware(ClientAddress)  # the login's rate limit counts per client address
    api.install(app, pool)
    return app


def main(ingest: bool = True) -> int:
    """Open the index as writer, index corpus/, serve the page; 2 when the index is busy."""
    from assistant.index import Library
    from assistant.load import LoadError
    from assistant.settings import get_settings
    from assistant.store import IndexBusy, IndexMismatch

    settings = get_settings()
    try:
        kwargs = launch_kwargs(settings)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from assistant.kb import KBError

    try:
        library = Library(settings, writer=True)
    except (IndexBusy, IndexMismatch, KBError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        if ingest:
            t0 = time.perf_counter()
            try:
                report = library.ingest_paths(progress=None)
            except LoadError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            print(
                f"索引 {settings.corpus_dir}: 新增 {report.added} 份文件（{report.chunks} 个段落），"
                f"跳过 {report.skipped} 份已索引文件，用时 {time.perf_counter() - t0:.1f} 秒",
                flush=True,
            )
            for err in report.errors:
                print(f"  未能索引: {err}", file=sys.stderr, flush=True)
        stats = library.stats()
        print(
            f"索引共 {stats['documents']} 份文件、{stats['chunks']} 个段落（嵌入模型 {stats['embedder']}）", flush=True
        )
        if settings.host not in ("127.0.0.1", "localhost", "::1") and not settings.auth:
            print(
                f"warning: 服务绑定在 {settings.host} 且未设置 ASSISTANT_AUTH，网络上的任何人都能访问和修改文档库。",
                file=sys.stderr,
                flush=True,
            )
        from assistant import apikeys

        if settings.host not in ("127.0.0.1", "localhost", "::1") and not apikeys.load(settings):
            print(
                "note: 未配置 API 密钥，/v1 接口只接受本机 (127.0.0.1) 的请求；"
                "用 `assistant apikey create --kb NAME` 创建密钥后即可从其他机器调用。",
                file=sys.stderr,
                flush=True,
            )
        demo = create_app(settings, library)
        print(f"{TITLE}: http://{settings.host}:{settings.port}", flush=True)
        # Blocks.launch(_app=...) serves the page on our FastAPI app, so /v1 sits beside /gradio_api.
        demo.launch(**kwargs, _app=server_app(demo.pool))
    finally:
        library.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
