"""Charts drawn on the server as SVG: the downloadable chart (the same series as the page's
canvas chart) and the overview's sparklines."""

from __future__ import annotations

import math
from typing import Any
from xml.sax.saxutils import escape

PALETTE = ["#0b4f8a", "#b35c00", "#1d6b2f", "#7a1f6b", "#4a5260", "#a4161a"]


def axis_ticks(top: float, integer: bool) -> list[float]:
    """Five or so evenly spaced values from 0 to at least ``top``; whole numbers for counts
    (a count axis never reads 0.75 people)."""
    if top <= 0:
        return [0, 1] if integer else [0, 0.25, 0.5, 0.75, 1]
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integer:
        step = max(1, math.ceil(step))
    count = math.ceil(top / step)
    return [round(step * i, 6) for i in range(count + 1)]


def _runs(values: list[float | None]) -> list[list[tuple[int, float]]]:
    """The unbroken stretches of a series: a hidden or missing value is a gap, never bridged."""
    runs: list[list[tuple[int, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((index, value))
    return [run for run in runs if run]


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:g}"


def chart_svg(title: str, chart: dict[str, Any], width: int = 720, height: int = 360) -> str:
    labels: list[str] = chart["labels"]
    series = chart["series"]
    values = [v for s in series for v in s["values"] if v is not None]
    if chart.get("target") is not None:
        values.append(chart["target"])
    ticks = axis_ticks(max(values) if values else 0, bool(chart.get("integer")))
    top = ticks[-1]
    legend_rows = math.ceil(len(series) / 4) + (1 if chart.get("target") is not None else 0)
    left, right, upper, lower = 60, 20, 40, 50 + 18 * legend_rows
    plot_w, plot_h = width - left - right, height - upper - lower

    def x(index: int) -> float:
        return left + (plot_w * index / max(1, len(labels) - 1))

    def y(value: float) -> float:
        return upper + plot_h - plot_h * value / top

    text = 'font-family="sans-serif" font-size="11" fill="#4a5260"'
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#fff"/>',
        f'<text x="{left}" y="24" font-family="sans-serif" font-size="15" fill="#1b1e23">{escape(title)}</text>',
    ]
    for value in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#dde2e8"/>'
        )
        parts.append(
            f'<text x="{left - 8}" y="{y(value) + 4:.1f}" {text} text-anchor="end">{_number(value)}</text>'
        )
    for index, label in enumerate(labels):
        parts.append(
            f'<text x="{x(index):.1f}" y="{upper + plot_h + 18}" {text} text-anchor="middle">{escape(label)}</text>'
        )
    legend_top = upper + plot_h + 40
    for number, item in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        for run in _runs(item["values"]):
            if len(run) > 1:
                path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>'
                )
            for i, v in run:
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}"/>')
        legend_x = left + (number % 4) * 160
        legend_y = legend_top + (number // 4) * 18
        parts.append(
            f'<rect x="{legend_x}" y="{legend_y - 9}" width="12" height="12" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{legend_x + 16}" y="{legend_y + 1}" font-family="sans-serif" font-size="11" fill="#1b1e23">{escape(item["label"])}</text>'
        )
    if chart.get("target") is not None:
        target_y = y(chart["target"])
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{target_y:.1f}" y2="{target_y:.1f}" stroke="#1b1e23" stroke-dasharray="6 4"/>'
        )
        legend_y = legend_top + math.ceil(len(series) / 4) * 18
        parts.append(
            f'<line x1="{left}" x2="{left + 12}" y1="{legend_y - 3}" y2="{legend_y - 3}" stroke="#1b1e23" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{left + 16}" y="{legend_y + 1}" font-family="sans-serif" font-size="11" fill="#1b1e23">{escape(chart.get("targetLabel") or "")} {_number(chart["target"])}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def sparkline_svg(values: list[float | None], width: int = 96, height: int = 24) -> str:
    """A small line of a row's figures, gaps for hidden ones, the last figure marked. It only
    repeats what the row's text says, so it is hidden from screen readers."""
    present = [v for v in values if v is not None]
    parts = [
        f'<svg class="sparkline" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false">'
    ]
    if present:
        low, high = min(present), max(present)
        span = (high - low) or 1

        def x(index: int) -> float:
            return 2 + (width - 4) * index / max(1, len(values) - 1)

        def y(value: float) -> float:
            return height - 3 - (height - 6) * (value - low) / span

        for run in _runs(values):
            if len(run) > 1:
                path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
                parts.append(
                    f'<polyline fill="none" stroke="#0b4f8a" stroke-width="1.5" points="{path}"/>'
                )
            else:
                i, v = run[0]
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="1.5" fill="#0b4f8a"/>')
        if values[-1] is not None:
            parts.append(
                f'<circle cx="{x(len(values) - 1):.1f}" cy="{y(values[-1]):.1f}" r="2.5" fill="#0b4f8a"/>'
            )
    parts.append("</svg>")
    return "".join(parts)
