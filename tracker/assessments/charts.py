"""Server-rendered SVG geometry for the radar chart: numbers only, the template draws."""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_LEVEL = 5


@dataclass(frozen=True)
class RadarSeries:
    label: str
    css_class: str
    levels: list[int | None]  # one per axis; None (not rated) sits at the centre


@dataclass(frozen=True)
class RadarLabel:
    text: str
    x: float
    y: float
    anchor: str  # SVG text-anchor


@dataclass(frozen=True)
class RadarPolygon:
    label: str
    css_class: str
    points: str


@dataclass(frozen=True)
class RadarChart:
    width: int
    height: int
    cx: float
    cy: float
    rings: list[str]  # polygon points of levels 1..5
    spokes: list[tuple[float, float]]  # outer end of each axis
    labels: list[RadarLabel]
    polygons: list[RadarPolygon]


def _point(cx: float, cy: float, radius: float, index: int, count: int) -> tuple[float, float]:
    # First axis straight up, then clockwise.
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return round(cx + radius * math.cos(angle), 1), round(cy + radius * math.sin(angle), 1)


def _points(cx, cy, radius_of_axis, count) -> str:
    return " ".join(
        "{},{}".format(*_point(cx, cy, radius_of_axis(i), i, count)) for i in range(count)
    )


def radar_chart(
    *, axes: list[str], series: list[RadarSeries], width: int = 640, height: int = 460
) -> RadarChart:
    count = max(len(axes), 1)
    cx, cy = width / 2, height / 2
    radius = min(width, height) / 2 - 70  # room for the axis names
    rings = [
        _points(cx, cy, lambda _i, level=level: radius * level / MAX_LEVEL, count)
        for level in range(1, MAX_LEVEL + 1)
    ]
    spokes = [_point(cx, cy, radius, i, count) for i in range(count)]
    labels = []
    for i, text in enumerate(axes):
        x, y = _point(cx, cy, radius + 14, i, count)
        anchor = "start" if x > cx + 1 else "end" if x < cx - 1 else "middle"
        labels.append(RadarLabel(text=text, x=x, y=y + (4 if y >= cy else 0), anchor=anchor))
    polygons = [
        RadarPolygon(
            label=s.label,
            css_class=s.css_class,
            points=_points(cx, cy, lambda i, s=s: radius * (s.levels[i] or 0) / MAX_LEVEL, count),
        )
        for s in series
    ]
    return RadarChart(width, height, cx, cy, rings, spokes, labels, polygons)
