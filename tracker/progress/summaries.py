"""Study figures per learner and course, by ISO week: what the progress model reads.

The interface shared with issue 14 (summary tables written with the entries). Until those
tables land, the figures are summed from TimeEntry by the database: one GROUP BY (learner,
course, ISO week), whatever the number of entries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import DateField, Func, Max, Min, Sum

from .models import TimeEntry


@dataclass(frozen=True)
class StudyFigures:
    minutes: int  # all minutes logged on that course
    weekly: Mapping[datetime.date, int]  # Monday of each ISO week -> minutes that week
    last_activity: datetime.date | None  # date of the latest entry
    first_activity: datetime.date | None


EMPTY = StudyFigures(0, {}, None, None)


class WeekMonday(Func):
    """The Monday of a date's ISO week, computed by the database with its own functions.

    Hand-written because Django's TruncWeek calls a Python function on every row on
    SQLite, which made a team table's figures several times slower than summing them."""

    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(DATE_TRUNC('week', {sql}) AS date)", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        # strftime('%w') counts from Sunday (0): (w + 6) % 7 days back is the Monday.
        back = f"((CAST(STRFTIME('%%w', {sql}) AS integer) + 6) %% 7)"
        return f"DATE({sql}, '-' || {back} || ' days')", [*params, *params]


def study_figures(
    user_ids: Iterable[int], course_ids: Iterable[int] | None = None
) -> dict[tuple[int, int], StudyFigures]:
    """(user_id, course pk) -> figures; one or two queries whatever the number of rows."""
    entries = TimeEntry.objects.filter(user_id__in=list(user_ids))
    if course_ids is not None:
        entries = entries.filter(course_id__in=list(course_ids))
    weeks: dict[tuple[int, int], dict[datetime.date, int]] = {}
    spans: dict[tuple[int, int], tuple[datetime.date, datetime.date]] = {}
    for user_id, course_id, week, minutes, first, last in (
        entries.annotate(week=WeekMonday("date"))
        .values("user_id", "course_id", "week")
        .annotate(minutes=Sum("minutes"), first=Min("date"), last=Max("date"))
        .values_list("user_id", "course_id", "week", "minutes", "first", "last")
        .order_by()
    ):
        key = (user_id, course_id)
        weeks.setdefault(key, {})[week] = minutes
        if key in spans:
            first, last = min(spans[key][0], first), max(spans[key][1], last)
        spans[key] = (first, last)
    return {
        key: StudyFigures(
            minutes=sum(weekly.values()),
            weekly=weekly,
            last_activity=spans[key][1],
            first_activity=spans[key][0],
        )
        for key, weekly in weeks.items()
    }
