"""Reads of the reminders app, scoped to their owner (another user's id answers 404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from tracker.accounts.models import Membership, Team, User
from tracker.teams.models import Assignment

from . import kinds as registry
from .models import KindOptOut, Notification, ReminderPreference


def notifications_of(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created", "-id")


def notification_of(*, user: User, notification_id: int) -> Notification:
    return get_object_or_404(notifications_of(user=user), pk=notification_id)


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read=False).count()


def preferences_of(*, user: User) -> ReminderPreference:
    return ReminderPreference.objects.filter(user=user).first() or ReminderPreference(user=user)


def audiences_of(*, user: User) -> set[str]:
    """The audiences of reminder kinds `user` belongs to (kinds.Kind.audience)."""
    audiences = {"everyone"}
    if Team.managers.through.objects.filter(user=user).exists():
        audiences.add("managers")
    if (
        Membership.objects.filter(user=user).exists()
        or Assignment.objects.filter(assignee=user).exists()
    ):
        audiences.add("members")
    return audiences


def kinds_for(*, user: User) -> list[registry.Kind]:
    """The reminder kinds that concern `user`, in registration order."""
    audiences = audiences_of(user=user)
    return [kind for kind in registry.all_kinds() if kind.audience in audiences]


def enabled_kinds_of(*, user: User) -> set[str]:
    off = set(KindOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return {kind.name for kind in registry.all_kinds()} - off


def user_exists(*, user_id: int) -> bool:
    """An unsubscribe token may outlive its account."""
    return User.objects.filter(pk=user_id).exists()
