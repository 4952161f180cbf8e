"""The team's trends: hours per week from the weekly summaries, statuses per week from the
snapshot beat writes (idempotent per week, bounded queries)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.factories import make_course, make_team, make_user
from tracker.accounts.models import Membership
from tracker.celery import app as celery_app
from tracker.progress import charts
from tracker.progress import services as progress_services
from tracker.progress.models import week_start
from tracker.teams import services as team_services
from tracker.teams import trends
from tracker.teams.models import TeamWeekSnapshot

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def log(user, course, day, minutes):
    progress_services.time_entry_create(
        user=user, course=course, date=day, minutes=minutes, note=""
    )


def test_team_hours_per_week_come_from_the_weekly_summaries(personas):
    course = make_course("TR1")
    second = make_user("second@example.test", name="Sam Second")
    Membership.objects.create(team=personas.team, user=second)
    last_week = TODAY - datetime.timedelta(weeks=1)
    log(personas.learner, course, TODAY, 90)
    log(second, course, TODAY, 30)
    log(second, course, last_week, 60)
    log(personas.other_learner, course, TODAY, 600)  # another team's
    result = trends.team_trends(personas.team, today=TODAY)
    hours = {row["week"]: row["hours"] for row in result.hours.rows}
    assert len(result.hours.rows) == 12
    assert hours[week_start(TODAY).isoformat()] == "2"
    assert hours[week_start(last_week).isoformat()] == "1"
    assert hours[(week_start(TODAY) - datetime.timedelta(weeks=5)).isoformat()] == "0"


def test_the_snapshot_counts_statuses_and_is_idempotent_per_week(personas):
    course = make_course("TR2", hours="10")
    team_services.assignment_assign(
        actor=personas.manager,
        team=personas.team,
        assignees=[personas.learner],
        course=course,
        due_date=TODAY + datetime.timedelta(days=60),
    )
    idle = make_user("idle@example.test", name="Ida Idle")
    Membership.objects.create(team=personas.team, user=idle)
    assert trends.snapshot_current_week() == 2  # Team A and Team B
    assert trends.snapshot_current_week() == 2  # again the same week: the same rows
    assert TeamWeekSnapshot.objects.count() == 2
    snapshot = TeamWeekSnapshot.objects.get(team=personas.team)
    assert snapshot.week_start == week_start(TODAY)
    assert snapshot.members == 2
    assert snapshot.status_counts.get(trends.NO_STATUS) == 1
    assert sum(snapshot.status_counts.values()) == 2
    # A new member: the week's row is rewritten, not doubled.
    Membership.objects.create(team=personas.team, user=make_user("late@example.test"))
    trends.snapshot_current_week()
    assert TeamWeekSnapshot.objects.filter(team=personas.team).count() == 1
    assert TeamWeekSnapshot.objects.get(team=personas.team).members == 3
    # Next week: a new row, the previous one kept.
    trends.snapshot_current_week(now=timezone.now() + datetime.timedelta(weeks=1))
    assert TeamWeekSnapshot.objects.filter(team=personas.team).count() == 2


def test_the_snapshot_costs_the_same_queries_for_5_and_50_learners(personas):
    counts = []
    for size in (5, 50):
        team = make_team(f"Big {size}", managers=[personas.manager])
        users = [make_user(f"s{size}-{n}@example.test") for n in range(size)]
        Membership.objects.bulk_create(Membership(team=team, user=u) for u in users)
        course = make_course(f"SNAP{size}", hours="10")
        team_services.assignment_assign(
            actor=personas.manager,
            team=team,
            assignees=users,
            course=course,
            due_date=TODAY + datetime.timedelta(days=30),
        )
        with CaptureQueriesContext(connection) as queries:
            trends.snapshot_current_week()
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 14


def test_beat_runs_the_snapshot_task(personas):
    entry = celery_app.conf.beat_schedule["teams-snapshot-week"]
    assert entry["task"] == "teams.snapshot_week"
    from tracker.teams.tasks import snapshot_week

    assert snapshot_week.name == "teams.snapshot_week"
    assert snapshot_week() == 2
    assert TeamWeekSnapshot.objects.count() == 2


def test_team_trends_cost_three_queries_whatever_the_team(personas, django_assert_num_queries):
    for n in range(20):
        Membership.objects.create(team=personas.team, user=make_user(f"m{n}@example.test"))
    trends.snapshot_current_week()
    with django_assert_num_queries(2):  # the hours (members as a subquery), the snapshots
        result = trends.team_trends(personas.team, today=TODAY)
    assert result.status_rows[-1]["members"] == 21
    assert result.status_rows[0]["members"] is None  # no snapshot that week


def test_the_team_page_shows_the_trends_charts_with_their_tables(personas):
    personas.manager.language = "en"
    personas.manager.save(update_fields=["language"])
    course = make_course("TR3", hours="10")
    log(personas.learner, course, TODAY, 120)
    trends.snapshot_current_week()
    html = (
        personas.client_for("manager")
        .get(reverse("teams:detail", args=[personas.team.pk]))
        .content.decode()
    )
    section = html.split('id="trends-title"')[1]
    assert "Team hours per week" in section and "Team standing per week" in section
    assert 'class="segment segment-' in section
    assert "Team standing per week as a table" in section
    assert "style=" not in section
    # Both charts have a date axis: this week's date under its bar, in each chart, and
    # a title above them (not only the SVG's <title>, which screens do not show).
    this_week = escape(charts._label_in(week_start(TODAY), "en"))
    hours_chart, status_chart = section.split('id="team-status-title"')
    for chart in (hours_chart, status_chart):
        assert 'class="axis-label date-label"' in chart and f">{this_week}</text>" in chart
    assert '<span class="chart-title">Team hours per week</span>' in hours_chart
    assert '<span class="chart-title">Team standing per week</span>' in section


def test_the_team_pages_hours_are_cached_and_follow_each_entry_and_member(personas):
    """The page caches the hours per week under its members' progress versions: a new
    entry (its learner's version moves) or a new member shows on the next page."""
    course = make_course("TR4")
    client = personas.client_for("manager")
    url = reverse("teams:detail", args=[personas.team.pk])
    this_week = week_start(TODAY).isoformat()

    def hours_this_week() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            rows = client.get(url).context["trends"].hours.rows
        weekly = "SELECT week_start, SUM(minutes) FROM progress_studyweek"
        summed = [q for q in queries if q["sql"].startswith(weekly)]
        return next(row["hours"] for row in rows if row["week"] == this_week), len(summed)

    log(personas.learner, course, TODAY, 60)
    assert hours_this_week() == ("1", 1)
    assert hours_this_week() == ("1", 0)  # cached
    log(personas.learner, course, TODAY, 60)
    assert hours_this_week() == ("2", 1)
    newcomer = make_user("newcomer@example.test")
    log(newcomer, course, TODAY, 60)
    assert hours_this_week() == ("2", 0)  # not a member: nothing moved
    Membership.objects.create(team=personas.team, user=newcomer)
    assert hours_this_week() == ("3", 1)
