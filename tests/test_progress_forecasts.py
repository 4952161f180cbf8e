"""The forecast rule (tracker/progress/forecasts.py) on plain numbers, and through the
database with a frozen clock."""

import datetime

import pytest
import time_machine

from tests.factories import make_course, make_user
from tests.progress_helpers import log_daily
from tracker.progress import forecasts, selectors, services

TODAY = datetime.date(2026, 3, 2)  # a Monday


def f(**kwargs):
    base = {
        "today": TODAY,
        "effort_hours": 40,
        "logged_hours": 10,
        "recent_hours": 8,
        "planned_weekly_hours": 5,
    }
    return forecasts.forecast(**(base | kwargs))


def test_projection_uses_the_trailing_four_weeks_pace():
    result = f(recent_hours=8)  # 2 h a week, 30 h left: 15 weeks
    assert result.pace == 2
    assert result.pace_is_recent
    assert result.projected_finish == TODAY + datetime.timedelta(days=105)


def test_projection_falls_back_to_the_planned_pace_without_recent_hours():
    result = f(recent_hours=0)  # 5 h a week, 30 h left: 6 weeks
    assert not result.pace_is_recent
    assert result.projected_finish == TODAY + datetime.timedelta(days=42)


def test_a_later_start_date_pushes_the_projection():
    start = TODAY + datetime.timedelta(days=10)
    result = f(logged_hours=0, recent_hours=0, start_date=start)
    assert result.projected_finish == start + datetime.timedelta(days=56)


def test_statuses():
    target = TODAY + datetime.timedelta(weeks=10)
    assert f(target_date=target, recent_hours=20).status == forecasts.ON_TRACK
    assert f(target_date=target, recent_hours=4).status == forecasts.BEHIND
    assert f(target_date=TODAY - datetime.timedelta(days=1)).status == forecasts.OVERDUE
    assert f(logged_hours=0, recent_hours=0).status == forecasts.NOT_STARTED
    assert f(done_on=TODAY).status == forecasts.DONE
    assert f(done_on=TODAY, target_date=TODAY - datetime.timedelta(days=9)).status == "done"
    assert f(target_date=None).status == forecasts.ON_TRACK


def test_weekly_hours_needed_to_make_the_target():
    target = TODAY + datetime.timedelta(days=13)  # two weeks, target day included
    assert f(target_date=target).weekly_hours_needed == 15.0
    assert f(target_date=None).weekly_hours_needed is None
    assert f(target_date=TODAY - datetime.timedelta(days=1)).weekly_hours_needed is None
    assert f(target_date=target, done_on=TODAY).weekly_hours_needed is None


def test_more_than_the_estimate_is_shown_above_100_percent():
    result = f(logged_hours=60)
    assert result.percent == 150.0
    assert result.remaining_hours == 0
    assert result.projected_finish == TODAY


def test_no_pace_at_all_gives_no_projection():
    assert f(recent_hours=0, planned_weekly_hours=0).projected_finish is None


@pytest.mark.django_db
def test_course_and_track_forecasts_move_with_the_clock():
    user = make_user(timezone="Europe/Paris")
    course = make_course(hours="20")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC), tick=False):
        plan = services.plan_add(user=user, course=course)
        log_daily(user, course, days=14, minutes=60, end=TODAY)  # 14 h over two weeks
        rows = selectors.plan_rows(user=user, today=user.local_today())
        forecast = rows[0].forecast
        assert forecast.logged_hours == 14
        assert forecast.pace == 3.5  # 14 h over the trailing four weeks
        assert forecast.projected_finish == TODAY + datetime.timedelta(days=12)
    # Four weeks later without logging anything: back to the planned pace.
    with time_machine.travel(datetime.datetime(2026, 4, 20, 12, tzinfo=datetime.UTC), tick=False):
        rows = selectors.plan_rows(user=user, today=user.local_today())
        assert not rows[0].forecast.pace_is_recent
        assert rows[0].forecast.pace == float(plan.weekly_hours)


def test_the_rule_is_documented():
    assert "trailing four weeks" in forecasts.__doc__


def test_a_done_course_credits_its_whole_effort():
    """Done with 4.5 h logged of 10 h (a certificate): 100%, nothing remaining, and the
    hours logged stay the hours logged."""
    done = f(effort_hours=10, logged_hours=4.5, done_on=TODAY)
    assert (done.percent, done.remaining_hours, done.logged_hours) == (100.0, 0.0, 4.5)
    longer = f(effort_hours=10, logged_hours=12, done_on=TODAY)
    assert longer.percent == 120.0  # it took longer than estimated


def test_a_group_sums_its_courses_credited_hours():
    track = f(effort_hours=40, logged_hours=4.5, credited_hours=10)
    assert (track.percent, track.remaining_hours) == (25.0, 30.0)
    # Credited but nothing logged (a certificate only): started, not "not started".
    assert f(effort_hours=40, logged_hours=0, credited_hours=10).status != forecasts.NOT_STARTED
