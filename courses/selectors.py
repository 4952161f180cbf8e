"""Reads of the catalogue, shared by the pages and the JSON API.

Every list comes with its related rows prefetched, so a page or an API answer costs the
same number of queries whatever the number of courses.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .importing.parsing import normalise_name
from .models import (
    Competency,
    CompetencyDomain,
    Course,
    ImportRun,
    Phase,
    PhaseOption,
    Track,
    TrackTarget,
)
from .search import fold


def catalogue_changed() -> None:
    """Say that the catalogue changed where catalogue_version does not look (the
    competencies, edited in the admin): the tracks' `updated` moves, so the version does."""
    Track.objects.update(updated=timezone.now())


def catalogue_version() -> str:
    """A value that changes whenever the catalogue does, for caches of what is computed
    from it (one query): a finished run of the importer (it writes in bulk, which leaves
    `updated` alone) or an edit of a course or a track in the admin.

    Written in SQL: every page that caches progress reads it, and the ORM took about as
    long to compile its aggregate of two subqueries as the rest of a warm dashboard's
    queries (bench/bench_dashboard.py). Three indexed MAX() in one statement, on any backend.
    """
    columns = [
        (Course._meta.db_table, "updated"),
        (Track._meta.db_table, "updated"),
        (ImportRun._meta.db_table, "finished"),  # MAX() skips the runs still going
    ]
    quote = connection.ops.quote_name
    selects = ", ".join(
        f"(SELECT MAX({quote(column)}) FROM {quote(table)})"  # noqa: S608 (names from _meta)
        for table, column in columns
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selects}")
        row = cursor.fetchone()
    stamp = "|".join(str(value) for value in row)
    return hashlib.blake2b(stamp.encode(), digest_size=8).hexdigest()  # short, cache-key safe


@dataclass(frozen=True, kw_only=True)
class CourseFilters:
    """What a learner narrows the catalogue by (the page's form and the API's query)."""

    q: str = ""
    provider: str = ""
    is_free: bool | None = None
    min_hours: Decimal | None = None
    max_hours: Decimal | None = None
    competency: str = ""  # a competency code
    track: str = ""  # a track code
    phase: str = ""  # a phase code (P1, P2...)
    sort: str = ""


# The orderings a learner may ask for; the first is the default. An unrated course is not
# the most prestigious: nulls last.
SORTS: dict[str, list] = {
    "title": ["title", "code"],
    "effort": ["effort_hours", "code"],
    "-effort": ["-effort_hours", "code"],
    "-prestige": [F("prestige").desc(nulls_last=True), "code"],
    "code": ["code"],
}


def _competencies() -> QuerySet[Competency]:
    # In the framework's order; the domain comes in the same query (comparison rows sort by it).
    return Competency.objects.select_related("domain").order_by("domain__order", "order", "code")


def _tag_competencies() -> QuerySet[Competency]:
    """_competencies with only what a competency tag reads (its code, and its names and
    aliases to match the course's list): not the descriptions nor the five levels' texts,
    JSON decoded for each of the catalogue page's 200 rows (issue 14), nor the domain."""
    return Competency.objects.only("code", "name_fr", "name_en", "aliases").order_by(
        "domain__order", "order", "code"
    )


def _active_courses() -> QuerySet[Course]:
    return Course.objects.filter(is_active=True)


def course_list(
    *, filters: CourseFilters | None = None, competencies: QuerySet[Competency] | None = None
) -> QuerySet[Course]:
    """Active courses matching the filters, with what a list row shows prefetched (their
    competencies: `competencies`, else every field with the domain)."""
    filters = filters or CourseFilters()
    courses = _active_courses().select_related("track", "phase")
    if query := fold(filters.q):
        # Folded on both sides (courses.search): accents and case alike on every database.
        courses = courses.filter(search_text__contains=query)
    if filters.provider:
        courses = courses.filter(provider=filters.provider)
    if filters.is_free is not None:
        courses = courses.filter(is_free=filters.is_free)
    if filters.min_hours is not None:
        courses = courses.filter(effort_hours__gte=filters.min_hours)
    if filters.max_hours is not None:
        courses = courses.filter(effort_hours__lte=filters.max_hours)
    if filters.competency:
        # One row per course: a course lists a competency at most once.
        courses = courses.filter(competencies__code=filters.competency)
    if filters.track or filters.phase:
        # Through the phases that offer it: a course reused by a second track is found
        # under both (Exists: one row per course, however many phases offer it).
        offered = PhaseOption.objects.filter(course=OuterRef("pk"))
        if filters.track:
            offered = offered.filter(phase__track__code=filters.track)
        if filters.phase:
            offered = offered.filter(phase__code=filters.phase)
        if filters.phase:
            courses = courses.filter(Exists(offered))
        else:  # a course of the track's folder with no phase still belongs to it
            courses = courses.filter(Q(track__code=filters.track) | Exists(offered))
    ordering = SORTS.get(filters.sort, SORTS["title"])
    return courses.order_by(*ordering).prefetch_related(
        Prefetch("competencies", queryset=_competencies() if competencies is None else competencies)
    )


