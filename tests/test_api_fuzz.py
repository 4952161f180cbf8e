"""The JSON API fuzzed from its own OpenAPI schema (schemathesis).

Every operation the schema lists at /api/openapi.json is called with generated inputs,
valid and invalid (huge numbers, NUL bytes, out-of-range dates, missing fields...), by a
learner who has data and, for the team endpoints, by the manager of that learner's team.
Each answer must not be a 5xx, must conform to the documented response schema, and its
status code must be documented. Operations added later are covered without touching this
file: they are discovered from the schema.
"""

from __future__ import annotations

import datetime
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import make_competency, make_snapshot, make_team, make_user
from tests.progress_helpers import log_daily, make_track_with_options
from tracker.accounts.models import ApiToken
from tracker.progress import services as progress_services
from tracker.progress.models import TimeEntry
from tracker.wsgi import application

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture
def keep_test_connection():
    """The app is called straight through WSGI, not through Django's test client, so
    stop it closing the test's database connection at the end of each request, as the
    test client does (on PostgreSQL that would end the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_tokens(db, settings, keep_test_connection) -> dict:
    """Bearer tokens of a learner with a plan, time entries and an assessment, and of
    the manager of the learner's team; with the team's and the learner's ids."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    learner = make_user("fuzz-learner@example.test")
    manager = make_user("fuzz-manager@example.test")
    team = make_team("Fuzzed team", managers=[manager], members=[learner])
    track, _p1, _p2, course, _b, _c = make_track_with_options("fuzz")
    progress_services.plan_add(user=learner, course=course)
    log_daily(learner, course, days=5, end=datetime.date(2026, 1, 10))
    make_competency("mlops")
    make_snapshot(learner, {"mlops": 2}, track=track)
    return {
        "learner": ApiToken.issue(user=learner, name="fuzz")[1],
        "manager": ApiToken.issue(user=manager, name="fuzz")[1],
        "team_id": team.pk,
        "user_id": learner.pk,
    }


# Loaded from the app itself at collection; schemathesis' WSGI client calls it "localhost".
# (`schemathesis.pytest.from_fixture` does not run under pytest 9: it sets a private
# attribute of the test node that pytest no longer has.)
with override_settings(ALLOWED_HOSTS=["localhost"]):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_request_as_documented(case, api_tokens):
    who = "learner"
    if case.path.startswith("/api/teams/"):
        who = "manager"
        # Random ids would almost never name the manager's team: where the generated ids
        # are numbers, use the real ones so the bodies are fuzzed past the 404.
        params = case.path_parameters or {}
        for name, value in params.items():
            if isinstance(value, int) and not isinstance(value, bool):
                params[name] = api_tokens["user_id" if "user" in name else "team_id"]
    case.call_and_validate(headers={"Authorization": f"Bearer {api_tokens[who]}"}, checks=CHECKS)


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    keys = [key for key, _value in pairs]
    assert len(keys) == len(set(keys)), f"duplicate keys in {keys}"
    return dict(pairs)


def test_the_schema_documents_the_errors_once_per_status(client):
    text = client.get("/api/openapi.json").text
    schema = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    course = schema["paths"]["/api/courses/{id}"]["get"]["responses"]
    assert {"200", "401", "404", "422"} <= set(course)
    assert "400" in schema["paths"]["/api/me/time-entries"]["post"]["responses"]


NUL_REQUESTS = [
    ("get", "/api/courses?q=a%00b", None),
    ("get", "/api/courses?provider=a%00b", None),
    ("get", "/api/courses?competency=a%00b&track=t%00&phase=P%001", None),
    ("get", "/api/courses/P1%00A", None),
    ("get", "/api/tracks/a%00b", None),
    ("get", "/api/me/time-entries?course=a%00b", None),
    ("post", "/api/me/time-entries", {"course": "a\x00b", "date": "2026-01-01", "minutes": 5}),
    ("patch", "/api/me", {"name": "a\x00b"}),
    ("patch", "/api/me", {"timezone": "Europe/\x00Paris"}),
    ("post", "/api/me/assessments", {"ratings": [{"competency": "ml\x00ops", "level": 2}]}),
    ("post", "/api/me/assessments", {"ratings": [{"competency": "mlops"}], "track": "a\x00"}),
]


