"""One verdict (issue 13): the learner, the manager, the API and the reminders read the
same progress model (tracker/progress/verdicts.py)."""

import datetime
import itertools
import json
import math
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.factories import make_course, make_team, make_user
from tests.progress_helpers import figures_from_days, log_daily, make_track_with_options
from tracker.progress import services as progress_services
from tracker.progress import summaries, verdicts
from tracker.progress.models import TimeEntry
from tracker.progress.summaries import StudyFigures
from tracker.reminders import progress_kinds
from tracker.teams import services as team_services

TODAY = timezone.localdate()


def assign(personas, **target):
    return team_services.assignment_assign(
        actor=personas.manager, team=personas.team, assignees=[personas.learner], **target
    )


@pytest.fixture
def late_learner(personas):
    """The learner of the issue: the manager gave the track a due date in 30 days; she
    studies about an hour a week and moved her own targets a year out."""
    track, p1, p2, a, _b, c = make_track_with_options()  # 10 h + 30 h chosen
    assign(personas, track=track, due_in_days=30)
    progress_services.phase_choose(user=personas.learner, phase=p1, course=a)
    progress_services.phase_choose(user=personas.learner, phase=p2, course=c)
    log_daily(personas.learner, a, days=56, minutes=9, end=TODAY - datetime.timedelta(days=1))
    for plan in personas.learner.plans.all():
        progress_services.plan_update(
            plan=plan,
            start_date=plan.start_date,
            weekly_hours=plan.weekly_hours,
            target_date=TODAY + datetime.timedelta(days=400),
        )
    return track


def test_the_dashboard_and_the_team_table_give_the_same_verdict(personas, late_learner):
    learner_page = personas.client_for("learner").get(reverse("dashboard"))
    (track_row,) = learner_page.context["overview"].tracks
    team_page = personas.client_for("manager").get(reverse("teams:detail", args=[personas.team.pk]))
    (row,) = team_page.context["table"].rows
    assert track_row.verdict.status == row.status == "behind"
    assert track_row.verdict.due_date == row.due_date == TODAY + datetime.timedelta(days=30)
    assert track_row.verdict.projected_finish == row.projected_finish


def test_the_learner_reads_both_dates_and_the_manager_the_due_date_verdict(personas, late_learner):
    personas.learner.language = personas.manager.language = "en"
    personas.learner.save()
    personas.manager.save()
    learner_page = personas.client_for("learner").get(reverse("dashboard")).content.decode()
    with translation.override("en"):
        due = date_format(TODAY + datetime.timedelta(days=30), "SHORT_DATE_FORMAT")
        own = date_format(TODAY + datetime.timedelta(days=400), "SHORT_DATE_FORMAT")
    assert f"due {due}" in learner_page and f"your own target {own}" in learner_page
    member_page = personas.client_for("manager").get(
        reverse("teams:member", args=[personas.team.pk, personas.learner.pk])
    )
    (work,) = member_page.context["overview"].assignments
    assert work.verdict.status == "behind" and work.verdict.due_date == TODAY + datetime.timedelta(
        days=30
    )
    assert f"your own target {own}" not in member_page.content.decode()


# --- Properties of the pace rule ------------------------------------------------------------

WEDNESDAY = datetime.date(2026, 3, 4)


def _plan(*, effort: float, weekly_hours: Decimal, start: datetime.date, target=None):
    course = SimpleNamespace(effort_hours=Decimal(str(effort)))
    return SimpleNamespace(
        course=course,
        course_id=1,
        weekly_hours=weekly_hours,
        start_date=start,
        target_date=target,
        done_on=None,
    )


