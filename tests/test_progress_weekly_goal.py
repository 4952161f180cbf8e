"""The weekly goal (issue 20): the profile's weekly hours, a rolling balance carried from
the weeks before, and the weeks in a row that met it; pauses lower a week's goal. Read
from the weekly summaries the dashboard already has: no query of its own."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import make_course
from tracker.progress import selectors, services
from tracker.progress.models import Plan
from tracker.progress.verdicts import NO_PAUSES, Pauses

TODAY = datetime.date(2026, 3, 4)  # a Wednesday
MONDAY = datetime.date(2026, 3, 2)
WEEK = datetime.timedelta(weeks=1)


def weeks(*hours_back: float) -> list[tuple[datetime.date, int]]:
    """Hours of the weeks before this one, oldest first: weeks(4, 6) = 4 h two weeks ago,
    6 h last week."""
    n = len(hours_back)
    return [(MONDAY - (n - i) * WEEK, int(h * 60)) for i, h in enumerate(hours_back)]


def goal(weekly, *, this_week: float = 0, pauses=NO_PAUSES, hours_a_week=5.0):
    return selectors.weekly_goal_figures(
        weekly=weekly + ([(MONDAY, int(this_week * 60))] if this_week else []),
        today=TODAY,
        hours_a_week=hours_a_week,
        pauses=pauses,
    )


def test_three_of_five_this_week_and_two_carried_over():
    g = goal(weeks(5, 7), this_week=3)
    assert (g.goal, g.hours, g.carried) == (5, 3, 2)
    assert g.to_go == 0  # the 2 h ahead cover what is left of this week's 5
    assert g.weeks_met == 2


def test_a_short_week_is_to_make_up_and_breaks_the_run():
    g = goal(weeks(5, 5, 3), this_week=1)
    assert g.carried == -2 and g.to_make_up == 2
    assert g.weeks_met == 0
    assert g.to_go == 6


def test_the_balance_is_bounded_to_one_weeks_goal_either_way():
    assert goal(weeks(20, 0 + 5)).carried == 5  # 15 h ahead after the first, capped at 5
    assert goal(weeks(5, 0, 0, 0)).carried == -5  # never more than a week to make up


def test_nothing_is_owed_before_the_first_week_logged():
    # Logging started last week: the weeks before it are not a debt.
    assert goal(weeks(5)).carried == 0
    assert goal([]).carried == 0 and goal([]).weeks_met == 0


def test_a_paused_week_neither_breaks_the_run_nor_is_owed():
    paused_week = MONDAY - 2 * WEEK
    pauses = Pauses(((paused_week, paused_week + datetime.timedelta(days=6)),))
    g = goal(weeks(5, 0, 5), pauses=pauses)
    assert g.weeks_met == 2 and g.carried == 0
    unpaused = goal(weeks(5, 0, 5))
    assert unpaused.weeks_met == 1 and unpaused.carried == -5  # the empty week is owed


def test_a_pause_this_week_lowers_its_goal_by_its_days():
    pauses = Pauses(((MONDAY + datetime.timedelta(days=3), MONDAY + datetime.timedelta(days=6)),))
    g = goal(weeks(5), this_week=3, pauses=pauses)
    assert g.goal == pytest.approx(5 * 3 / 7, abs=0.01)
    assert g.weeks_met == 2  # 3 h meets this week's 2.1 h: counted at once


@pytest.mark.django_db
def test_the_dashboard_shows_the_balance_and_the_run(learner_client, personas):
    learner = personas.learner
    learner.language = "en"
    learner.weekly_hours_available = Decimal(5)
    learner.save()
    course = make_course("GOAL-1", hours="100")
    today = learner.local_today()
    this_monday = today - datetime.timedelta(days=today.weekday())
    Plan.objects.create(user=learner, course=course, start_date=today - 5 * WEEK, weekly_hours=5)
    for back, minutes in ((2, 300), (1, 420)):
        services.time_entry_create(
            user=learner, course=course, date=this_monday - back * WEEK, minutes=minutes
        )
    page = learner_client.get(reverse("dashboard")).content.decode()
    assert "2 h carried over from earlier weeks" in page
    assert "2 weeks in a row at your goal" in page
