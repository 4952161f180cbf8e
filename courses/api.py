"""Catalogue endpoints of the JSON API (mounted by tracker.api under /api/).

Authentication (bearer token or session) is the API's default. Reads go through
`courses.selectors`, so an answer costs the same number of queries whatever its size.
Errors are JSON: 401 without credentials, 404 `{"detail": ...}` for an unknown id, 422
`{"detail": [...]}` for a bad query parameter.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import model_validator

from . import selectors
from .models import Competency, CompetencyDomain, Course, Phase, Track, TrackTarget

router = Router(tags=["catalogue"])


class Detail(Schema):
    detail: str = Field(description="What went wrong.")


# --- Courses ---------------------------------------------------------------------------


class ModuleOut(Schema):
    title: str
    hours: float | None = Field(description="Hours of the module, when the file states them.")


class CompetencyRefOut(Schema):
    name: str = Field(description="The name exactly as the course file lists it.")
    competency: str | None = Field(
        description="Id of the framework competency this name matches, or null when it "
        "matches none (see GET /api/competencies)."
    )


class CourseOut(Schema):
    id: str = Field(description="The course id, e.g. P4-A (option A of phase P4).")
    title: str
    provider: str
    effort_hours: float = Field(description="Total effort in hours.")
    weekly_hours: float | None = Field(description="Stated pace in hours a week, or null.")
    price: str = Field(description="The price as written (e.g. 'Gratuit (Audit)').")
    is_free: bool = Field(description="True when the price says free.")
    prestige: int | None = Field(ge=0, le=5, description="0 to 5, or null when unrated.")
    url: str
    badge: str
    track: str | None = Field(description="Id of the course's track, or null (standalone).")
    phase: str | None = Field(description="Code of the course's phase (P1, P2...), or null.")
    option: str = Field(description="The option letter within its phase, or ''.")
    modules: list[ModuleOut] = Field(description="In order.")
    competencies: list[CompetencyRefOut] = Field(
        description="The competencies the course file lists, in its order, each linked to "
        "the framework where it matches."
    )
    description_html: str = Field(description="The body as sanitised HTML.")

    @staticmethod
    def resolve_id(obj: Course) -> str:
        return obj.code

    @staticmethod
    def resolve_effort_hours(obj: Course) -> float:
        return float(obj.effort_hours)

    @staticmethod
    def resolve_weekly_hours(obj: Course) -> float | None:
        return float(obj.weekly_hours) if obj.weekly_hours is not None else None

    @staticmethod
    def resolve_track(obj: Course) -> str | None:
        return obj.track.code if obj.track_id else None

    @staticmethod
    def resolve_phase(obj: Course) -> str | None:
        return obj.phase.code if obj.phase_id else None

    @staticmethod
    def resolve_modules(obj: Course) -> list[dict]:
        return [
            {"title": m.title, "hours": float(m.hours) if m.hours is not None else None}
            for m in obj.modules.all()
        ]

    @staticmethod
    def resolve_competencies(obj: Course) -> list[dict]:
        return [
            {"name": link.name, "competency": link.code} for link in selectors.competency_links(obj)
        ]


class CoursePage(Schema):
    count: int = Field(description="How many courses match, over every page.")
    items: list[CourseOut]


class CourseQuery(Schema):
    q: str = Field("", max_length=200, description="Search in title, provider, description.")
    provider: str = Field("", max_length=200, description="Exact provider name.")
    is_free: bool | None = Field(None, description="true: free only; false: paid only.")
    min_hours: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=2)
    max_hours: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=2)
    competency: str = Field("", max_length=64, description="A competency id.")
    track: str = Field("", max_length=64, description="A track id.")
    phase: str = Field("", max_length=16, description="A phase code (P1, P2...).")
    sort: Literal["title", "effort", "-effort", "-prestige", "code"] = "title"
    limit: int = Field(100, ge=1, le=500, description="Page size (1-500).")
    # Bounded: a number past the database's bigint would fail in the query (a 500).
    offset: int = Field(
        0, ge=0, le=1_000_000, description="How many matching courses to skip (0-1000000)."
    )

    @model_validator(mode="after")
    def _range_is_ordered(self) -> CourseQuery:
        if (
            self.min_hours is not None
            and self.max_hours is not None
            and self.min_hours > self.max_hours
        ):
            raise ValueError("min_hours must not be greater than max_hours")
        return self

    def filters(self) -> selectors.CourseFilters:
        return selectors.CourseFilters(
            q=self.q.strip(),
            provider=self.provider,
            is_free=self.is_free,
            min_hours=self.min_hours,
            max_hours=self.max_hours,
            competency=self.competency,
            track=self.track,
            phase=self.phase,
            sort=self.sort,
        )


@router.get(
    "/courses",
    response={200: CoursePage, 401: Detail},
    summary="List the catalogue's courses",
    description="Active courses matching every given filter, a page at a time "
    "(`limit`, `offset`); `count` is the number of matches over every page.",
)
def list_courses(request: HttpRequest, query: Query[CourseQuery]) -> dict:
    courses = selectors.course_list_with_details(filters=query.filters())
    page = courses[query.offset : query.offset + query.limit]
    return {"count": courses.count(), "items": list(page)}


def _not_found(what: str, key: str) -> HttpError:
    return HttpError(404, f"No {what} with id {key!r}.")


@router.get(
    "/courses/{id}",
    response={200: CourseOut, 401: Detail, 404: Detail},
    summary="One course",
)
def get_course(request: HttpRequest, id: str) -> Course:
    try:
        return selectors.course_get(code=id)
    except Http404:
        raise _not_found("course", id) from None


# --- Tracks ----------------------------------------------------------------------------


class PhaseOut(Schema):
    code: str = Field(description="P1, P2... in the track's order.")
    order: int
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    options: list[CourseOut] = Field(description="The phase's active courses, by option.")

    @staticmethod
    def resolve_options(obj: Phase) -> list[Course]:
        return list(obj.options.all())


class TargetOut(Schema):
    competency: str = Field(description="A competency id.")
    level: int = Field(ge=1, le=5, description="The level the track aims for (1-5).")

    @staticmethod
    def resolve_competency(obj: TrackTarget) -> str:
        return obj.competency.code


class TrackOut(Schema):
    id: str
    name_fr: str
    name_en: str
    description_html: str = Field(description="The track's description as sanitised HTML.")
    phases: list[PhaseOut] = Field(description="In order, each with its options.")
    targets: list[TargetOut] = Field(description="Target level per competency.")

    @staticmethod
    def resolve_id(obj: Track) -> str:
        return obj.code

    @staticmethod
    def resolve_phases(obj: Track) -> list[Phase]:
        return list(obj.phases.all())

    @staticmethod
    def resolve_targets(obj: Track) -> list[TrackTarget]:
        return list(obj.targets.all())


@router.get("/tracks", response={200: list[TrackOut], 401: Detail}, summary="Every track")
def list_tracks(request: HttpRequest) -> list[Track]:
    return list(selectors.track_list())


@router.get("/tracks/{id}", response={200: TrackOut, 401: Detail, 404: Detail}, summary="One track")
def get_track(request: HttpRequest, id: str) -> Track:
    try:
        return selectors.track_get(code=id)
    except Http404:
        raise _not_found("track", id) from None


# --- Competency framework --------------------------------------------------------------


class LevelOut(Schema):
    level: int = Field(ge=1, le=5)
    fr: str
    en: str


class CompetencyOut(Schema):
    id: str
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    aliases: list[str] = Field(description="Other names course files use for it.")
    levels: list[LevelOut] = Field(description="Five descriptors, level 1 to 5.")

    @staticmethod
    def resolve_id(obj: Competency) -> str:
        return obj.code

    @staticmethod
    def resolve_levels(obj: Competency) -> list[dict]:
        return [
            {"level": number, "fr": entry.get("fr", ""), "en": entry.get("en", "")}
            for number, entry in enumerate(obj.levels or [], start=1)
        ]


class DomainOut(Schema):
    id: str
    name_fr: str
    name_en: str
    competencies: list[CompetencyOut]

    @staticmethod
    def resolve_id(obj: CompetencyDomain) -> str:
        return obj.code

    @staticmethod
    def resolve_competencies(obj: CompetencyDomain) -> list[Competency]:
        return list(obj.competencies.all())


@router.get(
    "/competencies",
    response={200: list[DomainOut], 401: Detail},
    summary="The competency framework",
    description="Domains in order, each with its active competencies and their five "
    "level descriptors in French and English.",
)
def list_competencies(request: HttpRequest) -> list[CompetencyDomain]:
    return list(selectors.competency_framework())
