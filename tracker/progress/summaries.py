"""What a learner studied, per course: read from the summaries (models.StudyTotal per
course, models.StudyWeek per ISO week), which services.py writes in the same transaction
as the time entries.

A learner with a year of daily entries on a course has one total and 52 weeks here
instead of 365 entries, and the figures below are read in two queries whatever their
number.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from . import sql


class StudyFigures(NamedTuple):  # a NamedTuple: immutable, and quick to make (verdicts.py)
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
    be a queryset of ids (it is then a subquery).
    """
    if (users := sql.among("user_id", user_ids)) is None:
        return {}
    where, params = users
    if course_ids is not None:
        if (courses := sql.among("course_id", course_ids)) is None:
            return {}
        where, params = f"{where} AND {courses[0]}", [*params, *courses[1]]
    # In SQL (progress/sql.py): read on every dashboard view and for every team page. The
    # totals, first and last activity are StudyTotal's (a row per course, whatever the
    # history); the weeks in date order within each course, as the index on (user,
    # week_start, course) returns them: no sort, and with `since` only the recent ones.
    recent = "" if since is None else " AND week_start > %s"
    weekly: dict[tuple[int, int], dict[datetime.date, int]] = {}
    for user_id, course_id, monday, minutes in sql.select(
        "SELECT user_id, course_id, week_start, minutes FROM progress_studyweek"  # noqa: S608
        f" WHERE {where}{recent} ORDER BY user_id, week_start, course_id",
        params if since is None else [*params, since - WEEK],
    ):
        weeks = weekly.get((user_id, course_id))
        if weeks is None:
            weeks = weekly[(user_id, course_id)] = {}
        weeks[monday] = minutes
    return {
        (user_id, course_id): StudyFigures(total, weekly.get((user_id, course_id), {}), last, first)
        for user_id, course_id, total, first, last in sql.select(
            "SELECT user_id, course_id, minutes, first_date, last_date"  # noqa: S608
            f" FROM progress_studytotal WHERE {where}",
            params,
        )
    }


def weekly_minutes(
    user_ids: Iterable[int], *, since: datetime.date, until: datetime.date
) -> dict[datetime.date, int]:
    """Monday of each ISO week from `since`'s to `until`'s -> the minutes these learners
    logged that week, all courses together (a team's hours per week). One query, grouped
    by the database: a team of 200 over 12 weeks reads at most 12 rows. Weeks with nothing
    logged are absent. `user_ids` may be a queryset of ids (a subquery)."""
    if (users := sql.among("user_id", user_ids)) is None:
        return {}
    where, params = users
    # In SQL, like study_figures: the ORM compiling this grouped query took 1.3 ms of
    # each team page computing its trends, the database 0.5 ms.
    return {
        sql.date(monday): total
        for monday, total in sql.select(
            "SELECT week_start, SUM(minutes) FROM progress_studyweek"  # noqa: S608
            f" WHERE {where} AND week_start > %s AND week_start <= %s GROUP BY week_start",
            [*params, since - WEEK, until],
        )
    }