def _learner_request(client, api_tokens, method: str, url: str, body):
    return getattr(client, method)(
        url,
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_tokens['learner']}"},
    )


@pytest.mark.parametrize(("method", "url", "body"), NUL_REQUESTS)
def test_a_nul_byte_in_any_input_is_refused_with_a_4xx(api_tokens, client, method, url, body):
    response = _learner_request(client, api_tokens, method, url, body)
    assert 400 <= response.status_code < 500, response.content
    assert "detail" in response.json()


NUL_BODIES = [
    b'{"course": "fuzz-P1-A", "date": "2026-01-01", "minutes": 5, "note": "a\\u0000b"}',
    b'{"course": "fuzz-P1-A", "date": "2026-01-01", "minutes": 5, "note": "a\x00b"}',
]
# The API parses the body as JSON whatever the request says it is.
BODY_TYPES = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "application/vnd.api+json",
    "application/json; charset=utf-8",
    "",
]


@pytest.mark.parametrize("body", NUL_BODIES, ids=["escaped", "raw"])
@pytest.mark.parametrize("content_type", BODY_TYPES)
def test_a_nul_in_an_api_body_of_any_content_type_is_refused_and_nothing_stored(
    api_tokens, client, content_type, body
):
    response = client.generic(
        "POST",
        "/api/me/time-entries",
        body,
        content_type=content_type,
        headers={"Authorization": f"Bearer {api_tokens['learner']}"},
    )
    assert response.status_code == 422, response.content
    assert "NUL" in response.json()["detail"]
    assert not TimeEntry.objects.filter(note__startswith="a").exists()


def test_a_page_with_a_nul_byte_in_its_url_answers_400(learner_client):
    assert learner_client.get("/catalogue/P1%00A/").status_code == 400
    assert learner_client.get("/catalogue/?q=a%00").status_code == 400


HUGE = 2**70
OUT_OF_RANGE_REQUESTS = [
    ("delete", f"/api/me/time-entries/{HUGE}", None),
    ("get", f"/api/teams/{HUGE}/members/{HUGE}/ratings", None),
    ("post", f"/api/teams/{HUGE}/members/1/ratings", {"competency": "mlops", "level": 2}),
    ("post", "/api/me/assessments", {"ratings": [{"competency": "mlops"}], "draft_id": HUGE}),
    ("get", f"/api/courses?offset={HUGE}", None),
    ("get", "/api/courses?min_hours=99999.99&max_hours=1e400", None),
    ("post", "/api/me/time-entries", {"course": "fuzz-P1-A", "date": "0001-01-01", "minutes": 5}),
    ("post", "/api/me/time-entries", {"course": "fuzz-P1-A", "date": "9999-12-31", "minutes": 5}),
    ("get", "/api/me/time-entries?date_from=0001-01-01&date_to=9999-12-31", None),
    ("patch", "/api/me", {"weekly_hours_available": "1e400"}),
]


@pytest.mark.parametrize(("method", "url", "body"), OUT_OF_RANGE_REQUESTS)
def test_numbers_and_dates_out_of_range_never_answer_a_500(api_tokens, client, method, url, body):
    response = _learner_request(client, api_tokens, method, url, body)
    assert response.status_code < 500, response.content


def test_a_nul_byte_in_the_query_of_an_operation_without_parameters_is_a_documented_422(
    api_tokens, client
):
    response = _learner_request(client, api_tokens, "get", "/api/me?x=%00", None)
    assert response.status_code == 422
    schema = client.get("/api/openapi.json").json()
    assert "422" in schema["paths"]["/api/me"]["get"]["responses"]
