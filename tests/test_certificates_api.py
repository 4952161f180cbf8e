"""/api/me/certificates: the form's checks through the same service, 422 JSON naming the
field, 404 for another learner's certificate, never a 500."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine

from tests.factories import make_course
from tracker.accounts.models import ApiToken
from tracker.certificates import services
from tracker.certificates.models import Certificate
from tracker.certificates.services import CertificateInput
from tracker.progress.models import Plan

URL = "/api/me/certificates"
# The learners' today is 15 June 2026 (Paris).
NOW = datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def course(db):
    return make_course("AZ-1", title="Azure AI Engineer")


def post(client, body, **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", headers=headers)


def body(**kw):
    return {"course": "AZ-1", "issued": "2026-01-05", "expires": "2026-07-31"} | kw


def test_post_records_a_course_certificate_and_marks_the_course_done(
    learner_client, personas, course
):
    response = post(learner_client, body(url="https://learn.example/cred/1"))
    assert response.status_code == 201, response.content
    certificate = Certificate.objects.get()
    assert response.json() == {
        "id": certificate.pk,
        "course": "AZ-1",
        "title": "Azure AI Engineer",  # no title: the course's, as in the form
        "issued": "2026-01-05",
        "expires": "2026-07-31",
        "url": "https://learn.example/cred/1",
        "expiry": "expiring",  # 46 days left: within the 60 the UI flags
    }
    assert certificate.user == personas.learner
    plan = Plan.objects.get(user=personas.learner, course=course)
    assert (plan.done_on, plan.done_source) == (
        datetime.date(2026, 1, 5),
        Plan.DoneSource.CERTIFICATE,
    )
    assert learner_client.get(URL).json() == [response.json()]


def test_a_free_standing_certificate_needs_only_a_title(learner_client, personas, db):
    response = post(learner_client, {"title": "PSPO I", "issued": "2025-03-01", "expires": None})
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["course"], data["title"], data["expires"], data["expiry"]) == (
        None,
        "PSPO I",
        None,
        "valid",
    )
    assert not Plan.objects.exists()


def test_the_list_shows_only_ones_own_with_each_expiry(learner_client, personas, course):
    def record(user, title, expires_on):
        return services.certificate_record(
            user=user,
            data=CertificateInput(
                title=title, issued_on=datetime.date(2023, 1, 1), expires_on=expires_on
            ),
        )

    record(personas.learner, "Lapsed", datetime.date(2026, 6, 1))
    record(personas.learner, "Fine", datetime.date(2027, 6, 1))
    record(personas.other_learner, "Not mine", datetime.date(2027, 6, 1))
    listed = learner_client.get(URL).json()
    assert sorted((c["title"], c["expiry"]) for c in listed) == [
        ("Fine", "valid"),
        ("Lapsed", "expired"),
    ]


def test_bearer_token_works(client, personas, course):
    _token, raw = ApiToken.issue(user=personas.learner, name="cli")
    assert post(client, body(), authorization=f"Bearer {raw}").status_code == 201
    assert client.get(URL, headers={"authorization": f"Bearer {raw}"}).status_code == 200


def test_anonymous_is_refused(client, course):
    assert client.get(URL).status_code == 401
    assert post(client, body()).status_code == 401
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        # The service's refusals, at the API's names for its fields (in French, the
        # learner's language).
        ({"course": None, "title": "  "}, "title", "Donnez un titre au certificat"),
        ({"issued": "2026-06-16"}, "issued", "ne peut pas être après"),
        ({"issued": "1999-12-31"}, "issued", "antérieure à 2000"),
        ({"expires": "2026-01-05"}, "expires", "doit être après la date"),
        ({"url": "ftp://example.test/cert"}, "url", "http:// ou https://"),
        ({"url": "javascript:alert(1)"}, "url", "http:// ou https://"),
        ({"course": "NOPE-1"}, "course", "existe pas"),
        # ninja's own, before the service.
        ({"issued": "2026-02-30"}, "issued", ""),
        ({"issued": None}, "issued", ""),
        ({"expires": "soon"}, "expires", ""),
        ({"title": "x" * 201}, "title", ""),
        ({"url": "https://e.test/" + "x" * 500}, "url", ""),
    ],
)
def test_bad_input_answers_422_at_the_field_and_saves_nothing(
    learner_client, course, bad, field, message
):
    response = post(learner_client, body(**bad))
    assert response.status_code == 422, response.content
    details = response.json()["detail"]
    assert [d["loc"][-1] for d in details] == [field]
    assert message in details[0]["msg"]
    assert not Certificate.objects.exists()
    assert not Plan.objects.exists()


def test_an_inactive_course_is_refused_as_the_form_refuses_it(learner_client, course):
    course.is_active = False
    course.save()
    response = post(learner_client, body())
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "course"


@pytest.mark.parametrize("raw", ["not json", "[]", '{"issued": 5e400}'])
def test_malformed_bodies_answer_4xx(learner_client, course, raw):
    assert 400 <= post(learner_client, raw).status_code < 500


def test_delete_own_certificate_reopens_the_course(learner_client, personas, course):
    created = post(learner_client, body()).json()
    response = learner_client.delete(f"{URL}/{created['id']}")
    assert response.status_code == 204
    assert not Certificate.objects.exists()
    assert Plan.objects.get(course=course).done_on is None


def test_deleting_another_learners_certificate_answers_404(client, personas, course):
    theirs = services.certificate_record(
        user=personas.other_learner,
        data=CertificateInput(title="Theirs", issued_on=datetime.date(2026, 1, 1)),
    )
    client.force_login(personas.learner)
    response = client.delete(f"{URL}/{theirs.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    assert Certificate.objects.filter(pk=theirs.pk).exists()
    assert client.delete(f"{URL}/999999").status_code == 404
