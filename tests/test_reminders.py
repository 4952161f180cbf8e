"""Reminders: the dispatcher, the sender's claim, emails, preferences, unsubscribe,
in-app notifications. The fault tests against a real worker are in
test_reminders_faults.py."""

from __future__ import annotations

import datetime as dt
import smtplib
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from tests.factories import make_user
from tracker.certificates.models import Certificate
from tracker.reminders import services
from tracker.reminders.kinds import latest_weekly_slot, weekly_slot_at
from tracker.reminders.models import KindOptOut, Notification, Reminder, ReminderPreference
from tracker.reminders.tokens import SALT, unsubscribe_token

UTC = dt.UTC
PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.fixture
def no_enqueue(monkeypatch):
    """Records the ids handed to Celery instead of publishing them."""
    sent: list[int] = []
    monkeypatch.setattr(
        services, "enqueue_send", lambda *, reminder_id: sent.append(reminder_id) or True
    )
    return sent


@pytest.fixture
def dispatch(django_capture_on_commit_callbacks):
    """services.dispatch, with the after-commit enqueues run as a real commit would."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return services.dispatch(now)

    return run


def one_click(client: Client, url: str):
    """What a mail client sends for RFC 8058 one-click unsubscribe."""
    return client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )


def learner(email: str, *, tz: str = "Europe/Paris", weekday: int = 0, hour: int = 9, **extra):
    user = make_user(email, timezone=tz, **extra)
    ReminderPreference.objects.create(user=user, digest_weekday=weekday, digest_hour=hour)
    return user


# --- Local time ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "day", "expected_utc"),
    [
        # Paris springs forward on 2026-03-29: 09:00 is 08:00 UTC before, 07:00 UTC after.
        (PARIS, "2026-03-28", "2026-03-28T08:00+00:00"),
        (PARIS, "2026-03-29", "2026-03-29T07:00+00:00"),
        (PARIS, "2026-03-30", "2026-03-30T07:00+00:00"),
        # ...and falls back on 2026-10-25.
        (PARIS, "2026-10-24", "2026-10-24T07:00+00:00"),
        (PARIS, "2026-10-25", "2026-10-25T08:00+00:00"),
        # New York changes on 2026-03-08 and 2026-11-01.
        (NEW_YORK, "2026-03-07", "2026-03-07T14:00+00:00"),
        (NEW_YORK, "2026-03-08", "2026-03-08T13:00+00:00"),
        (NEW_YORK, "2026-10-31", "2026-10-31T13:00+00:00"),
        (NEW_YORK, "2026-11-01", "2026-11-01T14:00+00:00"),
    ],
)
def test_nine_oclock_stays_nine_oclock_local_across_dst(tz, day, expected_utc):
    day = dt.date.fromisoformat(day)
    due = weekly_slot_at(day_in_week=day, weekday=day.weekday(), hour=9, tz=tz)
    assert due.astimezone(UTC) == at(expected_utc)
    assert (due.astimezone(tz).hour, due.astimezone(tz).minute) == (9, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tz", "sunday"), [("Europe/Paris", "2026-03-29"), ("Europe/Paris", "2026-10-25")]
)
def test_dst_sunday_reminder_is_due_at_nine_local_not_an_hour_off(
    tz, sunday, ping_kind, no_enqueue, dispatch
):
    user = learner("dst@example.test", tz=tz, weekday=6, hour=9)
    nine_local = dt.datetime.combine(dt.date.fromisoformat(sunday), dt.time(9), ZoneInfo(tz))
    dispatch(nine_local - dt.timedelta(minutes=1))
    assert not Reminder.objects.filter(user=user).exists()
    dispatch(nine_local)
    assert Reminder.objects.filter(user=user).count() == 1


def test_new_york_reminder_goes_out_at_nine_new_york_time():
    # Monday 09:00 in New York, just after the March change, is 13:00 UTC.
    slot = latest_weekly_slot(now=at("2026-03-09T13:00+00:00"), weekday=0, hour=9, tz=NEW_YORK)
    assert slot == ("2026-W11", at("2026-03-09T09:00-04:00"))
    # A minute earlier it is 08:59 in New York: not yet (and last week's is stale).
    too_early = at("2026-03-09T12:59+00:00")
    assert latest_weekly_slot(now=too_early, weekday=0, hour=9, tz=NEW_YORK) is None


def test_week_is_the_users_local_iso_week():
    # Sunday 23:30 UTC is already Monday in Paris: that Monday's slot belongs to W15.
    slot = latest_weekly_slot(now=at("2026-04-06T07:30+00:00"), weekday=0, hour=9, tz=PARIS)
    assert slot is not None and slot[0] == "2026-W15"


def test_a_slot_older_than_the_catch_up_window_is_not_sent(settings):
    settings.REMINDERS_CATCH_UP_HOURS = 48
    # Monday 09:00 slot, now Thursday: three days late, stale.
    assert latest_weekly_slot(now=at("2026-04-09T12:00+02:00"), weekday=0, hour=9, tz=PARIS) is None


# --- Dispatcher ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dispatch_creates_each_due_reminder_once_with_its_notification(
    ping_kind, no_enqueue, dispatch
):
    due = learner("due@example.test", weekday=0, hour=9)
    later = learner("later@example.test", weekday=0, hour=18)
    now = at("2026-04-06T10:00+02:00")  # Monday 10:00 in Paris

    report = dispatch(now)

    assert report.created == 1
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.user, reminder.period) == ("ping", due, "2026-W15")
    assert reminder.state == Reminder.State.PENDING
    assert Notification.objects.get().reminder == reminder
    assert no_enqueue == [reminder.pk]
    assert not Reminder.objects.filter(user=later).exists()
    # The same instant again creates nothing: no row, no notification, no send.
    assert dispatch(now).created == 0
    assert (Reminder.objects.count(), Notification.objects.count(), len(no_enqueue)) == (1, 1, 1)


@pytest.mark.django_db
def test_a_dispatcher_down_for_a_day_catches_up_once(ping_kind, no_enqueue, dispatch):
    users = [learner(f"h{h}@example.test", weekday=0, hour=h) for h in (6, 9, 13, 20)]
    # The last pass ran Monday 05:00; the next one comes Tuesday 05:30.
    dispatch(at("2026-04-06T05:00+02:00"))
    assert Reminder.objects.count() == 0
    dispatch(at("2026-04-07T05:30+02:00"))
    assert sorted(Reminder.objects.values_list("user_id", flat=True)) == [u.pk for u in users]
    dispatch(at("2026-04-07T05:45+02:00"))
    assert Reminder.objects.count() == Notification.objects.count() == len(no_enqueue) == 4


@pytest.mark.django_db
def test_the_dispatchers_insert_gives_the_models_defaults_and_skips_existing_keys():
    """The dispatcher writes its rows with one executemany, not through the models: each
    row gets what Reminder(...) and Notification(...) would, and a key another pass
    inserted first (between this pass's check and its insert) is skipped, not doubled."""
    user = make_user("race@example.test")
    theirs = Reminder.objects.create(kind="ping", user=user, period="2026-W15", context={"a": 1})
    before = timezone.now()
    services._insert_ignoring_conflicts(
        Reminder,
        ["kind", "user", "subject", "period", "context"],
        [
            ("ping", user.pk, "", "2026-W15", '{"b": 2}'),
            ("ping", user.pk, "", "2026-W16", '{"b": 2}'),
        ],
    )
    ours = Reminder.objects.get(period="2026-W16")
    assert Reminder.objects.get(period="2026-W15").context == {"a": 1}  # theirs, untouched
    expected = Reminder(kind="ping", user=user, period="2026-W16", context={"b": 2})
    fields = ["subject", "context", "state", "attempts", "claimed_at", "sent_at", "last_error"]
    assert [getattr(ours, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert before <= ours.created <= ours.next_attempt_at <= timezone.now()

    services._insert_ignoring_conflicts(
        Notification,
        ["user", "reminder", "kind", "title", "body", "url"],
        [(user.pk, pk, "ping", "Title", "Body", "/") for pk in (theirs.pk, ours.pk, ours.pk)],
    )
    assert Notification.objects.count() == 2  # one per reminder: the unique link holds
    notification = Notification.objects.get(reminder=ours)
    assert (notification.params, notification.read, notification.title) == ({}, False, "Title")
    assert before <= notification.created <= timezone.now()


@pytest.mark.django_db
def test_switched_off_kind_is_not_dispatched(ping_kind, no_enqueue, dispatch):
    user = learner("off@example.test")
    KindOptOut.objects.create(user=user, kind="ping")
    dispatch(at("2026-04-06T10:00+02:00"))
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_dispatch_queries_do_not_grow_with_users(
    ping_kind, no_enqueue, django_assert_num_queries, django_capture_on_commit_callbacks
):
    now = at("2026-04-06T10:00+02:00")
    learner("first@example.test")
    with django_assert_num_queries(_queries_for_one_batch()):
        services.dispatch(now)
    for i in range(30):
        user = make_user(f"many{i}@example.test")  # default preferences: Monday 09:00 Paris
        # ...and a certificate whose 7-day expiry reminder is due: the same count.
        Certificate.objects.create(
            user=user, title="AI-900", issued_on=dt.date(2024, 4, 13), expires_on=EXPIRES
        )
    # ping and certificate expiry both have new reminders this time.
    with django_assert_num_queries(_queries_for_one_batch(kinds_with_new_reminders=2)):
        services.dispatch(now)
    assert Reminder.objects.filter(kind="ping").count() == 31
    assert Reminder.objects.filter(kind="certificate_expiry", period="2026-04-13/7d").count() == 30


EXPIRES = dt.date(2026, 4, 13)  # a week after the Monday of these tests


def _queries_for_one_batch(*, kinds_with_new_reminders: int = 1) -> int:
    """The queries of a pass over one batch: a constant for each kind (whatever the number
    of users, certificates...), plus the writes of each kind that has new reminders."""
    writes_per_kind = (
        1  # reminders that already exist for these keys
        + 2  # savepoint around the kind's writes (test transaction)
        + 1  # insert the reminders
        + 1  # read back those that have no notification yet
        + 1  # insert the notifications
    )
    return (
        2  # the dispatch lease: its row (insert, ignoring a conflict), then taking it
        + 1  # sweep: lost sends and stale claims
        + 1  # the batch of users with their preferences
        + 1  # their opt-outs
        + 1  # their pauses around today (reminders/pauses.py)
        + 1  # retake: each one's last self-assessment snapshot
        + 1  # weekly digest: which of the due learners have their digest already
        + 7  # weekly digest, the progress model: plans, enrolments, assignments, chosen
        #      options, the study summaries (weeks; totals), pauses (no track: no phases)
        + 1  # weekly digest: their assignments due within two weeks (none here)
        + 1  # behind pace: the open plans of the batch not nudged yet this week; nobody
        #      here has an open plan, so no progress is read for it
        + 1  # team summary: which of them manage a team
        + 2  # due soon, overdue: the batch's assignments near their dates (none here)
        + 1  # overdue to managers: which of them manage a team
        + 1  # certificate expiry: the batch's current certificates near a stage (one
        #      query however many certificates they hold)
        + writes_per_kind * kinds_with_new_reminders
        + 1  # renew the lease after the batch
        + 1  # the next (empty) batch of users
        + 1  # release the lease
    )


@pytest.mark.django_db
def test_enqueue_waits_for_commit(ping_kind, monkeypatch, django_capture_on_commit_callbacks):
    calls = []
    monkeypatch.setattr(
        "tracker.reminders.tasks.send_reminder.apply_async",
        lambda args, **kw: calls.append(args),
    )
    learner("commit@example.test")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.dispatch(at("2026-04-06T10:00+02:00"))
        assert calls == []
    assert len(callbacks) == 1
    assert calls == [(Reminder.objects.get().pk,)]


@pytest.mark.django_db
def test_broker_down_leaves_the_row_pending_for_the_sweeper(
    ping_kind, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.REMINDERS_SWEEP_GRACE_SECONDS = 0

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr("tracker.reminders.tasks.send_reminder.apply_async", broker_down)
    learner("down@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.dispatch(at("2026-04-06T10:00+02:00"))
    assert report.enqueue_failures == 1
    reminder = Reminder.objects.get()
    assert reminder.state == Reminder.State.PENDING

    calls = []
    monkeypatch.setattr(
        "tracker.reminders.tasks.send_reminder.apply_async", lambda args, **kw: calls.append(args)
    )
    assert services.sweep() == 1
    assert calls == [(reminder.pk,)]


def test_dispatch_command_rejects_a_bad_now():
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("dispatch_reminders", "--now", "next monday")


@pytest.mark.django_db
def test_dispatch_command_runs_one_pass(ping_kind, no_enqueue, capsys):
    learner("cmd@example.test")
    call_command("dispatch_reminders", "--now", "2026-04-06T10:00+02:00")
    assert "created 1 reminder(s)" in capsys.readouterr().out
    call_command("dispatch_reminders", "--now", "2026-04-06T10:00+02:00")
    assert "created 0 reminder(s)" in capsys.readouterr().out


# --- Sender ----------------------------------------------------------------------------------


def _pending(user, **extra) -> Reminder:
    extra.setdefault("period", "2026-W15")
    reminder = Reminder.objects.create(
        kind="ping", user=user, context={"due": "2026-04-06T09:00"}, **extra
    )
    return reminder


@pytest.mark.django_db
def test_send_claims_sends_once_and_marks_sent(ping_kind, locmem_mail):
    reminder = _pending(learner("send@example.test"))
    assert services.reminder_send(reminder_id=reminder.pk) == "sent"
    assert services.reminder_send(reminder_id=reminder.pk) == "not-claimed"
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == (Reminder.State.SENT, 1)
    assert reminder.sent_at is not None
    assert len(locmem_mail) == 1


@pytest.mark.django_db
def test_a_fresh_claim_is_not_taken_but_a_stale_one_is(ping_kind, locmem_mail, settings):
    settings.REMINDERS_CLAIM_TIMEOUT_SECONDS = 600
    user = learner("claim@example.test")
    fresh = _pending(user, state="claimed", claimed_at=timezone.now())
    assert services.reminder_send(reminder_id=fresh.pk) == "not-claimed"
    stale = _pending(
        user,
        state="claimed",
        claimed_at=timezone.now() - dt.timedelta(seconds=601),
        period="2026-W16",
    )
    assert services.reminder_send(reminder_id=stale.pk) == "sent"
    assert len(locmem_mail) == 1


class FailingBackend:
    error: Exception

    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise FailingBackend.error


@pytest.fixture
def failing_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_reminders.FailingBackend"}}
    return FailingBackend


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("gone"),
        smtplib.SMTPResponseException(421, b"try later"),
        smtplib.SMTPRecipientsRefused({"a@example.test": (450, b"mailbox busy")}),
        TimeoutError("timed out"),
        ConnectionRefusedError("refused"),
    ],
)
def test_temporary_mail_errors_release_the_row_for_a_retry_with_backoff(
    ping_kind, failing_mail, settings, error
):
    settings.REMINDERS_RETRY_BACKOFF_SECONDS = 10
    failing_mail.error = error
    reminder = _pending(learner("temp@example.test"))
    with pytest.raises(services.TemporaryMailError) as first:
        services.reminder_send(reminder_id=reminder.pk)
    with pytest.raises(services.TemporaryMailError) as second:
        services.reminder_send(reminder_id=reminder.pk)
    assert (first.value.retry_in, second.value.retry_in) == (10, 20)
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == (Reminder.State.PENDING, 2)
    assert reminder.last_error


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"a@example.test": (550, b"no such user")}),
        smtplib.SMTPResponseException(554, b"rejected"),
    ],
)
def test_permanent_mail_errors_mark_the_reminder_failed(ping_kind, failing_mail, error):
    failing_mail.error = error
    reminder = _pending(learner("perm@example.test"))
    assert services.reminder_send(reminder_id=reminder.pk) == "failed"
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.FAILED
    assert "550" in reminder.last_error or "554" in reminder.last_error


