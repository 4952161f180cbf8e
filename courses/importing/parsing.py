"""Text -> frontmatter + body -> a spec for one file (course, track or framework).

Every problem is recorded on the ParsedFile with the line of the file it is about: YAML
marks count from the frontmatter's first line, so the frontmatter's offset is added.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from .decoding import DecodeError, decode_catalogue_bytes
from .effort import EffortError, parse_effort, parse_weekly
from .markdown import render_markdown
from .safe_yaml import load_frontmatter_yaml
from .specs import (
    MAX_FRONTMATTER_BYTES,
    CompetencySpec,
    CourseSpec,
    DomainSpec,
    FrameworkSpec,
    ModuleSpec,
    ParsedFile,
    PhaseSpec,
    SourceFile,
    TrackSpec,
)

ID_RE = re.compile(r"^[A-Za-z0-9_-]+$")
OPTION_ID_RE = re.compile(r"^[Pp]([1-9][0-9]*)-([A-Za-z]{1,8})$")
PHASE_CODE_RE = re.compile(r"^P[1-9][0-9]*$")
_DELIMITER = re.compile(r"^---[ \t]*$", re.MULTILINE)
_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_MODULE_HEADING = re.compile(
    r"^#{2,4}\s*(?:Cours|Course|Module|Unit[ée]?|Partie|Part)\s*(\d+)\s*[:.\-\u2013\u2014]\s*(.+?)\s*$",
    re.IGNORECASE,
)
_TRAILING_PARENS = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SKILLS_HEADING = re.compile(
    r"comp[ée]tences\s+acquises|skills\s+(?:you\s+will\s+)?(?:gain|acquired|learned)"
    r"|competencies\s+(?:gained|acquired)",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_BOLD_NAME = re.compile(r"^\*\*(.+?)\*\*|^__(.+?)__")
_DIGITS = re.compile(r"^\s*[0-9]+\s*$")
_PRESTIGE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:/\s*(\d+))?\s*$")
_FREE = re.compile(r"^\s*(?:gratuit|free|0+(?:[.,]0+)?\s*(?:€|\$|eur|usd)?\s*$)", re.IGNORECASE)
_url_validator = URLValidator(schemes=["http", "https"])

# Frontmatter keys, French and English, to the field they fill.
COURSE_KEYS = {
    "id": "id",
    "nom": "title",
    "name": "title",
    "title": "title",
    "titre": "title",
    "institution": "provider",
    "provider": "provider",
    "organisme": "provider",
    "effort": "effort",
    "prix": "price",
    "price": "price",
    "prestige": "prestige",
    "url": "url",
    "lien": "url",
    "link": "url",
    "badge": "badge",
    "statut": "status",
    "status": "status",
    "competences": "competencies",
    "compétences": "competencies",
    "competencies": "competencies",
    "skills": "competencies",
    "rythme": "weekly",
    "pace": "weekly",
    "weekly_hours": "weekly",
    "type": "type",
}
TEXT_LIMITS = {
    "title": 300,
    "provider": 200,
    "price": 200,
    "badge": 300,
    "status": 200,
    "url": 500,
    "effort": 200,
}


def normalise_name(name: str) -> str:
    """Compare names ignoring case, accents and spacing: `Évaluation  de modèles`."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w+#]+", " ", stripped).split())


class _Lines:
    """Where things are in the file, from the loader's line map and the YAML offset."""

    def __init__(self, line_map: dict[int, tuple[int, dict[Any, int]]], offset: int):
        self.line_map = line_map
        self.offset = offset

    def of(self, mapping: Any, key: Any = None) -> int | None:
        entry = self.line_map.get(id(mapping))
        if entry is None:
            return None
        node_line, keys = entry
        line = keys.get(key, node_line) if key is not None else node_line
        return line + self.offset


