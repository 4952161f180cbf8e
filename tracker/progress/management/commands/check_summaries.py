"""`manage.py check_summaries [--fix]`: prove the study summaries equal the entries.

Compares every (learner, course, ISO week) row of StudyWeek and every (learner, course)
row of StudyTotal with SUM, MIN and MAX over the time entries, learner by learner in
batches, and prints each difference. Exit status 0 when they are equal, 1 when any differ.
With --fix, the learners whose rows differ are rebuilt from their entries
(services.study_weeks_rebuild) and the status is 0.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Max, Min, Sum

from tracker.progress import services
from tracker.progress.models import StudyTotal, StudyWeek, TimeEntry

BATCH = services.REBUILD_BATCH

Figures = tuple[int, object, object]  # minutes, first day, last day
# (learner, course, Monday of the week) for a week; (learner, course, None) for a total
Key = tuple[int, int, datetime.date | None]


def summaries_drift() -> list[tuple[Key, Figures | None, Figures | None]]:
    """(key, from the entries, from the summaries) for every week and every course total
    where they differ."""
    user_ids = sorted(
        set(TimeEntry.objects.values_list("user_id", flat=True).distinct())
        | set(StudyWeek.objects.values_list("user_id", flat=True).distinct())
        | set(StudyTotal.objects.values_list("user_id", flat=True).distinct())
    )
    drift = []
    for start in range(0, len(user_ids), BATCH):
        batch = user_ids[start : start + BATCH]
        entries = TimeEntry.objects.filter(user_id__in=batch)
        expected: dict[Key, Figures] = {
            (row.user_id, row.course_id, row.week_start): (
                row.minutes,
                row.first_date,
                row.last_date,
            )
            for row in map(services.study_week_of, services.weekly_sums(entries))
        }
        expected |= {
            (user_id, course_id, None): (minutes, first, last)
            for user_id, course_id, minutes, first, last in entries.values("user_id", "course_id")
            .annotate(total=Sum("minutes"), first=Min("date"), last=Max("date"))
            .values_list("user_id", "course_id", "total", "first", "last")
            .order_by()
        }
        found: dict[Key, Figures] = {
            (user_id, course_id, monday): (minutes, first, last)
            for user_id, course_id, monday, minutes, first, last in StudyWeek.objects.filter(
                user_id__in=batch
            ).values_list(
                "user_id", "course_id", "week_start", "minutes", "first_date", "last_date"
            )
        }
        found |= {
            (user_id, course_id, None): (minutes, first, last)
            for user_id, course_id, minutes, first, last in StudyTotal.objects.filter(
                user_id__in=batch
            ).values_list("user_id", "course_id", "minutes", "first_date", "last_date")
        }
        for key in sorted(expected.keys() | found.keys(), key=_order):
            if expected.get(key) != found.get(key):
                drift.append((key, expected.get(key), found.get(key)))
    return drift


def _order(key: Key) -> tuple:
    user_id, course_id, monday = key
    return (user_id, course_id, monday is not None, monday or datetime.date.min)


class Command(BaseCommand):
    help = "Check that the study summaries equal the time entries (--fix rebuilds them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fix", action="store_true", help="rebuild the learners whose summaries differ"
        )

    def handle(self, *args, fix: bool, **options) -> None:
        drift = summaries_drift()
        for (user_id, course_id, monday), expected, found in drift:
            when = "in all" if monday is None else f"week of {monday}"
            self.stdout.write(
                f"learner {user_id}, course {course_id}, {when}: "
                f"entries {_show(expected)}, summary {_show(found)}"
            )
        if not drift:
            self.stdout.write("The study summaries equal the time entries.")
            return
        weeks = sum(1 for (_user, _course, monday), _e, _f in drift if monday is not None)
        totals = len(drift) - weeks
        if not fix:
            raise CommandError(
                f"{weeks} weeks and {totals} course totals differ from the time entries:"
                " run check_summaries --fix."
            )
        learners = {user_id for (user_id, _course, _week), _e, _f in drift}
        rows = services.study_weeks_rebuild(user_ids=learners)
        self.stdout.write(f"Rebuilt the summaries of {len(learners)} learners ({rows} weeks).")


def _show(figures: Figures | None) -> str:
    if figures is None:
        return "none"
    minutes, first, last = figures
    return f"{minutes} min from {first} to {last}"
