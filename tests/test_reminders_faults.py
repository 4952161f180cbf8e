"""Reminders under faults, against a real Celery worker and real Redis (issue 6).

Each test starts workers (and beats, and dispatcher passes) as subprocesses on the test
process's own database; emails land as files the test counts. Every due reminder must go
out once, none twice."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.factories import make_user
from tests.reminders_support.harness import Harness, closed_port_url, wait_for
from tracker.certificates.models import Certificate
from tracker.reminders.emails import message_id
from tracker.reminders.models import Notification, Reminder, ReminderPreference

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

MONDAY_10_PARIS = "2026-04-06T10:00+02:00"


@pytest.fixture
def harness(redis_url, tmp_path, ping_kind):
    harness = Harness(tmp_path=tmp_path, redis_url=redis_url)
    yield harness
    harness.close()


def due_learners(count: int, *, hour: int = 9, weekday: int = 0, tz: str = "Europe/Paris"):
    users = [make_user(f"due{i}-{hour}@example.test", timezone=tz) for i in range(count)]
    ReminderPreference.objects.bulk_create(
        ReminderPreference(user=u, digest_weekday=weekday, digest_hour=hour) for u in users
    )
    return users


def _redis_cache(url: str) -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


def ids_of(users) -> list[str]:
    ids = Reminder.objects.filter(user__in=users).values_list("pk", flat=True)
    return sorted(str(pk) for pk in ids)


def test_redis_down_when_a_reminder_is_due(harness, client):
    [user] = due_learners(1)

    output = harness.dispatch(now=MONDAY_10_PARIS, redis_url=closed_port_url())

    assert "created 1 reminder(s)" in output and "enqueue failures 1" in output
    reminder = Reminder.objects.get()
    assert reminder.state == Reminder.State.PENDING
    # The in-app notification is there at once, and pages keep working.
    client.force_login(user)
    # The web processes' cache is that same Redis: down too.
    with override_settings(CACHES=_redis_cache(closed_port_url())):
        for url in ("/", "/notifications/", "/reminders/preferences/", "/api/me/notifications"):
            assert client.get(url).status_code == 200, url
    assert Notification.objects.get().title in client.get("/notifications/").content.decode()

    # Redis is back: the next pass's sweeper hands the send over; it goes out once.
    harness.start_worker()
    output = harness.dispatch(now=MONDAY_10_PARIS)
    assert "created 0 reminder(s)" in output
    wait_for(lambda: harness.sent() == [str(reminder.pk)], what="the email")
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT
    harness.dispatch(now=MONDAY_10_PARIS)
    harness.wait_drained()
    assert harness.sent() == [str(reminder.pk)]


def test_a_pass_with_the_broker_down_finishes_in_seconds(harness):
    # Before: each publish waited about 6 s for Redis, so 60 reminders took 6 minutes.
    due_learners(60)
    started = time.monotonic()
    output = harness.dispatch(now=MONDAY_10_PARIS, redis_url=closed_port_url())
    elapsed = time.monotonic() - started

    assert "created 60 reminder(s)" in output, output
    # One failed publish, then the pass stopped trying: the rest is the sweeper's.
    assert "enqueue failures 1;" in output and "left for the sweeper 60" in output, output
    assert elapsed < 20, f"{elapsed:.1f} s: {output}"  # Django's start-up included
    assert set(Reminder.objects.values_list("state", flat=True)) == {Reminder.State.PENDING}


def test_worker_killed_mid_send_goes_out_once(harness):
    due_learners(1)
    (harness.mail / "block").touch()
    first = harness.start_worker("w1")
    harness.dispatch(now=MONDAY_10_PARIS)
    wait_for(lambda: (harness.mail / "blocked").exists(), what="the send to start")
    harness.kill(first)
    reminder = Reminder.objects.get()
    assert reminder.state == Reminder.State.SENDING and harness.sent() == []

    (harness.mail / "block").unlink()
    harness.start_worker("w2")
    # Until the claim times out, a pass leaves it alone (the worker might be slow, not dead).
    wait_for(
        lambda: timezone.now() - reminder.claimed_at > dt.timedelta(seconds=2.5),
        what="the claim to time out",
    )
    harness.dispatch(now=MONDAY_10_PARIS)
    wait_for(lambda: harness.sent() == [str(reminder.pk)], what="the email")
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == (Reminder.State.SENT, 2)
    harness.dispatch(now=MONDAY_10_PARIS)
    harness.wait_drained()
    assert harness.sent() == [str(reminder.pk)]


def test_worker_killed_after_delivery_goes_again_with_the_same_message_id(harness):
    """The one window no database closes: the mail server accepted the email, the worker
    died before recording it. The row says `sending`; it goes again once its claim times
    out, with the same Message-ID, which mail clients merge into one."""
    due_learners(1)
    (harness.mail / "block-after").touch()
    first = harness.start_worker("w1")
    harness.dispatch(now=MONDAY_10_PARIS)
    wait_for(lambda: (harness.mail / "delivered").exists(), what="the mail server to accept it")
    harness.kill(first)
    reminder = Reminder.objects.get()
    assert reminder.state == Reminder.State.SENDING and harness.sent() == [str(reminder.pk)]

    (harness.mail / "block-after").unlink()
    harness.start_worker("w2")
    wait_for(
        lambda: timezone.now() - reminder.claimed_at > dt.timedelta(seconds=2.5),
        what="the claim to time out",
    )
    harness.dispatch(now=MONDAY_10_PARIS)
    wait_for(lambda: len(harness.sent()) == 2, what="the second email")
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == (Reminder.State.SENT, 2)
    assert harness.message_ids() == [message_id(reminder)] * 2
    harness.dispatch(now=MONDAY_10_PARIS)
    harness.wait_drained()
    assert harness.sent() == [str(reminder.pk)] * 2  # never a third


def test_a_second_pass_skips_while_one_runs(harness):
    users = due_learners(40)
    harness.start_worker()
    # The first pass stops in the middle (tests/reminders_support/kind.py), holding the
    # dispatch lease; a second pass started meanwhile skips, even with the broker down.
    harness.pause_pass.touch()
    first = harness.start_dispatch(now=MONDAY_10_PARIS)
    wait_for(lambda: Path(f"{harness.pause_pass}.reached").exists(), what="the first pass")
    second = harness.dispatch(now=MONDAY_10_PARIS, redis_url=closed_port_url())
    assert "skipped: another dispatcher pass is running" in second, second
    assert Reminder.objects.count() == 0

    harness.pause_pass.unlink()
    assert "created 40 reminder(s)" in harness.wait_dispatch(first)
    assert Reminder.objects.count() == Notification.objects.count() == 40
    # Once the first has ended, the next pass runs (and finds nothing new).
    assert "created 0 reminder(s)" in harness.dispatch(now=MONDAY_10_PARIS)
    wait_for(lambda: len(harness.sent()) >= 40, what="40 emails")
    harness.wait_drained()
    assert harness.sent() == ids_of(users)


def test_two_dispatch_passes_started_at_once(harness):
    users = due_learners(40)
    harness.start_worker()
    passes = [harness.start_dispatch(now=MONDAY_10_PARIS) for _ in range(2)]
    outputs = [harness.wait_dispatch(p) for p in passes]

    # Whatever the timing, the reminders are created once: by one pass while the other
    # skips, or by the first of two passes that did not overlap.
    assert all("skipped" in out or "created" in out for out in outputs), outputs
    created = sum(
        int(out.split("created ")[1].split(" ")[0]) for out in outputs if "created" in out
    )
    assert created == 40, outputs
    assert Reminder.objects.count() == Notification.objects.count() == 40
    wait_for(lambda: len(harness.sent()) >= 40, what=f"40 emails after {outputs}")
    harness.wait_drained()
    assert harness.sent() == ids_of(users)


def test_two_beats(harness):
    # Due now in UTC: this hour's slot today.
    now = timezone.now().astimezone(dt.UTC)
    users = due_learners(10, hour=now.hour, weekday=now.weekday(), tz="UTC")
    harness.start_worker()
    beats = [
        harness.start_beat(name, PARCOURS_REMINDERS_DISPATCH_EVERY="1") for name in ("b1", "b2")
    ]
    wait_for(lambda: len(harness.sent()) >= 10, what="10 emails")
    time.sleep(3)  # several more passes from both beats
    for beat in beats:
        assert beat.poll() is None, beat.log_path.read_text()
        beat.terminate()
    harness.wait_drained()
    assert b"reminders.dispatch" in beats[0].log_path.read_bytes()
    assert b"reminders.dispatch" in beats[1].log_path.read_bytes()
    assert Reminder.objects.count() == Notification.objects.count() == 10
    assert harness.sent() == ids_of(users)


def test_dispatcher_down_for_a_day_catches_up_each_reminder_once(harness):
    users = [*due_learners(2, hour=6), *due_learners(2, hour=13), *due_learners(2, hour=20)]
    harness.start_worker()
    assert "created 0" in harness.dispatch(now="2026-04-06T05:00+02:00")
    # Down until Tuesday morning: one pass catches up on Monday's 06:00, 13:00 and 20:00.
    assert "created 6" in harness.dispatch(now="2026-04-07T05:30+02:00")
    assert "created 0" in harness.dispatch(now="2026-04-07T05:45+02:00")
    wait_for(lambda: len(harness.sent()) >= 6, what="6 emails")
    harness.wait_drained()
    assert harness.sent() == ids_of(users)


def test_smtp_failing_for_a_while_then_recovering(harness):
    due_learners(1)
    (harness.mail / "fail-temporary").write_text("2")
    # Backoff 2 s, then 4 s: the row carries the error for about 6 s, watched from the
    # moment the pass starts (a machine under load may be slow to finish the pass).
    harness.env["PARCOURS_REMINDERS_RETRY_BACKOFF"] = "2"
    harness.start_worker()
    started = time.monotonic()
    dispatching = harness.start_dispatch(now=MONDAY_10_PARIS)
    seen: list[tuple[str, int, str]] = []

    def failure_recorded() -> bool:
        row = Reminder.objects.values_list("state", "attempts", "last_error").first()
        if row and row[1] >= 1 and row[2]:
            seen.append(row)
        return bool(seen)

    # Between the first failure and the success, the row keeps the error: back to pending
    # until its retry, then claimed again by it.
    wait_for(failure_recorded, what="the first failure to be recorded")
    harness.wait_dispatch(dispatching)
    state, _attempts, error = seen[0]
    assert "SMTPServerDisconnected" in error, error
    assert state in {Reminder.State.PENDING, Reminder.State.CLAIMED, Reminder.State.SENDING}
    reminder = Reminder.objects.get()
    wait_for(lambda: harness.sent() == [str(reminder.pk)], what="the email after retries")
    # Backoff: 2 s, then 4 s.
    assert time.monotonic() - started >= 6
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts, reminder.last_error) == (
        Reminder.State.SENT,
        3,
        "",  # cleared once sent
    )
    harness.wait_drained()
    assert harness.sent() == [str(reminder.pk)]


def test_certificate_expiry_after_a_long_outage_then_redis_down(harness):
    """The certificate kind under the same faults: a dispatcher down through the 60- and
    30-day stages catches up with the latest stage only, with the broker down at that
    moment; each stage's email then goes out once."""
    [user] = due_learners(1, weekday=5)  # Saturdays: no ping on these days
    Certificate.objects.create(
        user=user, title="AI-102", issued_on=dt.date(2024, 6, 30), expires_on=dt.date(2026, 6, 30)
    )
    assert "created 0" in harness.dispatch(now="2026-04-20T10:00+02:00")  # 71 days before
    output = harness.dispatch(now="2026-06-25T10:00+02:00", redis_url=closed_port_url())
    assert "created 1 reminder(s)" in output and "enqueue failures 1" in output, output
    seven = Reminder.objects.get(kind="certificate_expiry")
    assert seven.period == "2026-06-30/7d"

    harness.start_worker()
    assert "created 0" in harness.dispatch(now="2026-06-25T10:05+02:00")  # the sweeper
    wait_for(lambda: harness.sent() == [str(seven.pk)], what="the 7-day email")
    assert "created 1" in harness.dispatch(now="2026-06-30T09:00+02:00")
    assert "created 0" in harness.dispatch(now="2026-06-30T09:15+02:00")
    on_the_day = Reminder.objects.get(kind="certificate_expiry", period="2026-06-30/0d")
    wait_for(lambda: len(harness.sent()) >= 2, what="the email on the day")
    harness.wait_drained()
    assert harness.sent() == sorted([str(seven.pk), str(on_the_day.pk)])
    assert Reminder.objects.count() == 2
