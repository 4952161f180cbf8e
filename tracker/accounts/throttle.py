"""Login (and password-reset) throttling, kept in the cache (Redis in production).

Hand-written rather than django-axes: axes 8.3.1, its latest release, declares support up
to Django 6.0 only, and it brings its own tables, backend and middleware. What we need is
small: count failed logins per email address and per client IP in a shared store, refuse
further attempts for a while once a limit is reached. The cache is shared by every web
process when REDIS_URL is set (in development, LocMemCache is per process, which is fine
for a single runserver).
"""

from __future__ import annotations

import functools
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Per email: a few guesses, then a pause. Per IP: higher, since offices share an address.
EMAIL_LIMIT: int = settings.LOGIN_THROTTLE_EMAIL_LIMIT
IP_LIMIT: int = settings.LOGIN_THROTTLE_IP_LIMIT
WINDOW_SECONDS: int = settings.LOGIN_THROTTLE_WINDOW_SECONDS


# Password reset emails: a few per address and per IP an hour, so the form cannot be used
# to flood someone's inbox.
RESET_EMAIL_LIMIT = 3
RESET_IP_LIMIT = 20
RESET_WINDOW_SECONDS = 3600


def _fail_open(fallback):
    """With the cache (Redis) down, people must still be able to log in: the throttle
    steps aside, and says so in the log, rather than turning every login into a 500."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except (RedisError, OSError):
                logger.exception("login throttle: the cache is unreachable; not throttling")
                return fallback

        return wrapper

    return decorate


def _key(kind: str, value: str) -> str:
    # Hashed so that neither addresses nor IPs sit in the cache in clear.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:{kind}:{digest}"


def _increment(key: str, window: int) -> int:
    # add() then incr() is atomic in Redis: two web processes never lose a count.
    # The window starts at the first hit and is not extended by later ones.
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        return 1


def client_ip(request: HttpRequest | None) -> str:
    # REMOTE_ADDR is the peer gunicorn sees. Behind a reverse proxy every client would
    # share the proxy's address; the proxy should then enforce its own rate limit.
    if request is None:
        return "unknown"
    return request.META.get("REMOTE_ADDR") or "unknown"


def _keys(*, email: str, ip: str) -> list[tuple[str, int]]:
    return [(_key("email", email), EMAIL_LIMIT), (_key("ip", ip), IP_LIMIT)]


@_fail_open(False)
def login_is_throttled(*, email: str, ip: str) -> bool:
    counts = cache.get_many([key for key, _ in _keys(email=email, ip=ip)])
    return any(counts.get(key, 0) >= limit for key, limit in _keys(email=email, ip=ip))


@_fail_open(None)
def login_failed(*, email: str, ip: str) -> None:
    for key, _ in _keys(email=email, ip=ip):
        _increment(key, WINDOW_SECONDS)


@_fail_open(None)
def login_succeeded(*, email: str) -> None:
    # The IP counter is kept: a success on one account must not reset a spray on others.
    cache.delete(_key("email", email))


@_fail_open(True)
def password_reset_allowed(*, email: str, ip: str) -> bool:
    """Counts one reset request; False once the address or the IP asked too often."""
    by_email = _increment(_key("reset-email", email), RESET_WINDOW_SECONDS)
    by_ip = _increment(_key("reset-ip", ip), RESET_WINDOW_SECONDS)
    return by_email <= RESET_EMAIL_LIMIT and by_ip <= RESET_IP_LIMIT


# Team invitations: each sends an email to an address the manager typed; counted per
# manager (the same counter as the reset form's), so the form is not a mail cannon.
INVITATION_MANAGER_LIMIT = 20
INVITATION_WINDOW_SECONDS = 3600


@_fail_open(True)
def invitation_allowed(*, manager_id: int) -> bool:
    """Counts one invitation sent by this manager; False once they sent too many."""
    count = _increment(_key("invite-manager", str(manager_id)), INVITATION_WINDOW_SECONDS)
    return count <= INVITATION_MANAGER_LIMIT
