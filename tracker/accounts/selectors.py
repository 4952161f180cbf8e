"""Reads on accounts, scoped to their owner: another user's id answers 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.http import urlsafe_base64_decode

from . import audit
from .models import ApiToken, AuditEvent, Team, User

ACTIVITY_SHOWN = 30


def user_from_uid(uidb64: str) -> User | None:
    """The account a signed link names (base64 of its id), or None."""
    try:
        return User.objects.filter(pk=int(urlsafe_base64_decode(uidb64))).first()
    except (TypeError, ValueError, OverflowError):
        return None


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.active().filter(user=user).order_by("-created")


def api_token_of(*, user: User, token_id: int) -> ApiToken:
    return get_object_or_404(api_tokens_of(user=user), pk=token_id)


def teams_of_member(*, user: User) -> list[Team]:
    """The teams that see this person's progress, with their managers (two queries)."""
    return list(
        Team.objects.filter(memberships__user=user).prefetch_related("managers").order_by("name")
    )


def activity_of(*, user: User, limit: int = ACTIVITY_SHOWN) -> list[AuditEvent]:
    """The person's own audit trail (tokens, certificates, memberships): for their eyes
    and admins' only, never a manager's."""
    return list(audit.events_of_person(user=user)[:limit])
