"""Reminder kinds built on progress: the weekly digest, the behind-pace nudge, the
managers' team summary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import make_course, make_team, make_user
from tracker.progress import services as progress_services
from tracker.progress.models import Plan
from tracker.reminders import services
from tracker.reminders.models import KindOptOut, Notification, Reminder, ReminderPreference
from tracker.reminders.progress_kinds import STATUS_LABELS

MONDAY_10_PARIS = dt.datetime.fromisoformat("2026-04-06T10:00+02:00")
TODAY = dt.date(2026, 4, 6)


@pytest.fixture
def dispatch(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "enqueue_send", lambda *, reminder_id: True)

    def run(now=MONDAY_10_PARIS):
        with django_capture_on_commit_callbacks(execute=True):
            return services.dispatch(now)

    return run


def plan(user, course, *, weekly="5", start=TODAY - dt.timedelta(weeks=4), target=None, **extra):
    return Plan.objects.create(
        user=user,
        course=course,
        start_date=start,
        weekly_hours=Decimal(weekly),
        target_date=target,
        **extra,
    )


def log(user, course, *, days_ago: int, minutes: int):
    progress_services.time_entry_create(
        user=user, course=course, date=TODAY - dt.timedelta(days=days_ago), minutes=minutes
    )


@pytest.mark.django_db
def test_weekly_digest_sums_last_week_against_the_plan(dispatch):
    learner = make_user("digest@example.test", language="en")
    course = make_course("P1-A", hours="40", title="ML for PMs")
    plan(learner, course, weekly="5", target=TODAY + dt.timedelta(weeks=20))
    log(learner, course, days_ago=1, minutes=90)
    log(learner, course, days_ago=3, minutes=60)
    log(learner, course, days_ago=9, minutes=600)  # the week before: not this digest's
    log(learner, course, days_ago=0, minutes=45)  # today: next week's digest

    dispatch()

    reminder = Reminder.objects.get(kind="weekly_digest")
    assert reminder.period == "2026-W15"
    assert (reminder.context["hours"], reminder.context["planned"]) == (2.5, 5.0)
    notification = Notification.objects.get(reminder=reminder)
    assert notification.title == "Your week: 2.5 h studied of 5 h planned"
    assert "ML for PMs" in notification.body
    dispatch()
    assert Reminder.objects.filter(kind="weekly_digest").count() == 1


@pytest.mark.django_db
def test_digests_of_one_pass_are_worded_each_in_their_learners_language(dispatch):
    """The dispatcher remembers sentences and figures while wording a batch: each
    language's apart, so the same figures read 2.5 in English and 2,5 in French."""
    course = make_course("P1-A", hours="40", title="ML for PMs")
    learners = {
        name: make_user(f"{name}@example.test", language=name[:2])
        for name in ("fr", "en", "fr2")  # French, English, French again
    }
    for learner in learners.values():
        plan(learner, course, weekly="5", target=TODAY + dt.timedelta(weeks=20))
        log(learner, course, days_ago=1, minutes=150)

    dispatch()

    titles = dict(
        Notification.objects.filter(kind="weekly_digest").values_list("user__email", "title")
    )
    assert titles == {
        "en@example.test": "Your week: 2.5 h studied of 5 h planned",
        "fr@example.test": "Votre semaine\xa0: 2,5 h d\u2019étude sur 5 h prévues",
        "fr2@example.test": "Votre semaine\xa0: 2,5 h d\u2019étude sur 5 h prévues",
    }
    (course_line,) = Reminder.objects.get(kind="weekly_digest", user=learners["fr"]).context[
        "courses"
    ]
    for language in ("en", "fr"):
        body = Notification.objects.get(kind="weekly_digest", user=learners[language]).body
        with translation.override(language):
            assert gettext(STATUS_LABELS[course_line["status"]]) in body


@pytest.mark.django_db
def test_no_digest_without_an_open_plan_or_before_the_hour(dispatch):
    learner = make_user("early@example.test")
    ReminderPreference.objects.create(user=learner, digest_weekday=0, digest_hour=18)
    plan(learner, make_course(hours="10"))
    make_user("noplan@example.test")
    dispatch()
    assert not Reminder.objects.filter(kind="weekly_digest").exists()


