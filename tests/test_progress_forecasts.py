"""The progress model's rules (tracker/progress/verdicts.py) on plain numbers, and through
the database with a frozen clock. (Formerly the trailing-four-weeks rule of forecasts.py,
which one 9-hour day could swing: replaced by the weighted complete weeks, issue 13.)"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine

from tests.factories import make_course, make_user
from tests.progress_helpers import figures_from_days, log_daily
from tracker.progress import services, verdicts
from tracker.progress.summaries import EMPTY

TODAY = datetime.date(2026, 3, 4)  # a Wednesday
MONDAY = datetime.date(2026, 3, 2)


def week(n: int) -> datetime.date:
    """The Monday `n` weeks before this week's."""
    return MONDAY - datetime.timedelta(weeks=n)


def plan(**kwargs):
    base = {
        "effort": 40,
        "weekly_hours": Decimal(5),
        "start_date": TODAY - datetime.timedelta(days=70),
        "target_date": None,
        "done_on": None,
    }
    base |= kwargs
    course = SimpleNamespace(effort_hours=Decimal(base.pop("effort")))
    return SimpleNamespace(course=course, course_id=1, **base)


def figures(weekly: dict[datetime.date, int]):
    """Minutes per week, as if each week's were logged on its Monday."""
    return figures_from_days(weekly)


def verdict(p=None, f=EMPTY, due=None, **kwargs):
    return verdicts.course_verdict(plan=p or plan(), figures=f, today=TODAY, due_date=due, **kwargs)


def test_the_pace_is_the_weighted_complete_weeks():
    # Eight complete weeks of 2 h then nothing this week: the pace is 2 h a week.
    f = figures({week(n): 120 for n in range(1, 9)})
    result = verdict(f=f)
    assert result.pace == 2
    assert result.projected_finish == TODAY + datetime.timedelta(days=(40 - 16) / 2 * 7)


def test_the_current_week_shortens_the_work_but_does_not_move_the_pace():
    f = figures({week(n): 120 for n in range(1, 9)} | {MONDAY: 9 * 60})
    result = verdict(f=f)
    assert result.pace == 2
    assert result.remaining_hours == 40 - 16 - 9


def test_recent_weeks_weigh_more():
    # 4 h last week, nothing the seven weeks before: weight 8 of 36.
    f = figures({week(8): 60, **{week(n): 0 for n in range(2, 8)}, week(1): 240})
    assert verdict(f=f).pace == pytest.approx((8 * 4 + 1 * 1) / 36, abs=0.01)


def test_a_short_history_is_blended_with_the_planned_pace():
    # One complete week of 10 h, planned 5 h: half... no, one eighth of the history.
    f = figures({week(1): 600})
    assert verdict(f=f).pace == pytest.approx(10 / 8 + 5 * 7 / 8, abs=0.01)
    # Nothing logged at all: the planned pace.
    assert verdict().pace == 5


def test_a_later_start_date_pushes_the_projection_of_a_course_not_started():
    start = TODAY + datetime.timedelta(days=10)
    result = verdict(plan(start_date=start))
    assert result.projected_finish == start + datetime.timedelta(days=56)


def test_a_course_not_started_in_a_track_begins_after_the_one_before():
    after = TODAY + datetime.timedelta(days=30)
    result = verdict(after=after)
    assert result.projected_finish == after + datetime.timedelta(days=56)
    assert verdict(after_unknown=True).projected_finish is None


def test_statuses():
    started = figures({week(n): 300 for n in range(1, 9)})  # 5 h a week, 40 h logged of 80
    soon, late = TODAY + datetime.timedelta(weeks=4), TODAY + datetime.timedelta(weeks=10)
    p = plan(effort=80, target_date=late)
    assert verdict(p, started).status == verdicts.ON_TRACK
    assert verdict(plan(effort=80, target_date=soon), started).status == verdicts.BEHIND
    assert verdict(plan(effort=80), started, due=soon).status == verdicts.BEHIND
    past = TODAY - datetime.timedelta(days=1)
    assert verdict(plan(target_date=past), started).status == verdicts.OVERDUE
    assert verdict(plan(target_date=late)).status == verdicts.NOT_STARTED
    assert verdict(plan(target_date=soon)).status == verdicts.AT_RISK  # 40 h at 5 h: 8 weeks
    assert verdict(plan(done_on=TODAY, target_date=past)).status == verdicts.DONE
    assert verdict(plan(), started).status == verdicts.ON_TRACK  # no date at all


