"""Reminders: one dispatcher pass at a time (a lease in the database), a pass that stops
publishing at the first broker failure, and the `sending` state with a Message-ID derived
from the reminder's key (issue 12). The same faults against a real worker and Redis are
in test_reminders_faults.py."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tests.factories import make_user
from tracker.reminders import services
from tracker.reminders.emails import ReminderEmail, message_id
from tracker.reminders.models import Lease, Reminder, ReminderPreference

pytestmark = pytest.mark.django_db

MONDAY_10_PARIS = dt.datetime.fromisoformat("2026-04-06T10:00+02:00")


def due_learners(count: int) -> list:
    users = [make_user(f"due{i}@example.test") for i in range(count)]
    ReminderPreference.objects.bulk_create(
        ReminderPreference(user=u, digest_weekday=0, digest_hour=9) for u in users
    )
    return users


@pytest.fixture
def dispatch(django_capture_on_commit_callbacks):
    def run(now=MONDAY_10_PARIS):
        with django_capture_on_commit_callbacks(execute=True):
            return services.dispatch(now)

    return run


@pytest.fixture
def publishes(monkeypatch):
    """Counts the publishes; the broker answers as `publishes.up` says."""

    class Broker:
        up = True
        calls: list[int] = []

    def enqueue_send(*, reminder_id):
        Broker.calls.append(reminder_id)
        return Broker.up

    Broker.calls = []
    monkeypatch.setattr(services, "enqueue_send", enqueue_send)
    return Broker


def _pending(user, **extra) -> Reminder:
    extra.setdefault("period", "2026-W15")
    return Reminder.objects.create(
        kind="ping", user=user, context={"due": "2026-04-06T09:00"}, **extra
    )


# --- one pass at a time ----------------------------------------------------------------


def test_a_pass_skips_while_another_holds_the_lease(ping_kind, publishes, dispatch):
    due_learners(3)
    running = services.lease_acquire(name=services.DISPATCH_LEASE, seconds=300)
    assert running is not None

    report = dispatch()
    assert report.skipped and report.created == 0
    assert Reminder.objects.count() == 0 and publishes.calls == []

    services.lease_release(name=services.DISPATCH_LEASE, holder=running)
    report = dispatch()
    assert not report.skipped and report.created == 3


def test_the_command_says_when_it_skips(ping_kind, publishes, capsys):
    due_learners(1)
    services.lease_acquire(name=services.DISPATCH_LEASE, seconds=300)
    call_command("dispatch_reminders", now=MONDAY_10_PARIS)
    assert "skipped: another dispatcher pass is running" in capsys.readouterr().out
    assert Reminder.objects.count() == 0


def test_a_pass_lets_go_of_the_lease_when_it_ends_even_on_an_error(
    ping_kind, publishes, dispatch, monkeypatch
):
    due_learners(1)
    dispatch()
    assert services.lease_acquire(name=services.DISPATCH_LEASE, seconds=1) is not None
    Lease.objects.update(expires_at=timezone.now())

    def broken(**_kwargs):
        raise RuntimeError("a kind failed")

    monkeypatch.setattr(services, "_dispatch_batch", broken)
    with pytest.raises(RuntimeError):
        dispatch()
    assert services.lease_acquire(name=services.DISPATCH_LEASE, seconds=1) is not None


def test_the_lease_of_a_pass_that_died_expires(ping_kind, publishes, dispatch, settings):
    settings.REMINDERS_DISPATCH_LEASE_SECONDS = 300
    due_learners(2)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        # A pass that took the lease and died without releasing it.
        assert services.lease_acquire(name=services.DISPATCH_LEASE, seconds=300)
        clock.shift(dt.timedelta(seconds=299))
        assert dispatch().skipped
        clock.shift(dt.timedelta(seconds=2))
        report = dispatch()
    assert not report.skipped and report.created == 2


def test_a_long_pass_keeps_its_lease_batch_after_batch(
    ping_kind, publishes, dispatch, monkeypatch, settings
):
    settings.REMINDERS_DISPATCH_LEASE_SECONDS = 300
    monkeypatch.setattr(services, "BATCH_SIZE", 1)
    due_learners(3)
    seen = []
    original = services._dispatch_batch

    def batch(**kwargs):
        original(**kwargs)
        seen.append(Lease.objects.get(name=services.DISPATCH_LEASE).expires_at)
        # Meanwhile a second pass starts: it must skip.
        assert services.dispatch(MONDAY_10_PARIS).skipped

    monkeypatch.setattr(services, "_dispatch_batch", batch)
    report = dispatch()
    assert report.created == 3 and len(seen) == 3
    assert seen == sorted(seen)


# --- broker down ---------------------------------------------------------------------------


def test_a_pass_stops_publishing_at_the_first_broker_failure(ping_kind, publishes, dispatch):
    due_learners(5)
    publishes.up = False

    report = dispatch()

    assert report.created == 5
    assert len(publishes.calls) == 1  # not one timeout per reminder
    assert (report.enqueued, report.enqueue_failures, report.left_to_sweeper) == (0, 1, 5)
    assert set(Reminder.objects.values_list("state", flat=True)) == {Reminder.State.PENDING}


def test_with_the_broker_down_the_sweep_and_every_batch_try_once_in_all(
    ping_kind, publishes, dispatch, monkeypatch, settings
):
    settings.REMINDERS_SWEEP_GRACE_SECONDS = 0
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    lost = _pending(make_user("lost@example.test"))  # a send lost earlier: swept first
    due_learners(5)
    publishes.up = False

    report = dispatch()

    assert publishes.calls == [lost.pk]
    assert (report.swept, report.created, report.left_to_sweeper) == (1, 5, 6)


def test_the_sweeper_of_a_later_pass_publishes_what_was_left(
    ping_kind, publishes, dispatch, settings
):
    settings.REMINDERS_SWEEP_GRACE_SECONDS = 0
    due_learners(3)
    publishes.up = False
    dispatch()
    publishes.up = True
    publishes.calls.clear()

    report = dispatch()

    assert report.created == 0 and report.swept == 3
    assert sorted(publishes.calls) == sorted(Reminder.objects.values_list("pk", flat=True))


# --- the `sending` state and the Message-ID ------------------------------------------------


def test_the_message_id_is_derived_from_the_reminders_key(ping_kind, settings):
    settings.DEFAULT_FROM_EMAIL = "Parcours <no-reply@parcours.example>"
    user = make_user("key@example.test")
    first = _pending(user)
    same_key = Reminder(pk=first.pk + 100, kind="ping", user=user, period="2026-W15")
    other_period = _pending(user, period="2026-W16")

    assert message_id(first) == message_id(same_key)
    assert message_id(first) != message_id(other_period)
    assert message_id(first).startswith("<reminder.")
    assert message_id(first).endswith("@parcours.example>")


def test_the_row_says_sending_while_the_mail_server_has_it(ping_kind, locmem_mail, monkeypatch):
    reminder = _pending(make_user("sending@example.test"))
    states = []
    original = ReminderEmail.send

    def send(self, *args, **kwargs):
        states.append(Reminder.objects.get(pk=reminder.pk).state)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ReminderEmail, "send", send)
    assert services.reminder_send(reminder_id=reminder.pk) == "sent"
    assert states == [Reminder.State.SENDING]
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT
    assert locmem_mail[0].extra_headers["Message-ID"] == message_id(reminder)


def test_a_row_left_sending_by_a_dead_worker_goes_again_with_the_same_message_id(
    ping_kind, locmem_mail, settings
):
    settings.REMINDERS_CLAIM_TIMEOUT_SECONDS = 600
    user = make_user("dead@example.test")
    fresh = _pending(user, state="sending", claimed_at=timezone.now(), attempts=1)
    assert services.reminder_send(reminder_id=fresh.pk) == "not-claimed"
    stale = _pending(
        user,
        state="sending",
        claimed_at=timezone.now() - dt.timedelta(seconds=601),
        attempts=1,
        period="2026-W16",
    )
    assert services.sweep() == 1  # the sweeper hands it to a worker again

    assert services.reminder_send(reminder_id=stale.pk) == "sent"
    stale.refresh_from_db()
    assert (stale.state, stale.attempts) == (Reminder.State.SENT, 2)
    [email] = locmem_mail
    assert email.message()["Message-ID"] == message_id(stale)


def test_a_worker_whose_claim_was_taken_over_does_not_send(ping_kind, locmem_mail, monkeypatch):
    """A worker so slow that its claim timed out and another took the row: at the
    hand-over it finds the row claimed by the other, not by itself, and sends nothing."""
    reminder = _pending(make_user("slow@example.test"))
    original = services.build_email

    def slow_build(**kwargs):
        message = original(**kwargs)
        # Meanwhile another worker claimed the row anew.
        Reminder.objects.filter(pk=reminder.pk).update(
            claimed_at=timezone.now() + dt.timedelta(seconds=1)
        )
        return message

    monkeypatch.setattr(services, "build_email", slow_build)
    assert services.reminder_send(reminder_id=reminder.pk) == "not-claimed"
    assert locmem_mail == []