# What no catalogue row shows, and weighs kilobytes a row: left out of the page's query.
# The track and phase come in the same query (a JOIN): their descriptions would repeat on
# every row.
ROW_UNSHOWN_FIELDS = (
    "body_md",
    "description_html",
    "search_text",
    "metadata",
    "track__description_md",
    "track__description_html",
    "phase__description_fr",
    "phase__description_en",
)


def course_rows(*, filters: CourseFilters | None = None) -> QuerySet[Course]:
    """The list as the catalogue page shows it: without the texts a row never shows."""
    return course_list(filters=filters, competencies=_tag_competencies()).defer(*ROW_UNSHOWN_FIELDS)


def course_list_with_details(*, filters: CourseFilters | None = None) -> QuerySet[Course]:
    """The list plus the modules: what the API gives for each course."""
    return course_list(filters=filters).prefetch_related("modules")


def course_get(*, code: str) -> Course:
    """One course by its id (`P4-A`), or 404. A retired course stays readable: learners
    who chose it still follow its link."""
    courses = Course.objects.select_related("track", "phase").prefetch_related(
        "modules", Prefetch("competencies", queryset=_competencies())
    )
    return get_object_or_404(courses, code=code)


def course_page_get(*, code: str) -> Course:
    """course_get for the course's page: without the texts it does not show (it shows
    the rendered description, not its source, search text or metadata; nor the track's
    and phase's descriptions)."""
    unshown = [name for name in ROW_UNSHOWN_FIELDS if name != "description_html"]
    courses = Course.objects.select_related("track", "phase").prefetch_related(
        "modules", Prefetch("competencies", queryset=_tag_competencies())
    )
    return get_object_or_404(courses.defer(*unshown), code=code)


@dataclass(frozen=True)
class ModulesShortfall:
    """The modules add up to less than the course's effort (Duke: 51 h of modules, 90 h
    of effort): the rest is work no module lists (projects, reading, exams)."""

    modules_hours: Decimal
    effort_hours: Decimal

    @property
    def missing_hours(self) -> Decimal:
        return self.effort_hours - self.modules_hours

    @property
    def percent(self) -> int:
        """The share of the effort every module done accounts for."""
        return int(self.modules_hours / self.effort_hours * 100)


def modules_shortfall(course: Course, modules: list) -> ModulesShortfall | None:
    """None when the modules state no hours or cover the whole effort."""
    modules_hours = sum((m.hours for m in modules if m.hours is not None), Decimal(0))
    if not modules_hours or modules_hours >= course.effort_hours:
        return None
    return ModulesShortfall(modules_hours=modules_hours, effort_hours=course.effort_hours)


def _phases_with_options() -> QuerySet[Phase]:
    options = (
        _active_courses()
        .select_related("track", "phase")
        .order_by("option", "code")
        .prefetch_related("modules", Prefetch("competencies", queryset=_competencies()))
    )
    active = Q(options__is_active=True)
    return (
        Phase.objects.order_by("order")
        .annotate(
            min_hours=Min("options__effort_hours", filter=active),
            max_hours=Max("options__effort_hours", filter=active),
        )
        .prefetch_related(Prefetch("options", queryset=options))
    )


def _tracks() -> QuerySet[Track]:
    return Track.objects.order_by("code").prefetch_related(
        Prefetch("phases", queryset=_phases_with_options()),
        Prefetch("targets", queryset=_targets()),
    )


def _targets() -> QuerySet[TrackTarget]:
    return TrackTarget.objects.select_related("competency").order_by(
        "competency__domain__order", "competency__order", "competency__code"
    )


def track_list() -> QuerySet[Track]:
    """Every track with its phases in order, each with its active options."""
    return _tracks()


def track_get(*, code: str) -> Track:
    return get_object_or_404(_tracks(), code=code)


def phase_get(*, track_code: str, phase_code: str) -> Phase:
    """A phase of a track with its options, or 404 when either is unknown."""
    return get_object_or_404(
        _phases_with_options().select_related("track"),
        track__code=track_code,
        code=phase_code,
    )


def competency_framework() -> QuerySet[CompetencyDomain]:
    """Domains in order, each with its active competencies in order."""
    return CompetencyDomain.objects.order_by("order", "code").prefetch_related(
        Prefetch(
            "competencies",
            queryset=Competency.objects.filter(is_active=True).order_by("order", "code"),
        )
    )


def provider_names() -> list[str]:
    return list(
        _active_courses()
        .exclude(provider="")
        .order_by("provider")
        .values_list("provider", flat=True)
        .distinct()
    )


def phase_codes() -> list[str]:
    codes = set(Phase.objects.values_list("code", flat=True))
    # P2 before P10: shorter codes first, then by text.
    return sorted(codes, key=lambda code: (len(code), code))


# --- Competencies as a course lists them -----------------------------------------------


@dataclass(frozen=True)
class CompetencyLink:
    """A competency name as the course file gives it, with the framework's entry when the
    name matches one (None otherwise)."""

    name: str
    competency: Competency | None

    @property
    def code(self) -> str | None:
        return self.competency.code if self.competency else None


