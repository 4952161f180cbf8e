"""Signed unsubscribe tokens: kind + user, verifiable without a session or a database row."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

SALT = "parcours.reminders.unsubscribe"


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind); raises signing.BadSignature (SignatureExpired included)."""
    data = signing.loads(token, salt=SALT, max_age=settings.REMINDERS_UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise signing.BadSignature("malformed token")
    return data["u"], str(data.get("k", ""))
