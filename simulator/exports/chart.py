"""Geometry of the mood chart (irritation and trust, 0-10, after each tenant turn).

Computed here and drawn by the HTML template as inline SVG, so the report needs no script, no
font and no network, and prints crisply.
"""

from __future__ import annotations

WIDTH, HEIGHT = 660, 210
LEFT, RIGHT, TOP, BOTTOM = 34, 16, 12, 30


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if count == 1 else span * index / (count - 1))


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - max(0.0, min(10.0, value)) / 10)


def mood_chart(points: list[tuple[int, float, float]]) -> dict | None:
    """{"width", "height", "grid": [(y, label)], "ticks": [(x, label)], "series": {...}}."""
    if not points:
        return None
    n = len(points)
    series = {}
    for key, column in (("irritation", 1), ("trust", 2)):
        dots = [
            (round(_x(i, n), 1), round(_y(p[column]), 1), p[column]) for i, p in enumerate(points)
        ]
        series[key] = {"points": " ".join(f"{x},{y}" for x, y, _ in dots), "dots": dots}
    step = max(1, n // 12)  # at most ~12 tick labels, so they never overlap
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "grid": [(round(_y(v), 1), v) for v in range(0, 11, 2)],
        "ticks": [(round(_x(i, n), 1), p[0]) for i, p in enumerate(points) if i % step == 0],
        "series": series,
    }
