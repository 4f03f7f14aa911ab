"""Charts as inline SVG, drawn on the server from the same `core.charts.Chart` objects the pages
draw with Chart.js: WeasyPrint runs no JavaScript, so the printable report needs its charts as
markup. Bars, stacked bars and lines, upright or lying down, with axis ticks, dashed guides,
hollow marks, short stubs for missing values and a legend. Pure: figures in, text out.

Colours are the light theme's chart palette (`--rt-chart-*` in static/css/roundtable.css; a test
keeps the two equal), since paper is light."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

from roundtable.core.charts import HOLLOW, Chart, Dataset, format_figure

COLOURS: dict[str, str] = {
    "accent": "#1d4ed8",
    "violet": "#7c3aed",
    "amber": "#b45309",
    "red": "#b91c1c",
    "green": "#166534",
    "teal": "#0f766e",
    "grey": "#64748b",
}
GUIDE = "#6b7280"
GRID = "#e5e7eb"
AXIS = "#9ca3af"
TEXT = "#374151"
FONT = "DejaVu Sans, sans-serif"

WIDTH = 640
HEIGHTS = {"short": 150, "medium": 220, "tall": 320}
LEGEND_ROW = 18
MAX_X_LABELS = 14


def colour(key: str) -> tuple[str, bool]:
    """The key's colour, and whether it is drawn hollow (an outline only)."""
    hollow = key.endswith(HOLLOW)
    return COLOURS.get(key.removesuffix(HOLLOW), COLOURS["grey"]), hollow


def nice_max(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value - 1e-9:
            return float(step * power)
    return float(10 * power)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class _Frame:
    left: float
    top: float
    width: float
    height: float
    low: float
    high: float

    def scale(self, value: float) -> float:
        """Distance from the baseline, in pixels, of a value on the value axis."""
        span = self.high - self.low or 1.0
        return (min(max(value, self.low), self.high) - self.low) / span * self.extent

    extent: float = 0.0


def _value_range(chart: Chart) -> tuple[float, float]:
    values = [v for d in chart.datasets for v in d.values if v is not None]
    if chart.kind == "stacked" and chart.labels:
        values = [sum(d.values[i] or 0 for d in chart.datasets) for i in range(len(chart.labels))]
    low = chart.y_min if chart.y_min is not None else min([0.0, *values])
    if chart.y_max is not None:
        high = chart.y_max
    else:
        high = nice_max(max([*values, low + 1e-9]) - low) + low
    return float(low), float(high if high > low else low + 1)


def _counts_only(chart: Chart) -> bool:
    """Whether every figure is a whole number (a count): its axis then ticks whole numbers."""
    values = [v for d in chart.datasets for v in d.values if v is not None]
    return bool(values) and all(isinstance(v, int) for v in values) and not chart.unit


def _ticks(low: float, high: float, *, whole: bool = False, count: int = 4) -> list[float]:
    step = float(max(math.ceil((high - low) / count), 1)) if whole else (high - low) / count
    ticks = [low + step * i for i in range(count + 1)]
    return [t for t in ticks if t <= high + 1e-9]


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "middle",
    size: float = 10,
    weight: str = "normal",
    fill: str = TEXT,
) -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" font-size="{_num(size)}" '
        f'font-weight="{weight}" fill="{fill}" font-family="{FONT}">{escape(content)}</text>'
    )


def _rect(x: float, y: float, w: float, h: float, key: str, tip: str) -> str:
    fill, hollow = colour(key)
    paint = f'fill="none" stroke="{fill}" stroke-width="1.5"' if hollow else f'fill="{fill}"'
    return (
        f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(max(w, 0.5))}" '
        f'height="{_num(max(h, 0))}" {paint}><title>{escape(tip)}</title></rect>'
    )


