"""Login (and password-reset) throttling, kept in the cache (Redis in production).

Hand-written rather than django-axes: axes 8.3.1, its latest release, declares support up
to Django 6.0 only, and it brings its own tables, backend and middleware. What we need is
small: count failed logins per email address and per client IP in a shared store, refuse
further attempts for a while once a limit is reached. The cache is shared by every web
process when REDIS_URL is set (in development, LocMemCache is per process, which is fine
for a single runserver).

With the cache (Redis) down, the counting goes on in each web process's memory: the
limits then hold per process rather than across all of them (an attacker gets at most
that many guesses per web process, not unlimited ones), and people can still log in.
"""

from __future__ import annotations

import functools
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
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


# Where the counts go while the shared cache is unreachable (Django's own per-process
# cache). Room for a spray over many addresses: a culled counter would be a lost count.
fallback_cache = LocMemCache("login-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def _counted_anyway(function):
    """Runs `function` against the shared cache; with that cache down, against this
    process's own counters instead (and says so in the log), so that the throttle keeps
    limiting and logins never turn into 500s."""

    @functools.wraps(function)
    def wrapper(**kwargs):
        try:
            return function(store=cache, **kwargs)
        except (RedisError, OSError) as exc:
            logger.warning("login throttle: cache unreachable (%s); counting in this process", exc)
            return function(store=fallback_cache, **kwargs)

    return wrapper


def _key(kind: str, value: str) -> str:
    # Hashed so that neither addresses nor IPs sit in the cache in clear.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:{kind}:{digest}"


def _increment(store: BaseCache, key: str, window: int) -> int:
    # add() then incr() is atomic in Redis: two web processes never lose a count.
    # The window starts at the first hit and is not extended by later ones.
    if store.add(key, 1, timeout=window):
        return 1
    try:
        return store.incr(key)
    except ValueError:  # expired between add() and incr()
        store.add(key, 1, timeout=window)
        return 1


def client_ip(request: HttpRequest | None) -> str:
    # REMOTE_ADDR is the peer gunicorn sees. Behind a reverse proxy every client would
    # share the proxy's address; the proxy should then enforce its own rate limit.
    if request is None:
        return "unknown"
    return request.META.get("REMOTE_ADDR") or "unknown"


def _keys(*, email: str, ip: str) -> list[tuple[str, int]]:
    return [(_key("email", email), EMAIL_LIMIT), (_key("ip", ip), IP_LIMIT)]


@_counted_anyway
def login_is_throttled(*, store: BaseCache, email: str, ip: str) -> bool:
    counts = store.get_many([key for key, _ in _keys(email=email, ip=ip)])
    return any(counts.get(key, 0) >= limit for key, limit in _keys(email=email, ip=ip))


@_counted_anyway
def login_failed(*, store: BaseCache, email: str, ip: str) -> None:
    for key, _ in _keys(email=email, ip=ip):
        _increment(store, key, WINDOW_SECONDS)


@_counted_anyway
def login_succeeded(*, store: BaseCache, email: str) -> None:
    # The IP counter is kept: a success on one account must not reset a spray on others.
    store.delete(_key("email", email))


@_counted_anyway
def password_reset_allowed(*, store: BaseCache, email: str, ip: str) -> bool:
    """Counts one reset request; False once the address or the IP asked too often."""
    by_email = _increment(store, _key("reset-email", email), RESET_WINDOW_SECONDS)
    by_ip = _increment(store, _key("reset-ip", ip), RESET_WINDOW_SECONDS)
    return by_email <= RESET_EMAIL_LIMIT and by_ip <= RESET_IP_LIMIT


# Team invitations: each sends an email to an address the manager typed; counted per
# manager (the same counter as the reset form's), so the form is not a mail cannon.
INVITATION_MANAGER_LIMIT = 20
INVITATION_WINDOW_SECONDS = 3600


@_counted_anyway
def invitation_allowed(*, store: BaseCache, manager_id: int) -> bool:
    """Counts one invitation sent by this manager; False once they sent too many."""
    count = _increment(store, _key("invite-manager", str(manager_id)), INVITATION_WINDOW_SECONDS)
    return count <= INVITATION_MANAGER_LIMIT
