"""Reads of the certificates app; every getter is scoped to its owner (else 404)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from tracker.accounts.models import User

from .models import EXPIRY_WARNING_DAYS, Certificate


def certificates_for_user(*, user: User) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(user=user)
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


def certificate_get_for_user(*, user: User, certificate_id: int) -> Certificate:
    return get_object_or_404(
        Certificate.objects.select_related("course", "user"), pk=certificate_id, user=user
    )


def certificates_needing_renewal(*, user: User, today: datetime.date) -> list[Certificate]:
    """Expired certificates and those expiring within EXPIRY_WARNING_DAYS, soonest first;
    not those a later certificate renews (the expiry reminders' rule too)."""
    horizon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    return list(
        certificates_for_user(user=user)
        .filter(expires_on__isnull=False, expires_on__lte=horizon)
        .exclude(renewed())
        .order_by("expires_on", "id")
    )


def renewals_due(*, user: User, today: datetime.date) -> list[tuple[Certificate, str]]:
    """[(certificate, its expiry)] of certificates_needing_renewal, for the dashboard's
    "Certificates to renew" (certificates/_renewals.html): one query."""
    return [(c, c.expiry(today)) for c in certificates_needing_renewal(user=user, today=today)]


def renewed() -> Q:
    """True of a certificate that another of the same person renews: one for the same
    course (or, both free-standing, with the same title) that expires later or never. Only
    the latest validity is flagged and reminded of."""
    later = Certificate.objects.filter(user_id=OuterRef("user_id")).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gt=OuterRef("expires_on"))
    )
    renewed_course = later.filter(course_id=OuterRef("course_id"))
    renewed_title = later.filter(course__isnull=True, title__iexact=OuterRef("title"))
    return Q(Exists(renewed_course)) | (Q(course__isnull=True) & Q(Exists(renewed_title)))


def current_certificates() -> QuerySet[Certificate]:
    """Certificates that hold their owner's latest validity (none renews them)."""
    return Certificate.objects.exclude(renewed())
