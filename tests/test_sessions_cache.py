"""Sessions read from the shared cache when there is one (Redis): a signed-in request
then reads no session row from the database; the database stays the store of record."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_user

CACHED_DB = "django.contrib.sessions.backends.cached_db"


def _session_engine(env: dict[str, str]) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='tracker.settings'; "
        "django.setup(); from django.conf import settings; print(settings.SESSION_ENGINE)"
    )
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SECRET_KEY": "x", "DJANGO_DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=base | env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_sessions_go_through_the_cache_only_when_the_cache_is_shared():
    # A per-process cache would keep a session that another process logged out.
    assert _session_engine({}) == "django.contrib.sessions.backends.db"
    assert _session_engine({"REDIS_URL": "redis://127.0.0.1:6379/15"}) == CACHED_DB


@pytest.mark.django_db
def test_a_signed_in_request_reads_its_session_from_the_cache(client, settings, password):
    settings.SESSION_ENGINE = CACHED_DB
    user = make_user("cached@example.test")
    assert client.post(reverse("login"), {"username": user.email, "password": password}).url
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("courses:catalogue")).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
    # Logging out ends the session everywhere: the next request is anonymous.
    client.post(reverse("logout"))
    assert client.get(reverse("courses:catalogue")).status_code == 302
