"""Statements for the learning record store, written to the outbox (models.py).

`outbox_time_entry_saved` and `outbox_time_entry_deleted` are called by the progress
services inside their transaction. With PARCOURS_XAPI_ENDPOINT unset they do nothing.

Statement ids reuse the mapping of the xAPI export (tracker/exports): an entry's first
statement has the id the export gives it. xAPI statements cannot change, so an edit voids
the entry's last statement and sends a new one with the next revision's id; a deletion
voids the last one.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from tracker.exports.formats import iso_duration
from tracker.exports.selectors import XAPI_COURSE_TYPE, XAPI_NAMESPACE, XAPI_VERB
from tracker.progress.models import TimeEntry

from .models import OutboxStatement

VOIDED = {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}}


def enabled() -> bool:
    return bool(settings.PARCOURS_XAPI_ENDPOINT)


def time_entry_statement_id(entry_id: int, revision: int = 0) -> uuid.UUID:
    """The export's id for revision 0; later revisions get their own."""
    name = f"time-entry-{entry_id}" + (f"-r{revision}" if revision else "")
    return uuid.uuid5(XAPI_NAMESPACE, name)


def time_entry_statement(entry: TimeEntry, statement_id: uuid.UUID) -> dict[str, Any]:
    """The export's statement for one entry (same actor, verb, activity and timestamp)."""
    user, course = entry.user, entry.course
    definition: dict[str, Any] = {"name": {"en-US": course.title}, "type": XAPI_COURSE_TYPE}
    if course.url:
        definition["moreInfo"] = course.url
    return {
        "id": str(statement_id),
        "actor": {
            "objectType": "Agent",
            "name": user.get_full_name(),
            "mbox": f"mailto:{user.email}",
        },
        "verb": XAPI_VERB,
        "object": {
            "objectType": "Activity",
            "id": settings.SITE_URL.rstrip("/") + reverse("courses:course", args=[course.code]),
            "definition": definition,
        },
        "result": {"duration": iso_duration(entry.minutes)},
        "timestamp": datetime.datetime.combine(
            entry.date, datetime.time(), tzinfo=user.tzinfo
        ).isoformat(),
    }


def _last_statement(subject: str) -> OutboxStatement | None:
    return (
        OutboxStatement.objects.filter(subject=subject, kind=OutboxStatement.Kind.STATEMENT)
        .order_by("-revision")
        .first()
    )


def _void(last: OutboxStatement, actor: dict) -> None:
    void_id = uuid.uuid5(XAPI_NAMESPACE, f"void-{last.statement_id}")
    OutboxStatement.objects.get_or_create(
        statement_id=void_id,
        defaults={
            "subject": last.subject,
            "kind": OutboxStatement.Kind.VOID,
            "revision": last.revision,
            "payload": {
                "id": str(void_id),
                "actor": actor,
                "verb": VOIDED,
                "object": {"objectType": "StatementRef", "id": str(last.statement_id)},
            },
        },
    )


@transaction.atomic
def outbox_time_entry_saved(*, entry: TimeEntry) -> None:
    """A new or edited entry: its statement (voiding the previous one after an edit)."""
    if not enabled():
        return
    subject = f"time-entry-{entry.pk}"
    last = _last_statement(subject)
    revision = 0 if last is None else last.revision + 1
    statement_id = time_entry_statement_id(entry.pk, revision)
    payload = time_entry_statement(entry, statement_id)
    if last is not None:
        if last.payload | {"id": ""} == payload | {"id": ""}:
            return  # saved again unchanged: the LRS has it already
        _void(last, payload["actor"])
    OutboxStatement.objects.create(
        statement_id=statement_id,
        subject=subject,
        kind=OutboxStatement.Kind.STATEMENT,
        revision=revision,
        payload=payload,
    )


@transaction.atomic
def outbox_time_entry_deleted(*, entry: TimeEntry) -> None:
    """A deleted entry: its last statement is voided (call before or after the delete)."""
    if not enabled():
        return
    last = _last_statement(f"time-entry-{entry.pk}")
    if last is not None:
        _void(last, last.payload["actor"])
