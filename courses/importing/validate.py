"""Checks across files: duplicate ids, phases of the folder's track, the framework.

A file can be valid on its own and wrong in the catalogue: an id used twice, an option
of a phase its track does not have, a target on a competency nobody defined. These
checks run once every file is read, before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from courses.models import Competency, CompetencyDomain, Phase

from .parsing import normalise_name
from .specs import (
    COMPETENCY_FIELDS,
    DOMAIN_FIELDS,
    CourseSpec,
    FrameworkSpec,
    ParsedFile,
    Problem,
    TrackSpec,
)


class CompetencyMatcher:
    """Finds a competency by code, French or English name or alias, ignoring case and
    accents."""

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]]):
        self.codes: set[str] = set()
        self.index: dict[str, str] = {}
        for code, names in entries:
            self.codes.add(code)
            for name in (code, *names):
                key = normalise_name(name or "")
                if key:
                    self.index.setdefault(key, code)

    @classmethod
    def from_spec(cls, spec: FrameworkSpec) -> CompetencyMatcher:
        return cls(
            (c.code, [c.name_fr, c.name_en, *c.aliases])
            for domain in spec.domains
            for c in domain.competencies
        )

    @classmethod
    def from_database(cls) -> CompetencyMatcher:
        rows = Competency.objects.filter(is_active=True).values_list(
            "code", "name_fr", "name_en", "aliases"
        )
        return cls((code, [fr, en, *(aliases or [])]) for code, fr, en, aliases in rows)

    def match(self, name: str) -> str | None:
        return self.index.get(normalise_name(name))

    def codes_for(self, names: Iterable[str]) -> list[str]:
        codes: list[str] = []
        for name in names:
            code = self.match(name)
            if code and code not in codes:
                codes.append(code)
        return codes


@dataclass
class UnchangedCourse:
    file: str
    code: str


@dataclass
class Catalogue:
    """Every file of a run, read: what validation looks at."""

    parsed: list[ParsedFile] = field(default_factory=list)
    unchanged_courses: list[UnchangedCourse] = field(default_factory=list)
    folder_tracks: dict[str, ParsedFile] = field(default_factory=dict)
    existing_course_codes: set[str] = field(default_factory=set)

    def of_kind(self, kind: str) -> list[ParsedFile]:
        return [p for p in self.parsed if p.kind == kind and p.spec is not None]


def check_unique_ids(catalogue: Catalogue) -> list[Problem]:
    """Every id (course, track, domain, competency) names one thing in one file."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}

    def claim(code: str, file: str, line: int | None) -> None:
        other = seen.get(code)
        if other is None:
            seen[code] = file
        elif other == file:
            problems.append(
                Problem(file, line, _("The id %(id)r is used twice in this file.") % {"id": code})
            )
        else:
            problems.append(
                Problem(
                    file,
                    line,
                    _("Duplicate id %(id)r: it is also the id in %(other)s.")
                    % {"id": code, "other": other},
                )
            )

    for unchanged in catalogue.unchanged_courses:
        claim(unchanged.code, unchanged.file, None)
    for parsed in catalogue.parsed:
        spec = parsed.spec
        if isinstance(spec, CourseSpec | TrackSpec):
            claim(spec.code, parsed.source.name, spec.id_line)
        elif isinstance(spec, FrameworkSpec):
            for domain in spec.domains:
                claim(domain.code, parsed.source.name, domain.line)
                for competency in domain.competencies:
                    claim(competency.code, parsed.source.name, competency.line)
    return problems


def check_single_framework(catalogue: Catalogue) -> list[Problem]:
    frameworks = [p for p in catalogue.parsed if p.kind == "framework"]
    return [
        Problem(
            extra.source.name,
            None,
            _("A second competency framework: %(first)s is one already.")
            % {"first": frameworks[0].source.name},
        )
        for extra in frameworks[1:]
    ]


def place_courses(catalogue: Catalogue) -> list[Problem]:
    """Put each course in the track of its folder; an unknown phase is an error."""
    problems: list[Problem] = []
    for parsed in catalogue.of_kind("course"):
        spec = parsed.spec
        assert isinstance(spec, CourseSpec)
        track_file = catalogue.folder_tracks.get(parsed.source.folder)
        if track_file is None or not isinstance(track_file.spec, TrackSpec):
            continue
        track = track_file.spec
        spec.track_code = track.code
        if spec.phase_code and spec.phase_code not in {p.code for p in track.phases}:
            problems.append(
                Problem(
                    parsed.source.name,
                    spec.id_line,
                    _(
                        "The id %(id)s makes this course an option of phase %(phase)s, but "
                        "the track %(track)s (%(file)s) has no such phase."
                    )
                    % {
                        "id": spec.code,
                        "phase": spec.phase_code,
                        "track": track.code,
                        "file": track_file.source.name,
                    },
                )
            )
    return problems


