"""import_catalogue: read every file, validate everything, then write in one transaction.

Unchanged course files are recognised by the SHA-256 of their bytes, loaded from the
database in one query, and are neither parsed nor rendered again: that is what makes a
re-import of an unchanged catalogue cheap.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CompetencyDomain, Course, ImportRun, Track

from .changes import course_changes, learners_affected
from .parsing import read_file
from .specs import (
    MAX_FILE_BYTES,
    CourseSpec,
    FrameworkSpec,
    Problem,
    SourceFile,
    TrackSpec,
)
from .validate import (
    Catalogue,
    CompetencyMatcher,
    UnchangedCourse,
    check_shared_options,
    check_single_framework,
    check_unique_ids,
    framework_is_unchanged,
    match_competencies,
    place_courses,
    warn_dropped_phases,
)
from .writer import WritePlan, write_plan


@dataclass
class Report:
    """What a run did (or would do): the shape of `import_catalogue --format json`."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    run_id: int | None = None
    # A dry run's preview (not in as_dict: the CLI's JSON keeps its documented shape):
    # each updated course's field changes, and the learners whose plans they touch.
    changes: list[dict] = field(default_factory=list)
    affected: dict[str, dict] = field(default_factory=dict)
    updated_courses: list[tuple[CourseSpec, str]] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": list(self.created),
            "updated": list(self.updated),
            "unchanged": list(self.unchanged),
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
        }


