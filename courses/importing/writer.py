"""Validated specs -> database, in bulk: a constant number of queries per kind of row.

Called inside one transaction by the service. Nothing here validates: by the time the
writer runs every spec is known to be valid and placed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

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

from .specs import COMPETENCY_FIELDS, DOMAIN_FIELDS, CourseSpec, FrameworkSpec, TrackSpec
from .validate import CompetencyMatcher

BATCH = 500
SPEC_FIELDS = [
    "title",
    "provider",
    "effort_text",
    "effort_hours",
    "weekly_hours",
    "price",
    "is_free",
    "prestige",
    "url",
    "badge",
    "status",
    "body_md",
    "description_html",
    "competency_names",
    "metadata",
]
COURSE_FIELDS = [
    *SPEC_FIELDS,
    "search_text",
    "source_file",
    "content_hash",
    "is_active",
    "updated",
]
PLACE_FIELDS = ["track", "phase", "option"]


@dataclass
class WritePlan:
    framework: FrameworkSpec | None = None
    # (spec, source file name, content hash)
    tracks: list[tuple[TrackSpec, str, str]] = field(default_factory=list)
    courses: list[tuple[CourseSpec, str, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.framework is None and not self.tracks and not self.courses


def write_plan(plan: WritePlan) -> None:
    if plan.framework is not None:
        _write_framework(plan.framework)
    competency_ids = dict(Competency.objects.order_by().values_list("code", "id"))
    for spec, file, content_hash in plan.tracks:
        _write_track(spec, file, content_hash, competency_ids)
    _write_courses(plan.courses, competency_ids)
    # After the courses: a phase may offer a course this same run created.
    _write_shared_options([spec for spec, _file, _hash in plan.tracks])
    if plan.framework is not None:
        # The framework changed: courses this run did not touch may now match (or no
        # longer match) a competency they list by name.
        _relink_courses(
            CompetencyMatcher.from_spec(plan.framework),
            competency_ids,
            exclude={spec.code for spec, _file, _hash in plan.courses},
        )


def _upsert(model, wanted: Iterable, fields: list[str]) -> None:
    """bulk_create what is new, bulk_update what exists (objects already filled in)."""
    new, changed = [], []
    for obj in wanted:
        (changed if obj.pk else new).append(obj)
    if new:
        model.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        model.objects.bulk_update(changed, fields, batch_size=BATCH)


def _write_framework(spec: FrameworkSpec) -> None:
    domains = CompetencyDomain.objects.in_bulk(field_name="code")
    wanted = []
    for d in spec.domains:
        obj = domains.get(d.code) or CompetencyDomain(code=d.code)
        for name in DOMAIN_FIELDS:
            setattr(obj, name, getattr(d, name))
        wanted.append(obj)
    _upsert(CompetencyDomain, wanted, list(DOMAIN_FIELDS))
    domain_ids = dict(CompetencyDomain.objects.values_list("code", "id"))

    competencies = Competency.objects.in_bulk(field_name="code")
    wanted = []
    for d in spec.domains:
        for c in d.competencies:
            obj = competencies.get(c.code) or Competency(code=c.code)
            for name in COMPETENCY_FIELDS:
                setattr(obj, name, getattr(c, name))
            obj.domain_id, obj.is_active = domain_ids[d.code], True
            wanted.append(obj)
    _upsert(Competency, wanted, ["domain", "is_active", *COMPETENCY_FIELDS])
    # Competencies that left the file are deactivated, not deleted: assessments and
    # course links may point at them.
    codes = [c.code for d in spec.domains for c in d.competencies]
    Competency.objects.exclude(code__in=codes).update(is_active=False)


def _write_track(
    spec: TrackSpec, file: str, content_hash: str, competency_ids: dict[str, int]
) -> None:
    track, _created = Track.objects.update_or_create(
        code=spec.code,
        defaults={
            "name_fr": spec.name_fr,
            "name_en": spec.name_en,
            "description_md": spec.description_md,
            "description_html": spec.description_html,
            "source_file": file[:500],
            "content_hash": content_hash,
        },
    )
    phases = {p.code: p for p in Phase.objects.filter(track=track)}
    wanted = []
    for p in spec.phases:
        obj = phases.get(p.code) or Phase(track=track, code=p.code)
        obj.order, obj.name_fr, obj.name_en = p.order, p.name_fr, p.name_en
        obj.description_fr, obj.description_en = p.description_fr, p.description_en
        wanted.append(obj)
    _upsert(Phase, wanted, ["order", "name_fr", "name_en", "description_fr", "description_en"])
    TrackTarget.objects.filter(track=track).delete()
    TrackTarget.objects.bulk_create(
        TrackTarget(track=track, competency_id=competency_ids[code], level=level)
        for code, level in spec.targets.items()
    )


def _write_courses(
    courses: list[tuple[CourseSpec, str, str]], competency_ids: dict[str, int]
) -> None:
    if not courses:
        return
    track_codes = {spec.track_code for spec, _f, _h in courses if spec.track_code}
    track_ids = dict(Track.objects.filter(code__in=track_codes).values_list("code", "id"))
    phase_ids = {
        (track_code, code): pk
        for track_code, code, pk in Phase.objects.filter(track__code__in=track_codes).values_list(
            "track__code", "code", "id"
        )
    }
    existing = Course.objects.in_bulk([spec.code for spec, _f, _h in courses], field_name="code")
    now = timezone.now()
    new, changed, changed_placed = [], [], []
    for spec, file, content_hash in courses:
        course = existing.get(spec.code) or Course(code=spec.code)
        for name in SPEC_FIELDS:
            setattr(course, name, getattr(spec, name))
        course.refresh_search_text()
        course.source_file, course.content_hash, course.is_active = file[:500], content_hash, True
        course.updated = now
        if spec.track_code:
            course.track_id = track_ids[spec.track_code]
            course.phase_id = phase_ids.get((spec.track_code, spec.phase_code))
            course.option = spec.option if course.phase_id else ""
        # A course file with no track.md beside it is standalone when new; a course the
        # catalogue already places in a track keeps its place (uploading one fixed file
        # must not take it out of its track).
        if not course.pk:
            new.append(course)
        else:
            (changed_placed if spec.track_code else changed).append(course)
    Course.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        Course.objects.bulk_update(changed, COURSE_FIELDS, batch_size=BATCH)
    if changed_placed:
        Course.objects.bulk_update(
            changed_placed, [*COURSE_FIELDS, *PLACE_FIELDS], batch_size=BATCH
        )
    course_ids = {c.code: c.pk for c in (*new, *changed, *changed_placed)}
    _write_home_options([c for c in (*new, *changed_placed) if c.track_id])
    _write_modules({course_ids[spec.code]: spec.modules for spec, _f, _h in courses})
    _set_competency_links(
        {course_ids[spec.code]: spec.competency_codes for spec, _f, _h in courses},
        competency_ids,
    )


def _write_home_options(courses: list[Course]) -> None:
    """Each placed course is an option of its home phase (the one its id names)."""
    if not courses:
        return
    PhaseOption.objects.filter(course__in=courses, shared=False).delete()
    PhaseOption.objects.bulk_create(
        (PhaseOption(phase_id=c.phase_id, course=c) for c in courses if c.phase_id),
        batch_size=BATCH,
        ignore_conflicts=True,  # a track that also listed it as shared keeps one row
    )


def _write_shared_options(tracks: list[TrackSpec]) -> None:
    """The courses of other tracks each phase lists under `options`, as the file says."""
    if not tracks:
        return
    codes = {code for t in tracks for p in t.phases for code in p.option_codes}
    course_ids = dict(Course.objects.filter(code__in=codes).values_list("code", "id"))
    phase_ids = {
        (track_code, code): pk
        for track_code, code, pk in Phase.objects.filter(
            track__code__in=[t.code for t in tracks]
        ).values_list("track__code", "code", "id")
    }
    PhaseOption.objects.filter(phase_id__in=phase_ids.values(), shared=True).delete()
    PhaseOption.objects.bulk_create(
        (
            PhaseOption(
                phase_id=phase_ids[(t.code, p.code)], course_id=course_ids[code], shared=True
            )
            for t in tracks
            for p in t.phases
            for code in p.option_codes
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def _write_modules(modules_by_course: dict[int, list]) -> None:
    """Updates modules in place, matched by their position in the course.

    Learners tick modules off and log hours against them, so a module keeps its id when
    its title or hours change; only modules that left the file are deleted.
    """
    existing = {
        (module.course_id, module.order): module
        for module in Module.objects.filter(course_id__in=modules_by_course.keys())
    }
    to_create, to_update, kept = [], [], set()
    for course_id, specs in modules_by_course.items():
        for spec in specs:
            key = (course_id, spec.order)
            kept.add(key)
            module = existing.get(key)
            if module is None:
                to_create.append(
                    Module(
                        course_id=course_id, order=spec.order, title=spec.title, hours=spec.hours
                    )
                )
            elif (module.title, module.hours) != (spec.title, spec.hours):
                module.title, module.hours = spec.title, spec.hours
                to_update.append(module)
    stale = [module.pk for key, module in existing.items() if key not in kept]
    if stale:
        Module.objects.filter(pk__in=stale).delete()
    if to_update:
        Module.objects.bulk_update(to_update, ["title", "hours"], batch_size=BATCH)
    Module.objects.bulk_create(to_create, batch_size=BATCH)


def _set_competency_links(links: dict[int, list[str]], competency_ids: dict[str, int]) -> None:
    through = Course.competencies.through
    through.objects.filter(course_id__in=links.keys()).delete()
    through.objects.bulk_create(
        (
            through(course_id=course_id, competency_id=competency_ids[code])
            for course_id, codes in links.items()
            for code in codes
            if code in competency_ids
        ),
        batch_size=BATCH,
    )


def _relink_courses(
    matcher: CompetencyMatcher, competency_ids: dict[str, int], exclude: set[str]
) -> None:
    rows = Course.objects.exclude(code__in=exclude).values_list("id", "competency_names")
    _set_competency_links(
        {pk: matcher.codes_for(names or []) for pk, names in rows}, competency_ids
    )