def test_the_due_date_judges_and_the_learner_reads_their_own_target_too():
    started = figures({week(n): 300 for n in range(1, 9)})
    own = TODAY + datetime.timedelta(weeks=2)
    due = TODAY + datetime.timedelta(weeks=20)
    result = verdict(plan(effort=80, target_date=own), started, due=due)
    assert result.status == verdicts.ON_TRACK and result.judged_date == due
    assert result.target_status == verdicts.BEHIND
    assert result.days_late_for_target == (result.projected_finish - own).days > 0


def test_weekly_hours_needed_to_make_the_date():
    target = TODAY + datetime.timedelta(days=13)  # two weeks, target day included
    assert verdict(plan(target_date=target)).weekly_hours_needed == 20.0
    assert verdict(plan()).weekly_hours_needed is None
    assert verdict(plan(target_date=TODAY - datetime.timedelta(days=1))).weekly_hours_needed is None
    assert verdict(plan(target_date=target, done_on=TODAY)).weekly_hours_needed is None


def test_hours_behind_the_straight_line_to_the_date():
    start = TODAY - datetime.timedelta(days=9)  # 10 days of 20, today included
    p = plan(start_date=start, target_date=start + datetime.timedelta(days=19))
    assert verdict(p).hours_behind == 20.0
    assert verdict(p, figures({week(1): 15 * 60})).hours_behind == 5.0
    assert verdict(p, figures({week(1): 25 * 60})).hours_behind == 0
    assert verdict(plan(start_date=start)).hours_behind == 0  # no date


def test_a_done_course_counts_100_percent_and_keeps_its_real_hours():
    result = verdict(plan(done_on=TODAY), figures({week(1): 600}))
    assert (result.percent, result.logged_hours) == (100.0, 10)


def test_more_than_the_estimate_is_shown_above_100_percent():
    result = verdict(plan(), figures({week(1): 60 * 60}))
    assert result.percent == 150.0
    assert result.remaining_hours == 0
    assert result.projected_finish == TODAY


def test_no_pace_at_all_gives_no_projection():
    f = figures({week(n): 0 for n in range(1, 9)} | {week(9): 60})
    p = plan(weekly_hours=Decimal("0"))
    assert verdict(p, f).projected_finish is None


@pytest.mark.django_db
def test_course_and_track_verdicts_move_with_the_clock():
    user = make_user(timezone="Europe/Paris")
    course = make_course(hours="20")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC), tick=False):
        p = services.plan_add(user=user, course=course)
        log_daily(user, course, days=14, minutes=60, end=MONDAY)  # 14 h over two weeks
        (row,) = verdicts.learner_progress(user=user).rows
        assert row.verdict.logged_hours == 14
        # Two complete weeks at 7 h a week (6 h in the first, which began on Tuesday and so
        # counts for 6/7 of a week), blended with the planned 5 h for the history missing.
        history = 1 + 6 / 7
        observed = (8 * 7 + 7 * 6) / (8 + 7 * 6 / 7)
        assert observed == 7
        assert row.verdict.pace == pytest.approx(
            history / 8 * observed + (1 - history / 8) * 5, abs=0.01
        )
    # Eight weeks later without logging anything: the pace has fallen to none.
    with time_machine.travel(datetime.datetime(2026, 5, 4, 12, tzinfo=datetime.UTC), tick=False):
        (row,) = verdicts.learner_progress(user=user).rows
        assert row.verdict.pace == 0
        assert row.verdict.projected_finish is None
        assert p.weekly_hours > 0


def test_the_rules_are_documented():
    for words in ("complete ISO weeks", "latest finish", "worst status", "hours behind"):
        assert words in verdicts.__doc__
