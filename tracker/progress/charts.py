"""Chart geometry for server-rendered SVG (no JavaScript): burn-up and hours per week.

The templates draw what these functions compute; each chart also comes with the rows of
its table alternative.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .durations import format_hours
from .models import week_start as monday
from .selectors import Overview

WIDTH = 640
HEIGHT = 220
LEFT = 44  # room for the axis labels
BOTTOM = 24
TOP = 10
RIGHT = 10
WEEKS_SHOWN = 12


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # "2026-03-02: 4,5 h"


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom_y: float = HEIGHT - BOTTOM
    max_hours: float = 0
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (y, hours label)
    bars: list[Bar] = field(default_factory=list)
    logged_points: str = ""
    planned_points: str = ""
    scope_y: float | None = None
    scope: str = ""
    rows: list[dict] = field(default_factory=list)
    first_label: str = ""
    last_label: str = ""


def _scale(max_value: float) -> tuple[float, list[float]]:
    """A rounded top of the axis and its tick values."""
    if max_value <= 0:
        return 1.0, [0, 1]
    for step in (0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 2000, 5000):
        if max_value / step <= 5:
            break
    top = step * (int(max_value / step) + (0 if max_value % step == 0 else 1))
    return top, [step * i for i in range(int(top / step) + 1)]


def _y(value: float, top: float) -> float:
    plot = HEIGHT - BOTTOM - TOP
    return round(HEIGHT - BOTTOM - value / top * plot, 1)


def weekly_chart(*, overview: Overview, weeks: int = WEEKS_SHOWN) -> Chart:
    """Hours per week over the last `weeks` weeks, this week included."""
    this_week = monday(overview.today)
    starts = [this_week - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    minutes = dict(overview.weekly)
    return week_bars(starts=starts, hours=[minutes.get(week, 0) / 60 for week in starts])


def week_bars(*, starts: list[datetime.date], hours: list[float]) -> Chart:
    """One bar per week (the Mondays `starts`) of `hours`, with the rows of its table: the
    learner's hours per week, and a team's (teams/trends.py)."""
    weeks = len(starts)
    top, ticks = _scale(max(hours))
    chart = Chart(max_hours=top)
    chart.ticks = [(_y(t, top), format_hours(t)) for t in ticks]
    slot = (WIDTH - LEFT - RIGHT) / weeks
    for i, (week, value) in enumerate(zip(starts, hours, strict=True)):
        y = _y(value, top)
        chart.bars.append(
            Bar(
                x=round(LEFT + i * slot + slot * 0.15, 1),
                y=y,
                width=round(slot * 0.7, 1),
                height=round(HEIGHT - BOTTOM - y, 1),
                label=f"{week.isoformat()}: {format_hours(value)} h",
            )
        )
        # Labels are formatted here, once: the tables have a row per week.
        chart.rows.append({"week": week.isoformat(), "hours": format_hours(value)})
    chart.first_label, chart.last_label = starts[0].isoformat(), starts[-1].isoformat()
    return chart


def burnup_chart(*, overview: Overview) -> Chart | None:
    """Cumulative hours logged against the planned line and the total effort (scope).

    Planned: each plan accrues its weekly pace from its start date, up to its effort.
    """
    if not overview.rows:
        return None
    this_week = monday(overview.today)
    firsts = [row.plan.start_date for row in overview.rows]
    if overview.weekly:
        firsts.append(overview.weekly[0][0])
    if overview.minutes_before_window:
        firsts.append(overview.window_start or this_week)
    first_week = max(monday(min(firsts)), overview.window_start or this_week)
    first_week = min(first_week, this_week)
    weeks = [first_week]
    while weeks[-1] < this_week:
        weeks.append(weeks[-1] + datetime.timedelta(weeks=1))

    scope = sum(float(row.course.effort_hours) for row in overview.rows)
    logged, planned = [], []
    for week in weeks:
        end = min(week + datetime.timedelta(days=6), overview.today)
        so_far = sum(m for w, m in overview.weekly if w <= week)
        logged.append((overview.minutes_before_window + so_far) / 60)
        planned.append(
            sum(
                min(
                    float(row.course.effort_hours),
                    float(row.plan.weekly_hours) * max((end - row.plan.start_date).days + 1, 0) / 7,
                )
                for row in overview.rows
            )
        )
    top, ticks = _scale(max([scope, *logged, *planned]))
    chart = Chart(max_hours=top)
    chart.ticks = [(_y(t, top), format_hours(t)) for t in ticks]
    span = WIDTH - LEFT - RIGHT
    step = span / max(len(weeks) - 1, 1)

    def points(values: list[float]) -> str:
        return " ".join(f"{round(LEFT + i * step, 1)},{_y(v, top)}" for i, v in enumerate(values))

    chart.logged_points = points(logged)
    chart.planned_points = points(planned)
    chart.scope_y = _y(scope, top)
    chart.rows = [
        {"week": week.isoformat(), "logged": format_hours(lg), "planned": format_hours(pl)}
        for week, lg, pl in zip(weeks, logged, planned, strict=True)
    ]
    chart.first_label, chart.last_label = weeks[0].isoformat(), weeks[-1].isoformat()
    chart.scope = format_hours(scope)
    return chart
