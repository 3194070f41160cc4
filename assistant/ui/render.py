"""Answers as HTML: the answer text with footnote references, indicator tables, citations, badges.

Everything shown that comes from a document, an answer or a user is escaped (`markup.esc`) before it is
wrapped in this module's markup. Charts are `charts.py`; the shared escaping is `markup.py`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from assistant import REFUSAL
from assistant.labels import ACHIEVED, INDICATOR_COLUMNS, RATE, TARGET
from assistant.ui.charts import indicator_chart_svg
from assistant.ui.markup import CITE_MARK, esc, with_refs

if TYPE_CHECKING:
    from assistant.types import Answer, Citation

LABEL = re.compile(r"^(?:目标|完成|实际完成情况)[:：]")
YEAR = re.compile(r"(?:19|20)\d{2}年?")
RATE_HEADER = f"{RATE}（系统计算）"
NOT_FOUND = "未找到"
CELL_PART = re.compile(r"((?:预计|另有)+)?([^\[\]；]*?)((?:\[\d{1,2}\])+)")
RATE_TITLE = "系统计算：实际完成÷目标，不是文件原文中的数字"
CALC_TITLE = f"{RATE} = {ACHIEVED} ÷ {TARGET}，由系统计算，不是文件原文中的数字"
REFUSED_HINT = "可以换个问法（写明年份、地区或文件名称），或在「新增公告」中补充文件。"
NO_INDICATORS = "文档库中还没有可对比的指标数据。新增含有目标或完成情况的文件后，这里会自动列出。"


# -- the answer text ----------------------------------------------------------------------------
def render_answer_text(text: str) -> str:
    """Escaped answer text with its [n] markers as superscript footnote references.

    A two-part answer ("目标：…[1]。完成：…[2]。") gets one line per part with the label set off.
    """
    from assistant.cite import CITE, cited_keys, split_answer
    from assistant.tables import is_row, row_html

    sentences = split_answer(text)
    if sentences and all(is_row(CITE.sub("", s).strip()) for s in sentences):  # quoted table rows: small tables
        return "".join(
            row_html(CITE.sub("", s).strip()) + with_refs("".join(f"[{k}]" for k in cited_keys(s))) for s in sentences
        )
    if not any(LABEL.match(s) for s in sentences):
        return with_refs(text)
    lines = []
    for sentence in sentences:
        m = LABEL.match(sentence)
        if m:
            lines.append(
                f'<span class="pa-label">{esc(m.group(0).rstrip(":："))}</span>{with_refs(sentence[m.end() :])}'
            )
        else:
            lines.append(with_refs(sentence))
    return "<br>".join(lines)


# -- indicator tables ---------------------------------------------------------------------------
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


def _render_cell(cell: str, column: str) -> str:
    cell = cell.strip()
    if column in (RATE, RATE_HEADER):
        if not cell or cell in ("—", "-"):
            return '<span class="pa-na">—</span>'
        return (
            f'<span class="pa-computed" title="{RATE_TITLE}">{with_refs(cell)}</span><span class="pa-calc">计算</span>'
        )
    if not cell or cell == NOT_FOUND:
        return f'<span class="pa-notfound">{NOT_FOUND}</span>'
    parts = []
    for part in cell.split("；"):
        m = re.match(r"^((?:另有)?(?:预计)?)(.*)$", part.strip())
        label = m.group(1) if m else ""
        rest = m.group(2) if m else part
        tag = f'<span class="pa-cell-label">{esc(label)}</span>' if label else ""
        parts.append(f'<div class="pa-cell-part">{tag}{with_refs(rest)}</div>')
    return "".join(parts)


def indicator_table_html(header: list[str], rows: list[list[str]]) -> str:
    """A target/result table: every cell escaped, [n] as footnote references, computed rates marked."""
    head = [RATE_HEADER if h == RATE else h for h in header]

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
    header = (["指标"] if multi_name else []) + (["地区"] if multi_place else []) + list(INDICATOR_COLUMNS)
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


def notes_html(lines: list[str], computed: list[str]) -> str:
    """The lines under a table, computed figures marked as such and 未找到 lines set off."""
    out = []
    for line in lines:
        body = with_refs(line)
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
            return f'<div class="pa-text">{with_refs(text)}</div>'
        header, rows = rows_from_table(table)
        before = [ln for ln in before if not ln.startswith("|")]
    intro = "".join(f'<div class="pa-text">{with_refs(line)}</div>' for line in before)
    return intro + indicator_table_html(header, rows) + indicator_chart_svg(table) + notes_html(after, computed)


# -- citations ----------------------------------------------------------------------------------
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


def _runs(flags: list[bool], a: int, b: int) -> list[tuple[int, int, bool]]:
    """The stretches [i, j) of flags[a:b] with one value each."""
    out, i = [], a
    while i < b:
        j = i
        while j < b and flags[j] == flags[i]:
            j += 1
        out.append((i, j, flags[i]))
        i = j
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
        return "".join(
            f"<mark>{esc(quote[i:j])}</mark>" if on else esc(quote[i:j]) for i, j, on in _runs(in_mark, a, b)
        )

    return "".join(
        f'<span class="pa-hit">{marked(i, j)}</span>' if on else marked(i, j) for i, j, on in _runs(in_sent, 0, size)
    )


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


# -- the whole message --------------------------------------------------------------------------
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
            bits.append(f'<span class="pa-badge pa-badge-calc" title="{CALC_TITLE}">ⓘ {RATE}为系统计算</span>')
    if elapsed is not None:
        bits.append(f'<span class="pa-time">用时 {elapsed:.2f} 秒</span>')
    return f'<div class="pa-meta">{"".join(bits)}</div>'


def _render_refusal(ans: Answer, elapsed: float | None) -> str:
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
        f'{related_html}<div class="pa-hint">{REFUSED_HINT}</div></div>'
    )


def render_answer(ans: Answer, elapsed: float | None = None) -> str:
    """The whole assistant message: answer, notes, warnings and footnoted citations, as one HTML block."""
    if ans.refused:
        return _render_refusal(ans, elapsed)
    note = f'<div class="pa-note">{esc(ans.note)}</div>' if ans.note else ""
    warn = ""
    if ans.unverified:
        warn = (
            f'<div class="pa-warn">⚠ 未能核实: {esc("、".join(ans.unverified))}'
            "（引用段落中找不到这些数字，请核对原文）</div>"
        )
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


# -- the 指标 tab -------------------------------------------------------------------------------
def _indicator_source(c: Citation, cells_flat: list[str]) -> str:
    date = esc(c.date) if c.date else '<span class="pa-missing">日期未注明</span>'
    quote = highlight_quote(c.quote, "", c.n, cell_phrases(cells_flat, c.n))
    return (
        f'<div class="pa-cite"><div class="pa-cite-head"><span class="pa-cite-n">&#91;{c.n}&#93;</span> '
        f'<span class="pa-cite-title">{esc(c.title or c.source or c.doc_id)}</span><span class="pa-sep"> · </span>'
        f'{date}</div><div class="pa-quote pa-quote-inline">{quote}</div></div>'
    )


def indicator_view_html(
    place: str,
    indicator: str,
    header: list[str],
    cells: list[list[str]],
    plain: list[dict[str, Any]],
    citations: list[Citation],
) -> str:
    """The 指标 tab: the table, the chart and the cited sentences (title · date · sentence) as one HTML block."""
    rates = [r["rate"] for r in plain if r["rate"]]
    notes = []
    for r in plain:
        label = f"{r['year']}年" if r["year"] else ""
        if not r["target"]:
            notes.append(f"{label}目标：现有文件中{NOT_FOUND}。")
        if not r["achieved"] and not r["forecast"]:
            notes.append(f"{label}实际完成：现有文件中{NOT_FOUND}。")
    cells_flat = [c for row in cells for c in row]
    sources = "".join(_indicator_source(c, cells_flat) for c in citations)
    head = (
        f'<div class="pa-ind-head"><span class="pa-ind-title">{esc(place)} · {esc(indicator)}</span>'
        f'<span class="pa-ind-sub">{len(cells)} 个年份 · {len(citations)} 处原文'
        + (f" · {RATE}由系统计算（{ACHIEVED}÷{TARGET}）" if rates else "")
        + "</span></div>"
    )
    return (
        f'<div class="pa-answer pa-indicators pa-ind-view">{head}{indicator_table_html(header, cells)}'
        f"{indicator_chart_svg(plain)}{notes_html(notes, rates)}"
        f'<div class="pa-cites"><div class="pa-section">原文出处</div>{sources}</div></div>'
    )