@functools.lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    # The importer's own comparison (case, accents, spacing, punctuation), so a name the
    # importer linked is linked here too. Remembered: a catalogue page folds the same few
    # competency names for every course it lists.
    return normalise_name(text)


def _keys(competency: Competency) -> set[str]:
    names = [competency.code, competency.name_fr, competency.name_en, *competency.aliases]
    return {_fold(name) for name in names if name}


def competency_links(course: Course) -> list[CompetencyLink]:
    """The names the course lists, each linked to the framework where it matches.

    Uses the course's prefetched competencies (no query). A competency linked to the
    course but named nowhere in its list (a course written without the list) still shows.
    """
    linked = list(course.competencies.all())
    keyed = [(competency, _keys(competency)) for competency in linked]
    links: list[CompetencyLink] = []
    used: set[int] = set()
    for name in course.competency_names or []:
        folded = _fold(str(name))
        match = next((c for c, keys in keyed if folded in keys), None)
        if match is not None:
            used.add(match.pk)
        links.append(CompetencyLink(str(name), match))
    links.extend(CompetencyLink(c.name, c) for c in linked if c.pk not in used)
    return links


def competency_tags(course: Course) -> list[CompetencyLink]:
    """The tags a page shows: the course's names, each framework competency once (under
    its name in the UI language, so "MLOps" and "MLOps et déploiement" are one tag)."""
    seen: set[int] = set()
    tags = []
    for link in competency_links(course):
        if link.competency is not None:
            if link.competency.pk in seen:
                continue
            seen.add(link.competency.pk)
        tags.append(link)
    return tags


# --- Comparison of a phase's options ----------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    """One competency of the comparison and, per option in column order, whether the
    option covers it."""

    label: str
    competency: Competency | None
    covered: list[bool]


def _framework_order(competency: Competency) -> tuple:
    return (competency.domain.order, competency.domain.code, competency.order, competency.code)


def phase_coverage(options: list[Course]) -> list[CoverageRow]:
    """Every competency any option covers, framework competencies first (in the
    framework's order), then the names no framework entry matches."""
    per_option = [competency_links(option) for option in options]
    known: dict[int, Competency] = {}
    unknown: dict[str, str] = {}
    for links in per_option:
        for link in links:
            if link.competency is not None:
                known.setdefault(link.competency.pk, link.competency)
            else:
                unknown.setdefault(_fold(link.name), link.name)

    def covered_known(competency: Competency) -> list[bool]:
        return [any(link.code == competency.code for link in links) for links in per_option]

    def covered_unknown(folded: str) -> list[bool]:
        return [
            any(link.competency is None and _fold(link.name) == folded for link in links)
            for links in per_option
        ]

    rows = [
        CoverageRow(c.name, c, covered_known(c))
        for c in sorted(known.values(), key=_framework_order)
    ]
    rows += [
        CoverageRow(name, None, covered_unknown(folded)) for folded, name in sorted(unknown.items())
    ]
    return rows


# --- Tracks side by side ----------------------------------------------------------------


@dataclass(frozen=True)
class TrackSummary:
    """What a learner weighs when picking a track: effort at their pace, phases,
    certifications, and how much of the competency framework it covers."""

    track: Track
    phases: list[Phase]
    min_hours: Decimal  # the shortest option of every phase
    max_hours: Decimal  # the longest option of every phase
    weekly_hours: Decimal  # the learner's pace
    certifications: list[str]  # the badges its options lead to
    covered: int  # framework competencies some option covers
    framework_size: int
    targets_covered: int  # of its target competencies, those some option covers
    targets: int

    @property
    def min_weeks(self) -> int:
        return math.ceil(self.min_hours / self.weekly_hours) if self.weekly_hours else 0

    @property
    def max_weeks(self) -> int:
        return math.ceil(self.max_hours / self.weekly_hours) if self.weekly_hours else 0


def track_summaries(*, weekly_hours: Decimal) -> list[TrackSummary]:
    """Every track summarised for the side-by-side comparison (the queries of
    track_list, plus one count of the framework)."""
    framework_size = Competency.objects.filter(is_active=True).count()
    summaries = []
    for track in track_list():
        phases = list(track.phases.all())
        options = [option for phase in phases for option in phase.options.all()]
        covered = {c.pk for option in options for c in option.competencies.all() if c.is_active}
        target_ids = {target.competency_id for target in track.targets.all()}
        summaries.append(
            TrackSummary(
                track=track,
                phases=phases,
                min_hours=sum((p.min_hours for p in phases if p.min_hours is not None), Decimal(0)),
                max_hours=sum((p.max_hours for p in phases if p.max_hours is not None), Decimal(0)),
                weekly_hours=weekly_hours,
                certifications=sorted({o.badge for o in options if o.badge}, key=str.casefold),
                covered=len(covered),
                framework_size=framework_size,
                targets_covered=len(target_ids & covered),
                targets=len(target_ids),
            )
        )
    return summaries
