"""Personas shared by the whole suite (healthchecks' pattern): a learner, another learner,
the learner's manager, another team's manager, and an admin."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import PASSWORD, make_team, make_user
from tracker.accounts.models import Team, User

# Fixtures of the reminder tests (a test kind, a locmem mailer).
pytest_plugins = ["tests.reminders_support.fixtures"]


@dataclass
class Personas:
    learner: User
    other_learner: User
    manager: User
    other_manager: User
    admin: User
    team: Team
    other_team: Team

    def client_for(self, who: str | None) -> Client:
        """A test client logged in as one persona (None: anonymous)."""
        client = Client()
        if who is not None:
            client.force_login(getattr(self, who))
        return client


PERSONAS = ["anonymous", "learner", "other_learner", "manager", "other_manager", "admin"]


@pytest.fixture
def personas(db) -> Personas:
    learner = make_user("learner@example.test", name="Léa Learner")
    other_learner = make_user("other@example.test", name="Omar Other")
    manager = make_user("manager@example.test", name="Mia Manager")
    other_manager = make_user("othermanager@example.test", name="Oscar Othermanager")
    admin = make_user("admin@example.test", name="Ada Admin", is_staff=True, is_superuser=True)
    team = make_team("Team A", managers=[manager], members=[learner])
    other_team = make_team("Team B", managers=[other_manager], members=[other_learner])
    return Personas(learner, other_learner, manager, other_manager, admin, team, other_team)


@pytest.fixture
def learner_client(personas) -> Client:
    return personas.client_for("learner")


@pytest.fixture
def seeded_learner(settings, tmp_path) -> User:
    """`learner@parcours.test` of `seed_demo`, on the bundled catalogue."""
    settings.VAR_DIR = tmp_path  # seed_demo writes its logins file there
    call_command("import_catalogue", str(settings.PARCOURS_CATALOGUE_DIR), verbosity=0)
    call_command("seed_demo", learners=2, days=60, verbosity=0)
    return User.objects.get(email="learner@parcours.test")


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def redis_url() -> str:
    """A real Redis (the machine's service), database 15; skipped where there is none,
    except in CI (CI=true), where its absence fails the test."""
    from tests.redis_scope import redis_url_for_tests

    return redis_url_for_tests(os.environ)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite test databases live in a file, not in memory, so that another process (the
    Celery worker of the reminder fault tests) can open the same database. PostgreSQL's
    test database (test_<name>) is shared that way already."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3" and not db.get("TEST", {}).get("NAME"):
        folder = tmp_path_factory.mktemp("db")
        db.setdefault("TEST", {})["NAME"] = str(folder / f"test-{os.getpid()}.sqlite3")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: login throttling counters live there. (On
    Redis, only this process's keys: tests/redis_scope.py.)"""
    from django.core.cache import cache

    from tracker.accounts.throttle import fallback_cache  # counts while the cache is down

    for store in (cache, fallback_cache):
        store.clear()
    yield
    for store in (cache, fallback_cache):
        store.clear()


def pytest_configure(config):
    from django.conf import settings

    if settings.REDIS_URL:
        from tests.redis_scope import scope_to_this_process
        from tracker.celery import app as celery_app

        config.parcours_redis_prefix = scope_to_this_process(settings, celery_app)
    # whitenoise warns about a missing STATIC_ROOT in a fresh clone
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    # A fast hasher: tests that log in many times (throttling) would crawl on PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_unconfigure(config):
    prefix = getattr(config, "parcours_redis_prefix", None)
    if prefix:
        from django.conf import settings

        from tests.redis_scope import delete_all

        delete_all(settings.REDIS_URL, prefix)