def _label_step(count: int, room: float, longest: int) -> int:
    """Show every n-th label so that labels do not run into each other."""
    per_label = max(longest * 6.0, 18.0)
    fits = max(int(room // per_label), 1)
    return max(math.ceil(count / min(fits, MAX_X_LABELS)), 1)


def _colour_of(dataset: Dataset, index: int) -> str:
    if dataset.point_colours is not None:
        return dataset.point_colours[index]
    return dataset.colour


def _legend(chart: Chart, top: float) -> tuple[list[str], float]:
    entries = (
        [(e.label, e.colour) for e in chart.legend]
        if chart.legend is not None
        else [(d.name, d.colour) for d in chart.datasets]
        if len(chart.datasets) > 1
        else []
    )
    parts: list[str] = []
    x, y = 40.0, top
    for label, key in entries:
        width = 18 + len(label) * 6.2 + 16
        if x + width > WIDTH and x > 40:
            x, y = 40.0, y + LEGEND_ROW
        fill, hollow = colour(key)
        paint = f'fill="none" stroke="{fill}" stroke-width="1.5"' if hollow else f'fill="{fill}"'
        parts.append(f'<rect x="{_num(x)}" y="{_num(y - 9)}" width="11" height="11" {paint}/>')
        parts.append(_text(x + 16, y, label, anchor="start", size=10))
        x += width
    height = (y - top + LEGEND_ROW) if entries else 0.0
    return parts, height


def _upright(chart: Chart, frame: _Frame) -> list[str]:
    """Bars (side by side or stacked) and lines along a horizontal axis of labels."""
    parts: list[str] = []
    count = len(chart.labels)
    slot = frame.width / max(count, 1)
    base = frame.top + frame.extent
    bar_sets = list(chart.datasets) if chart.kind != "line" else []
    groups = 1 if chart.kind == "stacked" else max(len(bar_sets), 1)
    bar_width = min(slot * 0.7 / groups, 40)
    for i in range(count):
        centre = frame.left + slot * (i + 0.5)
        stacked_at = 0.0
        for g, dataset in enumerate(bar_sets):
            value = dataset.values[i]
            key = _colour_of(dataset, i)
            tip = f"{chart.point_label(i)}: {dataset.name} {dataset.text(i, chart.unit)}"
            if chart.kind == "stacked":
                x = centre - bar_width / 2
                height = frame.scale(frame.low + (value or 0))
                parts.append(_rect(x, base - stacked_at - height, bar_width, height, key, tip))
                stacked_at += height
                continue
            x = centre - bar_width * groups / 2 + g * bar_width
            if value is None:
                if dataset.stub_missing:
                    parts.append(_rect(x + 1, base - 3, bar_width - 2, 3, key, tip))
                continue
            height = frame.scale(value)
            parts.append(_rect(x + 1, base - height, bar_width - 2, height, key, tip))
    if chart.kind == "line":
        for dataset in chart.datasets:
            stroke, _ = colour(dataset.colour)
            run: list[str] = []
            runs: list[list[str]] = []
            for i, value in enumerate(dataset.values):
                if value is None:
                    if run:
                        runs.append(run)
                    run = []
                    continue
                x = frame.left + slot * (i + 0.5)
                y = base - frame.scale(value)
                run.append(f"{_num(x)},{_num(y)}")
                fill, hollow = colour(_colour_of(dataset, i))
                paint = f'fill="white" stroke="{fill}"' if hollow else f'fill="{fill}"'
                tip = f"{chart.point_label(i)}: {dataset.name} {dataset.text(i, chart.unit)}"
                parts.append(
                    f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3" {paint} stroke-width="1.5">'
                    f"<title>{escape(tip)}</title></circle>"
                )
            if run:
                runs.append(run)
            for points in runs:
                if len(points) > 1:
                    parts.insert(
                        0,
                        f'<polyline points="{" ".join(points)}" fill="none" stroke="{stroke}" '
                        f'stroke-width="2" stroke-linejoin="round"/>',
                    )
    longest = max((len(label) for label in chart.labels), default=1)
    step = _label_step(count, frame.width, longest)
    for i, label in enumerate(chart.labels):
        if i % step == 0:
            parts.append(_text(frame.left + slot * (i + 0.5), base + 14, label, size=9))
    return parts


def _lying(chart: Chart, frame: _Frame, label_room: float) -> list[str]:
    """Bars lying down: one row per label, the label on the left."""
    parts: list[str] = []
    count = len(chart.labels)
    slot = frame.height / max(count, 1)
    groups = 1 if chart.kind == "stacked" else max(len(chart.datasets), 1)
    bar = min(slot * 0.7 / groups, 18)
    for i, label in enumerate(chart.labels):
        middle = frame.top + slot * (i + 0.5)
        parts.append(
            _text(frame.left - 6, middle + 3.5, _clip(label, label_room), anchor="end", size=9)
        )
        along = 0.0
        for g, dataset in enumerate(chart.datasets):
            value = dataset.values[i]
            key = _colour_of(dataset, i)
            tip = f"{chart.point_label(i)}: {dataset.name} {dataset.text(i, chart.unit)}"
            length = frame.scale(frame.low + (value or 0)) if value is not None else 0.0
            if chart.kind == "stacked":
                y = middle - bar / 2
                parts.append(_rect(frame.left + along, y, length, bar, key, tip))
                along += length
                continue
            y = middle - bar * groups / 2 + g * bar
            if value is None and dataset.stub_missing:
                parts.append(_rect(frame.left, y + 1, 3, bar - 2, key, tip))
            elif value is not None:
                parts.append(_rect(frame.left, y + 1, length, bar - 2, key, tip))
                parts.append(
                    _text(
                        frame.left + length + 4,
                        y + bar / 2 + 3,
                        dataset.text(i, chart.unit),
                        anchor="start",
                        size=8,
                    )
                )
    return parts


def _clip(label: str, room: float) -> str:
    most = max(int(room // 5.6), 4)
    return label if len(label) <= most else label[: most - 1] + "…"


def chart_svg(chart: Chart) -> SafeString:
    """The chart as an <svg> element (its summary is its accessible name and <title>)."""
    low, high = _value_range(chart)
    whole = _counts_only(chart)
    if whole and chart.y_max is None:
        # A count's axis ends at a whole number a whole step divides: 0, 1, 2 rather than 0.5.
        step = max(math.ceil((high - low) / 4), 1)
        high = low + step * math.ceil((high - low) / step)
    lying = chart.horizontal
    plot_height = float(HEIGHTS.get(chart.height, HEIGHTS["medium"]))
    if lying:
        # Lying bars take the room their rows need, a little more than a line each.
        plot_height = max(22.0 * len(chart.labels) + 10, 60.0)
    label_room = min(max((len(x) for x in chart.labels), default=4) * 5.6 + 8, 170) if lying else 0
    left = (label_room + 10) if lying else 44.0
    top = 12.0
    plot_width = WIDTH - left - (40 if lying else 12)
    extent = plot_width if lying else plot_height
    frame = _Frame(
        left=left,
        top=top,
        width=plot_width,
        height=plot_height,
        low=low,
        high=high,
        extent=extent,
    )
    parts: list[str] = []
    for tick in _ticks(low, high, whole=whole):
        where = frame.scale(tick)
        label = format_figure(round(tick, 1), chart.unit)
        if lying:
            x = left + where
            parts.append(
                f'<line x1="{_num(x)}" y1="{_num(top)}" x2="{_num(x)}" '
                f'y2="{_num(top + plot_height)}" stroke="{GRID}" stroke-width="1"/>'
            )
            if chart.show_y_axis:
                parts.append(_text(x, top + plot_height + 13, label, size=8))
        else:
            y = top + plot_height - where
            parts.append(
                f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(left + plot_width)}" '
                f'y2="{_num(y)}" stroke="{GRID}" stroke-width="1"/>'
            )
            if chart.show_y_axis:
                parts.append(_text(left - 5, y + 3, label, anchor="end", size=8))
    body = _lying(chart, frame, label_room) if lying else _upright(chart, frame)
    parts.extend(body)
    for guide in chart.guides:
        where = frame.scale(guide.value)
        if lying:
            x = left + where
            parts.append(
                f'<line x1="{_num(x)}" y1="{_num(top)}" x2="{_num(x)}" '
                f'y2="{_num(top + plot_height)}" stroke="{GUIDE}" stroke-dasharray="4 3"/>'
            )
            parts.append(_text(x + 3, top + 8, guide.label, anchor="start", size=8, fill=GUIDE))
        else:
            y = top + plot_height - where
            parts.append(
                f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(left + plot_width)}" '
                f'y2="{_num(y)}" stroke="{GUIDE}" stroke-dasharray="4 3"/>'
            )
            parts.append(
                _text(left + plot_width, y - 3, guide.label, anchor="end", size=8, fill=GUIDE)
            )
    axis_y = top + plot_height
    if lying:
        parts.append(
            f'<line x1="{_num(left)}" y1="{_num(top)}" x2="{_num(left)}" '
            f'y2="{_num(axis_y)}" stroke="{AXIS}"/>'
        )
    else:
        parts.append(
            f'<line x1="{_num(left)}" y1="{_num(axis_y)}" x2="{_num(left + plot_width)}" '
            f'y2="{_num(axis_y)}" stroke="{AXIS}"/>'
        )
    legend, legend_height = _legend(chart, axis_y + 34)
    parts.extend(legend)
    total = axis_y + 22 + (legend_height + 8 if legend_height else 0)
    if chart.is_empty:
        parts.append(
            _text(
                left + plot_width / 2, top + plot_height / 2, "No figures yet", size=11, fill=GUIDE
            )
        )
    name = chart.summary or chart.title
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_num(total)}" '
        f'width="100%" role="img" aria-label={quoteattr(name)} class="chart-svg">'
        f"<title>{escape(name)}</title>{''.join(parts)}</svg>"
    )
    # Every text in it went through escape() or quoteattr().
    return mark_safe(svg)


def charts_svg(charts: Sequence[Chart]) -> list[SafeString]:
    return [chart_svg(chart) for chart in charts]
