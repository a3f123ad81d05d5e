"""Charts as server-rendered SVG, in pure Python (stdlib only): bar (grouped when there are several
series), stacked bar, line and histogram.

A `Chart` holds its data once; the SVG, the data table that screen readers get instead of the
picture, and the CSV download are all made from it, so they always show the same numbers.

Accessible and CSP-safe: the <svg> has role="img", a <title> and a <desc> it is labelled by; every
bar and point has its own <title> (the value on hover and for assistive technology); colours are
SVG presentation attributes (no style attributes, no scripts). Every text is XML-escaped here, so
a template may insert the result as it is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Literal

Kind = Literal["bar", "stacked", "line", "histogram"]

# Colour-blind-safe palette (Okabe–Ito), in series order.
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442", "#000000")
# Named series colours where the meaning is fixed (met is green-blue, breached is red-orange).
NAMED = {"met": "#009e73", "breached": "#d55e00"}

WIDTH, HEIGHT = 640, 300
# Characters XML 1.0 does not allow (control characters, lone surrogates, U+FFFE/U+FFFF): dropped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 40, 64


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # one per category; None: no value (a gap in a line)
    colour: str = ""


@dataclass(frozen=True)
class Chart:
    """One chart. `key` names it in URLs and file names (`sla-by-month`); `unit` follows every
    value in labels ("%", " h"); `y_max` fixes the scale (100 for percentages); `marker` draws a
    dashed vertical line before the category with that index, labelled (a histogram's target)."""

    key: str
    kind: Kind
    title: str
    description: str
    x_label: str
    y_label: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""
    y_max: float | None = None
    y_min: float = 0
    marker: tuple[int, str] | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def header(self) -> list[str]:
        return [self.x_label] + [s.name for s in self.series]

    @property
    def rows(self) -> list[list[object]]:
        """The data table: one row per category, one column per series (empty for no value)."""
        return [[category] + ["" if s.values[i] is None else _number(s.values[i]) for s in self.series]
                for i, category in enumerate(self.categories)]

    @property
    def empty(self) -> bool:
        return not self.categories or all(v in (None, 0) for s in self.series for v in s.values)

    def colour(self, index: int) -> str:
        s = self.series[index]
        return s.colour or NAMED.get(s.name.lower(), PALETTE[index % len(PALETTE)])


def _x(text: object) -> str:
    """`text` as XML character data or attribute value: escaped, invalid characters dropped."""
    return escape(NOT_XML.sub("", str(text)), quote=True)


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 1)


def _fmt(value: float, unit: str = "") -> str:
    return f"{_number(value)}{unit}"


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^n at or above `value` (at least 1): a readable top of the axis."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _top(chart: Chart) -> float:
    if chart.y_max is not None:
        return chart.y_max
    if chart.kind == "stacked":
        highest = max((sum(s.values[i] or 0 for s in chart.series) for i in range(len(chart.categories))), default=0)
    else:
        highest = max((v for s in chart.series for v in s.values if v is not None), default=0)
    counts = all(float(v).is_integer() for s in chart.series for v in s.values if v is not None)
    # Counts get whole-number gridlines (five steps): never a top below 5.
    return max(5, nice_ceiling(highest)) if counts else nice_ceiling(highest)


