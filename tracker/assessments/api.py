"""Assessment endpoints of the JSON API (mounted by tracker.api).

* `GET /api/me/assessments`: the learner's snapshots, newest first, with their ratings.
* `POST /api/me/assessments`: submit ratings; makes a snapshot (see `AssessmentIn`).
* `GET|POST /api/teams/{team_id}/members/{user_id}/ratings`: a manager's ratings of a
  team member, beside the member's self-ratings (404 for a team the caller does not
  manage or a user outside it).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from courses.models import Competency, Track

from . import selectors, services
from .models import Assessment, ManagerRating

router = Router(tags=["assessments"])


class RatingIn(Schema):
    competency: str = Field(
        ..., max_length=64, description="The competency's id in the framework (e.g. `mlops`)."
    )
    level: int | None = Field(
        None, ge=1, le=5, description="1 (novice) to 5 (expert); null means not rated."
    )
    note: str = Field("", max_length=2000, description="Optional note.")
    evidence_url: str = Field("", max_length=500, description="Optional http(s) evidence link.")


class AssessmentIn(Schema):
    """Ratings to submit; they go into your open draft (created if none), which is then
    submitted as a snapshot (201). Competencies neither given here nor saved in the draft
    are recorded as not rated. Give `draft_id` (your open draft's id) to make the
    submission idempotent: submitting the same draft again answers the snapshot it
    already made (200) and creates nothing."""

    ratings: list[RatingIn] = Field(..., min_length=1)
    track: str | None = Field(
        None, description="Track id whose targets are recorded; default: the first track."
    )
    draft_id: int | None = Field(None, description="Your open draft's id, for idempotence.")


class RatingOut(Schema):
    competency: str
    name: str
    domain: str
    level: int | None
    descriptor: str = Field(..., description="The chosen level's descriptor, as at the time.")
    target: int | None = Field(..., description="The track's target level at the time.")
    note: str
    evidence_url: str


class AssessmentOut(Schema):
    id: int
    submitted_at: datetime
    track: str | None
    ratings: list[RatingOut]


class ManagerRatingIn(Schema):
    competency: str = Field(..., max_length=64)
    level: int = Field(..., ge=1, le=5)
    note: str = Field("", max_length=2000)


class ManagerRatingOut(Schema):
    id: int
    competency: str
    name: str
    level: int
    note: str
    manager: str
    created: datetime


class SideBySideOut(Schema):
    competency: str
    name: str
    self_level: int | None = Field(..., description="The member's latest self-rating.")
    manager_rating: ManagerRatingOut | None = Field(
        ..., description="The latest manager rating; never averaged with the self-rating."
    )


def _detail(error: ValidationError) -> str:
    return " ".join(error.messages)


def _assessment_out(snapshot: Assessment) -> dict:
    return {
        "id": snapshot.pk,
        "submitted_at": snapshot.submitted_at,
        "track": snapshot.track_code or None,
        "ratings": [
            {
                "competency": r.competency_code,
                "name": r.competency_name,
                "domain": r.domain_name,
                "level": r.level,
                "descriptor": r.descriptor,
                "target": r.target_level,
                "note": r.note,
                "evidence_url": r.evidence_url,
            }
            for r in snapshot.ratings.all()
        ],
    }


def _manager_rating_out(rating: ManagerRating) -> dict:
    return {
        "id": rating.pk,
        "competency": rating.competency_code,
        "name": rating.competency_name,
        "level": rating.level,
        "note": rating.note,
        "manager": str(rating.manager),
        "created": rating.created,
    }


@router.get("/me/assessments", response=list[AssessmentOut])
def my_assessments(request: HttpRequest):
    return [_assessment_out(s) for s in selectors.snapshots_for_user(user=request.user)]


@router.post("/me/assessments", response={200: AssessmentOut, 201: AssessmentOut})
def submit_assessment(request: HttpRequest, payload: AssessmentIn):
    track = None
    if payload.track:
        track = Track.objects.filter(code=payload.track).first()
        if track is None:
            raise HttpError(422, f"Unknown track: {payload.track}.")
    else:
        track = selectors.track_for_learner(user=request.user)
    draft = None
    if payload.draft_id is not None:
        draft = selectors.assessment_get_for_user(user=request.user, assessment_id=payload.draft_id)
    ratings = [services.RatingInput(**r.dict()) for r in payload.ratings]
    try:
        snapshot, created = services.assessment_submit_ratings(
            user=request.user, ratings=ratings, track=track, draft=draft
        )
    except ValidationError as error:
        raise HttpError(422, _detail(error)) from None
    snapshot = selectors.snapshot_get_for_user(user=request.user, assessment_id=snapshot.pk)
    return Status(201 if created else 200, _assessment_out(snapshot))


@router.get("/teams/{team_id}/members/{user_id}/ratings", response=list[SideBySideOut])
def member_ratings(request: HttpRequest, team_id: int, user_id: int):
    _team, member = selectors.team_member_for_manager(
        manager=request.user, team_id=team_id, user_id=user_id
    )
    overview = selectors.assessment_overview(user=member, track=None, with_draft=False)
    return [
        {
            "competency": row.code,
            "name": row.name,
            "self_level": row.latest,
            "manager_rating": row.manager_rating and _manager_rating_out(row.manager_rating),
        }
        for row in overview.rows
    ]


@router.post("/teams/{team_id}/members/{user_id}/ratings", response={201: ManagerRatingOut})
def add_member_rating(request: HttpRequest, team_id: int, user_id: int, payload: ManagerRatingIn):
    team, member = selectors.team_member_for_manager(
        manager=request.user, team_id=team_id, user_id=user_id
    )
    competency = Competency.objects.filter(code=payload.competency, is_active=True).first()
    if competency is None:
        raise HttpError(422, f"Not in the competency framework: {payload.competency}.")
    rating = services.manager_rating_create(
        team=team,
        manager=request.user,
        member=member,
        competency=competency,
        level=payload.level,
        note=payload.note,
    )
    return Status(201, _manager_rating_out(rating))
