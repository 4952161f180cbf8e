"""/api/me/time-entries and /api/me/progress: session or token, 4xx JSON, never a 500."""

import datetime
import json

import pytest

from tests.factories import make_course
from tracker.accounts.models import ApiToken
from tracker.progress import services
from tracker.progress.models import TimeEntry

pytestmark = pytest.mark.django_db
URL = "/api/me/time-entries"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def course(db):
    return make_course("C-1", hours="10")


def post(client, body, **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", headers=headers)


def body(**kw):
    return {"course": "C-1", "date": "2026-01-05", "minutes": 90, "note": "read"} | kw


def test_post_answers_201_with_the_entry_and_its_id(learner_client, personas, course):
    response = post(learner_client, body())
    assert response.status_code == 201
    data = response.json()
    entry = TimeEntry.objects.get()
    assert data == {
        "id": entry.pk,
        "course": "C-1",
        "date": "2026-01-05",
        "minutes": 90,
        "note": "read",
    }
    assert entry.user == personas.learner
    listed = learner_client.get(URL).json()
    assert [e["id"] for e in listed] == [entry.pk]


def test_bearer_token_works(client, personas, course):
    _token, raw = ApiToken.issue(user=personas.learner, name="cli")
    response = post(client, body(), authorization=f"Bearer {raw}")
    assert response.status_code == 201
    assert client.get(URL, headers={"authorization": f"Bearer {raw}"}).status_code == 200


def test_anonymous_is_refused(client, course):
    assert client.get(URL).status_code == 401
    assert post(client, body()).status_code == 401


@pytest.mark.parametrize(
    "bad",
    [
        {"minutes": 0},
        {"minutes": -30},
        {"minutes": 1441},
        {"minutes": 1.5},
        {"minutes": "abc"},
        {"date": "2026-02-30"},
        {"date": "1999-12-31"},
        {"date": "2999-01-01"},
        {"note": "x" * 1_000_000},
        {"course": 12345678901234567890},
    ],
)
def test_bad_input_answers_422_json_and_saves_nothing(learner_client, course, bad):
    response = post(learner_client, body(**bad))
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        '{"course": "C-1", "date": "2026-01-05", "minutes": NaN}',
        '{"course": "C-1", "date": "2026-01-05", "minutes": 1e309}',
        '{"course": "C-1", "date": "2026-01-05", "minutes": Infinity}',
        "not json",
    ],
)
def test_nan_and_huge_numbers_answer_4xx(learner_client, course, raw):
    response = post(learner_client, raw)
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()
    assert not TimeEntry.objects.exists()


def test_field_level_message_for_the_daily_limit(learner_client, course):
    assert post(learner_client, body(minutes=20 * 60)).status_code == 201
    response = post(learner_client, body(minutes=5 * 60))
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"][-1] == "minutes"
    assert "24" in detail["msg"]
    assert TimeEntry.objects.count() == 1


def test_future_date_message_names_the_field(learner_client, personas, course):
    tomorrow = personas.learner.local_today() + datetime.timedelta(days=1)
    response = post(learner_client, body(date=tomorrow.isoformat()))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "date"


def test_unknown_course_answers_404(learner_client, course):
    response = post(learner_client, body(course="NOPE"))
    assert response.status_code == 404
    assert response.json()["detail"]


def test_another_learners_entry_answers_404(learner_client, personas, course):
    entry = services.time_entry_create(
        user=personas.other_learner, course=course, date=datetime.date(2026, 1, 5), minutes=30
    )
    assert learner_client.delete(f"{URL}/{entry.pk}").status_code == 404
    assert learner_client.delete(f"{URL}/999999").status_code == 404
    assert learner_client.get(URL).json() == []
    assert TimeEntry.objects.filter(pk=entry.pk).exists()


def test_delete_own_entry(learner_client, personas, course):
    entry = services.time_entry_create(
        user=personas.learner, course=course, date=datetime.date(2026, 1, 5), minutes=30
    )
    assert learner_client.delete(f"{URL}/{entry.pk}").status_code == 204
    assert not TimeEntry.objects.exists()


def test_progress_per_course(learner_client, personas, course):
    services.time_entry_create(
        user=personas.learner, course=course, date=personas.learner.local_today(), minutes=15 * 60
    )
    make_course("OTHER")  # not in the plan: not listed
    services.plan_add(user=personas.other_learner, course=course)
    data = learner_client.get("/api/me/progress").json()
    assert len(data) == 1
    row = data[0]
    assert row["course"] == "C-1"
    assert row["logged_hours"] == 15.0
    assert row["effort_hours"] == 10.0
    assert row["percent"] == 150.0  # more than the estimate is allowed
    assert row["status"] == "on_track"
    assert row["projected_finish"] == personas.learner.local_today().isoformat()