def _json_safe(value: Any) -> Any:
    """Metadata is stored as JSON: dates and other YAML scalars become text."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def split_frontmatter(parsed: ParsedFile, text: str) -> tuple[str, int, str, int] | None:
    """Return (yaml, its first line, body, its first line), or record an error."""
    if not text.startswith("---") or not _DELIMITER.match(text):
        parsed.error(
            _("No frontmatter: the file must start with a '---' line, then YAML, then '---'."),
            1,
        )
        return None
    start = text.index("\n") + 1 if "\n" in text else len(text)
    end = _END.search(text, start)
    if end is None:
        parsed.error(_("The frontmatter is never closed by a '---' line."), 1)
        return None
    yaml_text = text[start : end.start()]
    if len(yaml_text.encode("utf-8")) > MAX_FRONTMATTER_BYTES:
        parsed.error(
            _("The frontmatter is larger than %(size)d KiB.")
            % {"size": MAX_FRONTMATTER_BYTES // 1024},
            1,
        )
        return None
    body_start = end.end() + 1
    body_line = text.count("\n", 0, body_start) + 1
    return yaml_text, 2, text[body_start:], body_line


def read_file(source: SourceFile) -> ParsedFile:
    """Decode, split and parse one file into a spec (errors and warnings recorded)."""
    parsed = ParsedFile(source=source)
    try:
        return _read_file(parsed)
    except RecursionError:
        # YAML or markdown nested thousands of levels deep: a hostile file, not a crash.
        parsed.spec = None
        parsed.error(_("The file is nested too deeply to be read."))
        return parsed


def _read_file(parsed: ParsedFile) -> ParsedFile:
    source = parsed.source
    try:
        decoded = decode_catalogue_bytes(source.data or b"")
    except DecodeError as error:
        parsed.error(error.message, error.line)
        return parsed
    for message in decoded.warnings:
        parsed.warn(message)
    for line, sequence in decoded.unrepaired:
        parsed.warn(
            _(
                "%(text)r looks like mojibake that could not be repaired (a byte of it is "
                "lost): not repaired; correct this line."
            )
            % {"text": sequence},
            line,
        )
    parts = split_frontmatter(parsed, decoded.text)
    if parts is None:
        return parsed
    yaml_text, yaml_line, body, body_line = parts
    try:
        data, line_map = load_frontmatter_yaml(yaml_text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + yaml_line if mark is not None else yaml_line
        parsed.error(_("Invalid YAML: %(problem)s") % {"problem": error.problem or error}, line)
        return parsed
    except yaml.YAMLError as error:
        parsed.error(_("Invalid YAML: %(problem)s") % {"problem": error}, yaml_line)
        return parsed
    if not isinstance(data, dict):
        parsed.error(
            _("The frontmatter must be a mapping of keys to values (key: value), not %(kind)s.")
            % {"kind": type(data).__name__ if data is not None else _("nothing")},
            yaml_line,
        )
        return parsed
    lines = _Lines(line_map, yaml_line)
    kind = str(data.get("type", "")).strip().lower()
    if source.basename == "track.md" or kind == "track":
        parsed.kind = "track"
        parsed.spec = _read_track(parsed, data, lines, body)
    elif source.basename == "competencies.md" or kind == "competencies":
        parsed.kind = "framework"
        parsed.spec = _read_framework(parsed, data, lines)
    else:
        parsed.spec = _read_course(parsed, data, lines, body, body_line)
    if parsed.errors:
        parsed.spec = None
    return parsed


# --- small value readers -------------------------------------------------------------


def _text(parsed: ParsedFile, value: Any, label: str, line: int | None, limit: int = 0) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        parsed.error(_("'%(key)s' must be text, not a list or mapping.") % {"key": label}, line)
        return ""
    text = str(value).strip()
    if limit and len(text) > limit:
        parsed.error(
            _("'%(key)s' is longer than %(limit)d characters.") % {"key": label, "limit": limit},
            line,
        )
    return text


def _identifier(parsed: ParsedFile, value: Any, line: int | None) -> str:
    code = "" if value is None or isinstance(value, dict | list) else str(value).strip()
    if not code:
        parsed.error(_("The 'id' is missing."), line or 1)
    elif not ID_RE.match(code) or len(code) > 64:
        parsed.error(
            _(
                "The id %(id)r may only hold letters, digits, '-' and '_' "
                "(no '/', no '..', at most 64 characters)."
            )
            % {"id": code},
            line,
        )
    return code


def _string_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, list):
        return [str(item).strip() for item in value if not isinstance(item, dict | list)]
    return [str(value)]


# --- courses -------------------------------------------------------------------------


def _read_course(
    parsed: ParsedFile, data: dict, lines: _Lines, body: str, body_line: int
) -> CourseSpec | None:
    values: dict[str, Any] = {}
    value_lines: dict[str, int | None] = {}
    metadata: dict[str, Any] = {}
    for key, value in data.items():
        line = lines.of(data, key)
        field_name = COURSE_KEYS.get(str(key).strip().lower())
        if field_name is None:
            metadata[str(key)] = _json_safe(value)
            parsed.warn(
                _("Unknown key '%(key)s': kept as metadata, not shown as a field.") % {"key": key},
                line,
            )
        elif field_name in values:
            parsed.warn(
                _("'%(key)s' repeats a field already given; the first one is kept.") % {"key": key},
                line,
            )
        else:
            values[field_name] = value
            value_lines[field_name] = line

    code = _identifier(parsed, values.get("id"), value_lines.get("id"))
    texts = {
        name: _text(parsed, values.get(name), name, value_lines.get(name), limit)
        for name, limit in TEXT_LIMITS.items()
    }
    if not texts["title"]:
        parsed.error(_("The title is missing (nom, name or title)."), value_lines.get("title", 1))
    effort = None
    if "effort" not in values:
        parsed.error(_("The effort is missing (effort: '20h')."), 1)
    else:
        try:
            effort = parse_effort(values["effort"])
        except EffortError as error:
            parsed.error(str(error), value_lines.get("effort"))
    weekly = effort.weekly_hours if effort else None
    if "weekly" in values:
        try:
            weekly = parse_weekly(values["weekly"]) or weekly
        except EffortError as error:
            parsed.error(str(error), value_lines.get("weekly"))
    prestige = _prestige(parsed, values.get("prestige"), value_lines.get("prestige"))
    if texts["url"]:
        try:
            _url_validator(texts["url"])
        except ValidationError:
            parsed.error(
                _("The url %(url)r is not an http(s) address.") % {"url": texts["url"]},
                value_lines.get("url"),
            )
    if parsed.errors or effort is None:
        return None

    spec = CourseSpec(
        code=code,
        title=texts["title"],
        provider=texts["provider"],
        effort_text=texts["effort"] or str(values["effort"]),
        effort_hours=effort.hours,
        weekly_hours=weekly,
        price=texts["price"],
        is_free=bool(texts["price"]) and bool(_FREE.match(texts["price"])),
        prestige=prestige,
        url=texts["url"],
        badge=texts["badge"],
        status=texts["status"],
        body_md=body,
        description_html=render_markdown(body),
        modules=_modules(body),
        metadata=metadata,
        id_line=value_lines.get("id"),
    )
    option = OPTION_ID_RE.match(code)
    if option:
        spec.phase_code = f"P{option.group(1)}"
        spec.option = option.group(2).upper()
    names = [
        (name, value_lines.get("competencies")) for name in _string_list(values.get("competencies"))
    ]
    names += _body_competencies(body, body_line)
    seen: set[str] = set()
    for name, line in names:
        key = normalise_name(name)
        if key and key not in seen:
            seen.add(key)
            spec.competency_names.append(name)
            spec.competency_lines[name] = line
    return spec


def _prestige(parsed: ParsedFile, value: Any, line: int | None) -> int | None:
    if value is None or value == "":
        return None
    match = _PRESTIGE.match(str(value)) if not isinstance(value, bool) else None
    if match:
        score = Decimal(match.group(1).replace(",", "."))
        scale = Decimal(match.group(2)) if match.group(2) else Decimal(5)
        if scale > 0:
            score = score * 5 / scale
            if 0 <= score <= 5:
                return int(score.to_integral_value())
    parsed.error(
        _("The prestige %(value)r is not a score from 0 to 5 ('4/5' or 4).") % {"value": value},
        line,
    )
    return None


def _modules(body: str) -> list[ModuleSpec]:
    modules = []
    for raw_line in body.split("\n"):
        match = _MODULE_HEADING.match(raw_line)
        if not match:
            continue
        title, hours = match.group(2), None
        parens = _TRAILING_PARENS.match(title)
        if parens:
            try:
                hours = parse_effort(parens.group(2)).hours
                title = parens.group(1)
            except EffortError:
                pass  # "(Data Science Lifecycle)" is part of the title, not hours
        modules.append(ModuleSpec(order=len(modules) + 1, title=title[:300], hours=hours))
    return modules


def _body_competencies(body: str, body_line: int) -> list[tuple[str, int]]:
    """The names listed under a `## Compétences acquises` (or `Skills you will gain`)."""
    names: list[tuple[str, int]] = []
    in_section = False
    for index, raw_line in enumerate(body.split("\n")):
        heading = _HEADING.match(raw_line)
        if heading:
            in_section = bool(_SKILLS_HEADING.search(heading.group(2)))
            continue
        if not in_section:
            continue
        item = _LIST_ITEM.match(raw_line)
        if not item:
            continue
        text = item.group(1).strip()
        bold = _BOLD_NAME.match(text)
        name = (
            (bold.group(1) or bold.group(2))
            if bold
            else re.split(r"\s+[:\u2013\u2014-]\s+", text)[0]
        )
        name = name.strip().rstrip(":").strip()
        if name:
            names.append((name[:200], body_line + index))
    return names


# --- tracks --------------------------------------------------------------------------


def _name_pair(parsed: ParsedFile, data: dict, lines: _Lines) -> tuple[str, str]:
    name_fr = next(
        (data[k] for k in ("nom", "name_fr", "name", "title", "titre") if data.get(k)), None
    )
    name_fr = _text(parsed, name_fr, "nom", lines.of(data), 200)
    name_en = _text(parsed, data.get("name_en"), "name_en", lines.of(data, "name_en"), 200)
    if not name_fr:
        parsed.error(_("The name is missing (nom or name)."), lines.of(data))
    return name_fr, name_en


def _read_track(parsed: ParsedFile, data: dict, lines: _Lines, body: str) -> TrackSpec | None:
    code = _identifier(parsed, data.get("id"), lines.of(data, "id") or 1)
    name_fr, name_en = _name_pair(parsed, data, lines)
    spec = TrackSpec(code=code, name_fr=name_fr, name_en=name_en, id_line=lines.of(data, "id"))
    spec.description_md = body
    spec.description_html = render_markdown(body)
    phases = data.get("phases")
    if not isinstance(phases, list) or not phases:
        parsed.error(_("'phases' must be a list of phases (code, nom)."), lines.of(data, "phases"))
        phases = []
    for order, phase in enumerate(phases, start=1):
        line = lines.of(phase) if isinstance(phase, dict) else lines.of(data, "phases")
        if not isinstance(phase, dict):
            parsed.error(_("Each phase must be a mapping (code, nom)."), line)
            continue
        phase_code = str(phase.get("code", "")).strip()
        if not PHASE_CODE_RE.match(phase_code):
            parsed.error(
                _("The phase code %(code)r must be P1, P2...") % {"code": phase_code}, line
            )
            continue
        if any(p.code == phase_code for p in spec.phases):
            parsed.error(_("The phase %(code)s appears twice.") % {"code": phase_code}, line)
            continue
        phase_fr, phase_en = _name_pair(parsed, phase, lines)
        shared = phase.get("options") or []
        if not isinstance(shared, list) or not all(
            isinstance(code, str) and ID_RE.match(code) for code in shared
        ):
            parsed.error(
                _("A phase's 'options' must be a list of course ids (P1-A...)."),
                lines.of(phase, "options") or line,
            )
            shared = []
        spec.phases.append(
            PhaseSpec(
                code=phase_code,
                order=order,
                name_fr=phase_fr,
                name_en=phase_en,
                description_fr=_text(parsed, phase.get("description"), "description", line),
                description_en=_text(parsed, phase.get("description_en"), "description_en", line),
                option_codes=list(dict.fromkeys(code.strip() for code in shared)),
                line=lines.of(phase, "options") or line,
            )
        )
    targets = data.get("targets") or {}
    if not isinstance(targets, dict):
        parsed.error(
            _("'targets' must map competency ids to levels 1 to 5."), lines.of(data, "targets")
        )
        targets = {}
    for competency, written in targets.items():
        line = lines.of(targets, competency)
        level = int(written) if isinstance(written, str) and _DIGITS.match(written) else 0
        if not 1 <= level <= 5:
            parsed.error(
                _("The target level of %(code)s must be a whole number from 1 to 5.")
                % {"code": competency},
                line,
            )
            continue
        spec.targets[str(competency)] = level
        spec.target_lines[str(competency)] = line
    known = {
        "id",
        "nom",
        "name_fr",
        "name",
        "title",
        "titre",
        "name_en",
        "phases",
        "targets",
        "type",
    }
    for key in data:
        if key not in known:
            parsed.warn(_("Unknown key '%(key)s' ignored.") % {"key": key}, lines.of(data, key))
    return spec


# --- the competency framework --------------------------------------------------------


def _read_framework(parsed: ParsedFile, data: dict, lines: _Lines) -> FrameworkSpec | None:
    spec = FrameworkSpec(code=str(data.get("id") or "competencies"))
    domains = data.get("domains")
    if not isinstance(domains, list) or not domains:
        parsed.error(_("'domains' must be a list of domains."), lines.of(data, "domains") or 1)
        return None
    for order, domain in enumerate(domains, start=1):
        if not isinstance(domain, dict):
            parsed.error(
                _("Each domain must be a mapping (id, nom, competencies)."),
                lines.of(data, "domains"),
            )
            continue
        line = lines.of(domain)
        name_fr, name_en = _name_pair(parsed, domain, lines)
        domain_spec = DomainSpec(
            code=_identifier(parsed, domain.get("id"), lines.of(domain, "id") or line),
            name_fr=name_fr,
            name_en=name_en,
            order=order,
            line=line,
        )
        competencies = domain.get("competencies")
        if not isinstance(competencies, list) or not competencies:
            parsed.error(_("A domain must list its competencies."), line)
            competencies = []
        for position, competency in enumerate(competencies, start=1):
            if isinstance(competency, dict):
                domain_spec.competencies.append(
                    _read_competency(parsed, competency, lines, position)
                )
            else:
                parsed.error(_("Each competency must be a mapping (id, nom, levels)."), line)
        spec.domains.append(domain_spec)
    return spec


def _read_competency(parsed: ParsedFile, data: dict, lines: _Lines, order: int) -> CompetencySpec:
    line = lines.of(data)
    name_fr, name_en = _name_pair(parsed, data, lines)
    levels_raw = data.get("levels")
    levels: list[dict[str, str]] = []
    if not isinstance(levels_raw, list) or len(levels_raw) != 5:
        parsed.error(
            _("A competency needs exactly five levels, from 1 (novice) to 5 (expert)."),
            lines.of(data, "levels") or line,
        )
    else:
        for level in levels_raw:
            if isinstance(level, dict):
                levels.append({"fr": str(level.get("fr", "")), "en": str(level.get("en", ""))})
            else:
                levels.append({"fr": str(level), "en": ""})
        if any(not level["fr"] for level in levels):
            parsed.error(_("Every level needs a French descriptor (fr)."), lines.of(data, "levels"))
    return CompetencySpec(
        code=_identifier(parsed, data.get("id"), lines.of(data, "id") or line),
        name_fr=name_fr,
        name_en=name_en,
        description_fr=_text(parsed, data.get("description"), "description", line),
        description_en=_text(parsed, data.get("description_en"), "description_en", line),
        levels=levels,
        aliases=_string_list(data.get("aliases")),
        order=order,
        line=line,
    )