@pytest.mark.django_db
def test_retries_stop_after_the_last_attempt(ping_kind, failing_mail, settings):
    settings.REMINDERS_MAX_ATTEMPTS = 2
    failing_mail.error = smtplib.SMTPServerDisconnected("gone")
    reminder = _pending(learner("max@example.test"))
    with pytest.raises(services.TemporaryMailError):
        services.reminder_send(reminder_id=reminder.pk)
    assert services.reminder_send(reminder_id=reminder.pk) == "failed"


@pytest.mark.django_db
def test_a_kind_switched_off_after_dispatch_is_skipped(ping_kind, locmem_mail):
    user = learner("late-off@example.test")
    reminder = _pending(user)
    KindOptOut.objects.create(user=user, kind="ping")
    assert services.reminder_send(reminder_id=reminder.pk) == "skipped"
    assert locmem_mail == []


# --- Emails ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "greeting"), [("fr", "Bonjour"), ("en", "Hello")])
def test_email_is_in_the_users_language_with_one_click_unsubscribe(
    ping_kind, locmem_mail, language, greeting
):
    user = learner("mail@example.test", language=language, name="Léa Learner")
    reminder = _pending(user)
    services.reminder_send(reminder_id=reminder.pk)
    message = locmem_mail[0]
    assert message.to == ["mail@example.test"]
    assert message.body.startswith(f"{greeting} Léa,")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and greeting in html
    link, mailto = message.extra_headers["List-Unsubscribe"].split(", ")
    assert link.startswith("<http://") and "/reminders/unsubscribe/" in link
    assert mailto.startswith("<mailto:")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link[1:-1] in message.body  # the same link in the text
    # On the wire the header stays a plain URL (not an encoded word) that clients read.
    import email.policy

    for policy in (email.policy.default, email.policy.SMTP):
        wire = message.message(policy=policy).as_bytes()
        header = f"List-Unsubscribe: {message.extra_headers['List-Unsubscribe']}".encode()
        assert header in wire


