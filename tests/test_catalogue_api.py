"""Catalogue endpoints of the JSON API: shapes, filters, errors, authentication."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import (
    make_catalogue,
    make_competency,
    make_course,
    make_option,
    make_track,
    make_user,
)
from tracker.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

COURSE_FIELDS = {
    "id",
    "title",
    "provider",
    "effort_hours",
    "weekly_hours",
    "price",
    "is_free",
    "prestige",
    "url",
    "badge",
    "track",
    "phase",
    "option",
    "modules",
    "competencies",
    "description_html",
}


@pytest.fixture
def api(db) -> Client:
    """A client that sends a personal access token, as a script would."""
    _token, raw = ApiToken.issue(user=make_user(), name="script")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def catalogue():
    mlops = make_competency("mlops", name_fr="MLOps", aliases=["MLOps et déploiement"])
    track = make_track("ai-po", phases=2)
    track.targets.create(competency=mlops, level=3)
    duke = make_option(
        track,
        "P1",
        "A",
        hours="90",
        weekly_hours="5",
        title="AI Product Management",
        provider="Duke University",
        price="Gratuit (Audit)",
        is_free=True,
        prestige=5,
        url="https://example.org/duke",
        badge="Certificat",
        competencies=[mlops],
        competency_names=["MLOps et déploiement", "Leadership"],
        modules=[("Fondements", 16), ("Sans durée", None)],
        description_html="<p>Bien.</p>",
    )
    make_option(track, "P1", "B", hours="120.5", title="IBM AI PM", provider="IBM")
    make_course("SOLO", hours="1.5", title="Prompting", provider="Other", prestige=None)
    return duke


def test_course_detail_has_exactly_the_documented_fields(api, catalogue):
    response = api.get("/api/courses/P1-A")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == COURSE_FIELDS
    assert body == {
        "id": "P1-A",
        "title": "AI Product Management",
        "provider": "Duke University",
        "effort_hours": 90.0,
        "weekly_hours": 5.0,
        "price": "Gratuit (Audit)",
        "is_free": True,
        "prestige": 5,
        "url": "https://example.org/duke",
        "badge": "Certificat",
        "track": "ai-po",
        "phase": "P1",
        "option": "A",
        "modules": [{"title": "Fondements", "hours": 16.0}, {"title": "Sans durée", "hours": None}],
        "competencies": [
            {"name": "MLOps et déploiement", "competency": "mlops"},
            {"name": "Leadership", "competency": None},
        ],
        "description_html": "<p>Bien.</p>",
    }


def test_standalone_course_has_null_track_phase_and_pace(api, catalogue):
    body = api.get("/api/courses/SOLO").json()
    assert body["track"] is None and body["phase"] is None and body["option"] == ""
    assert body["weekly_hours"] is None and body["prestige"] is None
    assert body["effort_hours"] == 1.5


def test_course_list_is_a_page_of_courses(api, catalogue):
    response = api.get("/api/courses")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [c["id"] for c in body["items"]] == ["P1-A", "P1-B", "SOLO"]
    assert all(set(c) == COURSE_FIELDS for c in body["items"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("q=ibm", ["P1-B"]),
        ("provider=Duke University", ["P1-A"]),
        ("is_free=true", ["P1-A"]),
        ("is_free=false", ["P1-B", "SOLO"]),
        ("min_hours=100", ["P1-B"]),
        ("max_hours=90", ["P1-A", "SOLO"]),
        ("competency=mlops", ["P1-A"]),
        ("track=ai-po&phase=P1", ["P1-A", "P1-B"]),
        ("sort=-effort", ["P1-B", "P1-A", "SOLO"]),
        ("limit=1&offset=1", ["P1-B"]),
    ],
)
def test_course_list_filters(api, catalogue, params, expected):
    body = api.get(f"/api/courses?{params}").json()
    assert [c["id"] for c in body["items"]] == expected


def test_course_list_count_covers_every_page(api, catalogue):
    body = api.get("/api/courses?limit=1").json()
    assert body["count"] == 3 and len(body["items"]) == 1


@pytest.mark.parametrize(
    "params",
    [
        "min_hours=-1",
        "max_hours=lots",
        "min_hours=10&max_hours=5",
        "is_free=maybe",
        "limit=0",
        "limit=501",
        "offset=-1",
        "sort=random",
    ],
)
def test_bad_query_parameters_answer_422_json(api, catalogue, params):
    response = api.get(f"/api/courses?{params}")
    assert response.status_code == 422
    assert response.json()["detail"]


@pytest.mark.parametrize("url", ["/api/courses/NOPE", "/api/tracks/nope", "/api/courses/p1-a"])
def test_unknown_ids_answer_404_json(api, catalogue, url):
    response = api.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "No " in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    ["/api/courses", "/api/courses/P1-A", "/api/tracks", "/api/tracks/ai-po", "/api/competencies"],
)
def test_anonymous_requests_answer_401_json(client, catalogue, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_revoked_or_wrong_token_is_refused(catalogue):
    token, raw = ApiToken.issue(user=make_user(), name="old")
    token.revoke()
    for value in (raw, "pat_wrong"):
        client = Client(headers={"Authorization": f"Bearer {value}"})
        assert client.get("/api/courses").status_code == 401


def test_the_browser_session_is_enough(learner_client, catalogue):
    assert learner_client.get("/api/courses/P1-A").status_code == 200


def test_track_gives_phases_in_order_with_their_options(api, catalogue):
    response = api.get("/api/tracks/ai-po")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == "ai-po"
    assert [p["code"] for p in body["phases"]] == ["P1", "P2"]
    assert [o["id"] for o in body["phases"][0]["options"]] == ["P1-A", "P1-B"]
    assert body["phases"][1]["options"] == []
    assert set(body["phases"][0]["options"][0]) == COURSE_FIELDS
    assert body["targets"] == [{"competency": "mlops", "level": 3}]
    assert api.get("/api/tracks").json()[0]["id"] == "ai-po"


def test_competencies_give_domains_and_five_bilingual_levels(api, catalogue):
    response = api.get("/api/competencies")
    assert response.status_code == 200
    [domain] = response.json()
    assert domain["id"] == "domain"
    [competency] = domain["competencies"]
    assert competency["id"] == "mlops"
    assert competency["aliases"] == ["MLOps et déploiement"]
    assert competency["levels"][0] == {"level": 1, "fr": "niveau 1", "en": "level 1"}
    assert [level["level"] for level in competency["levels"]] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("size", [3, 30])
def test_api_query_counts_do_not_grow_with_courses(api, django_assert_num_queries, size):
    make_catalogue(size)
    api.get("/api/competencies")  # the token's first use records it (an UPDATE) once
    # token; count; courses, their competencies, their modules.
    with django_assert_num_queries(5):
        assert api.get("/api/courses").status_code == 200
    # token; tracks; phases; options; their modules; their competencies; targets.
    with django_assert_num_queries(7):
        assert api.get("/api/tracks").status_code == 200
    # token; domains; competencies.
    with django_assert_num_queries(3):
        assert api.get("/api/competencies").status_code == 200


def test_openapi_schema_documents_the_catalogue(client):
    schema = client.get("/api/openapi.json").json()
    for path in [
        "/api/courses",
        "/api/courses/{id}",
        "/api/tracks",
        "/api/tracks/{id}",
        "/api/competencies",
    ]:
        assert "get" in schema["paths"][path], path
    course = schema["components"]["schemas"]["CourseOut"]
    assert set(course["properties"]) == COURSE_FIELDS
    assert set(schema["paths"]["/api/courses/{id}"]["get"]["responses"]) >= {"200", "401", "404"}
    params = {p["name"] for p in schema["paths"]["/api/courses"]["get"]["parameters"]}
    assert params >= {"q", "provider", "is_free", "min_hours", "max_hours", "competency"}


def test_api_docs_load_their_assets_locally(learner_client):
    response = learner_client.get("/api/docs")
    assert response.status_code == 200
    page = response.text
    assert "cdn" not in page.lower() and "https://" not in page
    assert "/static/ninja/swagger-ui-bundle.js" in page
    # Nothing inline that the strict CSP would block: the only inline script is JSON data.
    assert page.count("<script") == 3
    assert '<script type="application/json"' in page
