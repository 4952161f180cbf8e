"""Small factory functions for tests: plain code over fixtures files."""

from __future__ import annotations

import itertools
from decimal import Decimal

from courses.models import (
    Competency,
    CompetencyDomain,
    Course,
    Module,
    Phase,
    PhaseOption,
    Track,
    TrackTarget,
)
from tracker.accounts.models import Membership, Team, User

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_user(email: str | None = None, **extra) -> User:
    n = next(_seq)
    email = email or f"user{n}@example.test"
    extra.setdefault("name", email.split("@")[0].title())
    return User.objects.create_user(email=email, password=PASSWORD, **extra)


def make_team(name: str | None = None, *, managers=(), members=()) -> Team:
    team = Team.objects.create(name=name or f"Team {next(_seq)}")
    team.managers.add(*managers)
    for member in members:
        Membership.objects.create(team=team, user=member)
    return team


def make_track(code: str = "ai-po", *, phases: int = 2) -> Track:
    track = Track.objects.create(code=code, name_fr=f"Parcours {code}", name_en=f"Track {code}")
    for i in range(1, phases + 1):
        Phase.objects.create(
            track=track, code=f"P{i}", order=i, name_fr=f"Phase {i}", name_en=f"Phase {i}"
        )
    return track


def make_course(
    code: str | None = None,
    *,
    hours: str | Decimal = "20",
    modules=(),
    competencies=(),
    **extra,
) -> Course:
    """A course; `competencies` are linked to it and, unless `competency_names` is given,
    listed under their French names as an imported file would."""
    code = code or f"C{next(_seq)}"
    extra.setdefault("title", f"Course {code}")
    extra.setdefault("provider", "Provider")
    extra.setdefault("competency_names", [c.name_fr for c in competencies])
    if extra.get("weekly_hours") is not None:
        extra["weekly_hours"] = Decimal(str(extra["weekly_hours"]))
    course = Course(code=code, effort_text=f"{hours}h", effort_hours=Decimal(str(hours)), **extra)
    course.refresh_search_text()  # as the importer writes it
    course.save()
    for order, (title, module_hours) in enumerate(modules, start=1):
        Module.objects.create(
            course=course,
            order=order,
            title=title,
            hours=None if module_hours is None else Decimal(str(module_hours)),
        )
    course.competencies.add(*competencies)
    if course.phase_id:  # an option of its home phase, as the importer writes it
        PhaseOption.objects.create(phase_id=course.phase_id, course=course)
    return course


def make_option(
    track: Track, phase_code: str, option: str, *, hours: str | Decimal = "20", **extra
) -> Course:
    """Option `option` of phase `phase_code` of `track`, with the id the importer gives it
    (`P4-A`) unless `code` is passed."""
    phase = track.phases.get(code=phase_code)
    code = extra.pop("code", f"{phase_code}-{option}")
    return make_course(code, hours=hours, track=track, phase=phase, option=option, **extra)


def make_competency(
    code: str | None = None, *, domain: CompetencyDomain | None = None, **extra
) -> Competency:
    code = code or f"comp-{next(_seq)}"
    domain = (
        domain
        or CompetencyDomain.objects.get_or_create(
            code="domain", defaults={"name_fr": "Domaine", "name_en": "Domain"}
        )[0]
    )
    extra.setdefault("name_fr", code)
    extra.setdefault("name_en", code)
    extra.setdefault("levels", [{"fr": f"niveau {i}", "en": f"level {i}"} for i in range(1, 6)])
    return Competency.objects.create(code=code, domain=domain, **extra)


def make_target(track: Track, competency: Competency, level: int) -> TrackTarget:
    return TrackTarget.objects.create(track=track, competency=competency, level=level)


def make_snapshot(user: User, levels: dict[str, int | None], *, track: Track | None = None):
    """A submitted self-assessment with `levels` (competency code -> level), made through
    the same services as the page and the API."""
    from tracker.assessments.services import RatingInput, assessment_submit_ratings

    ratings = [RatingInput(competency=code, level=level) for code, level in levels.items()]
    snapshot, _created = assessment_submit_ratings(user=user, ratings=ratings, track=track)
    return snapshot


def make_catalogue(size: int, *, track_code: str = "big") -> Track:
    """A catalogue of `size` courses spread over three phases, each with modules, linked
    competencies and one name the framework does not know: for query-count tests."""
    comps = [make_competency(f"{track_code}-comp-{n}") for n in range(3)]
    track = make_track(track_code, phases=3)
    phases = list(track.phases.order_by("order"))
    for n in range(size):
        linked = comps[: n % 3 + 1]
        make_course(
            f"{track_code}-{n:03}",
            track=track,
            phase=phases[n % 3],
            competencies=linked,
            competency_names=["Unknown name", *(c.name_fr for c in linked)],
            modules=[("One", 2), ("Two", 3)],
        )
    return track
