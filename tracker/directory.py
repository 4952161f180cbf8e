"""Team memberships decided by the company directory (SCIM groups, the SSO groups claim).

The directory speaks for the admin: members are added directly, as the roster import adds
them; each person is told in the app and the addition is recorded in the team's history,
through the same function as the admin's and the roster's additions
(`teams.services.members_joined_directly`).
"""

from __future__ import annotations

from django.db import transaction

from tracker.accounts.models import Membership, Team, User
from tracker.teams.services import members_joined_directly


@transaction.atomic
def directory_members_add(*, team: Team, users: list[User]) -> list[User]:
    """Add these people to the team (those already in it are left alone), record it and
    notify each newcomer. Returns the newcomers."""
    present = set(
        Membership.objects.filter(team=team, user__in=users).values_list("user_id", flat=True)
    )
    newcomers = [user for user in users if user.pk not in present]
    memberships = [Membership(team=team, user=user) for user in newcomers]
    Membership.objects.bulk_create(memberships, ignore_conflicts=True)
    members_joined_directly(memberships=memberships, actor=None, via="directory")
    return newcomers
