"""xAPI to a learning record store, end to end against Ralph on loopback
(tests/lrs_server.py): the outbox written with each time entry, delivery, the LRS down
and back, resends that never duplicate, edits and deletions voiding statements."""

from __future__ import annotations

import datetime
import uuid

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_competency, make_course, make_snapshot, make_user
from tests.lrs_server import PASSWORD, USERNAME, Ralph
from tracker.certificates.services import CertificateInput, certificate_delete, certificate_record
from tracker.exports.selectors import XAPI_NAMESPACE
from tracker.progress import services as progress
from tracker.xapi.models import OutboxStatement
from tracker.xapi.sender import send_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def lrs(tmp_path, settings):
    ralph = Ralph(folder=tmp_path)
    ralph.start()
    settings.PARCOURS_XAPI_ENDPOINT = ralph.endpoint
    settings.PARCOURS_XAPI_USERNAME = USERNAME
    settings.PARCOURS_XAPI_PASSWORD = PASSWORD
    settings.PARCOURS_XAPI_RETRY_BACKOFF = 30
    yield ralph
    ralph.stop()


@pytest.fixture
def learner():
    return make_user("lea@entreprise.fr", name="Léa")


def log(user, minutes=30, note=""):
    return progress.time_entry_create(
        user=user,
        course=make_course(f"C{minutes}{note}"),
        date=user.local_today(),
        minutes=minutes,
        note=note,
    )


def with_verb(lrs: Ralph, verb: str) -> list[dict]:
    return [s for s in lrs.statements(limit=1000) if s["verb"]["id"] == verb]


def stored_ids(lrs: Ralph) -> list[str]:
    return [s["id"] for s in lrs.statements(limit=1000)]


def test_nothing_is_written_when_no_lrs_is_configured(settings, learner):
    settings.PARCOURS_XAPI_ENDPOINT = ""
    log(learner)
    assert not OutboxStatement.objects.exists()
    assert send_pending().sent == 0


def test_the_outbox_row_is_written_with_the_entry_and_not_without_it(lrs, learner):
    with pytest.raises(RuntimeError), transaction.atomic():
        log(learner)
        raise RuntimeError("the request failed after the entry")
    assert not OutboxStatement.objects.exists()
    entry = log(learner)
    [row] = OutboxStatement.objects.all()
    # The export's id for the same entry: the LRS and a downloaded export agree.
    assert row.statement_id == uuid.uuid5(XAPI_NAMESPACE, f"time-entry-{entry.pk}")


def test_a_time_entry_reaches_the_lrs_as_the_export_describes_it(lrs, learner):
    entry = log(learner, minutes=90)
    report = send_pending()
    assert (report.sent, report.failed, report.waiting) == (1, 0, False)
    [stored] = lrs.statements(statementId=str(OutboxStatement.objects.get().statement_id))
    assert stored["actor"]["mbox"] == "mailto:lea@entreprise.fr"
    assert stored["result"]["duration"] == "PT1H30M"
    assert stored["object"]["id"].endswith(reverse("courses:course", args=[entry.course.code]))
    client = Client()
    client.force_login(learner)
    exported = client.get(reverse("exports:xapi")).json()
    assert [s["id"] for s in exported] == [stored["id"]]
    assert send_pending().sent == 0  # nothing left to send


def test_the_lrs_down_then_back_loses_nothing_and_doubles_nothing(lrs, learner):
    log(learner, minutes=30)
    send_pending()
    lrs.stop()
    log(learner, minutes=45)
    log(learner, minutes=60)
    report = send_pending()
    assert report.waiting and report.sent == 0
    first_wait = OutboxStatement.objects.filter(sent_at__isnull=True).order_by("pk").first()
    assert first_wait.attempts == 1 and first_wait.next_attempt_at > timezone.now()
    assert "ConnectionError" in first_wait.last_error
    later = timezone.now() + datetime.timedelta(seconds=31)
    assert send_pending(now=later).sent == 0  # still down: it waits twice as long next
    first_wait.refresh_from_db()
    assert first_wait.attempts == 2
    assert first_wait.next_attempt_at >= later + datetime.timedelta(seconds=59)
    lrs.start()
    assert send_pending().sent == 0  # back, but the row's wait is not over
    with time_machine.travel(first_wait.next_attempt_at + datetime.timedelta(seconds=1)):
        assert send_pending().sent == 2
    assert sorted(stored_ids(lrs)) == sorted(
        str(i) for i in OutboxStatement.objects.values_list("statement_id", flat=True)
    )
    assert len(stored_ids(lrs)) == 3


