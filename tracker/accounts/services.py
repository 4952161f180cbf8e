"""Writes on accounts: sign-up, profile, language, personal API tokens."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction

from .models import ApiToken, User


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
