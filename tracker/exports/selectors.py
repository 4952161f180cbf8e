"""Reads for the exports: everything of one learner, and nothing of anyone else.

Each export runs a fixed number of queries whatever the size of the history (the tests
pin them); the large ones (time entries) are read in chunks with .iterator().
"""

from __future__ import annotations

import base64
import csv
import datetime
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Prefetch

from tracker.accounts.models import ApiToken, User
from tracker.assessments.models import Assessment, Rating
from tracker.certificates.models import Certificate
from tracker.progress.models import Enrolment, PhaseChoice, Plan, TimeEntry

from .formats import COMMA, CsvDialect, iso_duration, spreadsheet_safe

CHUNK = 2000
XAPI_VERB = {
    "id": "http://adlnet.gov/expapi/verbs/experienced",
    "display": {"en-US": "experienced", "fr-FR": "a étudié"},
}
XAPI_COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
# Statement ids derive from the entry's id: exporting twice gives the same statements,
# so a Learning Record Store that receives both keeps one.
XAPI_NAMESPACE = uuid.UUID("6f1d7c2e-3c1a-4f0e-9a57-1f3a5c1b2d40")


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time_entries(user: User):
    return (
        TimeEntry.objects.filter(user=user)
        .select_related("course", "module")
        .only(
            "date",
            "minutes",
            "note",
            "created",
            "course__code",
            "course__title",
            "course__url",
            "module__title",
        )
        .order_by("date", "id")
    )


def personal_data(*, user: User) -> dict[str, Any]:
    """All of one learner's data (data portability). API tokens: metadata, never the hash."""
    plans = (
        Plan.objects.filter(user=user)
        .select_related("course")
        .prefetch_related("modules_done")
        .order_by("start_date", "id")
    )
    assessments = (
        Assessment.objects.filter(user=user)
        .prefetch_related(
            Prefetch("ratings", queryset=Rating.objects.order_by("position", "competency_code"))
        )
        .order_by("created", "id")
    )
    return {
        "format": "parcours-personal-data",
        "version": 1,
        "exported_at": _iso(datetime.datetime.now(tz=datetime.UTC)),
        "profile": {
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "timezone": user.timezone,
            "weekly_hours_available": float(user.weekly_hours_available),
            "date_joined": _iso(user.date_joined),
        },
        "enrolments": [
            {"track": e.track.code, "track_name": e.track.name, "joined_at": _iso(e.joined_at)}
            for e in Enrolment.objects.filter(user=user).select_related("track")
        ],
        "phase_choices": [
            {
                "track": c.phase.track.code,
                "phase": c.phase.code,
                "course": c.course.code,
                "chosen_at": _iso(c.chosen_at),
            }
            for c in PhaseChoice.objects.filter(user=user)
            .select_related("phase__track", "course")
            .only("chosen_at", "phase__code", "phase__track__code", "course__code")
            .order_by("chosen_at", "id")
        ],
        "plans": [
            {
                "course": p.course.code,
                "course_title": p.course.title,
                "start_date": _iso(p.start_date),
                "weekly_hours": float(p.weekly_hours),
                "target_date": _iso(p.target_date),
                "done_on": _iso(p.done_on),
                "done_source": p.done_source,
                "modules_done": [m.title for m in p.modules_done.all()],
            }
            for p in plans
        ],
        "time_entries": [
            {
                "course": e.course.code,
                "module": e.module.title if e.module else None,
                "date": _iso(e.date),
                "minutes": e.minutes,
                "note": e.note,
            }
            for e in _time_entries(user).iterator(chunk_size=CHUNK)
        ],
        "certificates": [
            {
                "title": c.title,
                "course": c.course.code if c.course else None,
                "issuer": c.issuer,
                "issued_on": _iso(c.issued_on),
                "expires_on": _iso(c.expires_on),
                "credential_id": c.credential_id,
                "credential_url": c.credential_url,
                "file": _certificate_file(c),
            }
            for c in Certificate.objects.filter(user=user).select_related("course")
        ],
        "assessments": [
            {
                "status": a.status,
                "track": a.track_code or None,
                "created": _iso(a.created),
                "submitted_at": _iso(a.submitted_at),
                "ratings": [
                    {
                        "competency": r.competency_code,
                        "level": r.level,
                        "target_level": r.target_level,
                        "note": r.note,
                        "evidence_url": r.evidence_url,
                    }
                    for r in a.ratings.all()
                ],
            }
            for a in assessments
        ],
        "api_tokens": list(
            ApiToken.objects.filter(user=user)
            .order_by("created", "id")
            .values("name", "hint", "created", "last_used", "revoked_at")
        ),
    }


def _certificate_file(certificate: Certificate) -> dict[str, str] | None:
    """The certificate's file itself, in base64 (5 MiB at most each): My data holds
    everything, not a link that stops working once the account is gone."""
    if not certificate.file:
        return None
    try:
        with certificate.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        return None
    return {
        "name": certificate.file_name,
        "content_type": certificate.file_type,
        "base64": base64.b64encode(content).decode("ascii"),
    }


CSV_HEADER = ["date", "course", "course_title", "module", "minutes", "hours", "note"]


class _Echo:
    """csv.writer writes into this and gets the line back, so rows can be streamed."""

    def write(self, value: str) -> str:
        return value


def time_entries_csv(*, user: User, dialect: CsvDialect = COMMA) -> Iterator[str]:
    """The learner's time entries as CSV lines: a BOM (spreadsheets then read UTF-8), a
    header row, then one row per entry, oldest first, read in chunks. `dialect` gives the
    separator and the decimal mark."""
    writer = csv.writer(_Echo(), delimiter=dialect.delimiter)
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    for entry in _time_entries(user).iterator(chunk_size=CHUNK):
        row = [
            entry.date.isoformat(),
            entry.course.code,
            entry.course.title,
            entry.module.title if entry.module else "",
            entry.minutes,
            dialect.number(entry.minutes / 60),
            entry.note,
        ]
        yield writer.writerow([spreadsheet_safe(cell) for cell in row])


def xapi_statements(*, user: User, course_url: Callable[[str], str]) -> list[dict[str, Any]]:
    """Time entries as xAPI statements; `course_url(code)` gives the course's activity id
    (its absolute catalogue URL). A statement's timestamp is the study day at midnight in
    the learner's time zone: the entry records a day, not a time."""
    actor = {"objectType": "Agent", "name": user.get_full_name(), "mbox": f"mailto:{user.email}"}
    statements = []
    for entry in _time_entries(user).iterator(chunk_size=CHUNK):
        definition: dict[str, Any] = {
            "name": {"en-US": entry.course.title},
            "type": XAPI_COURSE_TYPE,
        }
        if entry.course.url:
            definition["moreInfo"] = entry.course.url
        statement: dict[str, Any] = {
            "id": str(uuid.uuid5(XAPI_NAMESPACE, f"time-entry-{entry.pk}")),
            "actor": actor,
            "verb": XAPI_VERB,
            "object": {
                "objectType": "Activity",
                "id": course_url(entry.course.code),
                "definition": definition,
            },
            "result": {"duration": iso_duration(entry.minutes)},
            "timestamp": datetime.datetime.combine(
                entry.date, datetime.time(), tzinfo=user.tzinfo
            ).isoformat(),
        }
        statements.append(statement)
    return statements
