"""What a learner studied, per course: read from the weekly summaries (models.StudyWeek),
which services.py writes in the same transaction as the time entries.

A learner with a year of daily entries on a course has 52 rows here instead of 365
entries, and the figures below are folded from them in one query whatever their number.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .models import StudyWeek


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
    """(user_id, course pk) -> figures; one or two queries whatever the number of rows.

    A pair with nothing logged is absent (read it with `.get(key, EMPTY)`). The weeks of
    each mapping are in date order. `user_ids` may be a queryset of ids (one query then).
    """
    rows = StudyWeek.objects.filter(user_id__in=user_ids)
    if course_ids is not None:
        rows = rows.filter(course_id__in=course_ids)
    gathered: dict[tuple[int, int], list] = {}
    for user_id, course_id, monday, minutes, first, last in rows.order_by("week_start").values_list(
        "user_id", "course_id", "week_start", "minutes", "first_date", "last_date"
    ):
        figures = gathered.get((user_id, course_id))
        if figures is None:
            # Weeks come in date order: the first one seen holds the first activity.
            gathered[(user_id, course_id)] = [minutes, {monday: minutes}, last, first]
        else:
            figures[0] += minutes
            figures[1][monday] = minutes
            figures[2] = last
    return {key: StudyFigures(*figures) for key, figures in gathered.items()}
