"""Writes: drafts saved as the learner goes, idempotent submission, manager ratings, and
the demo data `seed_demo` asks for."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Competency, Track, TrackTarget
from tracker.accounts.models import Team, User
from tracker.xapi import services as xapi_outbox

from .models import Assessment, ManagerRating, Rating
from .selectors import framework_competencies


@dataclass(frozen=True)
class RatingInput:
    competency: str  # the competency's code
    level: int | None = None  # None: not rated
    note: str = ""
    evidence_url: str = ""


def _validate_level(level: int | None) -> None:
    if level is not None and not 1 <= level <= 5:
        raise ValidationError({"level": _("Choose a level between 1 and 5, or “not rated”.")})


def validate_evidence_url(url: str) -> None:
    """An evidence link is an http(s) address. The form's field runs this very check, so
    the page refuses at the field what this service refuses."""
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError(_("Enter a full web address (https://…)."), "invalid") from None


def _validate_evidence(url: str) -> None:
    try:
        validate_evidence_url(url)
    except ValidationError as error:
        raise ValidationError({"evidence_url": error.messages}) from None


def assessment_draft_get_or_create(*, user: User, track: Track | None = None) -> Assessment:
    """The learner's open draft, created when there is none. Two tabs racing to create
    it both get the same one: the database allows one draft per learner."""
    draft = Assessment.objects.drafts().filter(user=user).first()
    if draft is None:
        try:
            with transaction.atomic():
                draft = Assessment.objects.create(user=user, track=track)
        except IntegrityError:
            draft = Assessment.objects.drafts().get(user=user)
    if track is not None and draft.track_id != track.pk:
        draft.track = track
        draft.save(update_fields=["track", "updated"])
    return draft


def assessment_rating_save(
    *, assessment: Assessment, competency: Competency, rating: RatingInput
) -> Rating:
    """Save one competency's rating into a draft (a snapshot is never edited)."""
    if not assessment.is_draft:
        raise ValidationError(_("This assessment was submitted; it can no longer change."))
    _validate_level(rating.level)
    _validate_evidence(rating.evidence_url)
    saved, _created = Rating.objects.update_or_create(
        assessment=assessment,
        competency_code=competency.code,
        defaults={
            "competency": competency,
            "level": rating.level,
            "note": rating.note.strip(),
            "evidence_url": rating.evidence_url.strip(),
        },
    )
    Assessment.objects.filter(pk=assessment.pk).update(updated=timezone.now())
    return saved


@transaction.atomic
def assessment_submit(*, assessment: Assessment) -> tuple[Assessment, bool]:
    """Turn a draft into an immutable snapshot. Returns (snapshot, created).

    Idempotent: the draft is claimed with a conditional UPDATE, so a second submission
    (a double click, a stale tab, a concurrent request) changes no row and gets the
    snapshot the first one made.
    """
    now = timezone.now()
    claimed = Assessment.objects.filter(pk=assessment.pk, status=Assessment.Status.DRAFT).update(
        status=Assessment.Status.SUBMITTED, submitted_at=now, updated=now
    )
    snapshot = Assessment.objects.select_related("track").get(pk=assessment.pk)
    if not claimed:
        return snapshot, False
    _copy_framework(snapshot)
    xapi_outbox.outbox_assessment_submitted(assessment=snapshot)
    return snapshot, True


def _track_copy(track: Track | None) -> dict:
    if track is None:
        return {}
    return {
        "track_code": track.code,
        "track_name_fr": track.name_fr,
        "track_name_en": track.name_en,
    }


def _targets_by_competency_id(track: Track | None) -> dict[int, int]:
    if track is None:
        return {}
    return dict(TrackTarget.objects.filter(track=track).values_list("competency_id", "level"))


def _framework_copy(
    competency: Competency, *, position: int, level: int | None, targets: dict[int, int]
) -> dict:
    """What a snapshot's rating keeps of the framework it was taken against."""
    levels = competency.levels
    chosen = levels[level - 1] if level and len(levels) >= level else {}
    return {
        "competency": competency,
        "competency_name_fr": competency.name_fr,
        "competency_name_en": competency.name_en,
        "domain_code": competency.domain.code,
        "domain_name_fr": competency.domain.name_fr,
        "domain_name_en": competency.domain.name_en,
        "position": position,
        "descriptor_fr": chosen.get("fr", ""),
        "descriptor_en": chosen.get("en", ""),
        "target_level": targets.get(competency.pk),
    }


def _copy_framework(snapshot: Assessment) -> None:
    """Copy into the snapshot what it was taken against: every active competency (the
    unrated ones too), its names, domain, chosen descriptor and the track's target."""
    if snapshot.track is not None:
        Assessment.objects.filter(pk=snapshot.pk).update(**_track_copy(snapshot.track))
    targets = _targets_by_competency_id(snapshot.track)
    existing = {r.competency_code: r for r in snapshot.ratings.all()}
    to_update, to_create = [], []
    for position, competency in enumerate(framework_competencies()):
        rating = existing.pop(competency.code, None) or Rating(
            assessment=snapshot, competency_code=competency.code
        )
        copy = _framework_copy(competency, position=position, level=rating.level, targets=targets)
        for name, value in copy.items():
            setattr(rating, name, value)
        (to_update if rating.pk else to_create).append(rating)
    Rating.objects.bulk_update(to_update, list(_COPIED_FIELDS))
    Rating.objects.bulk_create(to_create)
    # Ratings of competencies deactivated since the draft began: not part of this
    # framework any more, so not part of the snapshot.
    Rating.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()