def check_shared_options(catalogue: Catalogue) -> list[Problem]:
    """A phase's `options` name courses of the catalogue (this import or the database)
    that live with another track: a course of the same track is already placed by its id."""
    problems: list[Problem] = []
    known = set(catalogue.existing_course_codes) | {u.code for u in catalogue.unchanged_courses}
    home_track = {}
    for parsed in catalogue.of_kind("course"):
        assert isinstance(parsed.spec, CourseSpec)
        known.add(parsed.spec.code)
        home_track[parsed.spec.code] = parsed.spec.track_code
    for parsed in catalogue.of_kind("track"):
        spec = parsed.spec
        assert isinstance(spec, TrackSpec)
        for phase in spec.phases:
            for code in phase.option_codes:
                if code not in known:
                    message = _(
                        "Phase %(phase)s lists the course %(id)s, which is not in the catalogue."
                    )
                elif home_track.get(code) == spec.code:
                    message = _(
                        "Phase %(phase)s lists the course %(id)s, which is in this track's "
                        "folder already: its id places it."
                    )
                else:
                    continue
                problems.append(
                    Problem(
                        parsed.source.name, phase.line, message % {"phase": phase.code, "id": code}
                    )
                )
    return problems


def match_competencies(catalogue: Catalogue, matcher: CompetencyMatcher) -> list[Problem]:
    """Link course competencies to the framework (warnings) and check track targets
    (errors: a target must aim at a real competency)."""
    problems: list[Problem] = []
    for parsed in catalogue.of_kind("course"):
        spec = parsed.spec
        assert isinstance(spec, CourseSpec)
        spec.competency_codes = matcher.codes_for(spec.competency_names)
        for name in spec.competency_names:
            if matcher.match(name) is None:
                parsed.warn(
                    _("Competency %(name)r is not in the framework: kept as written.")
                    % {"name": name},
                    spec.competency_lines.get(name),
                )
    for parsed in catalogue.of_kind("track"):
        spec = parsed.spec
        assert isinstance(spec, TrackSpec)
        for code in spec.targets:
            if code not in matcher.codes:
                problems.append(
                    Problem(
                        parsed.source.name,
                        spec.target_lines.get(code),
                        _("The target %(code)r is not a competency of the framework.")
                        % {"code": code},
                    )
                )
    return problems


def warn_dropped_phases(catalogue: Catalogue) -> None:
    """Phases that left track.md are kept (learners' plans may point at them): say so."""
    tracks = {p.spec.code: p for p in catalogue.of_kind("track") if isinstance(p.spec, TrackSpec)}
    if not tracks:
        return
    rows = Phase.objects.filter(track__code__in=tracks).values_list("track__code", "code")
    for track_code, phase_code in rows:
        parsed = tracks[track_code]
        assert isinstance(parsed.spec, TrackSpec)
        if phase_code not in {p.code for p in parsed.spec.phases}:
            parsed.warn(
                _("Phase %(phase)s is no longer in this file; it is kept in the database.")
                % {"phase": phase_code}
            )


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def framework_is_unchanged(spec: FrameworkSpec) -> bool:
    """Compare the framework file with the database (it has no content hash of its own).

    Values are compared as canonical JSON: PostgreSQL's jsonb does not keep key order.
    """
    domains = set(CompetencyDomain.objects.values_list("code", *DOMAIN_FIELDS))
    competencies = {
        (code, domain, *map(_canonical, values))
        for code, domain, *values in Competency.objects.filter(is_active=True).values_list(
            "code", "domain__code", *COMPETENCY_FIELDS
        )
    }
    wanted_domains = {(d.code, *(getattr(d, f) for f in DOMAIN_FIELDS)) for d in spec.domains}
    wanted = {
        (c.code, d.code, *(_canonical(getattr(c, f)) for f in COMPETENCY_FIELDS))
        for d in spec.domains
        for c in d.competencies
    }
    return wanted_domains <= domains and wanted == competencies