def test_a_resend_after_a_crash_is_stored_once(lrs, learner):
    log(learner)
    send_pending()
    # A worker that died after the LRS stored the statement, before recording it:
    OutboxStatement.objects.update(sent_at=None)
    assert send_pending().sent == 1  # the LRS answers 204 to the same statement
    assert len(stored_ids(lrs)) == 1


def test_an_edit_voids_the_old_statement_and_sends_a_new_one(lrs, learner):
    entry = log(learner, minutes=30)
    send_pending()
    old_id = str(OutboxStatement.objects.get().statement_id)
    progress.time_entry_update(
        entry=entry, course=entry.course, date=entry.date, minutes=50, note="more"
    )
    progress.time_entry_update(  # saved again unchanged: nothing new
        entry=entry, course=entry.course, date=entry.date, minutes=50, note="more"
    )
    assert send_pending().sent == 2
    void, new = OutboxStatement.objects.order_by("pk")[1:]
    assert void.kind == "void" and void.payload["object"] == {
        "objectType": "StatementRef",
        "id": old_id,
    }
    [stored_void] = lrs.statements(statementId=str(void.statement_id))
    assert stored_void["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"
    [stored_new] = lrs.statements(statementId=str(new.statement_id))
    assert stored_new["result"]["duration"] == "PT50M"
    assert new.statement_id != uuid.UUID(old_id)


def test_a_deleted_entry_is_voided(lrs, learner):
    entry = log(learner)
    send_pending()
    statement_id = str(OutboxStatement.objects.get().statement_id)
    progress.time_entry_delete(entry=entry)
    assert send_pending().sent == 1
    void = OutboxStatement.objects.get(kind="void")
    assert void.payload["object"]["id"] == statement_id
    assert lrs.statements(statementId=str(void.statement_id))


def test_a_statement_the_lrs_refuses_is_set_aside_and_the_others_go_on(lrs, learner):
    log(learner, minutes=30)
    log(learner, minutes=40)
    broken = OutboxStatement.objects.order_by("pk").first()
    broken.payload = {key: value for key, value in broken.payload.items() if key != "actor"}
    broken.save()
    report = send_pending()
    assert (report.sent, report.failed) == (1, 1)
    broken.refresh_from_db()
    assert broken.failed_at is not None and "HTTP 422" in broken.last_error


def test_a_completion_and_a_certificate_reach_the_lrs_and_their_removal_voids_them(lrs, learner):
    course = make_course("DONE")
    plan = progress.plan_add(user=learner, course=course)
    progress.plan_mark_done(plan=plan, done=True, on=learner.local_today())
    progress.plan_mark_done(plan=plan, done=True, on=learner.local_today())  # unchanged
    certificate = certificate_record(
        user=learner,
        data=CertificateInput(
            title="AI PM",
            issued_on=learner.local_today(),
            credential_url="https://cert.example.com/1",
        ),
    )
    assert send_pending().sent == 2
    verbs = sorted(s["verb"]["id"] for s in lrs.statements(limit=100))
    assert verbs == [
        "http://adlnet.gov/expapi/verbs/completed",
        "http://id.tincanapi.com/verb/earned",
    ]
    [earned] = with_verb(lrs, "http://id.tincanapi.com/verb/earned")
    assert earned["object"]["id"] == "https://cert.example.com/1"

    progress.plan_mark_done(plan=plan, done=False)
    certificate_delete(certificate=certificate)
    assert send_pending().sent == 2
    voided = {s["object"]["id"] for s in with_verb(lrs, "http://adlnet.gov/expapi/verbs/voided")}
    assert voided == {
        str(i)
        for i in OutboxStatement.objects.filter(kind="statement").values_list(
            "statement_id", flat=True
        )
    }
    progress.plan_mark_done(plan=plan, done=True, on=learner.local_today())  # done again
    assert send_pending().sent == 1
    assert len(with_verb(lrs, "http://adlnet.gov/expapi/verbs/completed")) == 2


def test_a_submitted_self_assessment_reaches_the_lrs_with_its_levels(lrs, learner):
    make_competency("mlops")
    make_competency("ethics")
    snapshot = make_snapshot(learner, {"mlops": 3, "ethics": None})
    assert send_pending().sent == 1
    [stored] = lrs.statements(statementId=str(OutboxStatement.objects.get().statement_id))
    assert stored["object"]["id"].endswith(f"/assessments/#assessment-{snapshot.pk}")
    [levels] = stored["result"]["extensions"].values()
    assert levels == {"mlops": 3}


def test_beat_sends_the_outbox_through_a_registered_task():
    from tracker.celery import app

    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule["xapi-send"]
    assert schedule["task"] == "xapi.send" and "xapi.send" in app.tasks
