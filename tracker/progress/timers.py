"""The study timer: start it on a course, stop it and log the time studied.

One timer per learner (the database's primary key says so). Only its start instant is
kept, on the server, so it survives reloads, closed tabs and a second device.

Stopping logs the session through services.time_entry_create, the one writer of time
entries, in one transaction: a session is logged whole or not at all. A session is
logged on the learner's calendar days it covers (in their time zone): one that crosses
midnight becomes two entries, and each day keeps its 24 hour limit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Course
from tracker.accounts.models import User

from . import services, sql
from .durations import check_minutes, format_minutes
from .models import StudyTimer, TimeEntry

# A timer left running longer than this was most likely forgotten: ask before logging it.
LONG_SESSION_MINUTES = 8 * 60


def timer_get(*, user: User) -> StudyTimer | None:
    """The learner's running timer with its course's code and title, or None (one query).

    SQL (Manager.raw) for the reason of teams.selectors.assignments_for_learner: the
    dashboard and every course page ask, and the ORM's select_related with `.only()` cost
    several times the query itself."""
    for timer in StudyTimer.objects.raw(
        "SELECT t.user_id, t.course_id, t.started_at, c.code AS course_code,"
        " c.title AS course_title FROM progress_studytimer t"
        " JOIN courses_course c ON c.id = t.course_id WHERE t.user_id = %s",
        [user.pk],
    ):
        timer.course = sql.partial(
            Course,
            timer._state.db,
            id=timer.course_id,
            code=timer.course_code,
            title=timer.course_title,
        )
        return timer
    return None


def elapsed_minutes(*, timer: StudyTimer, now: datetime.datetime | None = None) -> int:
    """Whole minutes since the start, to the nearest minute; under a minute is 0."""
    seconds = ((now or timezone.now()) - timer.started_at).total_seconds()
    if seconds < 60:
        return 0
    return int(seconds // 60) + (1 if seconds % 60 >= 30 else 0)


def session_days(
    *, start: datetime.datetime, minutes: int, tz: datetime.tzinfo
) -> list[tuple[datetime.date, int]]:
    """Split `minutes` studied from `start` into the calendar days (in `tz`) they cover.

    The parts add up to `minutes` exactly; a day with less than half a minute of the
    session gets nothing. Arithmetic is done in UTC, so a DST change is counted right.
    """
    start = start.astimezone(datetime.UTC)
    end = start + datetime.timedelta(minutes=minutes)
    day = start.astimezone(tz).date()
    parts: list[tuple[datetime.date, int]] = []
    logged = 0
    while True:
        midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0))
        midnight = midnight.replace(tzinfo=tz).astimezone(datetime.UTC)
        if midnight >= end:
            parts.append((day, minutes - logged))
            break
        upto = round((midnight - start).total_seconds() / 60)
        parts.append((day, upto - logged))
        logged = upto
        day += datetime.timedelta(days=1)
    return [(day, part) for day, part in parts if part > 0]


def timer_start(*, user: User, course: Course, now: datetime.datetime | None = None) -> StudyTimer:
    """Start the learner's timer on `course`; refused while one is running."""
    running = timer_get(user=user)
    if running is not None:
        raise ValidationError(_running_message(running), code="timer_running")
    try:
        with transaction.atomic():
            return StudyTimer.objects.create(
                user=user, course=course, started_at=now or timezone.now()
            )
    except IntegrityError:  # another device started one at the same instant
        raise ValidationError(
            _running_message(timer_get(user=user)), code="timer_running"
        ) from None


def _running_message(timer: StudyTimer | None) -> str:
    if timer is None:
        return _("A timer is already running: stop it first.")
    return _("A timer is already running on %(course)s: stop it first.") % {
        "course": timer.course.title
    }


@dataclass
class Stopped:
    """What stopping the timer did: the entries logged (none for under a minute)."""

    course: Course
    entries: list[TimeEntry] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(entry.minutes for entry in self.entries)


def timer_stop(
    *,
    user: User,
    minutes: int | None = None,
    note: str = "",
    confirm_long: bool = False,
    now: datetime.datetime | None = None,
) -> Stopped:
    """Stop the timer and log `minutes` (default: the time elapsed) from its start.

    Refused, with nothing written and the timer still running, when the minutes are more
    than the timer ran, when a day would go over 24 hours, or when they are over 8 hours
    and `confirm_long` is not set. Under a minute stops the timer and logs nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        timer = (
            StudyTimer.objects.select_for_update()
            .select_related("course")
            .filter(user=user)
            .first()
        )
        if timer is None:
            raise ValidationError(_("No timer is running."), code="no_timer")
        elapsed = elapsed_minutes(timer=timer, now=now)
        stopped = Stopped(course=timer.course)
        if minutes is None and elapsed == 0:
            timer.delete()
            return stopped
        minutes = elapsed if minutes is None else minutes
        check_minutes_for_timer(minutes=minutes, elapsed=elapsed, confirm_long=confirm_long)
        for day, part in session_days(start=timer.started_at, minutes=minutes, tz=user.tzinfo):
            stopped.entries.append(
                services.time_entry_create(
                    user=user, course=timer.course, date=day, minutes=part, note=note
                )
            )
        timer.delete()
    return stopped


def check_minutes_for_timer(*, minutes: int, elapsed: int, confirm_long: bool) -> None:
    try:
        check_minutes(minutes)
    except ValidationError as error:
        raise ValidationError({"minutes": error.messages}) from None
    if minutes > elapsed:
        raise ValidationError(
            {
                "minutes": _(
                    "The timer ran for %(elapsed)s: log at most that, or use the quick log."
                )
                % {"elapsed": format_minutes(elapsed) if elapsed else _("under a minute")}
            }
        )
    if minutes > LONG_SESSION_MINUTES and not confirm_long:
        raise ValidationError(
            {
                "confirm": _(
                    "%(duration)s is over 8 hours: was the timer left running? Correct "
                    "the duration, or confirm that you studied that long."
                )
                % {"duration": format_minutes(minutes)}
            }
        )


def timer_discard(*, user: User) -> bool:
    """Stop the timer without logging anything. False when none was running."""
    deleted, _rows = StudyTimer.objects.filter(user=user).delete()
    return bool(deleted)
