"""The dashboard's "Where I stand" summary: figures read from the progress model."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import make_course
from tests.progress_helpers import log_daily
from tracker.progress import selectors, services, verdicts
from tracker.progress.models import Plan, TimeEntry
from tracker.teams.models import Assignment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english_learner(personas):
    user = personas.learner
    user.language = "en"
    user.weekly_hours_available = Decimal("6")
    user.save(update_fields=["language", "weekly_hours_available"])
    return user


def behind_on_an_assignment(user, team):
    """A 20 h course begun 14 days ago, assigned due in 13 days; 2 h logged today."""
    today = user.local_today()
    course = make_course("SOLO", hours="20")
    services.plan_add(user=user, course=course)
    Plan.objects.filter(user=user, course=course).update(
        start_date=today - datetime.timedelta(days=14), target_date=None
    )
    due = today + datetime.timedelta(days=13)
    Assignment.objects.create(team=team, assignee=user, course=course, due_date=due)
    services.time_entry_create(user=user, course=course, date=today, minutes=120)
    return course, due


def test_summary_reads_the_due_date_and_the_models_figures(
    learner_client, personas, english_learner
):
    course, due = behind_on_an_assignment(english_learner, personas.team)

    response = learner_client.get(reverse("dashboard"))

    standing = response.context["standing"]
    assert standing.week_hours == 2.0
    assert standing.weekly_goal == 6.0
    assert standing.week_percent == pytest.approx(33.3)
    assert standing.percent == 10.0  # 2 h of 20 h
    assert standing.next_date == due and standing.days_left == 13
    assert standing.next_name == "Course SOLO"
    # Day 15 of 28 on the straight line to 20 h: 10.7 h expected, 2 h logged.
    assert standing.next_verdict.hours_behind == 8.7
    # 18 h left over the two weeks to the due date, that day included.
    assert standing.next_verdict.weekly_hours_needed == 9.0
    assert standing.continue_course == course
    text = response.text
    summary = text[text.index('id="standing"') : text.index('id="quicklog"')]
    assert "2 h of 6 h" in summary and "33% of your weekly goal" in summary
    assert "13 days left" in summary
    assert f"8.7 h behind; 9 h a week until {due.day} {due:%B %Y}" in summary
    assert f'href="{reverse("courses:course", args=["SOLO"])}"' in summary
    assert "Continue Course SOLO" in summary and 'href="#quicklog"' in summary
    assert 'style="' not in text


def test_summary_of_a_seeded_learner_is_the_assignments_verdict(client, seeded_learner):
    today = seeded_learner.local_today()
    progress = verdicts.learner_progress(user=seeded_learner, today=today)
    assigned = progress.assignments[0]
    client.force_login(seeded_learner)

    standing = client.get(reverse("dashboard")).context["standing"]

    assert standing.next_date == assigned.due_date
    assert standing.next_verdict == assigned.verdict
    assert standing.days_left == (assigned.due_date - today).days
    assert standing.percent == progress.overall.percent
    assert standing.week_hours == round(progress.week_minutes / 60, 2)
    assert standing.weekly_goal == float(seeded_learner.weekly_hours_available)


def test_summary_continues_the_course_last_studied(personas, english_learner):
    user, today = english_learner, english_learner.local_today()
    first, second = make_course("FIRST", hours="10"), make_course("SECOND", hours="10")
    services.plan_add(user=user, course=first)
    services.plan_add(user=user, course=second)
    overview = selectors.progress_overview(user=user, today=today)
    # Nothing logged: the first course of the plan is the one to start.
    assert selectors.standing(overview=overview, weekly_goal=5).continue_course == first
    log_daily(user, second, days=1, end=today)
    log_daily(user, first, days=1, end=today - datetime.timedelta(days=3))
    overview = selectors.progress_overview(user=user, today=today)
    assert selectors.standing(overview=overview, weekly_goal=5).continue_course == second


def test_summary_counts_only_this_weeks_hours(personas, english_learner):
    user, today = english_learner, english_learner.local_today()
    course = make_course("SOLO", hours="50")
    services.plan_add(user=user, course=course)
    monday = today - datetime.timedelta(days=today.weekday())
    log_daily(user, course, days=3, minutes=60, end=monday - datetime.timedelta(days=1))
    log_daily(user, course, days=1, minutes=90, end=monday)
    overview = selectors.progress_overview(user=user, today=today)
    standing = selectors.standing(overview=overview, weekly_goal=Decimal("5"))
    assert standing.week_hours == 1.5
    assert standing.week_percent == 30.0


def test_summary_without_a_date_says_nothing_judges_the_plan(learner_client, english_learner):
    course = make_course("SOLO", hours="20")
    services.plan_add(user=english_learner, course=course)
    Plan.objects.filter(user=english_learner).update(target_date=None)
    response = learner_client.get(reverse("dashboard"))
    standing = response.context["standing"]
    assert standing.next_date is None and standing.days_left is None
    assert "Nothing is late: no date judges your plan." in response.text


def test_summary_empty_state_for_a_learner_with_no_plan(learner_client, english_learner):
    response = learner_client.get(reverse("dashboard"))
    standing = response.context["standing"]
    assert standing.percent is None and standing.next_verdict is None
    assert standing.continue_course is None
    summary = response.text[response.text.index('id="standing"') :]
    assert "Nothing planned yet" in summary
    assert 'class="standing-cards"' not in response.text


def test_quick_log_swaps_the_summary_out_of_band(learner_client, english_learner):
    course = make_course("SOLO", hours="20")
    services.plan_add(user=english_learner, course=course)
    response = learner_client.post(
        reverse("progress:entry_create_dashboard"),
        {
            "course": "SOLO",
            "date": english_learner.local_today(),
            "duration": "1h30",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert TimeEntry.objects.filter(user=english_learner).count() == 1
    assert 'id="standing" class="standing" aria-labelledby="standing-title" hx-swap-oob="true"' in (
        response.text
    )
    assert "1.5 h of 6 h" in response.text


def test_summary_in_french_with_french_typography(learner_client, personas):
    personas.learner.language = "fr"
    personas.learner.save(update_fields=["language"])
    behind_on_an_assignment(personas.learner, personas.team)
    text = learner_client.get(reverse("dashboard")).text
    assert "Où j\u2019en suis" in text
    assert "8,7 h de retard\u00a0; 9 h par semaine jusqu\u2019au " in text
    assert "13 jours restants" in text and "Saisir du temps" in text
