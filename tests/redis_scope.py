"""One Redis database, shared by every pytest process that runs the suite with REDIS_URL.

scripts/test's PostgreSQL run sets REDIS_URL, so the cache and the Celery broker are
Redis for the whole suite. Its two xdist workers, and any other checkout running the
suite at the same time on this machine, share that one database (the 16 Redis databases
would not stretch to one each, and database 15 belongs to the `redis_url` tests). Each
pytest process therefore keeps to the keys under its own prefix, made of its checkout
and its xdist worker: the cache's KEY_PREFIX and kombu's `global_keyprefix`. Both are
deterministic, so a run killed half-way is cleaned up by the next one in the same place.

Django's RedisCache.clear() is FLUSHDB, which would wipe the other processes' keys (the
autouse `_empty_cache` fixture clears before and after every test): ScopedRedisCache
clears only its own prefix.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

ROOT = Path(__file__).resolve().parent.parent


def key_prefix() -> str:
    """`parcours-test:<checkout>:<xdist worker>`, e.g. `parcours-test:3f2a9c1d:gw0`."""
    checkout = hashlib.md5(str(ROOT).encode(), usedforsecurity=False).hexdigest()[:8]
    return f"parcours-test:{checkout}:{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def delete_keys(client: redis.Redis, prefix: str) -> int:
    """Deletes every key under `prefix` (hex digits and names: no glob character)."""
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    return client.delete(*keys) if keys else 0


class ScopedRedisCache(RedisCache):
    """Django's RedisCache, whose clear() deletes its own KEY_PREFIX's keys only."""

    def clear(self) -> bool:
        # Django's own connection pool (RedisCacheClient), not a connection per test.
        return delete_keys(self._cache.get_client(write=True), f"{self.key_prefix}:") > 0


def scope_to_this_process(settings, celery_app) -> str:
    """Points the cache and the broker at this process's prefix, before either is used,
    and removes what a killed run left under it. Returns the prefix."""
    prefix = key_prefix()
    cache = settings.CACHES["default"]
    # Mutated in place: the cache handler reads this very dict when the cache is first used.
    cache["BACKEND"] = f"{ScopedRedisCache.__module__}.{ScopedRedisCache.__qualname__}"
    cache["KEY_PREFIX"] = f"{prefix}:cache"
    # Queues, bindings and unacked messages all live under the prefix: a message
    # published by a test can reach no other run's worker (nor a developer's).
    celery_app.conf.broker_transport_options = {
        **celery_app.conf.broker_transport_options,
        "global_keyprefix": f"{prefix}:celery:",
    }
    delete_all(settings.REDIS_URL, prefix)
    return prefix


def delete_all(url: str, prefix: str) -> None:
    """The cache's and the broker's keys of `prefix`: before and after a run."""
    with redis.Redis.from_url(url) as client:
        delete_keys(client, f"{prefix}:")


def redis_url_for_tests(environ) -> str:
    """The Redis of the tests that need a real one (`redis_url` fixture): skipped where
    the machine has none, but a failure in CI, where a skip would pass unnoticed."""
    url = environ.get("PARCOURS_TEST_REDIS_URL")
    if url:
        return url
    if environ.get("CI", "").strip().lower() == "true":
        pytest.fail(
            "PARCOURS_TEST_REDIS_URL is not set: in CI the Redis tests must run (scripts/test "
            "sets it when Redis answers)",
            pytrace=False,
        )
    pytest.skip("no Redis reachable (PARCOURS_TEST_REDIS_URL is not set)")
