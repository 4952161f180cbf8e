"""Statements for the learning record store, written to the outbox (models.py).

The progress and certificate services call the `outbox_*` functions inside their own
transaction, so a statement is queued exactly when what it describes is committed. With
PARCOURS_XAPI_ENDPOINT unset they do nothing.

Each thing described (a time entry, a course completion, a certificate) is a subject with
a series of statements. Statement ids reuse the mapping of the xAPI export
(tracker/exports): uuid5 of the subject's name, which for an entry's first statement is
the very id the export gives it. xAPI statements cannot change, so a change voids the
subject's last statement and queues a new one (its id names the revision); a removal
voids the last one.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from courses.models import Course
from tracker.accounts.models import User
from tracker.assessments.models import Assessment
from tracker.certificates.models import Certificate
from tracker.exports.formats import iso_duration
from tracker.exports.selectors import XAPI_COURSE_TYPE, XAPI_NAMESPACE, XAPI_VERB
from tracker.progress.models import Plan, TimeEntry

from .models import OutboxStatement

VOIDED = {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}}
COMPLETED = {
    "id": "http://adlnet.gov/expapi/verbs/completed",
    "display": {"en-US": "completed", "fr-FR": "a terminé"},
}
EARNED = {
    "id": "http://id.tincanapi.com/verb/earned",
    "display": {"en-US": "earned", "fr-FR": "a obtenu"},
}
CERTIFICATE_TYPE = "https://w3id.org/xapi/tla/activity-types/credential"
ASSESSMENT_TYPE = "http://adlnet.gov/expapi/activities/assessment"


def enabled() -> bool:
    return bool(settings.PARCOURS_XAPI_ENDPOINT)


def statement_id(subject: str, revision: int = 0) -> uuid.UUID:
    """The export's mapping: uuid5(namespace, "time-entry-<id>") for an entry's first
    statement; a later revision's id names it."""
    return uuid.uuid5(XAPI_NAMESPACE, subject + (f"-r{revision}" if revision else ""))


def _actor(user: User) -> dict[str, Any]:
    return {"objectType": "Agent", "name": user.get_full_name(), "mbox": f"mailto:{user.email}"}


def _midnight(user: User, day: datetime.date) -> str:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=user.tzinfo).isoformat()


def _course_activity(course: Course) -> dict[str, Any]:
    definition: dict[str, Any] = {"name": {"en-US": course.title}, "type": XAPI_COURSE_TYPE}
    if course.url:
        definition["moreInfo"] = course.url
    return {
        "objectType": "Activity",
        "id": settings.SITE_URL.rstrip("/") + reverse("courses:course", args=[course.code]),
        "definition": definition,
    }


def _last_statement(subject: str) -> OutboxStatement | None:
    return (
        OutboxStatement.objects.filter(subject=subject, kind=OutboxStatement.Kind.STATEMENT)
        .order_by("-revision")
        .first()
    )


def _void(last: OutboxStatement) -> None:
    """Queue the voiding of a subject's last statement, unless already voided."""
    void_id = uuid.uuid5(XAPI_NAMESPACE, f"void-{last.statement_id}")
    OutboxStatement.objects.get_or_create(
        statement_id=void_id,
        defaults={
            "subject": last.subject,
            "kind": OutboxStatement.Kind.VOID,
            "revision": last.revision,
            "payload": {
                "id": str(void_id),
                "actor": last.payload["actor"],
                "verb": VOIDED,
                "object": {"objectType": "StatementRef", "id": str(last.statement_id)},
            },
        },
    )


def _is_voided(last: OutboxStatement) -> bool:
    return OutboxStatement.objects.filter(
        subject=last.subject, kind=OutboxStatement.Kind.VOID, revision=last.revision
    ).exists()


