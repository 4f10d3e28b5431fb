"""Small charts drawn on the server as inline SVG: stacked columns, lines and ranked bars.

No script and no style attribute (the pages' CSP forbids both): presentation attributes only.
Right to left, the value axis stands on the right and the first category (the oldest day)
is drawn at the right; numbers are written in Persian digits. Each chart carries a title and
a description for screen readers; the page adds the same figures as a table.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ravabet.lib.persian import format_number

WIDTH = 340
FONT_SIZE = 13
SMALL_FONT_SIZE = 12
TEXT_COLOUR = "#475467"
AXIS_COLOUR = "#98a2b3"
GRID_COLOUR = "#e4e7ec"
_ID = re.compile(r"[a-z][a-z0-9-]{0,40}")


@dataclass(frozen=True, slots=True)
class Series:
    """One named row of values, one value per category, drawn in one colour."""

    name: str
    values: Sequence[float]
    colour: str


@dataclass(frozen=True, slots=True)
class ChartText:
    """What a screen reader says of a chart; ``chart_id`` prefixes its element ids."""

    chart_id: str
    title: str
    description: str


def _number(value: float, persian: bool) -> str:
    if float(value).is_integer():
        return format_number(int(value), persian=persian)
    return format_number(value, persian=persian, decimals=1)


def nice_ticks(maximum: float, count: int = 4) -> list[float]:
    """Round axis values from 0 to at least ``maximum``, about ``count`` steps of 1, 2 or 5
    times a power of ten (never fractions below one: these charts count things)."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0)
    top = math.ceil(maximum / step) * step
    return [i * step for i in range(round(top / step) + 1)]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Frame:
    """The shared geometry of the column and line charts: plot area, axes, legend."""

    def __init__(
        self,
        categories: Sequence[str],
        series: Sequence[Series],
        *,
        maximum: float,
        height: int,
        rtl: bool,
        persian: bool,
    ) -> None:
        self.categories = categories
        self.series = series
        self.rtl = rtl
        self.persian = persian
        self.height = height
        self.ticks = nice_ticks(maximum)
        self.top = 8 + (24 if len(series) > 1 else 0)
        self.bottom = height - 26
        axis_room, far_room = 40, 8
        self.left = far_room if rtl else axis_room
        self.right = WIDTH - axis_room if rtl else WIDTH - far_room
        self.slot = (self.right - self.left) / max(len(categories), 1)

    def centre(self, index: int) -> float:
        offset = (index + 0.5) * self.slot
        return self.right - offset if self.rtl else self.left + offset

    def y(self, value: float) -> float:
        return self.bottom - value / self.ticks[-1] * (self.bottom - self.top)

    def axes(self, label_every: int) -> list[str]:
        parts = []
        for tick in self.ticks:
            y = self.y(tick)
            parts.append(
                f'<line x1="{self.left:.1f}" x2="{self.right:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="{AXIS_COLOUR if tick == 0 else GRID_COLOUR}" stroke-width="1"/>'
            )
            # Outside the plot on the axis' side: "end" is the text's left edge when writing
            # right to left (the axis on the right), its right edge when left to right.
            tick_x = self.right + 5 if self.rtl else self.left - 5
            parts.append(
                f'<text x="{tick_x:.1f}" y="{y + 4:.1f}" text-anchor="end" '
                f'font-size="{SMALL_FONT_SIZE}" fill="{TEXT_COLOUR}">'
                f"{escape(_number(tick, self.persian))}</text>"
            )
        # Every ``label_every``-th category is named, counting back from the last (the most
        # recent day is always named).
        step = max(label_every, 1)
        last = len(self.categories) - 1
        far_edge = float(self.left if self.rtl else self.right)
        for index, label in enumerate(self.categories):
            if (last - index) % step:
                continue
            x, anchor = self.centre(index), "middle"
            if abs(far_edge - x) < len(label) * 3.5:
                # Centred, it would run off the chart: end it at the edge instead ("end" is
                # the text's left edge right to left, its right edge left to right).
                x, anchor = far_edge, "end"
            parts.append(
                f'<text x="{x:.1f}" y="{self.bottom + 17:.1f}" '
                f'text-anchor="{anchor}" font-size="{SMALL_FONT_SIZE}" fill="{TEXT_COLOUR}">'
                f"{escape(label)}</text>"
            )
        return parts

    def legend(self) -> list[str]:
        if len(self.series) < 2:
            return []
        parts = []
        # Start from the reading edge; a rough width per character is enough to space them.
        position = float(self.right if self.rtl else self.left)
        for series in self.series:
            box = position - 12 if self.rtl else position
            parts.append(
                f'<rect x="{box:.1f}" y="6" width="12" height="12" rx="2" fill="{series.colour}"/>'
            )
            text_x = box - 5 if self.rtl else box + 17
            # "start" is the right edge when writing right to left: the name reads on
            # from its swatch either way.
            parts.append(
                f'<text x="{text_x:.1f}" y="16" text-anchor="start" '
                f'font-size="{SMALL_FONT_SIZE}" fill="{TEXT_COLOUR}">{escape(series.name)}</text>'
            )
            advance = 12 + 5 + len(series.name) * 6.5 + 16
            position = position - advance if self.rtl else position + advance
        return parts


