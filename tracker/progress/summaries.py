"""What a learner studied, per course: read from the weekly summaries (models.StudyWeek),
which services.py writes in the same transaction as the time entries.

A learner with a year of daily entries on a course has 52 rows here instead of 365
entries, and the figures below are read in two queries whatever their number.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Max, Min, QuerySet, Sum
from django.db.models.expressions import RawSQL

from .models import StudyWeek


@dataclass(frozen=True)
class StudyFigures:
    minutes: int  # all minutes logged on that course
    weekly: Mapping[datetime.date, int]  # Monday of each ISO week -> minutes that week
    last_activity: datetime.date | None  # date of the latest entry
    first_activity: datetime.date | None


EMPTY = StudyFigures(0, {}, None, None)
WEEK = datetime.timedelta(weeks=1)


def study_figures(
    user_ids: Iterable[int],
    course_ids: Iterable[int] | None = None,
    *,
    since: datetime.date | None = None,
) -> dict[tuple[int, int], StudyFigures]:
    """(user_id, course pk) -> figures; one or two queries whatever the number of rows.

    A pair with nothing logged is absent (read it with `.get(key, EMPTY)`). The weeks of
    each mapping are in date order. With `since`, `weekly` holds only the weeks from the
    one `since` falls in: what a reader of recent weeks needs, without bringing a year of
    weeks into Python (the totals, first and last activity stay all-time). `user_ids` may
    be a queryset of ids (it is then a subquery) or ids_sql(ids).
    """
    if not isinstance(user_ids, QuerySet | RawSQL):
        user_ids = list(user_ids)  # read twice below
    rows = StudyWeek.objects.filter(user_id__in=user_ids)
    if course_ids is not None:
        rows = rows.filter(course_id__in=list(course_ids))
    recent = rows if since is None else rows.filter(week_start__gt=since - WEEK)
    # Two queries rather than one that also reads each week's first and last day: the
    # database finds the first and last activity itself, and Python converts one date per
    # week instead of three (a team of 200 has some 10,000 weeks in a year).
    weekly: dict[tuple[int, int], dict[datetime.date, int]] = {}
    for user_id, course_id, monday, minutes in recent.order_by(
        "user_id",
        "course_id",
        "week_start",  # the order of the unique index: no sort
    ).values_list("user_id", "course_id", "week_start", "minutes"):
        weeks = weekly.get((user_id, course_id))
        if weeks is None:
            weeks = weekly[(user_id, course_id)] = {}
        weeks[monday] = minutes
    return {
        (user_id, course_id): StudyFigures(total, weekly.get((user_id, course_id), {}), last, first)
        for user_id, course_id, total, first, last in rows.order_by()
        .values("user_id", "course_id")
        .annotate(total=Sum("minutes"), first=Min("first_date"), last=Max("last_date"))
        .values_list("user_id", "course_id", "total", "first", "last")
    }


def ids_sql(ids: list[int]) -> RawSQL:
    """Ids read from the database, as the right-hand side of an `__in` filter passed to
    the database as they are (`IN (%s, %s, ...)`): a list is prepared id by id by the
    field, about 4 microseconds an id (reminders.kinds.ids_in). `ids` must not be empty."""
    return RawSQL(", ".join(["%s"] * len(ids)), ids)  # noqa: S611 - placeholders only


def weekly_minutes(
    user_ids: Iterable[int], *, since: datetime.date, until: datetime.date
) -> dict[datetime.date, int]:
    """Monday of each ISO week from `since`'s to `until`'s -> the minutes these learners
    logged that week, all courses together (a team's hours per week). One query, grouped
    by the database: a team of 200 over 12 weeks reads at most 12 rows. Weeks with nothing
    logged are absent. `user_ids` may be a queryset of ids (a subquery)."""
    if not isinstance(user_ids, QuerySet):
        user_ids = list(user_ids)
    rows = (
        StudyWeek.objects.filter(
            user_id__in=user_ids, week_start__gt=since - WEEK, week_start__lte=until
        )
        .order_by()
        .values("week_start")
        .annotate(total=Sum("minutes"))
        .values_list("week_start", "total")
    )
    return dict(rows)
