"""Computed progress, cached per learner.

The numbers of the learner dashboard and of each row of a team dashboard are computed
from a year of time entries, the plans and the choices: the same answer on every view
until something changes. They are cached under a key made of the learner's
`progress_version`, today's date and the catalogue's version, so nothing is ever deleted
from the cache: a write bumps the version (`progress_changed`, called by every service
that writes progress in the same transaction) and the next read misses and recomputes.
Entries also expire after `PARCOURS_PROGRESS_CACHE_SECONDS`, which bounds how long a write
made outside the services (a shell, raw SQL) could go unseen.

Reads take the version before the rows: a write committed in between is cached under the
old version at worst, which the next read skips.

The cache is Django's (Redis with REDIS_URL, else per process). With it down, pages
compute as if every key were missing: slower, never an error.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from redis.exceptions import RedisError

from tracker.accounts.models import User

logger = logging.getLogger(__name__)

# Bumped when the shape of what is cached changes, so a deploy never reads old pickles.
# 2: Forecast.credited_hours; 3: the verdicts model (verdicts.py); 4: pauses; 5: PlanFacts;
# 6: the model's values as NamedTuples
SCHEMA = 6


def progress_changed(*, user_ids: Iterable[int]) -> None:
    """Say that these learners' progress changed: their cached figures are stale."""
    ids = set(user_ids)
    if ids:
        User.objects.filter(pk__in=ids).update(progress_version=F("progress_version") + 1)


def key(name: str, user_id: int, version: int, *parts: object) -> str:
    return ":".join(["progress", str(SCHEMA), name, str(user_id), str(version), *map(str, parts)])


def get_or_compute_many(
    keys: dict[int, str], compute: Callable[[list[int]], dict[int, Any]]
) -> dict[int, Any]:
    """The cached value of each id's key; `compute` is called once with the ids whose
    key is missing and must return a value for each of them."""
    found: dict[int, Any] = {}
    if seconds := settings.PARCOURS_PROGRESS_CACHE_SECONDS:
        try:
            cached = cache.get_many(list(keys.values()))
        except (RedisError, OSError):
            logger.exception("progress cache unreachable: computing without it")
            seconds, cached = 0, {}
        found = {pk: cached[k] for pk, k in keys.items() if k in cached}
    missing = [pk for pk in keys if pk not in found]
    if missing:
        computed = compute(missing)
        found.update(computed)
        if seconds:
            try:
                cache.set_many({keys[pk]: computed[pk] for pk in missing}, seconds)
            except (RedisError, OSError):
                logger.exception("progress cache unreachable: not storing")
    return found


def get_or_compute(cache_key: str, user_id: int, compute: Callable[[], Any]) -> Any:
    return get_or_compute_many({user_id: cache_key}, lambda _ids: {user_id: compute()})[user_id]


def content_key(name: str, parts: Iterable[object]) -> str:
    """The key of a value computed from rows that never change once written (a submitted
    self-assessment's ratings): named by those rows' ids, so a new or deleted row makes a
    new key, and cached like the figures (the same setting, the same expiry)."""
    digest = hashlib.blake2b(",".join(map(str, parts)).encode(), digest_size=16).hexdigest()
    return ":".join(["progress", str(SCHEMA), name, digest])