_COPIED_FIELDS = (
    "competency",
    "competency_name_fr",
    "competency_name_en",
    "domain_code",
    "domain_name_fr",
    "domain_name_en",
    "position",
    "descriptor_fr",
    "descriptor_en",
    "target_level",
)


def _competencies_by_code(ratings: list[RatingInput]) -> dict[str, Competency]:
    """The framework's competencies named by `ratings`; every unknown code is an error."""
    codes = [r.competency for r in ratings]
    found = {c.code: c for c in Competency.objects.filter(code__in=codes, is_active=True)}
    unknown = sorted(set(codes) - set(found))
    if unknown:
        raise ValidationError(
            _("Not in the competency framework: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    if len(set(codes)) != len(codes):
        raise ValidationError(_("Each competency may be rated only once."))
    return found


@transaction.atomic
def assessment_submit_ratings(
    *,
    user: User,
    ratings: list[RatingInput],
    track: Track | None = None,
    draft: Assessment | None = None,
) -> tuple[Assessment, bool]:
    """Submit ratings in one go (the API): written into the learner's draft (the given
    one, or their open one), which is then submitted. Submitting an already submitted
    draft again returns its snapshot and creates nothing."""
    if draft is not None and not draft.is_draft:
        return draft, False
    by_code = _competencies_by_code(ratings)
    for rating in ratings:
        _validate_level(rating.level)
        _validate_evidence(rating.evidence_url)
    if not any(r.level is not None for r in ratings):
        raise ValidationError(_("Rate at least one competency."))
    draft = draft or assessment_draft_get_or_create(user=user, track=track)
    if track is not None and draft.track_id != track.pk:
        draft.track = track
        draft.save(update_fields=["track"])
    for rating in ratings:
        assessment_rating_save(
            assessment=draft, competency=by_code[rating.competency], rating=rating
        )
    return assessment_submit(assessment=draft)


def manager_rating_create(
    *,
    team: Team,
    manager: User,
    member: User,
    competency: Competency,
    level: int,
    note: str = "",
) -> ManagerRating:
    """A manager's own rating beside the member's; the caller has checked that `manager`
    manages `team` and `member` belongs to it (selectors.team_member_for_manager)."""
    if level is None or not 1 <= level <= 5:
        raise ValidationError({"level": _("Choose a level between 1 and 5.")})
    return ManagerRating.objects.create(
        team=team,
        manager=manager,
        member=member,
        competency=competency,
        competency_code=competency.code,
        competency_name_fr=competency.name_fr,
        competency_name_en=competency.name_en,
        level=level,
        note=note.strip(),
    )


@transaction.atomic
def seed_assessments(
    *,
    users: list[User],
    track: Track | None = None,
    snapshots: int = 2,
    months_apart: int = 1,
    now: datetime | None = None,
    seed: int = 0,
) -> int:
    """Demo data for `seed_demo`: `snapshots` assessments per learner, one every
    `months_apart` months up to `now`, levels growing slowly. Idempotent: a learner who
    already has snapshots is left alone. Returns the number of snapshots created.

    Written in bulk (a few queries whatever the number of learners), with the same
    framework copies as a real submission."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    now = now or timezone.now()
    competencies = framework_competencies()
    if not competencies:
        return 0
    has_some = set(
        Assessment.objects.submitted()
        .filter(user__in=users)
        .values_list("user_id", flat=True)
        .distinct()
    )
    targets = _targets_by_competency_id(track)
    planned: list[tuple[Assessment, dict[str, int]]] = []
    for user in users:
        if user.pk in has_some:
            continue
        levels = {c.code: rng.randint(1, 3) for c in competencies}
        for index in range(snapshots):
            when = now - timedelta(days=30 * months_apart * (snapshots - 1 - index))
            snapshot = Assessment(
                user=user,
                status=Assessment.Status.SUBMITTED,
                submitted_at=when,
                track=track,
                **_track_copy(track),
            )
            planned.append((snapshot, levels))
            levels = {code: min(level + rng.randint(0, 1), 5) for code, level in levels.items()}
    Assessment.objects.bulk_create([snapshot for snapshot, _levels in planned], batch_size=500)
    Rating.objects.bulk_create(
        [
            Rating(
                assessment=snapshot,
                competency_code=competency.code,
                level=levels[competency.code],
                **_framework_copy(
                    competency, position=position, level=levels[competency.code], targets=targets
                ),
            )
            for snapshot, levels in planned
            for position, competency in enumerate(competencies)
        ],
        batch_size=1000,
    )
    return len(planned)