# --- Unsubscribe ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_unsubscribe_get_only_asks_to_confirm(ping_kind, client):
    user = learner("scan@example.test")
    token = unsubscribe_token(user_id=user.pk, kind="ping")
    response = client.get(f"/reminders/unsubscribe/{token}/")
    assert response.status_code == 200
    assert b'<form method="post"' in response.content
    assert not KindOptOut.objects.exists()


@pytest.mark.django_db
def test_one_click_post_unsubscribes_without_csrf(ping_kind):
    user = learner("oneclick@example.test")
    client = Client(enforce_csrf_checks=True)
    url = f"/reminders/unsubscribe/{unsubscribe_token(user_id=user.pk, kind='ping')}/"
    response = one_click(client, url)
    assert response.status_code == 200
    assert KindOptOut.objects.filter(user=user, kind="ping").exists()
    # Twice is fine (a mail client retrying).
    assert one_click(client, url).status_code == 200


@pytest.mark.django_db
def test_other_posts_to_unsubscribe_need_the_csrf_token(ping_kind):
    user = learner("csrf@example.test")
    client = Client(enforce_csrf_checks=True)
    url = f"/reminders/unsubscribe/{unsubscribe_token(user_id=user.pk, kind='ping')}/"
    assert client.post(url, {"confirm": "1"}).status_code == 403
    assert not KindOptOut.objects.exists()
    # The confirm page's own button carries the token and works.
    page = client.get(url)
    token = page.context["csrf_token"]
    assert client.post(url, {"csrfmiddlewaretoken": str(token)}).status_code == 200
    assert KindOptOut.objects.filter(user=user, kind="ping").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"u": 1, "k": "ping"}, salt="another.salt", compress=True),
        signing.dumps({"u": 1, "k": "no-such-kind"}, salt=SALT, compress=True),
        signing.dumps(["u", 1], salt=SALT, compress=True),
    ],
    ids=["garbage", "wrong-salt", "unknown-kind", "not-a-dict"],
)
def test_bad_unsubscribe_tokens_answer_a_clear_400(ping_kind, client, token):
    response = client.get(f"/reminders/unsubscribe/{token}/")
    assert response.status_code == 400
    assert "invalide ou a expiré" in response.content.decode()
    response = one_click(client, f"/reminders/unsubscribe/{token}/")
    assert response.status_code == 400


