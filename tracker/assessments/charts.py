"""Server-rendered SVG geometry for the assessment charts: numbers only, the templates draw.

The radar (latest, previous and target levels on one figure) and the small multiples of
the history (one little line chart per competency: its level at each assessment). Hand
written: a few polygons and polylines; no charting library renders SVG on the server
without JavaScript or inline styles.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_LEVEL = 5
LEVELS = range(1, MAX_LEVEL + 1)

# The radar's box: the plot, then room around it for the axis names (wrapped, at most
# LABEL_LINES lines of LABEL_CHARS characters, in type of 12 to 12.5 units: see
# assessments.css; tests/test_assessments.py checks that the names stay inside and apart).
RADAR_RADIUS = 130
RADAR_PAD_X = 148
RADAR_PAD_Y = 62
LABEL_GAP = 12
LABEL_CHARS = 18
LABEL_LINES = 3
# A name straight above or below the centre is centred on its axis: narrower, so that it
# clears its neighbours' names (which start or end near it), and on up to three lines.
LABEL_CHARS_CENTRED = 12
LABEL_LINES_CENTRED = 3
LINE_HEIGHT = 14
# On a phone the names do not fit around the plot at a readable size (the whole radar is
# some 350 px wide there, names in type of 8 px): the compact radar, which phones show
# instead, numbers its axes and keeps room around the plot for those numbers only; a
# numbered key under it names them (assessments/_radar.html, assessments.css).
NUMBER_PAD = 26
NUMBER_GAP = 13


@dataclass(frozen=True)
class RadarSeries:
    label: str
    css_class: str
    levels: list[int | None]  # one per axis; None (not rated) sits at the centre


@dataclass(frozen=True)
class RadarLabel:
    lines: list[str]  # the axis name, wrapped
    x: float
    y: float  # the first line's baseline
    anchor: str  # SVG text-anchor
    title: str  # the whole name (a tooltip when the wrap shortened it)

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True)
class RingLabel:
    text: str
    x: float
    y: float


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
    ring_labels: list[RingLabel]  # "1" .. "5" along the first axis
    spokes: list[tuple[float, float]]  # outer end of each axis
    labels: list[RadarLabel]
    polygons: list[RadarPolygon]
    line_height: int = LINE_HEIGHT  # between the lines of a wrapped axis name
    compact: RadarChart | None = None  # the same radar with numbered axes, for phones


def _point(cx: float, cy: float, radius: float, index: int, count: int) -> tuple[float, float]:
    # First axis straight up, then clockwise.
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return round(cx + radius * math.cos(angle), 1), round(cy + radius * math.sin(angle), 1)


def _points(cx, cy, radius_of_axis, count) -> str:
    return " ".join(
        "{},{}".format(*_point(cx, cy, radius_of_axis(i), i, count)) for i in range(count)
    )


def wrap_label(text: str, width: int = LABEL_CHARS, lines: int = LABEL_LINES) -> list[str]:
    """An axis name on at most `lines` lines of about `width` characters (the last one
    ends with "…" when the name is longer)."""
    wrapped = textwrap.wrap(
        text,
        width=width,
        max_lines=lines,
        placeholder=" …",
        break_long_words=False,
        break_on_hyphens=False,
    )
    return wrapped or [""]


def _axis_label(text: str, cx: float, cy: float, index: int, count: int) -> RadarLabel:
    """An axis name beyond the end of its spoke: left of it on the left, right of it on
    the right. A name near the top grows upwards, one near the bottom downwards, the
    others are centred on their spoke's height (so neighbours stack without touching)."""
    x, y = _point(cx, cy, RADAR_RADIUS + LABEL_GAP, index, count)
    anchor = "start" if x > cx + 1 else "end" if x < cx - 1 else "middle"
    if anchor == "middle":
        lines = wrap_label(text, LABEL_CHARS_CENTRED, LABEL_LINES_CENTRED)
    else:
        lines = wrap_label(text)
    block = (len(lines) - 1) * LINE_HEIGHT
    near_vertical = abs(x - cx) < RADAR_RADIUS * 0.5
    if near_vertical and y < cy:  # the block ends just above the spoke's end
        first = y - block - 4
    elif near_vertical and y > cy:  # it starts just under it
        first = y + 12
    else:  # centred on it
        first = y - block / 2 + 4
    return RadarLabel(lines=lines, x=x, y=round(first, 1), anchor=anchor, title=text)


def _axis_number(text: str, cx: float, cy: float, index: int, count: int) -> RadarLabel:
    """The compact radar's axis label: its number, centred just beyond the spoke's end."""
    x, y = _point(cx, cy, RADAR_RADIUS + NUMBER_GAP, index, count)
    return RadarLabel(lines=[str(index + 1)], x=x, y=round(y + 4.5, 1), anchor="middle", title=text)