@pytest.mark.django_db
def test_behind_pace_nudges_once_a_week_per_course(dispatch):
    learner = make_user("behind@example.test")
    slow = make_course("SLOW", hours="100")
    fine = make_course("FINE", hours="10")
    # 1 h over the last four weeks with 90 h left and a target in four weeks: behind.
    plan(learner, slow, target=TODAY + dt.timedelta(weeks=4))
    log(learner, slow, days_ago=2, minutes=60)
    plan(learner, fine, target=TODAY + dt.timedelta(weeks=30))
    log(learner, fine, days_ago=2, minutes=120)

    dispatch()
    dispatch(MONDAY_10_PARIS + dt.timedelta(days=3))
    [nudge] = Reminder.objects.filter(kind="behind_pace")
    assert (nudge.subject, nudge.period) == ("SLOW", "2026-W15")
    assert Notification.objects.get(reminder=nudge).url == "/progress/plans/SLOW/"
    # Still behind next week: one more, no more.
    dispatch(MONDAY_10_PARIS + dt.timedelta(days=7))
    assert list(Reminder.objects.filter(kind="behind_pace").values_list("period", flat=True)) == [
        "2026-W15",
        "2026-W16",
    ]


@pytest.mark.django_db
def test_team_summary_counts_statuses_for_each_managers_team(dispatch):
    manager = make_user("boss@example.test", language="en")
    behind, on_track, idle = (make_user(f"m{i}@example.test") for i in range(3))
    make_team("Alpha", managers=[manager], members=[behind, on_track, idle])
    course = make_course("C-100", hours="100")
    plan(behind, course, target=TODAY + dt.timedelta(weeks=4))
    log(behind, course, days_ago=2, minutes=60)
    plan(on_track, course, target=TODAY + dt.timedelta(weeks=200))
    log(on_track, course, days_ago=2, minutes=300)

    dispatch()

    summary = Reminder.objects.get(kind="team_summary")
    assert summary.user == manager and summary.period == "2026-W15"
    counts = summary.context["counts"]
    assert counts == {"behind": 1, "on_track": 1, "no_plan": 1}
    notification = Notification.objects.get(reminder=summary)
    assert notification.title == "Alpha this week"
    assert "3 members: 1 on track, 1 behind pace, 0 overdue." in notification.body
    assert str(behind) in notification.body


@pytest.mark.django_db
def test_progress_kinds_respect_opt_outs(dispatch):
    learner = make_user("quiet@example.test")
    course = make_course(hours="100")
    plan(learner, course, target=TODAY + dt.timedelta(weeks=4))
    log(learner, course, days_ago=2, minutes=60)
    for kind in ("weekly_digest", "behind_pace"):
        KindOptOut.objects.create(user=learner, kind=kind)
    dispatch()
    assert not Reminder.objects.exists()


@pytest.mark.django_db
def test_dispatch_queries_stay_constant_with_progress_data(
    dispatch, django_assert_max_num_queries, django_assert_num_queries
):
    manager = make_user("qboss@example.test")
    course = make_course(hours="100")

    def add_learners(n):
        users = [make_user() for _ in range(n)]
        for user in users:
            plan(user, course, target=TODAY + dt.timedelta(weeks=4))
            log(user, course, days_ago=2, minutes=60)
        make_team(managers=[manager], members=users)

    add_learners(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        dispatch()
    Reminder.objects.all().delete()
    add_learners(25)
    with CaptureQueriesContext(connection) as many:
        dispatch()
    assert len(many) == len(few)
    assert Reminder.objects.filter(kind="behind_pace").count() == 27


@pytest.mark.django_db
def test_behind_pace_waits_for_the_learners_hour(dispatch):
    learner = make_user("night@example.test", timezone="Asia/Tokyo")
    ReminderPreference.objects.create(user=learner, digest_hour=9)
    course = make_course("LATE", hours="100")
    plan(learner, course, target=TODAY + dt.timedelta(weeks=4))
    log(learner, course, days_ago=2, minutes=60)
    # 22:00 UTC is 07:00 in Tokyo: too early. 01:00 UTC is 10:00 there: past 09:00.
    dispatch(dt.datetime.fromisoformat("2026-04-05T22:00+00:00"))
    assert not Reminder.objects.filter(kind="behind_pace").exists()
    dispatch(dt.datetime.fromisoformat("2026-04-06T01:00+00:00"))
    assert Reminder.objects.filter(kind="behind_pace").count() == 1
