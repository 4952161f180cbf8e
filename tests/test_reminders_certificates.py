"""Certificate expiry reminders: 60, 30 and 7 days before and on the day, each once, at the
learner's local hour; only the latest stage after a gap; none for renewed, deleted or
deactivated ones."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_course, make_user
from tracker.certificates import services as certificate_services
from tracker.certificates.models import EXPIRY_WARNING_DAYS, Certificate
from tracker.certificates.services import CertificateInput
from tracker.reminders.certificate_kinds import STAGES
from tracker.reminders.emails import build_email
from tracker.reminders.kinds import get_kind
from tracker.reminders.models import KindOptOut, Notification, Reminder, ReminderPreference

KIND = "certificate_expiry"
EXPIRES = dt.date(2026, 6, 30)


def at(day: dt.date | str, hour: int, minute: int = 0) -> dt.datetime:
    """`hour` in Paris (summer time)."""
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}+02:00")


def learner(email: str = "cert@example.test", *, hour: int = 9, **extra):
    user = make_user(email, **extra)
    ReminderPreference.objects.create(user=user, digest_hour=hour)
    return user


def certificate(user, *, expires_on=EXPIRES, title="Azure AI Engineer", **extra) -> Certificate:
    return Certificate.objects.create(
        user=user,
        title=title,
        issued_on=(expires_on or EXPIRES) - dt.timedelta(days=3 * 365),
        expires_on=expires_on,
        **extra,
    )


def sent() -> list[str]:
    return list(Reminder.objects.filter(kind=KIND).order_by("pk").values_list("period", flat=True))


def days_before(days: int) -> dt.date:
    return EXPIRES - dt.timedelta(days=days)


def test_the_first_stage_is_the_expiring_flags_horizon():
    assert STAGES == (0, 7, 30, EXPIRY_WARNING_DAYS) and EXPIRY_WARNING_DAYS == 60


@pytest.mark.django_db
def test_each_stage_goes_once_at_the_learners_hour(dispatch):
    user = learner(language="en")
    cert = certificate(user)
    created_on: dict[str, dt.date] = {}
    day = days_before(62)
    while day <= EXPIRES + dt.timedelta(days=5):
        for hour in (8, 10):  # before and after the learner's 09:00
            before = set(sent())
            dispatch(at(day, hour))
            for period in set(sent()) - before:
                created_on[period] = day
                assert hour == 10, f"{period} sent before 09:00 local"
        day += dt.timedelta(days=1)

    assert sent() == ["2026-06-30/60d", "2026-06-30/30d", "2026-06-30/7d", "2026-06-30/0d"]
    assert created_on == {
        "2026-06-30/60d": days_before(60),
        "2026-06-30/30d": days_before(30),
        "2026-06-30/7d": days_before(7),
        "2026-06-30/0d": EXPIRES,
    }
    # The day the first reminder goes is the day the UI starts flagging it.
    assert cert.expiry(days_before(61)) == Certificate.Expiry.VALID
    assert cert.expiry(days_before(60)) == Certificate.Expiry.EXPIRING
    assert Reminder.objects.filter(kind=KIND, subject=f"certificate:{cert.pk}").count() == 4
    titles = list(
        Notification.objects.filter(kind=KIND).order_by("pk").values_list("title", flat=True)
    )
    assert titles == [
        "Azure AI Engineer expires on 30 June 2026",
        "Azure AI Engineer expires on 30 June 2026",
        "Azure AI Engineer expires on 30 June 2026",
        "Azure AI Engineer expires today",
    ]
    notification = Notification.objects.filter(kind=KIND).order_by("pk")[2]
    assert notification.body.startswith(
        "Your certificate Azure AI Engineer expires in 7 days, on 30 June 2026."
    )
    assert notification.url == "/certificates/"


@pytest.mark.django_db
def test_the_stage_follows_the_learners_time_zone(dispatch):
    user = learner("tokyo@example.test", timezone="Asia/Tokyo")
    certificate(user)
    # 09:00 in Tokyo on the 30-day day is 02:00 in Paris that day: not at 09:00 Paris the
    # day before.
    dispatch(at(days_before(31), 10))
    assert sent() == ["2026-06-30/60d"]
    dispatch(dt.datetime.combine(days_before(30), dt.time(8, 59), tzinfo=user.tzinfo))
    assert sent() == ["2026-06-30/60d"]
    dispatch(dt.datetime.combine(days_before(30), dt.time(9), tzinfo=user.tzinfo))
    assert sent() == ["2026-06-30/60d", "2026-06-30/30d"]


@pytest.mark.django_db
def test_after_a_gap_only_the_latest_stage_goes(dispatch):
    user = learner()
    certificate(user)
    dispatch(at(days_before(70), 10))  # the last pass before a long outage
    assert sent() == []
    # Back 5 days before expiry: the 60-, 30- and 7-day stages all came; only the 7-day one.
    dispatch(at(days_before(5), 10))
    dispatch(at(days_before(4), 10))
    assert sent() == ["2026-06-30/7d"]
    dispatch(at(EXPIRES, 10))
    assert sent() == ["2026-06-30/7d", "2026-06-30/0d"]


@pytest.mark.django_db
def test_a_certificate_recorded_5_days_before_expiry_gets_only_the_7_day_one(dispatch):
    user = learner(language="en")
    course = make_course("EXP-1", title="Cloud Practitioner")
    recorded = at(days_before(5), 11)
    with time_machine.travel(recorded, tick=False):
        certificate_services.certificate_record(
            user=user,
            data=CertificateInput(
                title="", course=course, issued_on=dt.date(2023, 6, 30), expires_on=EXPIRES
            ),
        )
        dispatch(recorded)
    dispatch(at(days_before(1), 10))
    assert sent() == ["2026-06-30/7d"]
    # The 7-day stage, saying what is true: 5 days left.
    assert Notification.objects.get(kind=KIND).body.startswith(
        "Your certificate Cloud Practitioner expires in 5 days, on 30 June 2026."
    )
    dispatch(at(EXPIRES, 9))
    assert sent() == ["2026-06-30/7d", "2026-06-30/0d"]


@pytest.mark.django_db
def test_a_certificate_expired_long_ago_brings_no_reminder(dispatch):
    user = learner()
    certificate(user, expires_on=dt.date(2025, 1, 31))
    certificate(user, title="Two days late", expires_on=days_before(3))
    dispatch(at(EXPIRES, 10))
    assert sent() == []


@pytest.mark.django_db
@pytest.mark.parametrize("renewal", ["same course", "same title, free-standing", "no expiry"])
def test_a_renewed_certificate_stops_its_reminders(dispatch, renewal):
    user = learner()
    course = make_course("EXP-2", title="Azure AI Engineer")
    old_course = None if renewal == "same title, free-standing" else course
    old = certificate(user, course=old_course)
    dispatch(at(days_before(60), 10))
    assert sent() == ["2026-06-30/60d"]

    if renewal == "same course":
        certificate(user, course=course, title="Azure AI (2026)", expires_on=dt.date(2029, 6, 30))
    elif renewal == "same title, free-standing":
        certificate(user, title="AZURE AI engineer", expires_on=dt.date(2029, 6, 30))
    else:
        certificate(user, course=course, expires_on=None)
    for days in (30, 7, 0):
        dispatch(at(days_before(days), 10))
    assert sent() == ["2026-06-30/60d"]
    assert Reminder.objects.get(kind=KIND).subject == f"certificate:{old.pk}"


@pytest.mark.django_db
def test_a_certificate_for_another_course_or_title_is_no_renewal(dispatch):
    user = learner()
    certificate(user, course=make_course("EXP-3"))
    certificate(user, course=make_course("EXP-4"), expires_on=dt.date(2029, 6, 30))
    certificate(user, title="Another title", expires_on=dt.date(2029, 6, 30))
    certificate(make_user("someone@example.test"), expires_on=dt.date(2029, 6, 30))
    dispatch(at(days_before(30), 10))
    assert sent() == ["2026-06-30/30d"]


@pytest.mark.django_db
def test_a_new_expiry_date_starts_a_new_series(dispatch):
    user = learner()
    cert = certificate(user)
    dispatch(at(days_before(7), 10))
    assert sent() == ["2026-06-30/7d"]
    cert.expires_on = dt.date(2026, 7, 31)  # the issuer extended it
    cert.save()
    dispatch(at(days_before(0), 10))
    assert sent() == ["2026-06-30/7d", "2026-07-31/60d"]


@pytest.mark.django_db
def test_a_deleted_certificate_stops_its_reminders(dispatch):
    user = learner()
    cert = certificate(user)
    dispatch(at(days_before(30), 10))
    assert sent() == ["2026-06-30/30d"]
    with time_machine.travel(at(days_before(29), 10), tick=False):
        certificate_services.certificate_delete(certificate=cert)
    dispatch(at(days_before(7), 10))
    dispatch(at(EXPIRES, 10))
    assert sent() == ["2026-06-30/30d"]


@pytest.mark.django_db
def test_deactivated_or_opted_out_learners_get_none(dispatch):
    gone = learner("gone@example.test", is_active=False)
    certificate(gone)
    off = learner("off@example.test")
    certificate(off)
    KindOptOut.objects.create(user=off, kind=KIND)
    dispatch(at(days_before(30), 10))
    assert sent() == []


@pytest.mark.django_db
def test_queries_do_not_grow_with_certificates(dispatch):
    def queries_of_a_pass(now) -> int:
        with CaptureQueriesContext(connection) as captured:
            dispatch(now)
        return len(captured)

    users = [learner(f"q{i}@example.test") for i in range(2)]
    for user in users:
        certificate(user)
    now = at(days_before(30), 10)
    few = queries_of_a_pass(now)
    assert len(sent()) == 2
    Notification.objects.all().delete()
    Reminder.objects.all().delete()
    users += [learner(f"r{i}@example.test") for i in range(20)]
    for user in users[2:]:
        certificate(user)
        certificate(user, title="Second", expires_on=EXPIRES + dt.timedelta(days=1))
    many = queries_of_a_pass(now)
    assert len(sent()) == 2 + 40
    assert many == few


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject", "text"),
    [
        ("en", "Azure AI Engineer expires on 30 June 2026", "expires in 30 days"),
        ("fr", "Azure AI Engineer expire le 30 juin 2026", "expire dans 30 jours"),
    ],
)
def test_the_email_is_in_the_learners_language(dispatch, language, subject, text):
    user = learner(language=language)
    certificate(user)
    dispatch(at(days_before(30), 10))
    reminder = Reminder.objects.get(kind=KIND)
    message = build_email(reminder=reminder, kind=get_kind(KIND))
    assert message.subject == subject
    assert text in message.body
    assert "/certificates/" in message.body


@pytest.mark.django_db
def test_learners_can_switch_the_kind_off_in_their_preferences(client):
    user = learner(language="fr")
    client.force_login(user)
    page = client.get("/reminders/preferences/").text
    assert 'value="certificate_expiry"' in page and "Expiration des certificats" in page


@pytest.mark.django_db
def test_the_days_reminder_sent_the_next_morning_says_it_expired(dispatch):
    user = learner(language="en")
    certificate(user)
    dispatch(at(days_before(7), 10))
    dispatch(at(EXPIRES + dt.timedelta(days=1), 8))  # the pass of the day itself was missed
    assert sent() == ["2026-06-30/7d", "2026-06-30/0d"]
    late = Notification.objects.filter(kind=KIND).latest("pk")
    assert late.title == "Azure AI Engineer expired on 30 June 2026"
    assert late.body.startswith("Your certificate Azure AI Engineer expired on 30 June 2026.")