def _svg(text: ChartText, height: int, rtl: bool, body: list[str], kind: str) -> str:
    if not _ID.fullmatch(text.chart_id):
        raise ValueError(f"chart id {text.chart_id!r} is not a plain lower-case name")
    title_id, desc_id = f"{text.chart_id}-title", f"{text.chart_id}-desc"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" '
        f'id="{text.chart_id}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" direction="{"rtl" if rtl else "ltr"}" '
        f'font-size="{FONT_SIZE}">'
        f'<title id="{title_id}">{escape(text.title)}</title>'
        f'<desc id="{desc_id}">{escape(text.description)}</desc>' + "".join(body) + "</svg>"
    )


def column_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    text: ChartText,
    rtl: bool = True,
    persian: bool = True,
    label_every: int = 1,
    height: int = 220,
) -> str:
    """Columns, one per category, its series stacked in order from the axis up. Each
    non-zero part is a ``chart-bar`` rectangle whose tooltip names the category and value."""
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    frame = _Frame(
        categories, series, maximum=max(totals, default=0), height=height, rtl=rtl, persian=persian
    )
    body = frame.legend() + frame.axes(label_every)
    width = frame.slot * 0.7
    for index, category in enumerate(categories):
        base = 0.0
        for series_index, one in enumerate(series):
            value = one.values[index]
            if value <= 0:
                continue
            top, bottom = frame.y(base + value), frame.y(base)
            tip = f"{category} · {one.name}: {_number(value, persian)}"
            body.append(
                f'<rect class="chart-bar chart-series-{series_index}" '
                f'x="{frame.centre(index) - width / 2:.1f}" y="{top:.1f}" width="{width:.1f}" '
                f'height="{bottom - top:.1f}" fill="{one.colour}">'
                f"<title>{escape(tip)}</title></rect>"
            )
            base += value
    return _svg(text, height, rtl, body, "columns")


def line_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    text: ChartText,
    rtl: bool = True,
    persian: bool = True,
    label_every: int = 1,
    height: int = 220,
) -> str:
    """One line per series across the categories, with a ``chart-point`` on every value
    whose tooltip names the category and value."""
    maximum = max((v for s in series for v in s.values), default=0)
    frame = _Frame(categories, series, maximum=maximum, height=height, rtl=rtl, persian=persian)
    body = frame.legend() + frame.axes(label_every)
    for series_index, one in enumerate(series):
        points = [(frame.centre(i), frame.y(v)) for i, v in enumerate(one.values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(
            f'<polyline class="chart-line chart-series-{series_index}" points="{path}" '
            f'fill="none" stroke="{one.colour}" stroke-width="2.5" stroke-linejoin="round"/>'
        )
        for (x, y), category, value in zip(points, categories, one.values, strict=True):
            tip = f"{category} · {one.name}: {_number(value, persian)}"
            body.append(
                f'<circle class="chart-point" cx="{x:.1f}" cy="{y:.1f}" r="3" '
                f'fill="{one.colour}"><title>{escape(tip)}</title></circle>'
            )
    return _svg(text, height, rtl, body, "lines")


BAR_ROW = 40
LABEL_CHARS = 46


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    text: ChartText,
    colour: str,
    rtl: bool = True,
    persian: bool = True,
) -> str:
    """Ranked horizontal bars, each under its label (so long names fit a phone), growing
    from the reading edge, the value written at the bar's end."""
    maximum = max((value for _label, value in rows), default=0) or 1
    value_room = 44
    span = WIDTH - 4 - value_room
    edge = WIDTH - 2 if rtl else 2
    body = []
    for index, (label, value) in enumerate(rows):
        top = 6 + index * BAR_ROW
        length = max(value / maximum * span, 2.0 if value > 0 else 0.0)
        start = edge - length if rtl else edge
        end_x = start - 5 if rtl else start + length + 5
        body.append(
            f'<text x="{edge}" y="{top + 12}" text-anchor="start" fill="{TEXT_COLOUR}">'
            f"{escape(_clip(label, LABEL_CHARS))}</text>"
        )
        if value > 0:
            body.append(
                f'<rect class="chart-bar" x="{start:.1f}" y="{top + 18}" width="{length:.1f}" '
                f'height="14" rx="2" fill="{colour}"><title>{escape(label)}: '
                f"{escape(_number(value, persian))}</title></rect>"
            )
        # Past the bar's end: its right edge when writing right to left, else its left edge.
        body.append(
            f'<text x="{end_x:.1f}" y="{top + 30}" text-anchor="start" '
            f'font-size="{SMALL_FONT_SIZE}" fill="{TEXT_COLOUR}">'
            f"{escape(_number(value, persian))}</text>"
        )
    height = 12 + len(rows) * BAR_ROW
    return _svg(text, height, rtl, body, "bars")
