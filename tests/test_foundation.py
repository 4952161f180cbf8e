"""The project's ground: settings from the environment, email login, languages, health."""

import subprocess
import sys

import pytest
from django.urls import reverse

from tests.factories import make_user
from tracker.accounts.models import ApiToken, User


def _settings_error(env: dict[str, str]) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='tracker.settings'; django.setup()"
    )
    base = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=base | env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    return result.stderr


def test_settings_refuse_a_bad_boolean():
    err = _settings_error({"DJANGO_DEBUG": "maybe"})
    assert "DJANGO_DEBUG must be a boolean" in err


def test_settings_require_a_secret_key_when_not_debugging():
    err = _settings_error({"DJANGO_DEBUG": "false"})
    assert "DJANGO_SECRET_KEY is required" in err


def test_settings_refuse_a_database_url_of_another_kind():
    err = _settings_error({"DJANGO_SECRET_KEY": "x", "DATABASE_URL": "mysql://x@y/z"})
    assert "DATABASE_URL must be" in err


@pytest.mark.django_db
def test_user_logs_in_with_email_in_any_case(client, password):
    make_user("ana@example.test")
    response = client.post(reverse("login"), {"username": "Ana@Example.TEST", "password": password})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


@pytest.mark.django_db
def test_emails_are_unique_whatever_their_case():
    from django.db import IntegrityError, transaction

    make_user("dup@example.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="DUP@example.test")


@pytest.mark.django_db
def test_wrong_password_rerenders_the_form_with_a_message(client):
    make_user("ana@example.test")
    response = client.post(reverse("login"), {"username": "ana@example.test", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.django_db
def test_dashboard_needs_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_ui_is_french_by_default_and_english_on_request(client):
    response = client.get(reverse("login"))
    assert 'lang="fr"' in response.text
    assert "Connexion" in response.text
    response = client.get(reverse("login"), headers={"accept-language": "en"})
    assert 'lang="en"' in response.text
    assert "Log in" in response.text


@pytest.mark.django_db
def test_signed_in_user_sees_their_profile_language(client):
    user = make_user(language="en")
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert 'lang="en"' in response.text


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.django_db
def test_health_reports_the_database(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_api_token_is_stored_hashed_and_can_be_revoked():
    user = make_user()
    token, raw = ApiToken.issue(user=user, name="laptop")
    assert raw.startswith("pat_") and raw not in token.token_hash
    assert ApiToken.authenticate(raw) == user
    token.revoke()
    assert ApiToken.authenticate(raw) is None
    assert ApiToken.authenticate("pat_unknown") is None


@pytest.mark.django_db
def test_openapi_schema_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Parcours API"