def read_source(path: Path, name: str) -> SourceFile:
    """Read a file from disk, unless it is over the size limit (then only its size)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return SourceFile(name=name, data=None, size=size)
    with path.open("rb") as file:
        data = file.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat()
    if len(data) > MAX_FILE_BYTES:
        return SourceFile(name=name, data=None, size=len(data))
    return SourceFile(name=name, data=data, size=len(data))


def collect_sources(paths: Iterable[str | os.PathLike], report: Report) -> list[SourceFile]:
    """Files and folders (recursively, `.md` only) as SourceFiles named as given."""
    sources: list[SourceFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for file in sorted(path.rglob("*.md")):
                if file.is_file() and not file.is_symlink():
                    sources.append(read_source(file, str(file)))
        elif path.is_file():
            if path.suffix.lower() != ".md":
                report.warnings.append(Problem(str(path), None, _("Not a .md file: ignored.")))
                continue
            sources.append(read_source(path, str(path)))
        else:
            report.errors.append(Problem(str(path), None, _("No such file or folder.")))
    return sources


def _course_index(catalogue: Catalogue) -> dict[str, tuple[str, str | None]]:
    """{content hash: (code, track code)}, and every course code on the catalogue, in one
    query."""
    by_hash: dict[str, tuple[str, str | None]] = {}
    for code, content_hash, track_code in Course.objects.values_list(
        "code", "content_hash", "track__code"
    ):
        catalogue.existing_course_codes.add(code)
        if content_hash:
            by_hash[content_hash] = (code, track_code)
    return by_hash


def _read_catalogue(sources: Sequence[SourceFile], report: Report) -> Catalogue:
    catalogue = Catalogue()
    known_courses = _course_index(catalogue)
    maybe_unchanged: list[tuple[SourceFile, str]] = []
    for source in sources:
        if source.data is None:
            report.errors.append(
                Problem(
                    source.name,
                    None,
                    _("The file is %(size)s bytes, over the 1 MiB limit: it was not read.")
                    % {"size": f"{source.size:,}"},
                )
            )
            continue
        content_hash = source.content_hash
        if source.basename not in {"track.md", "competencies.md"} and content_hash in known_courses:
            maybe_unchanged.append((source, content_hash))
            continue
        parsed = read_file(source)
        catalogue.parsed.append(parsed)
        if parsed.kind == "track":
            catalogue.folder_tracks[source.folder] = parsed
    for source, content_hash in maybe_unchanged:
        code, track_code = known_courses[content_hash]
        track_file = catalogue.folder_tracks.get(source.folder)
        folder_track = track_file.spec.code if track_file and track_file.spec else None
        if folder_track is None or folder_track == track_code:
            catalogue.unchanged_courses.append(UnchangedCourse(source.name, code))
        else:
            catalogue.parsed.append(read_file(source))  # moved into another track
    return catalogue


def _validate(catalogue: Catalogue, report: Report) -> WritePlan:
    for parsed in catalogue.parsed:
        report.errors.extend(parsed.errors)
    report.errors.extend(check_unique_ids(catalogue))
    report.errors.extend(check_single_framework(catalogue))
    report.errors.extend(place_courses(catalogue))
    report.errors.extend(check_shared_options(catalogue))
    frameworks = catalogue.of_kind("framework")
    framework = frameworks[0].spec if frameworks else None
    assert framework is None or isinstance(framework, FrameworkSpec)
    matcher = (
        CompetencyMatcher.from_spec(framework) if framework else CompetencyMatcher.from_database()
    )
    report.errors.extend(match_competencies(catalogue, matcher))
    warn_dropped_phases(catalogue)
    for parsed in catalogue.parsed:
        report.warnings.extend(parsed.warnings)
    return _diff(catalogue, framework, report)


def _diff(catalogue: Catalogue, framework: FrameworkSpec | None, report: Report) -> WritePlan:
    """Sort every id into created / updated / unchanged; what changed goes in the plan."""
    plan = WritePlan()
    if framework is not None:
        if not CompetencyDomain.objects.exists():
            report.created.append(framework.code)
            plan.framework = framework
        elif framework_is_unchanged(framework):
            report.unchanged.append(framework.code)
        else:
            report.updated.append(framework.code)
            plan.framework = framework
    track_hashes = dict(Track.objects.values_list("code", "content_hash"))
    for parsed in catalogue.of_kind("track"):
        spec = parsed.spec
        assert isinstance(spec, TrackSpec)
        content_hash = parsed.source.content_hash
        if track_hashes.get(spec.code) == content_hash:
            report.unchanged.append(spec.code)
            continue
        (report.updated if spec.code in track_hashes else report.created).append(spec.code)
        plan.tracks.append((spec, parsed.source.name, content_hash))
    for parsed in catalogue.of_kind("course"):
        spec = parsed.spec
        assert isinstance(spec, CourseSpec)
        existing = spec.code in catalogue.existing_course_codes
        (report.updated if existing else report.created).append(spec.code)
        if existing:
            report.updated_courses.append((spec, parsed.source.name))
        plan.courses.append((spec, parsed.source.name, parsed.source.content_hash))
    report.unchanged.extend(u.code for u in catalogue.unchanged_courses)
    return plan


def import_catalogue(
    items: Iterable[str | os.PathLike | SourceFile],
    *,
    dry_run: bool = False,
    user: Any = None,
    source: str = ImportRun.Source.COMMAND,
    warnings: Iterable[Problem] = (),
) -> Report:
    """Import catalogue files (paths, folders or in-memory SourceFiles).

    Validates everything first; writes in one transaction only when no file is invalid
    and `dry_run` is false. Every run, dry or not, is recorded as an ImportRun.
    """
    report = Report(dry_run=dry_run)
    report.warnings.extend(warnings)
    run = ImportRun.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        source=source,
        dry_run=dry_run,
    )
    items = list(items)
    sources = [item for item in items if isinstance(item, SourceFile)]
    sources += collect_sources((i for i in items if not isinstance(i, SourceFile)), report)
    if not sources and not report.errors:
        report.warnings.append(Problem("", None, _("No catalogue file (.md) was given.")))
    catalogue = _read_catalogue(sources, report)
    plan = _validate(catalogue, report)
    if dry_run and report.updated_courses:
        report.changes = course_changes(report.updated_courses)
        report.affected = learners_affected([c["code"] for c in report.changes])
    if report.ok and not dry_run and not plan.is_empty:
        with transaction.atomic():
            write_plan(plan)
    run.finished = timezone.now()
    run.ok = report.ok
    run.report = report.as_dict()
    run.save(update_fields=["finished", "ok", "report"])
    report.run_id = run.pk
    return report
