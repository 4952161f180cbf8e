"""Helpers for the progress tests: time entries in bulk and a course with a phase."""

from __future__ import annotations

import datetime

from courses.models import Course
from tests.factories import make_course, make_track
from tracker.progress import services
from tracker.progress.models import TimeEntry
from tracker.progress.summaries import StudyFigures


def log_daily(user, course: Course, *, days: int, minutes: int = 30, end: datetime.date):
    """One entry a day for `days` days ending on `end`, written in a few queries."""
    services.time_entries_bulk_create(
        entries=[
            TimeEntry(
                user=user, course=course, date=end - datetime.timedelta(days=n), minutes=minutes
            )
            for n in range(days)
        ]
    )


def make_track_with_options(code: str = "ai-po"):
    """A track with two phases; phase 1 has options A and B, phase 2 option A."""
    track = make_track(code, phases=2)
    p1, p2 = list(track.phases.all())
    a = make_course(
        f"{code}-P1-A",
        hours="10",
        track=track,
        phase=p1,
        option="A",
        modules=[("Intro", 4), ("Deep", 6)],
    )
    b = make_course(f"{code}-P1-B", hours="20", track=track, phase=p1, option="B")
    c = make_course(f"{code}-P2-A", hours="30", track=track, phase=p2, option="A")
    return track, p1, p2, a, b, c


def figures_from_days(days: dict[datetime.date, int]) -> StudyFigures:
    """The study figures (tracker/progress/summaries.py) of minutes logged per day."""
    weekly: dict[datetime.date, int] = {}
    for day, minutes in days.items():
        week = day - datetime.timedelta(days=day.weekday())
        weekly[week] = weekly.get(week, 0) + minutes
    logged = [day for day, minutes in days.items() if minutes]
    return StudyFigures(
        minutes=sum(days.values()),
        weekly=weekly,
        last_activity=max(logged) if logged else None,
        first_activity=min(logged) if logged else None,
    )
