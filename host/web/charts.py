"""Charts drawn on the server as inline SVG: no script, no font or file from elsewhere.

``bar_chart`` (grouped bars, e.g. mounts and removals per month) and
``line_chart`` (e.g. percent of visits opened with the lock per provider and
month; a gap where a month has no data). Each has a ``<title>`` and a
``<desc>`` for screen readers, and every page shows the same numbers as a
table beside it. Colours are told apart by people with the common colour
vision deficiencies (Okabe-Ito palette), and line series also differ by
marker shape.

No two texts overlap: a value label that would cover another is moved up,
one line at a time, until it is clear (``_placed``), and the month labels
under the x axis thin out to every second, third ... when they are wider
than a month's room. Widths are estimated from the font size (``_width``:
an average glyph of sans-serif, generous for digits), since the server
cannot measure the browser's font.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from host.web import text as words

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
MARKERS = ("circle", "square", "diamond", "triangle")
WIDTH = 760
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 40, 44
VALUE_FONT = 10
AXIS_FONT = 12
GLYPH = 0.62  # the average advance of a sans-serif glyph, in font sizes


def _nice_step(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def nice_max(value: float) -> float:
    """An axis maximum at or above ``value`` whose four grid steps are round numbers."""
    return 4 * _nice_step(value / 4)


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", words.decimal_mark())


def _width(text: str, font: float) -> float:
    return GLYPH * font * len(text) + 2


def _placed(labels: Sequence[tuple[float, float, str]], font: float) -> list[float]:
    """The y (baseline) for each label (x centre, wanted baseline, text) so that none overlaps
    one placed before it: a label that would is moved up a line until it is clear."""
    boxes: list[tuple[float, float, float, float]] = []  # left, right, top, bottom
    placed = []
    for x, y, text in labels:
        half = _width(text, font) / 2
        while True:
            top, bottom = y - font, y + 1
            if not any(
                x - half < right and left < x + half and top < low and high < bottom
                for left, right, high, low in boxes
            ):
                break
            y -= font + 1
        boxes.append((x - half, x + half, top, bottom))
        placed.append(y)
    return placed


def _frame(ident: str, title: str, description: str, body: list[str], legend: list[str]) -> Markup:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' role="img" aria-labelledby="{ident}-title {ident}-desc" font-family="sans-serif"'
        f' font-size="12" id="{ident}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        *body,
        *legend,
        "</svg>",
    ]
    return Markup("\n".join(parts))


def _axes(y_max: float, unit: str, categories: Sequence[str]) -> tuple[list[str], float]:
    """Grid lines with y labels, the x labels, and the width of one category."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(categories))
    body = []
    for i in range(5):
        value = y_max * i / 4
        y = TOP + plot_h - plot_h * i / 4
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"'
            f' stroke="#d0d0d0" stroke-width="1"/>'
        )
        body.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333">'
            f"{escape(_number(value))}{escape(unit)}</text>"
        )
    widest = max((_width(c, AXIS_FONT) for c in categories), default=0)
    every = max(1, math.ceil((widest + 4) / step))  # a label every n categories: they fit
    for i, category in enumerate(categories):
        if i % every:
            continue
        x = LEFT + step * (i + 0.5)
        body.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" fill="#333">'
            f"{escape(category)}</text>"
        )
    body.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}"'
        f' stroke="#555" stroke-width="1"/>'
    )
    return body, step


def _legend(names: Sequence[str], markers: bool) -> list[str]:
    items = []
    x = LEFT
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        if markers:
            items.append(_marker(MARKERS[i % len(MARKERS)], x + 6, 16, colour))
        else:
            items.append(f'<rect x="{x}" y="10" width="12" height="12" fill="{colour}"/>')
        items.append(f'<text x="{x + 18}" y="21" fill="#222">{escape(name)}</text>')
        x += 30 + 7 * len(name)
    return items


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def bar_chart(
    ident: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
) -> Markup:
    """Grouped bars: for each category one bar per series, its value written above it."""
    y_max = nice_max(max((v for _, values in series for v in values), default=0))
    body, step = _axes(y_max, "", categories)
    plot_h = HEIGHT - TOP - BOTTOM
    bar_w = step * 0.8 / max(1, len(series))
    labels: list[tuple[float, float, str]] = []
    for s, (name, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        for i, value in enumerate(values):
            height = plot_h * value / y_max
            x = LEFT + step * i + step * 0.1 + bar_w * s
            y = TOP + plot_h - height
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{height:.1f}"'
                f' fill="{colour}"><title>{escape(name)} {escape(categories[i])}:'
                f" {escape(_number(value))}</title></rect>"
            )
            if value:
                labels.append((x + bar_w / 2, y - 3, _number(value)))
    for (x, _, text), y in zip(labels, _placed(labels, VALUE_FONT), strict=True):
        body.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle"'
            f' font-size="{VALUE_FONT}" fill="#222">{escape(text)}</text>'
        )
    return _frame(ident, title, description, body, _legend([name for name, _ in series], False))


def line_chart(
    ident: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    y_max: float = 100.0,
    unit: str = " %",
) -> Markup:
    """One line per series; None leaves a gap. The y axis runs from 0 to ``y_max``."""
    body, step = _axes(y_max, unit, categories)
    plot_h = HEIGHT - TOP - BOTTOM
    labels: list[tuple[float, float, str]] = []
    colours: list[str] = []
    for s, (name, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        shape = MARKERS[s % len(MARKERS)]
        runs: list[list[tuple[float, float]]] = [[]]
        for i, value in enumerate(values):
            if value is None:
                runs.append([])
                continue
            point = (LEFT + step * (i + 0.5), TOP + plot_h - plot_h * min(value, y_max) / y_max)
            runs[-1].append(point)
            body.append(_marker(shape, *point, colour))
            labels.append((point[0], point[1] - 8, _number(value)))
            colours.append(colour)
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                body.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}"'
                    f' stroke-width="2"><title>{escape(name)}</title></polyline>'
                )
    for (x, _, text), y, colour in zip(labels, _placed(labels, VALUE_FONT), colours, strict=True):
        body.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle"'
            f' font-size="{VALUE_FONT}" fill="{colour}">{escape(text)}</text>'
        )
    return _frame(ident, title, description, body, _legend([name for name, _ in series], True))
