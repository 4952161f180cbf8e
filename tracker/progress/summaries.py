"""Study figures per learner and course, by ISO week: what the progress model reads.

The interface shared with issue 14 (summary tables written with the entries). Until those
tables land, the figures are summed from TimeEntry by the database: one GROUP BY (learner,
course, ISO week), whatever the number of entries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Max, Min, Sum
from django.db.models.functions import TruncWeek

from .models import TimeEntry


@dataclass(frozen=True)
class StudyFigures:
    minutes: int  # all minutes logged on that course
    weekly: Mapping[datetime.date, int]  # Monday of each ISO week -> minutes that week
    last_activity: datetime.date | None  # date of the latest entry
    first_activity: datetime.date | None


EMPTY = StudyFigures(0, {}, None, None)


def study_figures(
    user_ids: Iterable[int], course_ids: Iterable[int] | None = None
) -> dict[tuple[int, int], StudyFigures]:
    """(user_id, course pk) -> figures; one or two queries whatever the number of rows."""
    entries = TimeEntry.objects.filter(user_id__in=list(user_ids))
    if course_ids is not None:
        entries = entries.filter(course_id__in=list(course_ids))
    weeks: dict[tuple[int, int], list[tuple[datetime.date, int, datetime.date, datetime.date]]]
    weeks = {}
    for user_id, course_id, week, minutes, first, last in (
        entries.annotate(week=TruncWeek("date"))
        .values("user_id", "course_id", "week")
        .annotate(minutes=Sum("minutes"), first=Min("date"), last=Max("date"))
        .values_list("user_id", "course_id", "week", "minutes", "first", "last")
        .order_by()
    ):
        if isinstance(week, datetime.datetime):  # some backends truncate to a datetime
            week = week.date()
        weeks.setdefault((user_id, course_id), []).append((week, minutes, first, last))
    return {
        key: StudyFigures(
            minutes=sum(minutes for _w, minutes, _f, _l in rows),
            weekly={week: minutes for week, minutes, _f, _l in rows},
            last_activity=max(last for *_rest, last in rows),
            first_activity=min(first for _w, _m, first, _l in rows),
        )
        for key, rows in weeks.items()
    }