@settings(max_examples=300, deadline=None)
@given(
    weekly_minutes=st.lists(st.integers(30, 20 * 60), min_size=8, max_size=8),
    planned_tenths=st.integers(5, 400),
    remaining=st.floats(45, 500),
    extra_minutes=st.integers(1, 9 * 60),
    weekday=st.integers(0, 6),
)
def test_one_more_day_moves_the_finish_by_at_most_a_fifth_of_the_time_remaining(
    weekly_minutes, planned_tenths, remaining, extra_minutes, weekday
):
    """A learner with eight weeks of history logs up to 9 h today: with at least 45 h left,
    the projected finish moves by at most a fifth of the time remaining (a day of
    rounding aside). The bound is exact for the rule: today's hours change only the
    remaining work (9 h of at least 45 h), never the pace."""
    today = verdicts.monday(WEDNESDAY) + datetime.timedelta(days=weekday)
    this_week = verdicts.monday(today)
    days = {
        this_week - datetime.timedelta(weeks=n + 1): minutes
        for n, minutes in enumerate(weekly_minutes)
    }
    logged = sum(weekly_minutes) / 60
    plan = _plan(
        effort=logged + remaining,
        weekly_hours=Decimal(planned_tenths) / 10,
        start=this_week - datetime.timedelta(weeks=8),
    )

    def finish(entries):
        return verdicts.course_verdict(
            plan=plan, figures=figures_from_days(entries), today=today, due_date=None
        ).projected_finish

    before = finish(days)
    after = finish(days | {today: extra_minutes})
    time_remaining = (before - today).days
    assert after <= before
    assert (before - after).days <= time_remaining / 5 + 1


@settings(max_examples=300, deadline=None)
@given(
    sevenths=st.integers(1, 40),  # a planned pace of 0.7 h a week: 6 minutes a day
    effort=st.integers(1, 300),
    days_studied=st.integers(1, 200),
    slack=st.integers(0, 30),
    start_weekday=st.integers(0, 6),
)
def test_logging_exactly_the_planned_pace_that_meets_the_date_reads_on_track(
    sevenths, effort, days_studied, slack, start_weekday
):
    """The plan's pace meets the due date; the learner logs exactly that pace every day
    since the plan's start: on track, not an hour behind."""
    pace = Decimal(sevenths * 7) / 10
    start = verdicts.monday(WEDNESDAY) + datetime.timedelta(days=start_weekday)
    due = start + datetime.timedelta(days=math.ceil(effort / float(pace) * 7) - 1 + slack)
    today = start + datetime.timedelta(days=days_studied - 1)
    assume(today <= due)
    days = {start + datetime.timedelta(days=n): 6 * sevenths for n in range(days_studied)}
    result = verdicts.course_verdict(
        plan=_plan(effort=effort, weekly_hours=pace, start=start),
        figures=figures_from_days(days),
        today=today,
        due_date=due,
    )
    assert result.status == verdicts.ON_TRACK
    assert result.projected_finish <= due
    assert result.hours_behind == 0


# --- Every reader gives the same verdict ------------------------------------------------

_examples = itertools.count(1)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    entries=st.lists(
        st.tuples(st.integers(0, 120), st.integers(10, 600), st.sampled_from(["a", "c"])),
        max_size=40,
    ),
    due_in=st.integers(0, 200),
    own_target_in=st.one_of(st.none(), st.integers(0, 400)),
    weekly_hours=st.integers(1, 30),
    a_done=st.booleans(),
)
def test_for_random_histories_every_reader_gives_the_same_verdict(
    personas, entries, due_in, own_target_in, weekly_hours, a_done
):
    n = next(_examples)
    learner = make_user(f"random{n}@example.test", timezone="Pacific/Auckland")
    team = make_team(f"Random {n}", managers=[personas.manager], members=[learner])
    track, p1, p2, a, _b, c = make_track_with_options(f"rand{n}")
    today = learner.local_today()
    team_services.assignment_assign(
        actor=personas.manager,
        team=team,
        assignees=[learner],
        track=track,
        due_in_days=due_in,
        today=today,
    )
    progress_services.phase_choose(user=learner, phase=p1, course=a)
    progress_services.phase_choose(user=learner, phase=p2, course=c)
    course = {"a": a, "c": c}
    TimeEntry.objects.bulk_create(
        TimeEntry(
            user=learner,
            course=course[key],
            date=today - datetime.timedelta(days=ago),
            minutes=minutes,
        )
        for ago, minutes, key in entries
    )
    for plan in learner.plans.all():
        progress_services.plan_update(
            plan=plan,
            start_date=today - datetime.timedelta(days=60),
            weekly_hours=Decimal(weekly_hours),
            target_date=None
            if own_target_in is None
            else today + datetime.timedelta(days=own_target_in),
        )
    if a_done:
        progress_services.plan_mark_done(plan=learner.plans.get(course=a), done=True)

    learner_client, manager_client = Client(), personas.client_for("manager")
    learner_client.force_login(learner)
    dashboard = learner_client.get(reverse("dashboard")).context["overview"]
    (track_row,) = dashboard.tracks
    (team_row,) = manager_client.get(reverse("teams:detail", args=[team.pk])).context["table"].rows
    (assigned,) = team_row.assignments
    me_tracks = learner_client.get("/api/me/tracks").json()
    (member,) = manager_client.get(f"/api/teams/{team.pk}/progress").json()["members"]
    reminders = progress_kinds.progress_of(users=[learner], now=timezone.now())[learner.pk]
    (reminder_track,) = reminders.progress.tracks

    learner_says = track_row.verdict
    assert assigned.verdict == learner_says == reminder_track.verdict
    assert team_row.status == reminders.status == learner_says.status
    as_json = json.loads(json.dumps(learner_says.as_dict(), cls=DjangoJSONEncoder))
    assert me_tracks == [{"track": track.code} | as_json]
    assert member["assignments"] == [{"track": track.code, "course": None} | as_json]
    assert member["status"] == learner_says.status