def _record(*, subject: str, statement: dict[str, Any]) -> None:
    """Queue the subject's current statement (voiding the previous one if it differs)."""
    last = _last_statement(subject)
    if last is not None and not _is_voided(last):
        if {**last.payload, "id": ""} == {**statement, "id": ""}:
            return  # saved again unchanged: the LRS has it already
        _void(last)
    revision = 0 if last is None else last.revision + 1
    new_id = statement_id(subject, revision)
    OutboxStatement.objects.create(
        statement_id=new_id,
        subject=subject,
        kind=OutboxStatement.Kind.STATEMENT,
        revision=revision,
        payload={**statement, "id": str(new_id)},
    )


def _retract(*, subject: str) -> None:
    last = _last_statement(subject)
    if last is not None:
        _void(last)


# --- What the services call -------------------------------------------------------------


def outbox_time_entry_saved(*, entry: TimeEntry) -> None:
    """A new or edited time entry: "experienced" the course, with the study time."""
    if not enabled():
        return  # before the transaction: no savepoint on every entry logged (issue 14)
    with transaction.atomic():
        _record(
            subject=f"time-entry-{entry.pk}",
            statement={
                "actor": _actor(entry.user),
                "verb": XAPI_VERB,
                "object": _course_activity(entry.course),
                "result": {"duration": iso_duration(entry.minutes)},
                "timestamp": _midnight(entry.user, entry.date),
            },
        )


@transaction.atomic
def outbox_time_entry_deleted(*, entry: TimeEntry) -> None:
    if enabled():
        _retract(subject=f"time-entry-{entry.pk}")


@transaction.atomic
def outbox_plan_completion(*, plan: Plan) -> None:
    """A course marked done ("completed", on the day it was done), or open again."""
    if not enabled():
        return
    subject = f"completion-{plan.pk}"
    if plan.done_on is None:
        _retract(subject=subject)
        return
    _record(
        subject=subject,
        statement={
            "actor": _actor(plan.user),
            "verb": COMPLETED,
            "object": _course_activity(plan.course),
            "result": {"completion": True},
            "timestamp": _midnight(plan.user, plan.done_on),
        },
    )


@transaction.atomic
def outbox_certificate_saved(*, certificate: Certificate) -> None:
    """A certificate recorded or changed: "earned" the credential."""
    if not enabled():
        return
    activity_id = certificate.credential_url or (
        settings.SITE_URL.rstrip("/") + f"/certificates/#certificate-{certificate.pk}"
    )
    definition: dict[str, Any] = {"name": {"en-US": certificate.title}, "type": CERTIFICATE_TYPE}
    if certificate.course is not None:
        definition["description"] = {"en-US": certificate.course.title}
    _record(
        subject=f"certificate-{certificate.pk}",
        statement={
            "actor": _actor(certificate.user),
            "verb": EARNED,
            "object": {"objectType": "Activity", "id": activity_id, "definition": definition},
            "timestamp": _midnight(certificate.user, certificate.issued_on),
        },
    )


@transaction.atomic
def outbox_certificate_deleted(*, certificate: Certificate) -> None:
    if enabled():
        _retract(subject=f"certificate-{certificate.pk}")


@transaction.atomic
def outbox_assessment_submitted(*, assessment: Assessment) -> None:
    """A submitted self-assessment (immutable): "completed" it, with each competency's
    level (1-5) in the result, under an extension of the product's site."""
    if not enabled():
        return
    site = settings.SITE_URL.rstrip("/")
    rated = assessment.ratings.filter(level__isnull=False).order_by("competency_code")
    levels = dict(rated.values_list("competency_code", "level"))
    name = assessment.track_name_en or assessment.track_code or "Competencies"
    _record(
        subject=f"assessment-{assessment.pk}",
        statement={
            "actor": _actor(assessment.user),
            "verb": COMPLETED,
            "object": {
                "objectType": "Activity",
                "id": f"{site}/assessments/#assessment-{assessment.pk}",
                "definition": {
                    "name": {"en-US": f"Self-assessment: {name}"},
                    "type": ASSESSMENT_TYPE,
                },
            },
            "result": {
                "completion": True,
                "extensions": {f"{site}/xapi/competency-levels": levels},
            },
            "timestamp": (assessment.submitted_at or assessment.created).isoformat(),
        },
    )
