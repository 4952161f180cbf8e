"""What the importer reads, as plain data: sources, problems, and validated specs."""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

MAX_FILE_BYTES = 1024 * 1024
# Mixed into every content hash: bump it when the importer reads the same bytes
# differently (a parsing fix), so that the next run re-reads "unchanged" files.
IMPORTER_VERSION = b"parcours-importer-4\0"
MAX_FRONTMATTER_BYTES = 64 * 1024
# The fields a framework file gives, named as on the models and on the specs.
DOMAIN_FIELDS = ("name_fr", "name_en", "order")
COMPETENCY_FIELDS = (
    "name_fr",
    "name_en",
    "description_fr",
    "description_en",
    "levels",
    "aliases",
    "order",
)


@dataclass(frozen=True)
class Problem:
    """An error or a warning, with the file and line (1-based) it is about."""

    file: str
    line: int | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "message": self.message}

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


@dataclass
class SourceFile:
    """One file to import. `data` is None when the file was too large to be read."""

    name: str
    data: bytes | None
    size: int

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.name.replace("\\", "/"))

    @property
    def basename(self) -> str:
        return posixpath.basename(self.name.replace("\\", "/"))

    @cached_property
    def content_hash(self) -> str:
        return hashlib.sha256(IMPORTER_VERSION + (self.data or b"")).hexdigest()


@dataclass
class ModuleSpec:
    order: int
    title: str
    hours: Decimal | None


@dataclass
class CourseSpec:
    code: str
    title: str
    effort_text: str
    effort_hours: Decimal
    weekly_hours: Decimal | None = None
    provider: str = ""
    price: str = ""
    is_free: bool = False
    prestige: int | None = None
    url: str = ""
    badge: str = ""
    status: str = ""
    body_md: str = ""
    description_html: str = ""
    modules: list[ModuleSpec] = field(default_factory=list)
    competency_names: list[str] = field(default_factory=list)
    # name -> line where the file lists it, for warnings about unknown names
    competency_lines: dict[str, int | None] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    phase_code: str = ""
    option: str = ""
    id_line: int | None = None
    # Filled in by validation:
    track_code: str | None = None
    competency_codes: list[str] = field(default_factory=list)


@dataclass
class PhaseSpec:
    code: str
    order: int
    name_fr: str
    name_en: str = ""
    description_fr: str = ""
    description_en: str = ""
    # Ids of courses of other tracks offered in this phase too (track.md's `options`).
    option_codes: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class TrackSpec:
    code: str
    name_fr: str
    name_en: str = ""
    description_md: str = ""
    description_html: str = ""
    phases: list[PhaseSpec] = field(default_factory=list)
    targets: dict[str, int] = field(default_factory=dict)
    target_lines: dict[str, int | None] = field(default_factory=dict)
    id_line: int | None = None


@dataclass
class CompetencySpec:
    code: str
    name_fr: str
    name_en: str = ""
    description_fr: str = ""
    description_en: str = ""
    levels: list[dict[str, str]] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    order: int = 0
    line: int | None = None


@dataclass
class DomainSpec:
    code: str
    name_fr: str
    name_en: str = ""
    order: int = 0
    competencies: list[CompetencySpec] = field(default_factory=list)
    line: int | None = None


@dataclass
class FrameworkSpec:
    code: str
    domains: list[DomainSpec] = field(default_factory=list)


@dataclass
class ParsedFile:
    """The outcome of reading one file: its spec (when valid) and its problems."""

    source: SourceFile
    kind: str = "course"  # "course", "track" or "framework"
    spec: CourseSpec | TrackSpec | FrameworkSpec | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, message: str, line: int | None = None) -> None:
        self.errors.append(Problem(self.source.name, line, message))

    def warn(self, message: str, line: int | None = None) -> None:
        self.warnings.append(Problem(self.source.name, line, message))
