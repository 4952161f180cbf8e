"""Personal API tokens (pages) and `/api/me` with bearer and session authentication."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from tracker.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def _bearer(raw: str) -> dict[str, str]:
    return {"authorization": f"Bearer {raw}"}


# --- the tokens page -------------------------------------------------------------------


def test_a_new_token_is_shown_once_then_only_its_hint(learner_client, personas):
    created = learner_client.post(reverse("api_tokens"), {"name": "laptop script"})
    assert created.url == reverse("api_tokens")  # a reload cannot create a second one
    response = learner_client.get(created.url)
    raw = response.context["raw_token"]
    assert raw.startswith("pat_") and raw in response.text
    assert "no-store" in response.headers["Cache-Control"]
    token = ApiToken.objects.get(user=personas.learner)
    assert token.name == "laptop script"
    assert token.token_hash not in response.text

    listing = learner_client.get(reverse("api_tokens")).text
    assert raw not in listing
    assert "laptop script" in listing and token.hint in listing
    assert raw not in str(dict(learner_client.session))


def test_a_token_needs_a_name(learner_client):
    response = learner_client.post(reverse("api_tokens"), {"name": ""})
    assert "name" in response.context["form"].errors
    assert response.context["raw_token"] is None
    assert not ApiToken.objects.exists()


def test_the_list_shows_only_ones_own_active_tokens(learner_client, personas):
    ApiToken.issue(user=personas.other_learner, name="someone else's")
    revoked, _ = ApiToken.issue(user=personas.learner, name="old one")
    revoked.revoke()
    ApiToken.issue(user=personas.learner, name="mine")
    names = [t.name for t in learner_client.get(reverse("api_tokens")).context["tokens"]]
    assert names == ["mine"]


def test_revoking_a_token_stops_it_authenticating(learner_client, personas):
    token, raw = ApiToken.issue(user=personas.learner, name="ci")
    response = learner_client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.url == reverse("api_tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/me", headers=_bearer(raw)).status_code == 401


def test_someone_elses_token_cannot_be_revoked(learner_client, personas):
    token, _ = ApiToken.issue(user=personas.other_learner, name="theirs")
    response = learner_client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_needs_a_post_and_a_login(client, learner_client, personas):
    token, _ = ApiToken.issue(user=personas.learner, name="ci")
    url = reverse("api_token_revoke", args=[token.pk])
    assert learner_client.get(url).status_code == 405
    assert client.post(url).url.startswith(reverse("login"))
    assert client.get(reverse("api_tokens")).url.startswith(reverse("login"))


# --- /api/me ---------------------------------------------------------------------------


def test_me_answers_the_token_owner(personas):
    _, raw = ApiToken.issue(user=personas.learner, name="ci")
    response = Client().get("/api/me", headers=_bearer(raw))
    assert response.status_code == 200
    assert response.json() == {
        "id": personas.learner.pk,
        "email": "learner@example.test",
        "name": "Léa Learner",
        "language": "fr",
        "timezone": "Europe/Paris",
        "weekly_hours_available": 5.0,
    }
    assert ApiToken.objects.get().last_used is not None


def test_a_token_write_that_cannot_get_the_lock_does_not_fail_the_request(personas):
    """The once-a-minute last-used write is bookkeeping: SQLite's write lock busy past its
    timeout (many clients logging hours at once) loses that timestamp, not the request."""
    _, raw = ApiToken.issue(user=personas.learner, name="ci")

    def locked(execute, sql, params, many, context):
        if sql.startswith('UPDATE "accounts_apitoken"'):
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(locked):
        response = Client().get("/api/me", headers=_bearer(raw))
    assert response.status_code == 200
    assert response.json()["email"] == "learner@example.test"
    assert ApiToken.objects.get().last_used is None


def test_me_answers_the_session_user(learner_client):
    response = learner_client.get("/api/me")
    assert response.status_code == 200
    assert response.json()["email"] == "learner@example.test"


@pytest.mark.parametrize(
    "headers",
    [{}, _bearer("pat_not-a-real-token"), {"authorization": "Basic dXNlcjpwYXNz"}],
    ids=["none", "unknown-token", "basic"],
)
def test_me_without_valid_credentials_answers_401_json(headers):
    response = Client().get("/api/me", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_revoked_token_answers_401_json(personas):
    token, raw = ApiToken.issue(user=personas.learner, name="ci")
    token.revoke()
    response = Client().get("/api/me", headers=_bearer(raw))
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_an_inactive_users_token_answers_401(personas):
    _, raw = ApiToken.issue(user=personas.learner, name="ci")
    personas.learner.is_active = False
    personas.learner.save()
    assert Client().get("/api/me", headers=_bearer(raw)).status_code == 401


def _patch(client: Client, data: dict, **headers):
    return client.patch(
        "/api/me", json.dumps(data), content_type="application/json", headers=headers
    )


def test_session_writes_need_the_csrf_token(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.learner)
    refused = _patch(client, {"name": "Hacked"})
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF check Failed"}

    client.get(reverse("profile"))  # sets the CSRF cookie, as the browser would
    csrf = client.cookies["csrftoken"].value
    accepted = _patch(client, {"name": "Léa"}, **{"x-csrftoken": csrf})
    assert accepted.status_code == 200
    assert accepted.json()["name"] == "Léa"


def test_token_writes_need_no_csrf_token(personas):
    _, raw = ApiToken.issue(user=personas.learner, name="ci")
    client = Client(enforce_csrf_checks=True)
    response = _patch(client, {"language": "en", "weekly_hours_available": 7.5}, **_bearer(raw))
    assert response.status_code == 200
    personas.learner.refresh_from_db()
    assert personas.learner.language == "en"
    assert str(personas.learner.weekly_hours_available) == "7.5"


@pytest.mark.parametrize(
    "data",
    [
        {"timezone": "Mars/Olympus"},
        {"language": "de"},
        {"weekly_hours_available": 0},
        {"weekly_hours_available": 1e309},
        {"weekly_hours_available": "NaN"},
        {"name": "x" * 151},
    ],
)
def test_me_update_refuses_bad_values_with_4xx_json(personas, data):
    _, raw = ApiToken.issue(user=personas.learner, name="ci")
    response = _patch(Client(), data, **_bearer(raw))
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()
    personas.learner.refresh_from_db()
    assert personas.learner.name == "Léa Learner"


def test_me_update_refuses_malformed_json(personas):
    _, raw = ApiToken.issue(user=personas.learner, name="ci")
    response = Client().patch(
        "/api/me", "{not json", content_type="application/json", headers=_bearer(raw)
    )
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_me_is_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/me" in paths
    assert {"get", "patch"} <= set(paths["/api/me"])


def test_a_revoked_token_cannot_be_revoked_again(learner_client, personas):
    token, _ = ApiToken.issue(user=personas.learner, name="ci")
    url = reverse("api_token_revoke", args=[token.pk])
    assert learner_client.post(url).status_code == 302
    assert learner_client.post(url).status_code == 404
