"""The production stack described by compose.yaml and the Dockerfile.

Docker does not run on the test machines: these tests read the files, check the shape
of the deployment, and run Django's deploy checks with the environment compose gives.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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
