"""Writes on accounts: sign-up, profile, language, personal API tokens, invitations."""

from __future__ import annotations

import logging
from decimal import Decimal
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .forms import LocalizedPasswordResetForm
from .models import ApiToken, User

logger = logging.getLogger(__name__)

INVITATIONS_PER_TASK = 200


@transaction.atomic
def user_sign_up(
    *, email: str, name: str, password: str, language: str = "", timezone: str = ""
) -> User:
    return User.objects.create_user(
        email=email,
        password=password,
        name=name,
        language=language or settings.LANGUAGE_CODE,
        timezone=timezone or settings.TIME_ZONE,
    )


def user_update_profile(
    *, user: User, name: str, language: str, timezone: str, weekly_hours_available: Decimal
) -> User:
    user.name = name
    user.language = language
    user.timezone = timezone
    user.weekly_hours_available = weekly_hours_available
    user.save(update_fields=["name", "language", "timezone", "weekly_hours_available"])
    return user


def user_set_language(*, user: User, language: str) -> None:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its raw value, to be shown once and never stored."""
    return ApiToken.issue(user=user, name=name)


def api_token_revoke(*, token: ApiToken) -> None:
    token.revoke()


# --- Invitations (people an admin added, e.g. by roster import) -----------------------


def invitations_send(*, user_ids: list[int], inviter: str = "") -> int:
    """Email each of these people who has not chosen a password yet a link to choose one
    (a password reset link, valid for PASSWORD_RESET_TIMEOUT), in their language, the
    way the reset form sends its own (a failed send is logged, the others go on).
    Returns how many were invited."""
    site = urlparse(settings.SITE_URL)
    form = LocalizedPasswordResetForm()
    invited = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        if user.has_usable_password():
            continue  # they found their way in already
        context = {
            "user": user,
            "inviter": inviter,
            "protocol": site.scheme,
            "domain": site.netloc,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
        form.send_mail(
            "registration/invitation_subject.txt",
            "registration/invitation_email.txt",
            context,
            None,
            user.email,
        )
        invited += 1
    return invited


def invitations_enqueue(*, user_ids: list[int], inviter: str = "") -> bool:
    """Hand the invitations to Celery, a few hundred per task. False when the broker is
    down: nothing is lost, since they can still ask for a link from the login page."""
    from .tasks import send_invitations

    try:
        for start in range(0, len(user_ids), INVITATIONS_PER_TASK):
            chunk = user_ids[start : start + INVITATIONS_PER_TASK]
            send_invitations.apply_async((chunk, inviter), retry=False)
    except Exception:  # kombu raises OperationalError, socket and redis errors alike
        logger.warning("could not enqueue invitations for %d people", len(user_ids))
        return False
    return True
