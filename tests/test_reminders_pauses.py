"""Reminders and pauses (issue 20): while a learner is paused, the weekly digest and the
behind-pace nudge are skipped and never sent later; due-date and expiry reminders that
fell due during the pause are sent once when it ends (the latest of each subject), if
still relevant."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tests.factories import make_course, make_team, make_user
from tracker.certificates.models import Certificate
from tracker.progress import services as progress_services
from tracker.progress.models import Plan
from tracker.reminders.models import Reminder, ReminderPreference
from tracker.teams.models import Assignment

D = dt.date
DAY = dt.timedelta(days=1)


def at(day: D | str, hour: int) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00+02:00")  # Paris, summer time


def learner(email="paused@example.test"):
    user = make_user(email, language="en")
    ReminderPreference.objects.create(user=user, digest_weekday=0, digest_hour=9)
    return user


def periods(kind):
    return list(Reminder.objects.filter(kind=kind).order_by("pk").values_list("period", flat=True))


def every_day(dispatch, first: D, last: D, hour: int = 10) -> dict[str, D]:
    """A pass each day at `hour` local; the day each reminder's period was created."""
    created: dict[str, D] = {}
    day = first
    while day <= last:
        with time_machine.travel(at(day, hour), tick=False):
            before = set(Reminder.objects.values_list("kind", "period"))
            dispatch(at(day, hour))
            for kind, period in set(Reminder.objects.values_list("kind", "period")) - before:
                created[f"{kind}:{period}"] = day
        day += DAY
    return created


def with_plan(user, *, target=None):
    course = make_course("PAUSE-R", hours="100", title="Long course")
    Plan.objects.create(
        user=user,
        course=course,
        start_date=D(2026, 3, 1),
        weekly_hours=Decimal(5),
        target_date=target,
    )
    progress_services.time_entry_create(user=user, course=course, date=D(2026, 4, 1), minutes=60)
    return course


# --- Skipped, never sent later -------------------------------------------------------------


@pytest.mark.django_db
def test_a_digest_that_fell_in_a_pause_is_not_sent_later(dispatch):
    user = learner()
    with_plan(user)
    # Monday 13 April is paused; without the pause, Tuesday's pass would catch it up.
    progress_services.pause_create(user=user, start=D(2026, 4, 10), end=D(2026, 4, 13))
    created = every_day(dispatch, D(2026, 4, 6), D(2026, 4, 21))
    assert periods("weekly_digest") == ["2026-W15", "2026-W17"]
    assert created["weekly_digest:2026-W17"] == D(2026, 4, 20)


@pytest.mark.django_db
def test_without_the_pause_the_missed_digest_is_caught_up(dispatch):
    """The same week without a pause: a pass the day after the slot still sends it (so the
    test above fails if the pause stops being read)."""
    user = learner()
    with_plan(user)
    dispatch(at("2026-04-14", 10))
    assert periods("weekly_digest") == ["2026-W16"]


@pytest.mark.django_db
def test_no_behind_pace_nudge_while_paused(dispatch):
    user = learner()
    with_plan(user, target=D(2026, 5, 10))  # 99 h left in four weeks: behind
    dispatch(at("2026-04-07", 10))
    assert periods("behind_pace") == ["2026-W15"]
    progress_services.pause_create(user=user, start=D(2026, 4, 13), end=D(2026, 4, 19))
    every_day(dispatch, D(2026, 4, 13), D(2026, 4, 19))
    assert periods("behind_pace") == ["2026-W15"]
    dispatch(at("2026-04-20", 10))  # back: still behind, nudged for the new week
    assert periods("behind_pace") == ["2026-W15", "2026-W17"]


# --- Held, sent once when the pause ends ---------------------------------------------------

DUE = D(2026, 4, 20)  # a Monday: "7d" on the 13th, "1d" on the 19th, overdue on the 21st


def assigned(user, due=DUE):
    manager = make_user("manager@example.test", language="en")
    team = make_team(managers=[manager], members=[user])
    course = make_course("DUE-P", title="Prompting 101")
    return Assignment.objects.create(team=team, assignee=user, course=course, due_date=due)


@pytest.mark.django_db
def test_a_due_date_reminder_held_by_a_pause_is_sent_once_when_it_ends(dispatch):
    user = learner()
    assigned(user)
    progress_services.pause_create(user=user, start=D(2026, 4, 10), end=D(2026, 4, 16))
    created = every_day(dispatch, D(2026, 4, 8), D(2026, 4, 22))
    assert periods("due_soon") == ["7d", "1d"]
    assert created["due_soon:7d"] == D(2026, 4, 17)  # the day after the pause
    assert created["due_soon:1d"] == D(2026, 4, 19)  # as usual
    assert created["overdue:2026-04-20"] == D(2026, 4, 21)


@pytest.mark.django_db
def test_after_a_pause_only_the_latest_reminder_of_each_assignment_is_sent(dispatch):
    user = learner()
    assigned(user)
    progress_services.pause_create(user=user, start=D(2026, 4, 10), end=D(2026, 4, 19))
    created = every_day(dispatch, D(2026, 4, 8), D(2026, 4, 22))
    assert periods("due_soon") == ["1d"]  # "7d" is no longer true
    assert created["due_soon:1d"] == D(2026, 4, 20)


@pytest.mark.django_db
def test_a_due_soon_whose_date_passed_during_the_pause_is_not_sent(dispatch):
    user = learner()
    assigned(user)
    progress_services.pause_create(user=user, start=D(2026, 4, 10), end=D(2026, 4, 22))
    created = every_day(dispatch, D(2026, 4, 8), D(2026, 4, 28))
    assert periods("due_soon") == []
    assert periods("overdue") == ["2026-04-20"]  # overdue is never hidden: once, after
    assert created["overdue:2026-04-20"] == D(2026, 4, 23)
    # The manager's own notice is about the team: not held by the learner's pause.
    assert created["overdue_manager:2026-04-20"] == D(2026, 4, 21)


@pytest.mark.django_db
def test_work_done_during_the_pause_is_not_reminded(dispatch):
    user = learner()
    assignment = assigned(user)
    progress_services.pause_create(user=user, start=D(2026, 4, 10), end=D(2026, 4, 16))
    every_day(dispatch, D(2026, 4, 10), D(2026, 4, 14))
    Plan.objects.create(
        user=user,
        course=assignment.course,
        start_date=D(2026, 4, 1),
        weekly_hours=Decimal(5),
        done_on=D(2026, 4, 14),
    )
    every_day(dispatch, D(2026, 4, 15), D(2026, 4, 22))
    assert periods("due_soon") == [] and periods("overdue") == []


@pytest.mark.django_db
def test_a_long_pause_releases_the_latest_expiry_stage_once(dispatch):
    user = learner()
    expires = D(2026, 6, 30)
    Certificate.objects.create(
        user=user, title="Azure AI Engineer", issued_on=D(2023, 6, 30), expires_on=expires
    )
    # 60 days before is 1 May, 30 days before is 31 May: both fall in the pause.
    progress_services.pause_create(user=user, start=D(2026, 4, 25), end=D(2026, 6, 5))
    created = every_day(dispatch, D(2026, 4, 20), D(2026, 7, 3))
    assert periods("certificate_expiry") == ["2026-06-30/30d", "2026-06-30/7d", "2026-06-30/0d"]
    assert created["certificate_expiry:2026-06-30/30d"] == D(2026, 6, 6)
