"""What the company directory said about the accounts and teams it provisions.

The account itself stays the product's User (email, name, is_active) and a group is a
Team: these rows only keep the SCIM attributes the product has no field for, so that
what the directory wrote reads back the same (RFC 7643), and whether the directory
deleted the resource (a deleted user is deactivated, never erased: its history stays).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from tracker.accounts.models import Team


class DirectoryUser(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory"
    )
    # userName; most directories send the email, but it may be any unique handle.
    user_name = models.CharField(max_length=254)
    external_id = models.CharField(max_length=254, blank=True, default="")
    display_name = models.CharField(max_length=150, blank=True, default="")
    given_name = models.CharField(max_length=150, blank=True, default="")
    family_name = models.CharField(max_length=150, blank=True, default="")
    email_type = models.CharField(max_length=64, blank=True, default="")
    # Whether the directory marked the (only) email primary: read back as it was sent.
    email_primary = models.BooleanField(null=True, default=None)
    # DELETE /Users/{id}: the account is deactivated and the resource answers 404 until
    # the directory creates it again (which reactivates the same account).
    deleted = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("user_name"), name="scim_directoryuser_user_name_ci")
        ]

    def __str__(self) -> str:
        return self.user_name


class DirectoryGroup(models.Model):
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="directory")
    external_id = models.CharField(max_length=254, blank=True, default="")
    # DELETE /Groups/{id} unlinks the team from the directory; the team, its members and
    # its assignments stay (deleting a team is an admin's decision).
    deleted = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.team)
