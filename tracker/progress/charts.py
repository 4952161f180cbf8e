"""Chart geometry for server-rendered SVG (no JavaScript): burn-up and hours per week.

The templates draw what these functions compute; each chart also comes with the rows of
its table alternative. Both charts have a date axis (the x position of a day is its
distance from the first day shown). The burn-up's projection is the progress model's
(tracker/progress/verdicts.py, the overall verdict): from today's hours, at the pace the
model projects, to its projected finish; the due date is drawn where it falls. Hand
written: no charting library draws SVG on the server without JavaScript or inline styles.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from html import escape

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from . import verdicts
from .durations import format_hours
from .models import week_start as monday
from .selectors import Overview

WIDTH = 560
HEIGHT = 260
LEFT = 60  # room for the hour labels
BOTTOM = 30  # room for the date labels
TOP = 22  # room for the markers' labels (today, due date)
RIGHT = 16
WEEKS_SHOWN = 12
MAX_DATE_TICKS = 5
MARKER_CHAR_WIDTH = 8  # about, in the SVG's units, for a marker's label on a phone
# A date under the axis is drawn at 17 px on a phone (app.css): about 0.6 em a character.
DATE_CHAR_WIDTH = 10
# How far past today the burn-up may reach when the projected finish is later than the
# due date: far enough to see it is late, not so far that the past becomes a sliver.
PROJECTION_HORIZON = datetime.timedelta(weeks=26)
END_MARGIN = datetime.timedelta(weeks=1)
TICK_FORMAT = "j N"  # "2 mars", "2 March": a day and its month, no year


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # "2026-03-02: 4,5 h"


@dataclass
class Marker:
    """A vertical line at a date with its label: today's at the foot of its line, on the
    right (under the projection, where the plot is empty), the due date's above the plot;
    so the two never cover each other."""

    x: float
    label: str
    css_class: str
    anchor: str = "middle"
    label_x: float = 0
    label_y: float = 0


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom_y: float = HEIGHT - BOTTOM
    date_label_y: float = HEIGHT - BOTTOM + 18
    max_hours: float = 0
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (y, hours label)
    date_ticks: list[tuple[float, str]] = field(default_factory=list)  # (x, "2 mars")
    bars: list[Bar] = field(default_factory=list)
    logged_points: str = ""
    planned_points: str = ""
    projection_points: str = ""
    markers: list[Marker] = field(default_factory=list)
    scope_y: float | None = None
    scope: str = ""
    rows: list[dict] = field(default_factory=list)
    first_label: str = ""
    last_label: str = ""
    # The projection in words (the figure's description): its finish and the date judged.
    finish_label: str = ""
    due_label: str = ""
    due_is_assigned: bool = False

    # The SVG's repeated elements and the table's rows, written here: a template loop over
    # each point costs more than the rest of the dashboard's charts (bench_dashboard.py).
    # Numbers are written as Python writes them, as the templates' {% localize off %} did.
    # Each is written once (`drawn`): a chart kept in the progress cache keeps them too.

    def drawn(self) -> Chart:
        """The chart with its SVG elements and table rows written, for a cache to keep:
        once drawn, it must not change."""
        for name in DRAWN:
            getattr(self, name)
        return self

    # f-strings with only the texts escaped: format_html escaped every number too, which
    # was most of a chart's cost when the dashboard is computed afresh (bench_dashboard.py).

    @cached_property
    def grid_svg(self) -> SafeString:
        """A grid line and its hour label for each tick."""
        left, right, label_x = self.left, self.right, int(self.left) - 6
        return SafeString(
            "".join(
                f'<line x1="{left}" x2="{right}" y1="{y}" y2="{y}" class="grid-line"/>'
                f'<text x="{label_x}" y="{y}" class="axis-label" text-anchor="end">'
                f"{escape(value)}</text>"
                for y, value in self.ticks
            )
        )

    @cached_property
    def date_ticks_svg(self) -> SafeString:
        """A tick under the axis and its date for each date tick (the burn-up)."""
        bottom, foot, label_y = self.bottom_y, int(self.bottom_y) + 5, self.date_label_y
        return SafeString(
            "".join(
                f'<line x1="{x}" x2="{x}" y1="{bottom}" y2="{foot}" class="axis-line"/>'
                + _date_text(x, label_y, label)
                for x, label in self.date_ticks
            )
        )

    @cached_property
    def date_labels_svg(self) -> SafeString:
        """The date of each date tick, under its bar (hours per week)."""
        label_y = self.date_label_y
        return SafeString("".join(_date_text(x, label_y, label) for x, label in self.date_ticks))

    @cached_property
    def bars_svg(self) -> SafeString:
        return SafeString(
            "".join(
                f'<rect x="{b.x}" y="{b.y}" width="{b.width}" height="{b.height}" class="bar">'
                f"<title>{escape(b.label)}</title></rect>"
                for b in self.bars
            )
        )

    @cached_property
    def markers_svg(self) -> SafeString:
        top, bottom = self.top, self.bottom_y
        return SafeString(
            "".join(
                f'<line x1="{m.x}" x2="{m.x}" y1="{top}" y2="{bottom}"'
                f' class="marker {escape(m.css_class)}"/><text x="{m.label_x}" y="{m.label_y}"'
                f' class="marker-label {escape(m.css_class)}" text-anchor="{escape(m.anchor)}">'
                f"{escape(m.label)}</text>"
                for m in self.markers
            )
        )

    @cached_property
    def rows_html(self) -> SafeString:
        """The table's rows: the week, then each figure in its order in the row."""
        return SafeString(
            "".join(
                "<tr>"
                + "".join(
                    f"<td>{escape(v)}</td>" if k == "week" else f'<td class="num">{escape(v)}</td>'
                    for k, v in row.items()
                )
                + "</tr>"
                for row in self.rows
            )
        )