@pytest.mark.django_db
def test_unsubscribe_token_of_a_deleted_account_answers_400(ping_kind, client):
    user = learner("gone@example.test")
    token = unsubscribe_token(user_id=user.pk, kind="ping")
    user.delete()
    response = one_click(client, f"/reminders/unsubscribe/{token}/")
    assert response.status_code == 400


@pytest.mark.django_db
def test_expired_unsubscribe_token_answers_400(ping_kind, client, settings):
    user = learner("old@example.test")
    token = unsubscribe_token(user_id=user.pk, kind="ping")
    settings.REMINDERS_UNSUBSCRIBE_MAX_AGE = -1
    assert client.get(f"/reminders/unsubscribe/{token}/").status_code == 400


# --- Preferences ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_preferences_page_saves_kinds_day_hour_and_interval(ping_kind, personas):
    client = personas.client_for("learner")
    assert client.get("/reminders/preferences/").status_code == 200
    response = client.post(
        "/reminders/preferences/",
        {
            "digest_weekday": "4",
            "digest_hour": "18",
            "retake_interval_weeks": "6",
        },
    )
    assert response.status_code == 302
    learner = personas.learner
    learner.refresh_from_db()
    pref = learner.reminder_preference
    assert (pref.digest_weekday, pref.digest_hour, pref.retake_interval_weeks) == (4, 18, 6)
    assert learner.timezone == "Europe/Paris"  # the profile sets it, not this page
    assert KindOptOut.objects.filter(user=learner, kind="ping").exists()
    assert KindOptOut.objects.filter(user=learner, kind="retake").exists()
    client.post(
        "/reminders/preferences/",
        {
            "enabled_kinds": ["ping"],
            "digest_weekday": "4",
            "digest_hour": "18",
            "retake_interval_weeks": "6",
        },
    )
    from tracker.reminders.selectors import kinds_for

    assert set(KindOptOut.objects.filter(user=learner).values_list("kind", flat=True)) == {
        kind.name for kind in kinds_for(user=learner) if kind.name != "ping"
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("digest_hour", "24"),
        ("digest_hour", "-1"),
        ("digest_weekday", "7"),
        ("retake_interval_weeks", "0"),
        ("retake_interval_weeks", "53"),
        ("enabled_kinds", "no-such-kind"),
    ],
)
def test_preferences_errors_show_at_the_field(ping_kind, personas, field, value):
    data = {
        "digest_weekday": "0",
        "digest_hour": "9",
        "retake_interval_weeks": "4",
        field: value,
    }
    response = personas.client_for("learner").post("/reminders/preferences/", data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not ReminderPreference.objects.exists()


def test_preferences_need_a_login(client):
    response = client.get("/reminders/preferences/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- Notifications ---------------------------------------------------------------------------


def _notify(user, title: str, **extra) -> Notification:
    return Notification.objects.create(user=user, kind="ping", title=title, **extra)


@pytest.mark.django_db
def test_notifications_page_lists_only_ones_own_and_marks_read(personas):
    mine = _notify(personas.learner, "Mine")
    _notify(personas.other_learner, "Someone else's")
    client = personas.client_for("learner")
    page = client.get("/notifications/").content.decode()
    assert "Mine" in page and "Someone else" not in page
    response = client.post(f"/notifications/{mine.pk}/read/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="notification-{mine.pk}"' in response.content.decode()
    assert "<html" not in response.content.decode()
    # The nav badge is refreshed out of band: nothing unread left.
    assert '<span id="unread-badge" hx-swap-oob="true"></span>' in response.content.decode()
    mine.refresh_from_db()
    assert mine.read


@pytest.mark.django_db
def test_marking_someone_elses_notification_answers_404(personas):
    theirs = _notify(personas.other_learner, "Theirs")
    response = personas.client_for("learner").post(f"/notifications/{theirs.pk}/read/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert not theirs.read


@pytest.mark.django_db
def test_mark_all_read_touches_only_ones_own(personas):
    _notify(personas.learner, "A")
    _notify(personas.learner, "B")
    theirs = _notify(personas.other_learner, "C")
    client = personas.client_for("learner")
    response = client.post("/notifications/read-all/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="notifications"' in response.content.decode()
    assert response.content.decode().count('id="unread-badge" hx-swap-oob="true"') == 1
    assert not Notification.objects.filter(user=personas.learner, read=False).exists()
    theirs.refresh_from_db()
    assert not theirs.read


@pytest.mark.django_db
def test_unread_badge_costs_one_query(personas, django_assert_num_queries):
    _notify(personas.learner, "A")
    _notify(personas.learner, "B", read=True)
    client = personas.client_for("learner")
    body = client.get("/reminders/preferences/").content.decode()
    assert '<span class="badge">1<' in body
    from django.template import Context, Template
    from django.test import RequestFactory

    from tracker.reminders.context_processors import notifications

    request = RequestFactory().get("/")
    request.user = personas.learner
    with django_assert_num_queries(1):
        count = notifications(request)["unread_notifications"]
        Template("{{ n }}{{ n }}").render(Context({"n": count}))


@pytest.mark.django_db
def test_api_lists_ones_notifications_newest_first(personas):
    old = _notify(personas.learner, "Old", created=timezone.now() - dt.timedelta(days=1))
    new = _notify(personas.learner, "New", read=True)
    _notify(personas.other_learner, "Theirs")
    response = personas.client_for("learner").get("/api/me/notifications")
    assert response.status_code == 200
    data = response.json()
    assert [n["id"] for n in data] == [new.pk, old.pk]
    assert set(data[0]) == {"id", "kind", "created", "read", "title"}
    assert data[0]["read"] is True and data[1]["title"] == "Old"


def test_api_notifications_need_credentials(db, client):
    response = client.get("/api/me/notifications")
    assert response.status_code == 401
    assert "detail" in response.json()


# --- Kinds: self-assessment retake ---------------------------------------------------------


def _snapshot(user, when: str):
    from tracker.assessments.models import Assessment

    return Assessment.objects.create(user=user, status="submitted", submitted_at=at(when))


@pytest.mark.django_db
def test_retake_reminder_every_n_weeks_after_the_last_snapshot(no_enqueue, dispatch):
    user = learner("retake@example.test", hour=9)
    ReminderPreference.objects.filter(user=user).update(retake_interval_weeks=2)
    _snapshot(user, "2026-04-01T18:00+02:00")  # a Wednesday

    dispatch(at("2026-04-15T08:59+02:00"))  # two weeks later, before 09:00 local
    assert not Reminder.objects.filter(kind="retake").exists()
    dispatch(at("2026-04-15T09:00+02:00"))
    dispatch(at("2026-04-16T12:00+02:00"))
    reminder = Reminder.objects.get(kind="retake")
    assert reminder.period == "2026-04-01+2w"
    notification = Notification.objects.get(reminder=reminder)
    assert notification.title == "Il est temps de refaire votre auto-évaluation"
    assert notification.url == "/assessments/take/"
    # Not retaken: again two weeks later.
    dispatch(at("2026-04-29T09:00+02:00"))
    assert list(Reminder.objects.filter(kind="retake").values_list("period", flat=True)) == [
        "2026-04-01+2w",
        "2026-04-01+4w",
    ]
    # Retaken: the next one counts from the new snapshot.
    _snapshot(user, "2026-04-30T10:00+02:00")
    dispatch(at("2026-05-13T09:00+02:00"))
    assert Reminder.objects.filter(kind="retake").count() == 2
    dispatch(at("2026-05-14T09:00+02:00"))
    assert Reminder.objects.filter(kind="retake", period="2026-04-30+2w").exists()


@pytest.mark.django_db
def test_no_retake_reminder_without_a_snapshot_or_when_switched_off(no_enqueue, dispatch):
    learner("never@example.test")
    off = learner("off-retake@example.test")
    _snapshot(off, "2026-01-01T10:00+01:00")
    KindOptOut.objects.create(user=off, kind="retake")
    dispatch(at("2026-04-15T10:00+02:00"))
    assert not Reminder.objects.filter(kind="retake").exists()


@pytest.mark.django_db
def test_retake_email_renders_in_both_languages(locmem_mail):
    for language, words in (("fr", "auto-évaluation"), ("en", "self-assessment")):
        user = learner(f"retake-{language}@example.test", language=language)
        reminder = Reminder.objects.create(
            kind="retake", user=user, period="x", context={"last": "2026-04-01", "weeks": 4}
        )
        services.reminder_send(reminder_id=reminder.pk)
        message = locmem_mail[-1]
        assert words in message.subject and "/assessments/take/" in message.body


@pytest.mark.django_db
def test_unsubscribe_works_from_the_header_as_from_the_link(ping_kind, locmem_mail):
    from urllib.parse import urlparse

    header_user = learner("header@example.test")
    link_user = learner("link@example.test")
    for user in (header_user, link_user):
        services.reminder_send(reminder_id=_pending(user).pk)
    header_message, link_message = locmem_mail

    # The mail client's one-click POST to the header's URL: no cookie, no CSRF token.
    url = header_message.extra_headers["List-Unsubscribe"].split(", ")[0][1:-1]
    response = one_click(Client(enforce_csrf_checks=True), urlparse(url).path)
    assert response.status_code == 200
    # The person clicking the link in the text: a confirm page, then its button.
    [line] = [ln for ln in link_message.body.splitlines() if "/reminders/unsubscribe/" in ln]
    path = urlparse(line.split()[-1]).path
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    client.post(path, {"csrfmiddlewaretoken": str(page.context["csrf_token"])})

    assert set(KindOptOut.objects.values_list("user__email", "kind")) == {
        ("header@example.test", "ping"),
        ("link@example.test", "ping"),
    }
