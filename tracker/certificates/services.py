"""Writes of the certificates app. A certificate for a course marks the course's plan done
through the progress service, so the dashboard and the forecasts see it at once.

Every function raises ValidationError with a dict of field -> message on bad input; nothing
is written then.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import Course
from tracker.accounts import audit
from tracker.accounts.models import User
from tracker.progress import services as progress_services
from tracker.progress.models import EARLIEST_DATE, Plan
from tracker.xapi import services as xapi_outbox

from .files import check_certificate_file
from .models import Certificate

Action = audit.Action

URL_SCHEMES = ["http", "https"]


@dataclass(frozen=True)
class CertificateInput:
    title: str
    issued_on: datetime.date
    course: Course | None = None
    issuer: str = ""
    expires_on: datetime.date | None = None
    credential_id: str = ""
    credential_url: str = ""
    # A new file for the certificate (replaces the one it has), or remove the one it has.
    file: UploadedFile | None = None
    remove_file: bool = False


# The fields written as they are; the file is stored apart (_store_file).
RECORD_FIELDS = (
    "title",
    "issued_on",
    "course",
    "issuer",
    "expires_on",
    "credential_id",
    "credential_url",
)


def _validate(*, user: User, data: CertificateInput) -> CertificateInput:
    errors: dict[str, str] = {}
    title = (data.title or "").strip() or (data.course.title if data.course else "")
    if not title:
        errors["title"] = _("Give the certificate a title, or choose its course.")
    if data.issued_on > user.local_today():
        errors["issued_on"] = _("The date issued cannot be after today.")
    elif data.issued_on < EARLIEST_DATE:
        errors["issued_on"] = _("The date cannot be before 2000.")
    if data.expires_on is not None and data.expires_on <= data.issued_on:
        errors["expires_on"] = _("The expiry date must be after the date issued.")
    url = (data.credential_url or "").strip()
    if url:
        try:
            URLValidator(schemes=URL_SCHEMES)(url)
        except ValidationError:
            errors["credential_url"] = _("Enter a web address starting with http:// or https://.")
    if data.file is not None:
        try:
            check_certificate_file(data.file)
        except ValidationError as error:
            errors["file"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    return CertificateInput(
        title=title,
        issued_on=data.issued_on,
        course=data.course,
        issuer=(data.issuer or "").strip(),
        expires_on=data.expires_on,
        credential_id=(data.credential_id or "").strip(),
        credential_url=url,
        file=data.file,
        remove_file=data.remove_file,
    )


def _store_file(*, certificate: Certificate, data: CertificateInput) -> None:
    """Save the new file (or drop the old one) through the storage API. The old file is
    deleted once the transaction commits, so a rollback never loses it."""
    old_name = certificate.file.name
    if data.file is not None:
        content_type, extension = check_certificate_file(data.file)
        certificate.file.save(f"upload.{extension}", data.file, save=False)
        certificate.file_type = content_type
        certificate.file_name = (data.file.name or "")[-255:]
    elif data.remove_file:
        certificate.file, certificate.file_type, certificate.file_name = None, "", ""
    if old_name and old_name != certificate.file.name:
        delete_stored_file(old_name)


def delete_stored_file(name: str) -> None:
    """Delete a stored file once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: default_storage.delete(name))


def _mark_course_done(*, user: User, certificate: Certificate) -> None:
    if certificate.course is None:
        return
    plan = progress_services.plan_add(user=user, course=certificate.course)
    progress_services.plan_mark_done(
        plan=plan, done=True, on=certificate.issued_on, source=Plan.DoneSource.CERTIFICATE
    )


def _undo_course_done(*, user: User, course_id: int | None) -> None:
    """A plan a certificate had marked done is open again once no certificate is left for
    its course; a plan the learner marked done themselves stays done."""
    if course_id is None or Certificate.objects.filter(user=user, course_id=course_id).exists():
        return
    plan = Plan.objects.filter(
        user=user, course_id=course_id, done_source=Plan.DoneSource.CERTIFICATE
    ).first()
    if plan is not None:
        progress_services.plan_mark_done(plan=plan, done=False)


