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
        "warning": None,
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


def test_a_likely_duplicate_is_saved_with_a_warning(learner_client, personas, course):
    first = post(learner_client, body())
    assert first.json()["warning"] is None
    second = post(learner_client, body(note="again"))
    assert second.status_code == 201
    warning = second.json()["warning"]  # in the learner's language (French by default)
    assert "1h30" in warning and "2026-01-05" in warning
    assert TimeEntry.objects.count() == 2
    # Another day, duration or course is no duplicate.
    assert post(learner_client, body(minutes=60)).json()["warning"] is None
    assert post(learner_client, body(date="2026-01-06")).json()["warning"] is None


def patch(client, entry_id, data):
    return client.patch(f"{URL}/{entry_id}", json.dumps(data), content_type="application/json")


def test_patch_edits_the_fields_given_and_keeps_the_others(learner_client, personas, course):
    entry = services.time_entry_create(
        user=personas.learner, course=course, date=datetime.date(2026, 1, 5), minutes=30, note="n"
    )
    response = patch(learner_client, entry.pk, {"minutes": 45})
    assert response.status_code == 200
    assert response.json() == {
        "id": entry.pk,
        "course": "C-1",
        "date": "2026-01-05",
        "minutes": 45,
        "note": "n",
        "warning": None,
    }
    make_course("C-2")
    response = patch(learner_client, entry.pk, {"course": "C-2", "note": "", "date": "2026-01-04"})
    entry.refresh_from_db()
    assert (entry.course.code, entry.note, entry.date, entry.minutes) == (
        "C-2",
        "",
        datetime.date(2026, 1, 4),
        45,
    )


def test_patch_drops_the_module_when_the_course_changes(learner_client, personas):
    with_module = make_course("M-1", modules=[("Intro", 2)])
    entry = services.time_entry_create(
        user=personas.learner,
        course=with_module,
        date=datetime.date(2026, 1, 5),
        minutes=30,
        module=with_module.modules.get(),
    )
    assert patch(learner_client, entry.pk, {"note": "kept"}).status_code == 200
    entry.refresh_from_db()
    assert entry.module is not None
    make_course("C-3")
    assert patch(learner_client, entry.pk, {"course": "C-3"}).status_code == 200
    entry.refresh_from_db()
    assert entry.module is None


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 1441}, "minutes"),
        ({"minutes": "abc"}, "minutes"),
        ({"date": "2999-01-01"}, "date"),
        ({"date": "1999-12-31"}, "date"),
        ({"note": "x" * 2001}, "note"),
        ({"minutes": 23 * 60 + 31}, "minutes"),  # over 24 h with the other entry that day
    ],
)
def test_patch_makes_the_checks_of_the_form(learner_client, personas, course, bad, field):
    day = datetime.date(2026, 1, 5)
    services.time_entry_create(user=personas.learner, course=course, date=day, minutes=30)
    entry = services.time_entry_create(user=personas.learner, course=course, date=day, minutes=20)
    response = patch(learner_client, entry.pk, bad)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][-1] == field
    entry.refresh_from_db()
    assert entry.minutes == 20 and entry.date == day


def test_patch_someone_elses_entry_or_an_unknown_course_answers_404(
    learner_client, personas, course
):
    theirs = services.time_entry_create(
        user=personas.other_learner, course=course, date=datetime.date(2026, 1, 5), minutes=30
    )
    assert patch(learner_client, theirs.pk, {"minutes": 60}).status_code == 404
    mine = services.time_entry_create(
        user=personas.learner, course=course, date=datetime.date(2026, 1, 5), minutes=30
    )
    assert patch(learner_client, mine.pk, {"course": "NOPE"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.minutes == 30


def test_patch_into_a_duplicate_warns(learner_client, personas, course):
    day = datetime.date(2026, 1, 5)
    services.time_entry_create(user=personas.learner, course=course, date=day, minutes=30)
    entry = services.time_entry_create(user=personas.learner, course=course, date=day, minutes=20)
    response = patch(learner_client, entry.pk, {"minutes": 30})
    assert response.status_code == 200 and "30 min" in response.json()["warning"]