DRAWN = ("grid_svg", "date_ticks_svg", "date_labels_svg", "bars_svg", "markers_svg", "rows_html")


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


def _label(day: datetime.date) -> str:
    return _label_in(day, get_language())


@lru_cache(maxsize=4096)
def _label_in(day: datetime.date, language: str | None) -> str:
    """A short date in `language` (the active one: a key of the cache). The charts label
    a few dozen weeks a view, the same for every learner this week, and Django's
    date_format took a tenth of a freshly computed dashboard's charts."""
    return date_format(day, TICK_FORMAT)


def _hour_ticks(chart: Chart, top: float) -> None:
    chart.ticks = [(_y(t, top), f"{format_hours(t)} h") for t in _scale(top)[1]]


class DateAxis:
    """Days from `first` to `last` across the plot's width."""

    def __init__(self, first: datetime.date, last: datetime.date):
        self.first, self.last = first, max(last, first + datetime.timedelta(days=1))
        self.days = (self.last - self.first).days

    def x(self, day: datetime.date) -> float:
        span = WIDTH - LEFT - RIGHT
        return round(LEFT + (day - self.first).days / self.days * span, 1)

    def ticks(self) -> list[tuple[float, str]]:
        """At most MAX_DATE_TICKS Mondays (short spans) or first days of a month, evenly
        spaced, each with its short date."""
        if self.days <= 7 * 10:
            days = [monday(self.first + datetime.timedelta(days=6))]
            step = max((self.days // 7 + MAX_DATE_TICKS - 1) // MAX_DATE_TICKS, 1)
            while days[-1] + datetime.timedelta(weeks=step) <= self.last:
                days.append(days[-1] + datetime.timedelta(weeks=step))
        else:
            month = self.first.replace(day=1)
            months = []
            while month <= self.last:
                if month >= self.first:
                    months.append(month)
                month = (month + datetime.timedelta(days=32)).replace(day=1)
            step = max((len(months) + MAX_DATE_TICKS - 1) // MAX_DATE_TICKS, 1)
            days = months[::step]
        return [(self.x(day), _label(day)) for day in days if self.first <= day <= self.last]


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
    top, _ticks = _scale(max(hours))
    chart = Chart(max_hours=top)
    _hour_ticks(chart, top)
    slot = (WIDTH - LEFT - RIGHT) / weeks
    for i, (week, value) in enumerate(zip(starts, hours, strict=True)):
        y = _y(value, top)
        chart.bars.append(
            Bar(
                x=round(LEFT + i * slot + slot * 0.15, 1),
                y=y,
                width=round(slot * 0.7, 1),
                height=round(HEIGHT - BOTTOM - y, 1),
                label=_("%(week)s: %(hours)s h")
                % {"week": _label(week), "hours": format_hours(value)},
            )
        )
        # The current week and every third before it carry their date under the bar.
        if (weeks - 1 - i) % 3 == 0:
            chart.date_ticks.append((round(LEFT + (i + 0.5) * slot, 1), _label(week)))
        # Labels are formatted here, once: the tables have a row per week.
        chart.rows.append({"week": week.isoformat(), "hours": format_hours(value)})
    chart.first_label, chart.last_label = starts[0].isoformat(), starts[-1].isoformat()
    return chart


def judged_date(overview: Overview) -> tuple[datetime.date | None, bool]:
    """The date all the open work is judged against: the latest due date of the open
    tracks, courses and assignments, else the latest personal target; and whether it is
    a due date (assigned) rather than the learner's own target."""
    verdicts_open = [t.verdict for t in overview.tracks]
    verdicts_open += [row.verdict for row in overview.other_rows]
    verdicts_open += [a.verdict for a in overview.assignments]
    verdicts_open = [v for v in verdicts_open if v.status != verdicts.DONE]
    due = [v.due_date for v in verdicts_open if v.due_date]
    if due:
        return max(due), True
    targets = [v.target_date for v in verdicts_open if v.target_date]
    return (max(targets) if targets else None), False


def burnup_chart(*, overview: Overview) -> Chart | None:
    """Cumulative hours logged against the planned line and the total effort (scope), with
    the progress model's projection drawn to the due date.

    Planned: each plan accrues its weekly pace from its start date, up to its effort.
    """
    if not overview.rows:
        return None
    today = overview.today
    this_week = monday(today)
    firsts = [row.plan.start_date for row in overview.rows]
    if overview.weekly:
        firsts.append(overview.weekly[0][0])
    if overview.minutes_before_window:
        firsts.append(overview.window_start or this_week)
    first_week = max(monday(min(firsts)), overview.window_start or this_week)
    first_week = min(first_week, this_week)

    due, assigned = judged_date(overview)
    overall = overview.overall
    finish = overall.projected_finish if overall and overall.status != verdicts.DONE else None
    horizon = max(today, due or today) + PROJECTION_HORIZON
    # A week past the last date that matters, so that its marker is not on the frame.
    last_day = max(today, due or today, min(finish or today, horizon)) + END_MARGIN
    axis = DateAxis(first_week, last_day)

    weeks = [first_week]
    while weeks[-1] + datetime.timedelta(weeks=1) <= last_day:
        weeks.append(weeks[-1] + datetime.timedelta(weeks=1))
    scope = sum(float(row.course.effort_hours) for row in overview.rows)

    paces = [
        (float(row.course.effort_hours), float(row.plan.weekly_hours) / 7, row.plan.start_date)
        for row in overview.rows
    ]

    def planned_by(day: datetime.date) -> float:
        return sum(
            min(effort, per_day * max((day - start).days + 1, 0))
            for effort, per_day, start in paces
        )

    logged, planned, rows = [], [], []
    weekly, so_far = iter(overview.weekly), 0  # the weeks logged, in order: a running sum
    pending = next(weekly, None)
    for week in weeks:
        end = min(week + datetime.timedelta(days=6), last_day)
        planned.append((end, planned_by(end)))
        if week <= this_week:
            while pending is not None and pending[0] <= week:
                so_far += pending[1]
                pending = next(weekly, None)
            hours = (overview.minutes_before_window + so_far) / 60
            logged.append((min(end, today), hours))
            rows.append(
                {
                    "week": week.isoformat(),
                    "logged": format_hours(hours),
                    "planned": format_hours(planned_by(min(end, today))),
                }
            )
    now = logged[-1][1]
    projection: list[tuple[datetime.date, float]] = []
    if finish is not None and overall is not None:
        goal = now + overall.remaining_hours
        projection = [(today, now)]
        if finish <= last_day:
            projection.append((finish, goal))
        else:  # cut where the axis ends, on the same straight line
            share = (last_day - today).days / max((finish - today).days, 1)
            projection.append((last_day, now + (goal - now) * share))
    top, _ticks = _scale(max([scope, *(h for _d, h in logged + planned + projection)]))
    chart = Chart(max_hours=top)
    _hour_ticks(chart, top)

    def points(values: list[tuple[datetime.date, float]]) -> str:
        return " ".join(f"{axis.x(day)},{_y(value, top)}" for day, value in values)

    chart.logged_points = points([(first_week, overview.minutes_before_window / 60), *logged])
    chart.planned_points = points([(first_week, planned_by(first_week - datetime.timedelta(1)))])
    chart.planned_points += " " + points(planned)
    chart.projection_points = points(projection) if projection else ""
    chart.date_ticks = axis.ticks()
    # A context: Django's humanize has its own "today" (with a straight apostrophe).
    x, today_label = axis.x(today), pgettext("chart marker", "today")
    foot = HEIGHT - BOTTOM - 8
    if x + 4 + len(today_label) * MARKER_CHAR_WIDTH <= WIDTH:
        chart.markers.append(Marker(x, today_label, "today-marker", "start", x + 4, foot))
    else:  # today is near the end of the axis (nothing projected past it): on the left
        chart.markers.append(Marker(x, today_label, "today-marker", "end", x - 4, foot))
    if due is not None and first_week <= due <= last_day:
        words = _("due %(date)s") if assigned else _("target %(date)s")
        x = axis.x(due)
        label = words % {"date": _label(due)}
        chart.markers.append(Marker(x, label, "due-marker", _anchor(x, label), x, TOP - 6))
        chart.due_label = date_format(due, "DATE_FORMAT")
        chart.due_is_assigned = assigned
    chart.scope_y = _y(scope, top)
    chart.rows = rows
    chart.first_label, chart.last_label = first_week.isoformat(), last_day.isoformat()
    chart.finish_label = date_format(finish, "DATE_FORMAT") if finish else ""
    chart.scope = format_hours(scope)
    return chart


def _date_text(x: float, y: float, label: str) -> str:
    """A date under the axis, leaning inwards near an edge (the burn-up, hours per week)."""
    return (
        f'<text x="{x}" y="{y}" class="axis-label date-label"'
        f' text-anchor="{_anchor(x, label, DATE_CHAR_WIDTH)}">{escape(label)}</text>'
    )


def _anchor(x: float, label: str, char_width: float = MARKER_CHAR_WIDTH) -> str:
    """The text-anchor that keeps a label centred on `x` inside the figure, else leaning
    inwards."""
    half = len(label) * char_width / 2
    return "end" if x + half > WIDTH else "start" if x - half < 0 else "middle"
