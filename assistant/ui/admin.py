"""What the page shows of history, feedback and statistics (plain HTML; the handlers in handlers.py check roles).

- the conversation list: (label, id) choices, newest first, labelled with the date and the first question;
- the admin 反馈 tab: every 👍/👎 with its question, answer, citations and correction;
- the admin 统计 tab: questions per day and per knowledge base as SVG bar charts, refusal rate, median / p95
  latency, the most-asked and most-refused questions.
"""

from __future__ import annotations

import time
from typing import Any

from assistant.ui.markup import esc, result_html


def conversation_choices(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(label, id) per conversation: "12-02 09:30 · 第一个问题"."""
    return [(f"{time.strftime('%m-%d %H:%M', time.localtime(r['updated_at']))} · {r['title']}", r["id"]) for r in rows]


def feedback_html(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return result_html("info", "还没有反馈。用户在回答下点 👍 / 👎（可附更正）后会出现在这里。")
    items = []
    for r in rows:
        mark = "赞" if r["rating"] == "up" else "踩"  # words: a server without an emoji font shows boxes
        cites = "".join(
            f"<li><b>&#91;{int(c.get('n', 0))}&#93; {esc(c.get('title') or c.get('source'))}</b>"
            f'<span class="pa-sep"> · </span>{esc(c.get("date", ""))}<div class="pa-quote pa-quote-inline">'
            f"{esc(c.get('quote', ''))}</div></li>"
            for c in r["citations"]
        )
        correction = (
            (
                f'<div class="pa-fb-correction"><b>更正：</b>{esc(r["correction"])}'
                + (f'<span class="pa-sep"> · 文件 </span>{esc(r["document"])}' if r["document"] else "")
                + "</div>"
            )
            if r["correction"] or r["document"]
            else ""
        )
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(r["created_at"]))
        items.append(
            f'<div class="pa-fb pa-fb-{r["rating"]}"><div class="pa-fb-head"><span class="pa-fb-mark">{mark}</span> '
            f'<span class="pa-fb-q">{esc(r["question"])}</span><span class="pa-sep"> · {esc(r["user"])} · '
            f"{esc(r['kb'])} · {when} · <code>{esc(r['answer_id'])}</code></span></div>"
            f'<div class="pa-fb-answer">{esc(r["answer"])}</div>{correction}'
            + (
                f'<details class="pa-details"><summary>引用 ({len(r["citations"])})</summary><ul>{cites}</ul></details>'
                if cites
                else ""
            )
            + "</div>"
        )
    down = sum(r["rating"] == "down" for r in rows)
    head = (
        f'<div class="pa-stats"><span class="pa-stat"><b>{len(rows)}</b> 条反馈</span>'
        f'<span class="pa-stat">赞 {len(rows) - down}</span><span class="pa-stat">踩 {down}</span></div>'
        '<div class="pa-help">有更正的「踩」可用 <code>assistant feedback export --out FILE</code> 导出为回归测试题，'
        "再用 <code>assistant eval --questions FILE</code> 评测。</div>"
    )
    return head + "".join(items)


def bar_chart_svg(values: dict[str, float], title: str, color: str = "#2563eb", fmt: str = "{:g}") -> str:
    """A small inline SVG bar chart of label -> value ('' when there is nothing to draw)."""
    if not values:
        return ""
    labels = list(values)[-14:]
    width, height, left, bottom, top = 600, 200, 40, 40, 28
    pw, ph = width - left - 10, height - top - bottom
    vmax = max(values[k] for k in labels) or 1.0
    bw = min(pw / len(labels), 80.0)
    parts = [
        f'<text x="{left}" y="16" font-size="13" font-weight="600" fill="#334155">{esc(title)}</text>',
        f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#cbd5e1"></line>',
    ]
    for i, label in enumerate(labels):
        v = values[label]
        h = ph * v / vmax
        x = left + i * bw + bw * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{top + ph - h:.1f}" width="{bw * 0.7:.1f}" height="{h:.1f}" fill="{color}" '
            f'rx="3"><title>{esc(label)}: {esc(fmt.format(v))}</title></rect>'
        )
        parts.append(
            f'<text x="{x + bw * 0.35:.1f}" y="{top + ph - h - 4:.1f}" text-anchor="middle" font-size="11" '
            f'fill="#334155">{esc(fmt.format(v))}</text>'
        )
        short = label[5:] if len(label) == 10 and label[4] == "-" else label[:8]
        parts.append(
            f'<text x="{x + bw * 0.35:.1f}" y="{top + ph + 16}" text-anchor="middle" font-size="11" '
            f'fill="#64748b">{esc(short)}</text>'
        )
    return (
        f'<div class="pa-chart"><svg class="pa-chart-svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{esc(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{esc(title)}</title>{''.join(parts)}</svg></div>"
    )


def stats_html(stats: dict[str, Any]) -> str:
    if not stats["questions"]:
        return result_html("info", "还没有提问记录。")
    head = (
        f'<div class="pa-stats"><span class="pa-stat"><b>{stats["questions"]}</b> 个问题</span>'
        f'<span class="pa-stat">拒答率 <b>{stats["refusal_rate"]:.1%}</b></span>'
        f'<span class="pa-stat">数字核对通过 <b>{stats["verified_rate"]:.1%}</b></span>'
        f'<span class="pa-stat">用时中位数 <b>{stats["latency_p50_s"]:.2f}</b> 秒</span>'
        f'<span class="pa-stat">p95 <b>{stats["latency_p95_s"]:.2f}</b> 秒</span>'
        f'<span class="pa-stat">反馈 赞 {stats["feedback"]["up"]} · 踩 {stats["feedback"]["down"]}</span></div>'
    )
    charts = bar_chart_svg({k: float(v) for k, v in stats["per_day"].items()}, "每日提问数")
    charts += bar_chart_svg({k: float(v) for k, v in stats["by_kb"].items()}, "各知识库提问数", "#0891b2")

    def table(rows: list[dict[str, Any]], title: str) -> str:
        if not rows:
            return f'<div class="pa-section">{title}</div><div class="pa-help">（无）</div>'
        trs = "".join(f"<tr><td>{esc(r['question'])}</td><td>{r['count']}</td></tr>" for r in rows)
        return (
            f'<div class="pa-section">{title}</div><div class="pa-table-wrap"><table class="pa-ind-table">'
            f"<thead><tr><th>问题</th><th>次数</th></tr></thead><tbody>{trs}</tbody></table></div>"
        )

    return (
        f'<div class="pa-answer">{head}{charts}{table(stats["most_asked"], "最常问的问题")}'
        f"{table(stats['most_refused'], '最常拒答的问题')}</div>"
    )
