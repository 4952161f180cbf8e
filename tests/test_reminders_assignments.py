"""Due-date reminders of assignments: 7 days and 1 day before, overdue to the learner and,
separately, to each manager of the team."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_course, make_team, make_track, make_user
from tracker.progress.models import PhaseChoice, Plan
from tracker.reminders.emails import build_email
from tracker.reminders.kinds import get_kind
from tracker.reminders.models import KindOptOut, Notification, Reminder, ReminderPreference
from tracker.teams.models import Assignment

DUE = dt.date(2026, 4, 20)  # a Monday
KINDS = ("due_soon", "overdue", "overdue_manager")


def at(day: str, hour: int) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00+02:00")  # Paris, summer time


def assigned(*, learners, manager=None, course=None, due=DUE, hour=9):
    course = course or make_course("DUE-1", title="Prompting 101")
    team = make_team(managers=[manager] if manager else [], members=learners)
    for user in [*learners, *([manager] if manager else [])]:
        ReminderPreference.objects.get_or_create(user=user, defaults={"digest_hour": hour})
    return [
        Assignment.objects.create(team=team, assignee=learner, course=course, due_date=due)
        for learner in learners
    ]


def sent(kind):
    return list(
        Reminder.objects.filter(kind=kind).order_by("pk").values_list("user__email", "period")
    )


@pytest.mark.django_db
def test_due_soon_goes_once_7_days_and_once_1_day_before_at_the_local_hour(dispatch):
    learner = make_user("soon@example.test", language="en")
    [assignment] = assigned(learners=[learner])

    dispatch(at("2026-04-13", 8))  # a week before, but before 09:00 local
    assert sent("due_soon") == []
    dispatch(at("2026-04-13", 9))
    dispatch(at("2026-04-13", 9))  # the same instant again: nothing new
    dispatch(at("2026-04-14", 9))  # the next day: still one
    assert sent("due_soon") == [("soon@example.test", "7d")]
    reminder = Reminder.objects.get(kind="due_soon")
    assert reminder.subject == f"assignment:{assignment.pk}"
    notification = Notification.objects.get(reminder=reminder)
    assert notification.title == "Prompting 101 is due on 20 April 2026"
    assert notification.url == "/"

    dispatch(at("2026-04-19", 9))
    dispatch(at("2026-04-19", 9))
    assert sent("due_soon") == [("soon@example.test", "7d"), ("soon@example.test", "1d")]
    assert sent("overdue") == []


@pytest.mark.django_db
def test_due_soon_follows_the_learners_time_zone(dispatch):
    learner = make_user("tokyo@example.test", timezone="Asia/Tokyo")
    assigned(learners=[learner])
    # 09:00 in Tokyo on the 13th is 02:00 Paris: due then, not at 09:00 Paris the day before.
    dispatch(at("2026-04-12", 9))
    assert sent("due_soon") == []
    dispatch(dt.datetime.fromisoformat("2026-04-13T09:00+09:00"))
    assert sent("due_soon") == [("tokyo@example.test", "7d")]


@pytest.mark.django_db
def test_overdue_goes_to_the_learner_and_separately_to_the_manager(dispatch):
    learner = make_user("late@example.test", language="en")
    manager = make_user("boss@example.test", language="fr")
    [assignment] = assigned(learners=[learner], manager=manager)
    ReminderPreference.objects.filter(user=manager).update(digest_hour=18)

    dispatch(at("2026-04-20", 23))  # the due day itself: not overdue yet
    assert sent("overdue") == sent("overdue_manager") == []
    dispatch(at("2026-04-21", 9))
    assert sent("overdue") == [("late@example.test", "2026-04-20")]
    assert sent("overdue_manager") == []  # the manager's hour is 18:00
    dispatch(at("2026-04-21", 18))
    dispatch(at("2026-04-21", 18))
    assert sent("overdue") == [("late@example.test", "2026-04-20")]
    assert sent("overdue_manager") == [("boss@example.test", "2026-04-20")]

    to_learner = Notification.objects.get(kind="overdue")
    assert to_learner.title == "Prompting 101 is overdue"
    assert to_learner.url == "/"
    to_manager = Notification.objects.get(kind="overdue_manager")
    assert to_manager.user == manager
    assert to_manager.title == f"{learner}\u00a0: Prompting 101 est en retard"
    assert to_manager.url == f"/teams/{assignment.team_id}/"
    assert Reminder.objects.get(kind="overdue_manager").subject == f"assignment:{assignment.pk}"


@pytest.mark.django_db
def test_manager_gets_one_notice_per_learner(dispatch):
    manager = make_user("boss2@example.test")
    learners = [make_user(f"l{i}@example.test") for i in range(2)]
    assigned(learners=learners, manager=manager)
    dispatch(at("2026-04-21", 9))
    assert Reminder.objects.filter(kind="overdue_manager", user=manager).count() == 2
    assert Reminder.objects.filter(kind="overdue").count() == 2


@pytest.mark.django_db
def test_nothing_for_a_done_course_assignment(dispatch):
    learner = make_user("done@example.test")
    manager = make_user("boss3@example.test")
    course = make_course("DONE-1")
    assigned(learners=[learner], manager=manager, course=course)
    Plan.objects.create(
        user=learner,
        course=course,
        start_date=DUE - dt.timedelta(weeks=8),
        weekly_hours=Decimal("5"),
        done_on=DUE - dt.timedelta(weeks=2),
    )
    for day in ("2026-04-13", "2026-04-19", "2026-04-21"):
        dispatch(at(day, 9))
    assert not Reminder.objects.filter(kind__in=KINDS).exists()


@pytest.mark.django_db
def test_a_track_is_done_only_when_every_phase_has_a_done_course(dispatch):
    learner = make_user("track@example.test")
    track = make_track("due-track", phases=2)
    p1, p2 = track.phases.order_by("order")
    first = make_course("T-1", track=track)
    second = make_course("T-2", track=track)
    team = make_team("Beta", members=[learner])
    ReminderPreference.objects.create(user=learner, digest_hour=9)
    Assignment.objects.create(team=team, assignee=learner, track=track, due_date=DUE)
    start = DUE - dt.timedelta(weeks=8)
    for course in (first, second):
        Plan.objects.create(
            user=learner, course=course, start_date=start, weekly_hours=Decimal("5"), done_on=start
        )
    PhaseChoice.objects.create(user=learner, phase=p1, course=first)

    dispatch(at("2026-04-13", 9))  # phase 2 has no chosen course: not done
    assert sent("due_soon") == [("track@example.test", "7d")]
    PhaseChoice.objects.create(user=learner, phase=p2, course=second)
    dispatch(at("2026-04-19", 9))  # both chosen courses done: no more reminders
    dispatch(at("2026-04-21", 9))
    assert sent("due_soon") == [("track@example.test", "7d")]
    assert sent("overdue") == []


@pytest.mark.django_db
def test_opted_out_kinds_send_nothing(dispatch):
    learner = make_user("quiet@example.test")
    manager = make_user("quietboss@example.test")
    assigned(learners=[learner], manager=manager)
    for kind in ("due_soon", "overdue"):
        KindOptOut.objects.create(user=learner, kind=kind)
    KindOptOut.objects.create(user=manager, kind="overdue_manager")
    for day in ("2026-04-13", "2026-04-19", "2026-04-21"):
        dispatch(at(day, 9))
    assert not Reminder.objects.filter(kind__in=KINDS).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["2026-04-13", "2026-04-21"])
def test_queries_stay_constant_for_2_and_20_learners(dispatch, day):
    manager = make_user("qboss@example.test")
    course = make_course("Q-1")

    def add(n):
        users = [make_user() for _ in range(n)]
        assigned(learners=users, manager=manager, course=course)

    add(2)
    with CaptureQueriesContext(connection) as few:
        dispatch(at(day, 9))
    Reminder.objects.all().delete()
    add(18)
    with CaptureQueriesContext(connection) as many:
        dispatch(at(day, 9))
    assert len(many) == len(few)
    kind = "due_soon" if day == "2026-04-13" else "overdue"
    assert Reminder.objects.filter(kind=kind).count() == 20


@pytest.mark.django_db
def test_the_managers_email_is_in_their_language_with_a_link_to_the_team(dispatch, settings):
    settings.SITE_URL = "https://parcours.example"
    learner = make_user("mail@example.test")
    manager = make_user("mailboss@example.test", language="fr")
    [assignment] = assigned(learners=[learner], manager=manager)
    dispatch(at("2026-04-21", 9))

    reminder = Reminder.objects.get(kind="overdue_manager")
    message = build_email(reminder=reminder, kind=get_kind("overdue_manager"))
    assert message.subject == f"{learner}\u00a0: Prompting 101 est en retard"
    assert "à rendre pour le 20 avril 2026" in message.body
    team_url = f"https://parcours.example/teams/{assignment.team_id}/"
    assert team_url in message.body
    html = message.alternatives[0].content
    assert team_url in html and "Prompting 101" in html


@pytest.mark.django_db
def test_weekly_digest_lists_open_assignments_due_within_two_weeks(dispatch):
    learner = make_user("digestdue@example.test", language="en")
    soon = make_course("SOON", title="Prompting 101", hours="10")
    later = make_course("LATER", title="MLOps basics", hours="10")
    finished = make_course("DONE", title="Scrum refresher", hours="10")
    for course in (soon, later, finished):
        Plan.objects.create(
            user=learner, course=course, start_date=dt.date(2026, 3, 1), weekly_hours=Decimal(2)
        )
    Plan.objects.filter(course=finished).update(done_on=dt.date(2026, 4, 1))
    team = make_team(members=[learner])
    monday = dt.date(2026, 4, 13)  # the digest goes on the learner's Monday 09:00
    for course, due in (
        (soon, monday + dt.timedelta(days=10)),
        (later, monday + dt.timedelta(days=30)),
        (finished, monday + dt.timedelta(days=3)),
    ):
        Assignment.objects.create(team=team, assignee=learner, course=course, due_date=due)

    dispatch(at("2026-04-13", 10))

    digest = Reminder.objects.get(kind="weekly_digest", user=learner)
    assert [item["code"] for item in digest.context["due_soon"]] == ["SOON"]
    body = Notification.objects.get(reminder=digest).body
    assert "Due soon: Prompting 101" in body
    assert "MLOps basics" not in body.split("Due soon")[-1]
    assert "Scrum refresher" not in body.split("Due soon")[-1]
