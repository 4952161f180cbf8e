"""The production stack described by compose.yaml and the Dockerfile.

Docker does not run on the test machines: these tests read the files, check the shape
of the deployment, and run Django's deploy checks with the environment compose gives.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import redis
import yaml
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from tests.redis_scope import ScopedRedisCache, key_prefix
from tracker.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ["migrate", "web", "worker", "beat"]
# What the settings need to run in production (see README's configuration table).
REQUIRED_ENV = [
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_HOST",
]
# Values an operator would export before `docker compose up`.
OPERATOR_ENV = {
    "DJANGO_SECRET_KEY": "compose-test-" + "k" * 50,
    "DJANGO_ALLOWED_HOSTS": "parcours.example.com",
    "POSTGRES_PASSWORD": "pg-secret",
    "EMAIL_HOST": "smtp.example.com",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _interpolate(value: str) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} with OPERATOR_ENV."""

    def replace(match: re.Match) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3) or ""
        if name in OPERATOR_ENV:
            return OPERATOR_ENV[name]
        assert op != ":?", f"{name} is required by compose.yaml but not set"
        return arg if op == ":-" else ""

    return re.sub(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}", replace, value)


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_the_stack_has_its_services(compose):
    assert set(compose["services"]) == {"postgres", "redis", *APP_SERVICES}
    assert compose["services"]["postgres"]["image"].startswith("postgres:")
    assert compose["services"]["redis"]["image"].startswith("redis:")


def test_exactly_one_beat(compose):
    beats = [name for name, s in compose["services"].items() if " beat" in _command(s)]
    assert beats == ["beat"]
    assert compose["services"]["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_workers_and_web_processes_are_several(compose):
    services = compose["services"]
    assert services["worker"]["deploy"]["replicas"] >= 2
    assert "celery --app=tracker worker" in _command(services["worker"])
    web = _command(services["web"])
    assert web.startswith("gunicorn tracker.wsgi")
    workers = int(_interpolate(re.search(r"--workers=(\S+)", web).group(1)))
    assert workers >= 2


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_get_the_environment_the_settings_need(compose, name):
    env = compose["services"][name]["environment"]
    assert set(REQUIRED_ENV) <= set(env)
    assert _interpolate(env["DJANGO_DEBUG"]) == "false"
    assert _interpolate(env["DATABASE_URL"]).startswith("postgres://parcours:pg-secret@postgres")
    assert _interpolate(env["REDIS_URL"]) == "redis://redis:6379/0"


def test_migrations_run_once_before_the_app_starts(compose):
    services = compose["services"]
    assert "manage.py migrate" in _command(services["migrate"])
    assert services["migrate"]["restart"] == "no"
    for name in ["web", "worker", "beat"]:
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_healthchecks(compose):
    services = compose["services"]
    web_check = " ".join(services["web"]["healthcheck"]["test"])
    assert "/healthz" in web_check
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "ping" in " ".join(services["redis"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])


def test_compose_environment_passes_the_deploy_checks(compose):
    """The settings load with exactly what compose gives, and pass check --deploy."""
    env = {k: _interpolate(str(v)) for k, v in compose["services"]["web"]["environment"].items()}
    env = {k: v for k, v in env.items() if v != ""} | {"PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_image_is_slim_runs_as_a_user_and_compiles_translations():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.13-slim" in dockerfile
    assert "gettext" in dockerfile and "compilemessages" in dockerfile
    assert "collectstatic" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    dockerignore = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "var", ".git"} <= set(dockerignore)


@pytest.mark.integration
@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="REDIS_URL is not set: this run has the locmem cache and the filesystem broker "
    "(scripts/test sets it for its PostgreSQL run)",
)
def test_with_redis_url_the_cache_and_the_broker_are_that_redis():
    """The production stack's Redis really serves the run that sets REDIS_URL, each
    pytest process under its own key prefix (tests/redis_scope.py)."""
    url = os.environ["REDIS_URL"]
    raw = redis.Redis.from_url(url)
    prefix = key_prefix()

    assert url == settings.REDIS_URL
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    cache.set("probe", {"round": "trip"}, 30)
    assert cache.get("probe") == {"round": "trip"}
    assert raw.exists(f"{prefix}:cache:1:probe")

    assert celery_app.conf.broker_url == url
    with celery_app.connection_for_write() as connection:
        assert connection.transport.driver_type == "redis"
        queue = connection.SimpleQueue("probe")
        try:
            queue.put({"round": "trip"})
            assert raw.llen(f"{prefix}:celery:probe") == 1
            assert queue.get(timeout=5).payload == {"round": "trip"}
        finally:
            queue.close()
    raw.close()


@pytest.mark.integration
def test_clearing_a_test_process_s_redis_cache_leaves_the_other_processes_keys(redis_url):
    """Django's RedisCache.clear() is FLUSHDB: on the one Redis database of the PostgreSQL
    run, one xdist worker's `_empty_cache` would wipe the other's keys mid-test."""
    here = ScopedRedisCache(redis_url, {"KEY_PREFIX": f"{key_prefix()}:scope-check:mine"})
    there = ScopedRedisCache(redis_url, {"KEY_PREFIX": f"{key_prefix()}:scope-check:theirs"})
    here.set("counter", 1)
    there.set("counter", 2)

    here.clear()

    assert here.get("counter") is None
    assert there.get("counter") == 2
    there.clear()
    assert there.get("counter") is None


def test_every_app_container_mounts_the_certificates_media_volume(compose):
    """A certificate's file uploaded through one web container is served by any other."""
    for name in ("web", "worker", "beat"):
        volumes = compose["services"][name].get("volumes", [])
        assert "media-data:/var/lib/parcours/media" in volumes, name
    assert "media-data" in compose["volumes"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "/var/lib/parcours/media" in dockerfile  # created and owned by the app's user
