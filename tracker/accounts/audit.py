"""The audit trail (pretix's log_action): one call records who did what to whom.

Team events carry the team and show in its history; a person's own events (tokens,
certificates) carry no team and are read by that person and by admins only.
"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent, Team, User

Action = AuditEvent.Action


def record(
    *,
    action: str,
    actor: User | None,
    user: User | None = None,
    email: str = "",
    team: Team | None = None,
    **details,
) -> AuditEvent:
    """Write one event. `user` is whom it concerns (None while only an address is
    known); `details` are JSON values shown with it (a token's name, a title)."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        user=user,
        email=email or (user.email if user is not None else ""),
        team=team,
        details=details,
    )


def events_of_team(*, team: Team) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(team=team).select_related("actor", "user")


def events_of_person(*, user: User) -> QuerySet[AuditEvent]:
    """What happened to one's own account and memberships: for that person's eyes."""
    return AuditEvent.objects.filter(user=user).select_related("actor", "team")
