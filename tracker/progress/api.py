"""The learner's own progress in the JSON API: /api/me/time-entries, /api/me/timer,
/api/me/progress and /api/me/tracks (both read the progress model, verdicts.py).

Writes go through the same services as the forms. A refusal answers 422 with a
field-level message in the shape ninja uses for its own validation errors; another
learner's entry or an unknown course answers 404.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from courses.models import Course

from . import selectors, services, timers, verdicts
from .models import MAX_MINUTES_PER_DAY, NOTE_MAX_LENGTH, StudyTimer, TimeEntry

router = Router(tags=["progress"])


class TimeEntryIn(Schema):
    course: str = Field(description="The course id, e.g. P4-A", max_length=64)
    date: datetime.date
    minutes: int = Field(gt=0, le=24 * 60)
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class TimeEntryOut(Schema):
    id: int
    course: str
    date: datetime.date
    minutes: int
    note: str

    @staticmethod
    def from_entry(entry: TimeEntry) -> dict:
        return {
            "id": entry.pk,
            "course": entry.course.code,
            "date": entry.date,
            "minutes": entry.minutes,
            "note": entry.note,
        }


class TimeEntrySavedOut(TimeEntryOut):
    warning: str | None = Field(
        None,
        description="Set when another entry has the same course, day and duration: a "
        "likely duplicate. The entry is saved all the same.",
    )

    @staticmethod
    def from_saved(entry: TimeEntry) -> dict:
        return TimeEntryOut.from_entry(entry) | {
            "warning": selectors.duplicate_warning(entry=entry)
        }


class TimeEntryPatch(Schema):
    """Any of the fields of a POST; those left out keep their value."""

    course: str | None = Field(None, description="The course id, e.g. P4-A", max_length=64)
    date: datetime.date | None = None
    minutes: int | None = Field(None, gt=0, le=MAX_MINUTES_PER_DAY)
    note: str | None = Field(None, max_length=NOTE_MAX_LENGTH)


class TimerIn(Schema):
    course: str = Field(description="The course id, e.g. P4-A", max_length=64)


class TimerOut(Schema):
    running: bool
    course: str | None = Field(None, description="The course id")
    started: datetime.datetime | None = Field(None, description="When it was started")
    elapsed_minutes: int = Field(0, description="Whole minutes so far (to the nearest)")

    @staticmethod
    def from_timer(timer: StudyTimer | None) -> dict:
        if timer is None:
            return {"running": False}
        return {
            "running": True,
            "course": timer.course.code,
            "started": timer.started_at,
            "elapsed_minutes": timers.elapsed_minutes(timer=timer),
        }


class TimerStoppedOut(Schema):
    course: str
    logged_minutes: int
    entries: list[TimeEntryOut] = Field(
        description="One entry per day the session covers (two when it crossed midnight); "
        "none for under a minute or when discarded."
    )


class Detail(Schema):
    detail: str


class VerdictOut(Schema):
    """A verdict of the progress model (tracker/progress/verdicts.py)."""

    due_date: datetime.date | None = Field(description="From an assignment, or null")
    target_date: datetime.date | None = Field(description="The learner's own target")
    projected_finish: datetime.date | None
    status: str = Field(description=", ".join(verdicts.STATUSES))
    percent: float
    weekly_hours_needed: float | None
    hours_behind: float = Field(description="Hours short of the pace that meets its date")


class CourseProgressOut(VerdictOut):
    course: str
    title: str
    logged_hours: float
    effort_hours: float


class TrackProgressOut(VerdictOut):
    track: str


def _refusal(error: ValidationError, *, location: str = "body") -> JsonResponse:
    """A service's ValidationError as a 422 naming each field, like ninja's own errors."""
    where = ["body", "payload"] if location == "body" else [location]
    details = [
        {"type": "value_error", "loc": [*where, field], "msg": message}
        for field, messages in error.message_dict.items()
        for message in messages
    ]
    return JsonResponse({"detail": details}, status=422)


@router.get("/me/time-entries", response=list[TimeEntryOut], summary="My time entries")
def list_time_entries(
    request: HttpRequest,
    course: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
):
    entries = selectors.entries_for_user(user=request.user, date_from=date_from, date_to=date_to)
    if course:
        entries = entries.filter(course__code=course)
    return [TimeEntryOut.from_entry(entry) for entry in entries]


@router.post("/me/time-entries", response={201: TimeEntrySavedOut}, summary="Log time")
def create_time_entry(request: HttpRequest, payload: TimeEntryIn):
    course = get_object_or_404(Course, code=payload.course, is_active=True)
    try:
        entry = services.time_entry_create(
            user=request.user,
            course=course,
            date=payload.date,
            minutes=payload.minutes,
            note=payload.note,
        )
    except ValidationError as error:
        return _refusal(error)
    return Status(201, TimeEntrySavedOut.from_saved(entry))


@router.patch(
    "/me/time-entries/{entry_id}", response={200: TimeEntrySavedOut}, summary="Edit an entry"
)
def update_time_entry(request: HttpRequest, entry_id: int, payload: TimeEntryPatch):
    """The same checks as the form: 24 h a day, no future date, a real course."""
    entry = selectors.entry_get_for_user(user=request.user, entry_id=entry_id)
    course = entry.course
    if payload.course is not None and payload.course != course.code:
        course = get_object_or_404(Course, code=payload.course, is_active=True)
    try:
        services.time_entry_update(
            entry=entry,
            course=course,
            date=payload.date or entry.date,
            minutes=payload.minutes or entry.minutes,
            # A module belongs to its course: moving the entry to another course drops it.
            module=entry.module if course.pk == entry.course_id else None,
            note=entry.note if payload.note is None else payload.note,
        )
    except ValidationError as error:
        return _refusal(error)
    return TimeEntrySavedOut.from_saved(entry)


@router.delete("/me/time-entries/{entry_id}", response={204: None}, summary="Delete an entry")
def delete_time_entry(request: HttpRequest, entry_id: int):
    entry = selectors.entry_get_for_user(user=request.user, entry_id=entry_id)
    services.time_entry_delete(entry=entry)
    return Status(204, None)


@router.get("/me/timer", response=TimerOut, summary="My study timer")
def get_timer(request: HttpRequest):
    return TimerOut.from_timer(timers.timer_get(user=request.user))


@router.post("/me/timer", response={201: TimerOut, 409: Detail}, summary="Start the study timer")
def start_timer(request: HttpRequest, payload: TimerIn):
    """Start the timer on a course; 409 while one is running (one timer per learner)."""
    course = get_object_or_404(Course, code=payload.course, is_active=True)
    try:
        timer = timers.timer_start(user=request.user, course=course)
    except ValidationError as error:
        return Status(409, {"detail": error.messages[0]})
    return Status(201, TimerOut.from_timer(timer))


@router.delete(
    "/me/timer", response={200: TimerStoppedOut, 404: Detail}, summary="Stop the timer and log"
)
def stop_timer(
    request: HttpRequest,
    minutes: int | None = Query(
        None, gt=0, le=MAX_MINUTES_PER_DAY, description="What to log; default the time elapsed"
    ),
    note: str = Query("", max_length=NOTE_MAX_LENGTH),
    confirm: bool = Query(False, description="Needed to log over 8 hours"),
    discard: bool = Query(False, description="Stop without logging anything"),
):
    """Stop the timer and log the session on the days it covers (in the learner's time
    zone). Under a minute logs nothing; over 8 hours needs `confirm=true`; a day going
    over 24 hours is refused (422) and the timer keeps running."""
    running = timers.timer_get(user=request.user)
    if running is None:
        return Status(404, {"detail": _("No timer is running.")})
    if discard:
        timers.timer_discard(user=request.user)
        return {"course": running.course.code, "logged_minutes": 0, "entries": []}
    try:
        stopped = timers.timer_stop(
            user=request.user, minutes=minutes, note=note, confirm_long=confirm
        )
    except ValidationError as error:
        if not hasattr(error, "error_dict"):  # stopped meanwhile, elsewhere
            return Status(404, {"detail": error.messages[0]})
        return _refusal(error, location="query")
    return {
        "course": stopped.course.code,
        "logged_minutes": stopped.minutes,
        "entries": [TimeEntryOut.from_entry(entry) for entry in stopped.entries],
    }


@router.get("/me/progress", response=list[CourseProgressOut], summary="My progress per course")
def my_progress(request: HttpRequest):
    progress = verdicts.learner_progress(user=request.user)
    return [
        {
            "course": row.course.code,
            "title": row.course.title,
            "logged_hours": round(row.logged_hours, 2),
            "effort_hours": float(row.course.effort_hours),
        }
        | row.verdict.as_dict()
        for row in progress.rows
    ]


@router.get("/me/tracks", response=list[TrackProgressOut], summary="My progress per track")
def my_tracks(request: HttpRequest):
    """Each track the learner follows or was assigned: the very values their manager reads
    for that assignment (GET /api/teams/{id}/progress)."""
    progress = verdicts.learner_progress(user=request.user)
    return [{"track": row.track.code} | row.verdict.as_dict() for row in progress.tracks]


# --- Pauses ---------------------------------------------------------------------------


class PauseIn(Schema):
    start: datetime.date = Field(description="The first day of the pause")
    end: datetime.date = Field(description="The last day of the pause (included)")
    reason: str = Field("", max_length=services.PAUSE_REASON_MAX_LENGTH)


class PauseOut(Schema):
    id: int
    start: datetime.date
    end: datetime.date
    reason: str


def _pause_out(pause) -> dict:
    return {"id": pause.pk, "start": pause.start, "end": pause.end, "reason": pause.reason}


@router.get("/me/pauses", response=list[PauseOut], summary="My pauses")
def list_pauses(request: HttpRequest):
    """Days off the learner declared: they count neither in the pace nor in the hours
    expected; due dates never move."""
    return [_pause_out(pause) for pause in selectors.pauses_for_user(user=request.user)]


@router.post("/me/pauses", response={201: PauseOut}, summary="Declare a pause")
def create_pause(request: HttpRequest, payload: PauseIn):
    """422 when the end is before the start, the pause is longer than a year, or it
    overlaps one of the learner's pauses."""
    try:
        pause = services.pause_create(
            user=request.user, start=payload.start, end=payload.end, reason=payload.reason
        )
    except ValidationError as error:
        return _refusal(error)
    return Status(201, _pause_out(pause))


@router.delete("/me/pauses/{pause_id}", response={204: None}, summary="Delete a pause")
def delete_pause(request: HttpRequest, pause_id: int):
    pause = selectors.pause_get_for_user(user=request.user, pause_id=pause_id)
    services.pause_delete(pause=pause)
    return Status(204, None)
