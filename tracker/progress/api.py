"""The learner's own progress in the JSON API: /api/me/time-entries, /api/me/progress and
/api/me/tracks (both read the progress model, verdicts.py).

Writes go through the same services as the forms. A refusal answers 422 with a
field-level message in the shape ninja uses for its own validation errors; another
learner's entry or an unknown course answers 404.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from courses.models import Course

from . import selectors, services, verdicts
from .models import NOTE_MAX_LENGTH, TimeEntry

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


def _refusal(error: ValidationError) -> JsonResponse:
    """A service's ValidationError as a 422 naming each field, like ninja's own errors."""
    details = [
        {"type": "value_error", "loc": ["body", "payload", field], "msg": message}
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


@router.post("/me/time-entries", response={201: TimeEntryOut}, summary="Log time")
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
    return Status(201, TimeEntryOut.from_entry(entry))


@router.delete("/me/time-entries/{entry_id}", response={204: None}, summary="Delete an entry")
def delete_time_entry(request: HttpRequest, entry_id: int):
    entry = selectors.entry_get_for_user(user=request.user, entry_id=entry_id)
    services.time_entry_delete(entry=entry)
    return Status(204, None)


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
