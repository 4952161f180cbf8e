"""Signing in with the company account: mozilla-django-oidc's backend, with the product's
rules for matching accounts.

- An account is matched by email only when the provider says `email_verified: true`;
  otherwise the sign-in is refused with a message: somebody able to set any address at
  the provider must not take over the account that has it.
- No account with that email: one is created from the email and name claims, with no
  usable password (the person may set one later through "forgot password").
- The optional groups claim (PARCOURS_OIDC_GROUPS_CLAIM, default `groups`) adds the
  person to the existing teams of those names, directly, and tells them.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from tracker.accounts.models import Team, User
from tracker.directory import directory_members_add

from .discovery import oidc_setting

logger = logging.getLogger(__name__)

NAME_MAX = 150


class CompanyAccountBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs) -> None:
        # The parent reads the provider's endpoints here; they are discovered on the
        # first sign-in instead (ModelBackend's own set-up is all that is needed now).
        ModelBackend.__init__(self, *args, **kwargs)
        self.UserModel = User

    get_settings = staticmethod(oidc_setting)

    def authenticate(self, request, **kwargs):
        if request is None or "code" not in request.GET or "state" not in request.GET:
            return None  # a password sign-in: not ours
        self.OIDC_OP_TOKEN_ENDPOINT = oidc_setting("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = oidc_setting("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = oidc_setting("OIDC_OP_JWKS_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = oidc_setting("OIDC_RP_CLIENT_ID")
        self.OIDC_RP_CLIENT_SECRET = oidc_setting("OIDC_RP_CLIENT_SECRET")
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims: dict) -> bool:
        if not claims.get("email"):
            self._refuse(_("Your company account did not give an email address."))
            return False
        return True

    def filter_users_by_claims(self, claims: dict):
        return User.objects.filter(email__iexact=claims["email"].strip())

    @transaction.atomic
    def get_or_create_user(self, access_token, id_token, payload):
        return super().get_or_create_user(access_token, id_token, payload)

    def create_user(self, claims: dict) -> User:
        user = User(
            email=User.objects.normalize_email(claims["email"].strip()).lower(),
            name=_claimed_name(claims),
        )
        user.set_unusable_password()
        user.save()
        logger.info("created account %s from the company sign-in", user.pk)
        self._join_groups(user, claims)
        return user

    def update_user(self, user: User, claims: dict) -> User:
        if not user.is_active:
            self._refuse(_("This account is deactivated."))
            raise SuspiciousOperation("the account is deactivated")
        if claims.get("email_verified") is not True:
            # Linking on an address the provider did not verify would hand the account
            # to whoever typed that address there.
            self._refuse(
                _(
                    "An account with this email exists, and your company account does not "
                    "confirm the address is yours. Sign in with your password."
                )
            )
            raise SuspiciousOperation("email_verified is not true: not linking the account")
        if not user.name and _claimed_name(claims):
            user.name = _claimed_name(claims)
            user.save(update_fields=["name"])
        self._join_groups(user, claims)
        return user

    def _join_groups(self, user: User, claims: dict) -> None:
        names = claims.get(oidc_setting("PARCOURS_OIDC_GROUPS_CLAIM", "groups")) or []
        if isinstance(names, str):
            names = [names]
        names = [n for n in names if isinstance(n, str)]
        # Only teams that exist: a provider's groups ("Everyone", "VPN users"...) are not
        # all teams, and creating one stays an admin's or the SCIM directory's act.
        for team in Team.objects.filter(name__in=names).order_by("name"):
            directory_members_add(team=team, users=[user])

    def _refuse(self, message: str) -> None:
        if getattr(self, "request", None) is not None:
            messages.error(self.request, message)


def _claimed_name(claims: dict) -> str:
    given = " ".join(p for p in (claims.get("given_name"), claims.get("family_name")) if p)
    name = claims.get("name") or given or ""
    return name.strip()[:NAME_MAX]
