"""Team memberships decided by the company directory (SCIM groups, the SSO groups claim).

The directory speaks for the admin: members are added directly, as the roster import adds
them, and each person is told in the app. `directory_members_add` is the one place that
does it, so that the notification can move to the product's notify() without touching
its callers.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from tracker.accounts.models import Membership, Team, User
from tracker.reminders.models import Notification

NOTIFICATION_KIND = "team_added"


@transaction.atomic
def directory_members_add(*, team: Team, users: list[User]) -> list[User]:
    """Add these people to the team (those already in it are left alone) and notify each
    newcomer. Returns the newcomers."""
    present = set(
        Membership.objects.filter(team=team, user__in=users).values_list("user_id", flat=True)
    )
    newcomers = [user for user in users if user.pk not in present]
    Membership.objects.bulk_create(
        [Membership(team=team, user=user) for user in newcomers], ignore_conflicts=True
    )
    notifications = []
    for user in newcomers:
        with translation.override(user.language):
            title = _("Your company directory added you to the team %(team)s.") % {
                "team": team.name
            }
        notifications.append(
            Notification(user=user, kind=NOTIFICATION_KIND, title=title[:200], url="/")
        )
    Notification.objects.bulk_create(notifications)
    return newcomers
