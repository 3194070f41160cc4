"""The indicator chart: target vs achieved (and 预计) by year as a small inline SVG line chart.

Every label is escaped; values come from the figures the cells quote (`figure_value`), money in 亿元.
"""

from __future__ import annotations

import math
from typing import Any

from assistant.ui.markup import CITE_MARK, esc

CHART_KINDS = (("target", "目标"), ("achieved", "实际完成"), ("forecast", "预计"))
CHART_COLORS = {"target": "#2563eb", "achieved": "#16a34a", "forecast": "#d97706"}
GROUP_COLORS = ("#2563eb", "#16a34a", "#d97706", "#7c3aed", "#db2777", "#0891b2")
CHART_DASH = {"target": "6 4", "achieved": "", "forecast": "2 3"}

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 600, 230, 58, 20, 40, 34
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
PAD = 60.0  # the first and last year sit this far inside the plot
LABEL_AT = {"target": (-8, "end"), "achieved": (8, "start"), "forecast": (8, "start")}  # (dx, text-anchor)
SHIFT = {"target": -7.0, "achieved": 7.0, "forecast": 15.0}  # side by side where a year has several figures

Series = dict[tuple[str, str, str], dict[str, float]]  # (place, indicator, kind) -> year -> value


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
    if span <= 0:
        return 1.0
    mag = 10 ** math.floor(math.log10(span))
    for f in (1, 2, 2.5, 5, 10):
        if span / (f * mag) <= 4:
            return f * mag
    return 10 * mag


def _series(table: list[dict[str, Any]]) -> tuple[Series, list[str]]:
    """The figures of the table's rows by (place, indicator, kind) and year, and the unit of each figure."""
    series: Series = {}
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
    return series, units


class _Scale:
    """Where a year and a value go on the plot."""

    def __init__(self, years: list[str], vmax: float) -> None:
        self.years = years
        self.step = _nice_step(vmax * 1.15 or 1.0)
        self.ymax = self.step * max(1, -(-vmax * 1.15 // self.step))
        self.numeric = all(yr.isdigit() for yr in years)
        self.first, self.last = (int(years[0]), int(years[-1])) if self.numeric else (0, len(years) - 1)

    def x(self, year: str) -> float:
        """Years at their distance in time (2021 and 2024 are three years apart), inset from the edges."""
        pos = int(year) if self.numeric else self.years.index(year)
        if self.last == self.first:
            return LEFT + PLOT_W / 2
        return LEFT + PAD + (pos - self.first) / (self.last - self.first) * (PLOT_W - 2 * PAD)

    def y(self, v: float) -> float:
        return TOP + PLOT_H - (v / self.ymax) * PLOT_H if self.ymax else TOP + PLOT_H


def _axes(scale: _Scale, unit: str) -> list[str]:
    """The plot's background, value grid with its labels, the years and the unit."""
    parts = [f'<rect x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}" fill="#f8fafc" stroke="none"></rect>']
    tick = 0.0
    while tick <= scale.ymax + 1e-9:
        ty = scale.y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{LEFT + PLOT_W}" y2="{ty:.1f}" stroke="#e2e8f0" '
            'stroke-width="1"></line>'
        )
        parts.append(
            f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end" font-size="11" fill="#64748b">'
            f"{esc(_fmt(tick))}</text>"
        )
        tick += scale.step
    for yr in scale.years:
        parts.append(
            f'<text x="{scale.x(yr):.1f}" y="{TOP + PLOT_H + 20}" text-anchor="middle" font-size="12" fill="#334155">'
            f"{esc(yr)}年</text>"
        )
    if unit:
        parts.append(
            f'<text x="{LEFT - 8}" y="{TOP - 10}" text-anchor="end" font-size="11" fill="#64748b">'
            f"单位：{esc(unit)}</text>"
        )
    return parts


def _marks(scale: _Scale, kind: str, color: str, ordered: list[tuple[str, float]]) -> list[str]:
    """One series' points (a diamond for 预计, filled for 实际完成) with their values."""
    parts = []
    dx, anchor = LABEL_AT[kind]
    for yr, v in ordered:
        cx, cy = scale.x(yr) + SHIFT[kind], scale.y(v)
        fill = color if kind == "achieved" else "#ffffff"
        if kind == "forecast":
            parts.append(
                f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" '
                f'transform="rotate(45 {cx:.1f} {cy:.1f})" fill="#ffffff" stroke="{color}" stroke-width="2"></rect>'
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
    return parts


def _plot(scale: _Scale, series: Series, groups: list[tuple[str, str]]) -> list[str]:
    """Each (place, indicator) group's lines and points, and the legend above the plot."""
    multi = len(groups) > 1
    names = dict(CHART_KINDS)
    parts = []
    legend_x = LEFT + 4
    for gi, group in enumerate(groups):
        for kind, _ in CHART_KINDS:
            pts = series.get((*group, kind))
            if not pts:
                continue
            color = GROUP_COLORS[gi % len(GROUP_COLORS)] if multi else CHART_COLORS[kind]
            dash = CHART_DASH[kind]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            ordered = [(yr, pts[yr]) for yr in scale.years if yr in pts]
            if len(ordered) > 1:
                coords = " ".join(f"{scale.x(yr) + SHIFT[kind]:.1f},{scale.y(v):.1f}" for yr, v in ordered)
                parts.append(
                    f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2.2"{dash_attr}>'
                    "</polyline>"
                )
            parts += _marks(scale, kind, color, ordered)
            label = (f"{group[0]}{group[1]} · " if multi else "") + names[kind]
            parts.append(
                f'<line x1="{legend_x}" y1="{TOP - 22}" x2="{legend_x + 22}" y2="{TOP - 22}" stroke="{color}" '
                f'stroke-width="2.2"{dash_attr}></line>'
            )
            parts.append(f'<text x="{legend_x + 28}" y="{TOP - 18}" font-size="12" fill="#334155">{esc(label)}</text>')
            legend_x += 28 + 13 * len(label) + 18
    return parts


def indicator_chart_svg(table: list[dict[str, Any]]) -> str:
    """A small inline SVG line chart of target vs achieved (and 预计) by year; '' under 2 points."""
    series, units = _series(table)
    if sum(len(s) for s in series.values()) < 2:
        return ""
    years = sorted({y for s in series.values() for y in s})
    groups = list(dict.fromkeys((p, i) for p, i, _ in series))
    unit = units[0] if units and all(u == units[0] for u in units) else ""
    scale = _Scale(years, max(v for s in series.values() for v in s.values()))
    parts = _axes(scale, unit) + _plot(scale, series, groups)
    title = "、".join(f"{p}{i}" for p, i in groups) + "：目标 / 实际完成（按年份）"
    return (
        f'<div class="pa-chart"><svg class="pa-chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-label="{esc(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{esc(title)}</title>{''.join(parts)}</svg></div>"
    )
