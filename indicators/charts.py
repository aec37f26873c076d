"""A chart as SVG, drawn on the server: the same series as the dashboard's canvas chart."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

PALETTE = ["#0b4f8a", "#b35c00", "#1d6b2f", "#7a1f6b", "#4a5260", "#a4161a"]


def chart_svg(title: str, chart: dict[str, Any], width: int = 720, height: int = 360) -> str:
    labels: list[str] = chart["labels"]
    series = chart["series"]
    values = [v for s in series for v in s["values"] if v is not None]
    if chart.get("target") is not None:
        values.append(chart["target"])
    top = max(values) if values else 1
    top = top * 1.1 if top > 0 else 1
    left, right, upper, lower = 60, 20, 40, 70
    plot_w, plot_h = width - left - right, height - upper - lower

    def x(index: int) -> float:
        return left + (plot_w * index / max(1, len(labels) - 1))

    def y(value: float) -> float:
        return upper + plot_h - plot_h * value / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#fff"/>',
        f'<text x="{left}" y="24" font-family="sans-serif" font-size="15" fill="#1b1e23">{escape(title)}</text>',
    ]
    for step in range(5):
        value = top * step / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#dde2e8"/>'
        )
        parts.append(
            f'<text x="{left - 8}" y="{y(value) + 4:.1f}" font-family="sans-serif" font-size="11" text-anchor="end" fill="#4a5260">{value:.0f}</text>'
        )
    for index, label in enumerate(labels):
        parts.append(
            f'<text x="{x(index):.1f}" y="{height - lower + 18}" font-family="sans-serif" font-size="11" text-anchor="middle" fill="#4a5260">{escape(label)}</text>'
        )
    if chart.get("target") is not None:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(chart["target"]):.1f}" y2="{y(chart["target"]):.1f}" stroke="#1b1e23" stroke-dasharray="6 4"/>'
        )
    for number, item in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        points = [(x(i), y(v)) for i, v in enumerate(item["values"]) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>'
            )
        for px, py in points:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"/>')
        legend_y = height - 22
        legend_x = left + number * 150
        parts.append(
            f'<rect x="{legend_x}" y="{legend_y - 9}" width="12" height="12" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{legend_x + 16}" y="{legend_y + 1}" font-family="sans-serif" font-size="11" fill="#1b1e23">{escape(item["label"])}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