def test_the_api_gives_the_learner_and_the_manager_the_same_objects(personas, late_learner):
    rows = personas.client_for("learner").get("/api/me/progress").json()
    due = (TODAY + datetime.timedelta(days=30)).isoformat()
    own = (TODAY + datetime.timedelta(days=400)).isoformat()
    assert {row["course"] for row in rows} == {"ai-po-P1-A", "ai-po-P2-A"}
    for row in rows:
        assert (row["due_date"], row["target_date"]) == (due, own)
        assert isinstance(row["hours_behind"], float)
    tracks = personas.client_for("learner").get("/api/me/tracks").json()
    assert tracks == [
        {
            "track": "ai-po",
            "due_date": due,
            "target_date": own,
            "projected_finish": tracks[0]["projected_finish"],
            "status": "behind",
            "percent": 21.0,
            "weekly_hours_needed": tracks[0]["weekly_hours_needed"],
            "hours_behind": tracks[0]["hours_behind"],
        }
    ]
    assert tracks[0]["projected_finish"] > due
    team = personas.client_for("manager").get(f"/api/teams/{personas.team.pk}/progress").json()
    (member,) = team["members"]
    assert member["assignments"] == [{"course": None} | tracks[0]]
    assert (member["status"], member["due_date"]) == ("behind", due)


def test_an_assigned_course_without_a_plan_reads_not_started_then_overdue(personas):
    course = make_course("SOLO", hours="5")
    assign(personas, course=course, due_in_days=3)
    personas.learner.plans.all().delete()
    (work,) = verdicts.learner_progress(user=personas.learner).assignments
    assert (work.verdict.status, work.verdict.projected_finish) == ("not_started", None)
    later = verdicts.learner_progress(user=personas.learner, today=TODAY + datetime.timedelta(5))
    assert later.assignments[0].verdict.status == "overdue"


def test_study_figures_sum_each_iso_week_from_its_monday(personas):
    learner, course = personas.learner, make_course("WEEKS")
    sunday, monday = datetime.date(2026, 3, 1), datetime.date(2026, 3, 2)
    progress_services.time_entries_bulk_create(  # with their weekly summaries
        entries=[
            TimeEntry(user=learner, course=course, date=day, minutes=minutes)
            for day, minutes in [
                (sunday, 30),
                (sunday - datetime.timedelta(days=6), 20),  # the Monday before
                (monday, 45),
                (monday + datetime.timedelta(days=6), 15),  # that week's Sunday
            ]
        ]
    )
    figures = summaries.study_figures([learner.pk, personas.other_learner.pk])
    assert figures == {
        (learner.pk, course.pk): StudyFigures(
            minutes=110,
            weekly={datetime.date(2026, 2, 23): 50, monday: 60},
            last_activity=monday + datetime.timedelta(days=6),
            first_activity=sunday - datetime.timedelta(days=6),
        )
    }