def render(chart: Chart, fmt: Callable[[float, str], str] = _fmt) -> str:
    """The chart as an <svg> element (a string of escaped XML). `fmt(value, unit)` writes the numbers
    (`reports.numbers.chart_value` writes them in the reader's language)."""
    ident = _x(f"chart-{chart.key}")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _top(chart)
    n = max(len(chart.categories), 1)
    slot = plot_w / n

    low = chart.y_min

    def y(value: float) -> float:
        value = min(max(value, low), top)
        return TOP + plot_h - ((value - low) / (top - low)) * plot_h if top > low else TOP + plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{_x(chart.kind)}" role="img" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" '
           f'aria-labelledby="{ident}-title {ident}-desc" font-family="system-ui, sans-serif" font-size="12">',
           f'<title id="{ident}-title">{_x(chart.title)}</title>',
           f'<desc id="{ident}-desc">{_x(chart.description)}</desc>']
    # Grid and the y axis: five steps.
    for step in range(6):
        value = low + (top - low) * step / 5
        gy = y(value)
        out.append(f'<line x1="{LEFT}" y1="{gy:.1f}" x2="{WIDTH - RIGHT}" y2="{gy:.1f}" stroke="#d9dde5" '
                   f'stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end" fill="#5d6677">'
                   f'{_x(fmt(value, chart.unit))}</text>')
    out.append(f'<text x="14" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" fill="#1d2330" '
               f'transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">{_x(chart.y_label)}</text>')
    # Categories and the x axis.
    for i, category in enumerate(chart.categories):
        cx = LEFT + slot * (i + 0.5)
        out.append(f'<text x="{cx:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" fill="#5d6677">'
                   f'{_x(category)}</text>')
    out.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#1d2330"/>')
    out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 26}" text-anchor="middle" fill="#1d2330">'
               f'{_x(chart.x_label)}</text>')
    if chart.kind == "line":
        out += _lines(chart, slot, y, fmt)
    else:
        out += _bars(chart, slot, y, plot_h, fmt)
    if chart.marker is not None:
        index, label = chart.marker
        mx = LEFT + slot * index
        out.append(f'<line class="chart-marker" x1="{mx:.1f}" y1="{TOP - 4}" x2="{mx:.1f}" y2="{TOP + plot_h}" '
                   f'stroke="#1d2330" stroke-width="2" stroke-dasharray="6 4"/>')
        out.append(f'<text x="{mx + 4:.1f}" y="{TOP - 8}" fill="#1d2330">{_x(label)}</text>')
    out += _legend(chart)
    out.append("</svg>")
    return "".join(out)


def _bars(chart: Chart, slot: float, y, plot_h: float, fmt) -> list[str]:
    out = []
    base = y(0)
    groups = 1 if chart.kind in ("stacked", "histogram") else max(len(chart.series), 1)
    gap = 0.0 if chart.kind == "histogram" else slot * 0.2
    width = (slot - gap) / groups
    for i, category in enumerate(chart.categories):
        x0 = LEFT + slot * i + gap / 2
        stacked = 0.0
        for s_index, series in enumerate(chart.series):
            value = series.values[i]
            if value is None:
                continue
            if chart.kind in ("stacked", "histogram"):
                y_top, y_bottom, x = y(stacked + value), y(stacked), x0
                stacked += value
            else:
                y_top, y_bottom, x = y(value), base, x0 + width * s_index
            height = max(y_bottom - y_top, 0)
            label = f"{category}, {series.name}: {fmt(value, chart.unit)}"
            out.append(f'<rect class="chart-bar" x="{x:.1f}" y="{y_top:.1f}" width="{max(width - 1, 1):.1f}" '
                       f'height="{height:.1f}" fill="{chart.colour(s_index)}"><title>{_x(label)}</title></rect>')
            if chart.kind == "bar" and groups == 1 and height >= 0:
                out.append(f'<text x="{x + width / 2:.1f}" y="{y_top - 4:.1f}" text-anchor="middle" '
                           f'fill="#1d2330">{_x(fmt(value, chart.unit))}</text>')
    return out


def _lines(chart: Chart, slot: float, y, fmt) -> list[str]:
    out = []
    for s_index, series in enumerate(chart.series):
        colour = chart.colour(s_index)
        points: list[tuple[float, float, str, float]] = []
        segments: list[list[tuple[float, float]]] = [[]]
        for i, value in enumerate(series.values):
            if value is None:
                segments.append([])
                continue
            px, py = LEFT + slot * (i + 0.5), y(value)
            segments[-1].append((px, py))
            points.append((px, py, chart.categories[i], value))
        for segment in segments:
            if len(segment) > 1:
                coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in segment)
                out.append(f'<polyline class="chart-line" points="{coords}" fill="none" stroke="{colour}" '
                           f'stroke-width="2.5"/>')
        for px, py, category, value in points:
            label = f"{category}, {series.name}: {fmt(value, chart.unit)}"
            out.append(f'<circle class="chart-point" cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{colour}">'
                       f'<title>{_x(label)}</title></circle>')
    return out


def _legend(chart: Chart) -> list[str]:
    if len(chart.series) < 2 and chart.kind != "stacked":
        return []
    out, x = [], LEFT
    for s_index, series in enumerate(chart.series):
        out.append(f'<rect x="{x}" y="{HEIGHT - 14}" width="12" height="12" fill="{chart.colour(s_index)}"/>')
        out.append(f'<text x="{x + 16}" y="{HEIGHT - 4}" fill="#1d2330">{_x(series.name)}</text>')
        x += 24 + 7 * len(series.name)
    return out
