"""Reads of the certificates app; every getter is scoped to its owner (else 404)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
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
    """Expired certificates and those expiring within EXPIRY_WARNING_DAYS, soonest first."""
    horizon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    return list(
        certificates_for_user(user=user)
        .filter(expires_on__isnull=False, expires_on__lte=horizon)
        .order_by("expires_on", "id")
    )