def radar_chart(*, axes: list[str], series: list[RadarSeries], compact: bool = False) -> RadarChart:
    """The radar with the axes' names around it, and its `compact` twin (numbered axes,
    little room around the plot) for phones."""
    count = max(len(axes), 1)
    pad_x, pad_y = (NUMBER_PAD, NUMBER_PAD) if compact else (RADAR_PAD_X, RADAR_PAD_Y)
    width, height = 2 * (RADAR_RADIUS + pad_x), 2 * (RADAR_RADIUS + pad_y)
    cx, cy = width / 2, height / 2
    rings = [
        _points(cx, cy, lambda _i, level=level: RADAR_RADIUS * level / MAX_LEVEL, count)
        for level in LEVELS
    ]
    ring_labels = [
        RingLabel(str(level), round(cx + 4, 1), round(cy - RADAR_RADIUS * level / MAX_LEVEL, 1))
        for level in LEVELS
    ]
    spokes = [_point(cx, cy, RADAR_RADIUS, i, count) for i in range(count)]
    label = _axis_number if compact else _axis_label
    labels = [label(text, cx, cy, i, count) for i, text in enumerate(axes)]
    polygons = [
        RadarPolygon(
            label=s.label,
            css_class=s.css_class,
            points=_points(
                cx, cy, lambda i, s=s: RADAR_RADIUS * (s.levels[i] or 0) / MAX_LEVEL, count
            ),
        )
        for s in series
    ]
    return RadarChart(
        width,
        height,
        cx,
        cy,
        rings,
        ring_labels,
        spokes,
        labels,
        polygons,
        compact=None if compact else radar_chart(axes=axes, series=series, compact=True),
    )


# --- Small multiples: one competency's level at each assessment -----------------------

SPARK_WIDTH = 220
SPARK_HEIGHT = 96
SPARK_LEFT = 22  # room for the level labels
SPARK_RIGHT = 10
SPARK_TOP = 8
SPARK_BOTTOM = 22  # room for the first and last dates


@dataclass(frozen=True)
class SparkPoint:
    x: float
    y: float
    label: str  # "12 Mar 2026: level 3"


@dataclass(frozen=True)
class LevelLine:
    """One competency over time, drawn in a SPARK_WIDTH x SPARK_HEIGHT box."""

    width: int
    height: int
    left: int
    right: float
    ticks: list[tuple[float, str]]  # (y, "1") .. (y, "5")
    points: list[SparkPoint]  # the rated assessments only
    segments: list[str]  # polylines between consecutive rated assessments
    target_y: float | None
    first_date: str
    last_date: str
    bottom: float


def _spark_y(level: float) -> float:
    plot = SPARK_HEIGHT - SPARK_TOP - SPARK_BOTTOM
    return round(SPARK_HEIGHT - SPARK_BOTTOM - (level - 1) / (MAX_LEVEL - 1) * plot, 1)


def level_line(*, levels: list[int | None], dates: list[str], target: int | None) -> LevelLine:
    """`levels` and their `dates` oldest first (one per assessment; None: not rated then).
    A gap (not rated) breaks the line."""
    span = SPARK_WIDTH - SPARK_LEFT - SPARK_RIGHT
    step = span / max(len(levels) - 1, 1)
    points: list[SparkPoint] = []
    segments: list[str] = []
    run: list[str] = []
    for i, (level, date) in enumerate(zip(levels, dates, strict=True)):
        if level is None:
            if len(run) > 1:
                segments.append(" ".join(run))
            run = []
            continue
        x = round(SPARK_LEFT + (i * step if len(levels) > 1 else span / 2), 1)
        y = _spark_y(level)
        points.append(
            SparkPoint(x, y, _("%(date)s: level %(level)s") % {"date": date, "level": level})
        )
        run.append(f"{x},{y}")
    if len(run) > 1:
        segments.append(" ".join(run))
    return LevelLine(
        width=SPARK_WIDTH,
        height=SPARK_HEIGHT,
        left=SPARK_LEFT,
        right=SPARK_WIDTH - SPARK_RIGHT,
        ticks=[(_spark_y(level), str(level)) for level in LEVELS],
        points=points,
        segments=segments,
        target_y=_spark_y(target) if target else None,
        first_date=dates[0] if dates else "",
        last_date=dates[-1] if dates else "",
        bottom=SPARK_HEIGHT - 10,  # the dates' middle line (axis labels are centred on y)
    )


def change(level: int | None, previous: int | None) -> int | None:
    """The move of a level since the previous assessment (None: one of them not rated)."""
    if level is None or previous is None:
        return None
    return level - previous


def signed(delta: int | None) -> str:
    """+1, -1 (written with a true minus sign, U+2212), 0; an empty string when there is
    nothing to compare."""
    if delta is None:
        return ""
    return f"+{delta}" if delta > 0 else f"\u2212{-delta}" if delta < 0 else "0"
