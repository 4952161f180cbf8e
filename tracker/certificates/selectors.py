"""Reads of the certificates app; every getter is scoped to its owner (else 404)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from courses.models import Competency, Course
from tracker.accounts.models import User
from tracker.progress import sql

from .models import Certificate


def certificates_for_user(*, user: User) -> QuerySet[Certificate]:
    """Every certificate of the person, renewed ones too (their history), each with
    `is_renewed`; `expiry_of` gives its flag."""
    return (
        Certificate.objects.filter(user=user)
        .annotate(is_renewed=ExpressionWrapper(renewed(), output_field=BooleanField()))
        .select_related("course")
        .only(
            "user_id",
            "title",
            "issuer",
            "issued_on",
            "expires_on",
            "credential_id",
            "credential_url",
            "file",
            "file_type",
            "file_name",
            "created",
            "course__code",
            "course__title",
        )
    )


def expiry_of(certificate: Certificate, *, today: datetime.date) -> str:
    """The flag of a certificate read by `certificates_for_user`: `renewed` for history,
    else valid, expiring or expired."""
    if getattr(certificate, "is_renewed", False):
        return Certificate.Expiry.RENEWED
    return certificate.expiry(today)


def certificate_get_for_user(*, user: User, certificate_id: int) -> Certificate:
    return get_object_or_404(
        Certificate.objects.select_related("course", "user"), pk=certificate_id, user=user
    )


def renewed() -> Q:
    """True of a certificate that another of the same person renews: one for the same
    course (or, both free-standing, with the same title) that expires later or never;
    between two that expire the same day (or both never), the one recorded last. A
    certificate never renews itself. Only the latest validity is flagged and reminded of."""
    others = Certificate.objects.filter(user_id=OuterRef("user_id")).exclude(pk=OuterRef("pk"))
    recorded_after = Q(pk__gt=OuterRef("pk"))
    # For a certificate with an expiry date, and for one that never expires.
    later_than_dated = others.filter(
        Q(expires_on__isnull=True)
        | Q(expires_on__gt=OuterRef("expires_on"))
        | (Q(expires_on=OuterRef("expires_on")) & recorded_after)
    )
    later_than_never = others.filter(expires_on__isnull=True).filter(recorded_after)

    def renewing(later: QuerySet[Certificate]) -> Q:
        same_course = later.filter(course_id=OuterRef("course_id"))
        same_title = later.filter(course__isnull=True, title__iexact=OuterRef("title"))
        return Q(Exists(same_course)) | (Q(course__isnull=True) & Q(Exists(same_title)))

    return (Q(expires_on__isnull=False) & renewing(later_than_dated)) | (
        Q(expires_on__isnull=True) & renewing(later_than_never)
    )


def current_certificates() -> QuerySet[Certificate]:
    """Certificates that hold their owner's latest validity (none renews them)."""
    return Certificate.objects.exclude(renewed())


# --- Readiness: which certificates hold, are about to lapse, have lapsed ------------------
# A course once done stays done (progress' plan); whether its certificate still holds is
# this separate dimension, read from the latest validity only (a renewed one is history).


@dataclass(frozen=True)
class Readiness:
    """One person's current certificates sorted by their state as of a day, soonest expiry
    first within each (those that never expire last)."""

    valid: list[Certificate] = field(default_factory=list)
    expiring: list[Certificate] = field(default_factory=list)
    expired: list[Certificate] = field(default_factory=list)

    @property
    def needing_renewal(self) -> list[Certificate]:
        return self.expired + self.expiring

    def has(self, state: str) -> bool:
        return bool(getattr(self, state))


def readiness_by_user(*, users: Sequence[User], today: datetime.date) -> dict[int, Readiness]:
    """{user id: Readiness} for every one of `users` (empty for those with none), in one
    query whatever their number."""
    result = {user.pk: Readiness() for user in users}
    if not result:
        return result
    # SQL (Manager.raw) for the reason of teams.selectors.assignments_for_learner: the
    # dashboard reads it on every view. The order: expiry soonest first, never last.
    certificates = list(
        Certificate.objects.raw(
            "SELECT c.id, c.user_id, c.course_id, c.title, c.issuer, c.issued_on,"  # noqa: S608
            " c.expires_on, co.code AS course_code FROM certificates_certificate c"
            " LEFT JOIN courses_course co ON co.id = c.course_id"
            f" WHERE c.user_id IN ({', '.join(['%s'] * len(result))})"  # placeholders only
            " ORDER BY c.expires_on IS NULL, c.expires_on, c.title, c.id",
            list(result),
        )
    )
    for certificate in certificates:
        if certificate.course_id is not None:
            db, pk = certificate._state.db, certificate.course_id
            certificate.course = sql.partial(Course, db, id=pk, code=certificate.course_code)
    for certificate in latest_validities(certificates):
        getattr(result[certificate.user_id], certificate.expiry(today)).append(certificate)
    return result


def latest_validities(certificates: Iterable[Certificate]) -> list[Certificate]:
    """The certificates among `certificates` that no other renews, in their order: the
    rule of `renewed()` applied in Python to certificates already read (each person's
    whole series must be among them). A page reads a few people's certificates: keeping
    the latest of each series here costs less than compiling renewed()'s four correlated
    subqueries, which took about 10 ms of every dashboard view on SQLite (issue 14).
    `tests/test_certificates_readiness.py` checks that both say the same."""
    certificates = list(certificates)
    latest: dict[tuple, Certificate] = {}
    for certificate in certificates:
        # The same course, or free-standing with the same title (iexact, as renewed()).
        series = (
            (certificate.user_id, certificate.course_id)
            if certificate.course_id is not None
            else (certificate.user_id, None, certificate.title.upper())
        )
        current = latest.get(series)
        if current is None or _validity(certificate) > _validity(current):
            latest[series] = certificate
    kept = {certificate.pk for certificate in latest.values()}
    return [certificate for certificate in certificates if certificate.pk in kept]


def _validity(certificate: Certificate) -> tuple[bool, datetime.date, int]:
    """Orders a series as renewed() does: later expiry first wins, never expiring beats
    any date, and between equals the one recorded last."""
    never = certificate.expires_on is None
    return (never, certificate.expires_on or datetime.date.min, certificate.pk)


def readiness_for_user(*, user: User, today: datetime.date) -> Readiness:
    return readiness_by_user(users=[user], today=today)[user.pk]


def competencies_on_expired_certificates(
    *, user: User, today: datetime.date
) -> list[tuple[Competency, list[Certificate]]]:
    """[(competency, its expired certificates)]: the competencies taught by a course whose
    latest certificate has lapsed, in the framework's order. One query when none has
    lapsed, two otherwise."""
    expired = list(
        current_certificates()
        .filter(user=user, course__isnull=False, expires_on__lt=today)
        .only("title", "expires_on", "course_id")
        .order_by("expires_on", "id")
    )
    if not expired:
        return []
    by_course: dict[int, list[Certificate]] = {}
    for certificate in expired:
        by_course.setdefault(certificate.course_id, []).append(certificate)
    links = (
        Course.competencies.through.objects.filter(course_id__in=by_course)
        .select_related("competency")
        .order_by("competency__domain__order", "competency__order", "competency__code")
    )
    by_competency: dict[int, tuple[Competency, list[Certificate]]] = {}
    for link in links:
        _competency, certificates = by_competency.setdefault(
            link.competency_id, (link.competency, [])
        )
        certificates.extend(by_course[link.course_id])
    return list(by_competency.values())
