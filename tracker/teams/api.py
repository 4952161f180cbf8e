"""Manager endpoints: GET /api/teams/{id}/progress and POST /api/assignments.

A member's summary is the worst of their assignments (all their plans when nothing is
assigned); `assignments` gives each one's verdict, equal to what that learner's
/api/me/tracks says (both read tracker/progress/verdicts.py).

A team one does not manage (or a learner who is not in it) answers 404 or 422 JSON;
unknown tracks and courses answer 404 JSON; refused input answers 422 naming the field.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from courses.models import Course, Track
from tracker.progress.api import TrackProgressOut, _refusal

from . import selectors, services
from .models import NOTE_MAX_LENGTH

router = Router(tags=["teams"])


class AssignmentIn(Schema):
    team: int
    learners: list[int] = Field(
        default_factory=list, description="User ids; empty: the whole team", max_length=10000
    )
    track: str | None = Field(None, max_length=64, description="A track id, or")
    course: str | None = Field(None, max_length=64, description="a course id")
    due_date: datetime.date | None = None
    due_in_days: int | None = Field(None, ge=0, le=services.MAX_DUE_IN_DAYS)
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class AssignmentOut(Schema):
    id: int
    learner: int
    email: str
    track: str | None
    course: str | None
    due_date: datetime.date
    due_overridden: bool
    note: str


class AssignmentProgressOut(TrackProgressOut):
    """An assignment's verdict: for a track, the very object of the learner's
    /api/me/tracks; for a course, the same fields with `course` set."""

    track: str | None  # type: ignore[assignment]
    course: str | None


class MemberProgressOut(Schema):
    id: int
    name: str
    email: str
    assigned: list[str]
    due_date: datetime.date | None
    week_hours: float
    total_hours: float
    percent: float
    projected_finish: datetime.date | None
    status: str | None
    hours_behind: float | None
    last_activity: datetime.date | None
    paused_until: datetime.date | None = Field(
        None,
        description="The last day of the pause the member is in (their own date), beside "
        "the status, which a pause never changes",
    )
    assignments: list[AssignmentProgressOut]


class TeamProgressOut(Schema):
    id: int
    name: str
    members: list[MemberProgressOut]


@router.get("/teams/{team_id}/progress", response=TeamProgressOut, summary="A team's progress")
def team_progress(request: HttpRequest, team_id: int):
    team = selectors.team_get_for_manager(user=request.user, team_id=team_id)
    table = selectors.team_progress(team=team, today=request.user.local_today())
    return {
        "id": team.pk,
        "name": team.name,
        "members": [
            {
                "id": row.member.pk,
                "name": row.member.name,
                "email": row.member.email,
                "assigned": [a.target_code for a in row.assignments],
                "due_date": row.due_date,
                "week_hours": round(row.week_hours, 2),
                "total_hours": round(row.total_hours, 2),
                "percent": row.percent,
                "projected_finish": row.projected_finish,
                "status": row.status or None,
                "hours_behind": row.verdict.hours_behind if row.verdict else None,
                "last_activity": row.last_activity,
                "paused_until": row.paused_until,
                "assignments": [a.as_dict() for a in row.assignments],
            }
            for row in table.rows
        ],
    }


@router.post("/assignments", response={200: list[AssignmentOut]}, summary="Assign training")
def create_assignments(request: HttpRequest, payload: AssignmentIn):
    team = selectors.team_get_for_manager(user=request.user, team_id=payload.team)
    track = get_object_or_404(Track, code=payload.track) if payload.track else None
    course = (
        get_object_or_404(Course, code=payload.course, is_active=True) if payload.course else None
    )
    if payload.learners:
        # Only the team's members are looked up: an id outside the team is named by its
        # id, never answered with someone else's email.
        assignees = list(team.members.filter(pk__in=set(payload.learners)))
        outside = sorted(set(payload.learners) - {u.pk for u in assignees})
        if outside:
            message = f"Not members of this team: {', '.join(map(str, outside))}."
            return _refusal(ValidationError({"learners": message}))
    else:
        assignees = list(team.members.all())
    try:
        assigned = services.assignment_assign(
            actor=request.user,
            team=team,
            assignees=assignees,
            track=track,
            course=course,
            due_date=payload.due_date,
            due_in_days=payload.due_in_days,
            note=payload.note,
        )
    except ValidationError as error:
        return _refusal(error)
    return Status(
        200,
        [
            {
                "id": a.pk,
                "learner": a.assignee_id,
                "email": a.assignee.email,
                "track": a.track.code if a.track_id else None,
                "course": a.course.code if a.course_id else None,
                "due_date": a.due_date,
                "due_overridden": a.due_overridden,
                "note": a.note,
            }
            for a in assigned
        ],
    )