def _audit(action: str, certificate: Certificate) -> None:
    """In the person's own activity (not their managers'): the services are called for
    the person's own certificates only."""
    user = certificate.user
    audit.record(action=action, actor=user, user=user, title=certificate.title)


@transaction.atomic
def certificate_record(*, user: User, data: CertificateInput) -> Certificate:
    clean = _validate(user=user, data=data)
    certificate = Certificate(user=user, **{name: getattr(clean, name) for name in RECORD_FIELDS})
    _store_file(certificate=certificate, data=clean)
    certificate.save()
    _mark_course_done(user=user, certificate=certificate)
    _audit(Action.CERTIFICATE_RECORDED, certificate)
    xapi_outbox.outbox_certificate_saved(certificate=certificate)
    return certificate


@transaction.atomic
def certificate_update(*, certificate: Certificate, data: CertificateInput) -> Certificate:
    user = certificate.user
    clean = _validate(user=user, data=data)
    previous_course_id = certificate.course_id
    for name in RECORD_FIELDS:
        setattr(certificate, name, getattr(clean, name))
    _store_file(certificate=certificate, data=clean)
    certificate.save()
    if previous_course_id != certificate.course_id:
        _undo_course_done(user=user, course_id=previous_course_id)
    _mark_course_done(user=user, certificate=certificate)
    _audit(Action.CERTIFICATE_CHANGED, certificate)
    xapi_outbox.outbox_certificate_saved(certificate=certificate)
    return certificate


@transaction.atomic
def certificate_delete(*, certificate: Certificate) -> None:
    user, course_id = certificate.user, certificate.course_id
    _audit(Action.CERTIFICATE_DELETED, certificate)
    xapi_outbox.outbox_certificate_deleted(certificate=certificate)
    certificate.delete()  # its file goes too, on commit (signals.py)
    _undo_course_done(user=user, course_id=course_id)


# --- Demo data (seed_demo's step) ------------------------------------------------------

DEMO_FREE_STANDING = {
    "title": "AWS Certified AI Practitioner",
    "issuer": "Amazon Web Services",
    "credential_id": "AIF-C01-DEMO",
    "credential_url": "https://aws.amazon.com/certification/certified-ai-practitioner/",
}


def seed_certificates(*, users: list[User], today: datetime.date) -> int:
    """Idempotent demo certificates: one for two out of three courses a learner finished
    (their plan then says "done by certificate"), and for the first learner a free-standing
    one that expires in 45 days, so the dashboard shows the renewal panel."""
    done_plans = (
        Plan.objects.filter(user__in=users, done_on__isnull=False)
        .select_related("course")
        .order_by("id")
    )
    have = set(
        Certificate.objects.filter(user__in=users).values_list("user_id", "course_id", "title")
    )
    new: list[Certificate] = []
    certified: list[int] = []
    for plan in done_plans:
        if plan.pk % 3 == 0:
            continue  # some learners do not take the exam
        certified.append(plan.pk)
        if (plan.user_id, plan.course_id, plan.course.title) not in have:
            new.append(
                Certificate(
                    user_id=plan.user_id,
                    course=plan.course,
                    title=plan.course.title,
                    issuer=plan.course.provider,
                    issued_on=plan.done_on,
                    expires_on=plan.done_on + datetime.timedelta(days=3 * 365),
                    credential_id=f"DEMO-{plan.pk:06d}",
                )
            )
    if users and (users[0].pk, None, DEMO_FREE_STANDING["title"]) not in have:
        expires_on = today + datetime.timedelta(days=45)
        new.append(
            Certificate(
                user=users[0],
                issued_on=expires_on - datetime.timedelta(days=3 * 365),
                expires_on=expires_on,
                **DEMO_FREE_STANDING,
            )
        )
    Certificate.objects.bulk_create(new, batch_size=1000)
    Plan.objects.filter(pk__in=certified).update(done_source=Plan.DoneSource.CERTIFICATE)
    return len(new)
