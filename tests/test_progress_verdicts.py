"""One verdict (issue 13): the learner, the manager, the API and the reminders read the
same progress model (tracker/progress/verdicts.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.progress_helpers import log_daily, make_track_with_options
from tracker.progress import services as progress_services
from tracker.teams import services as team_services

TODAY = timezone.localdate()


@pytest.fixture
def late_learner(personas):
    """The learner of the issue: the manager gave the track a due date in 60 days; she
    studies about an hour a week and moved her own targets a year out."""
    track, p1, p2, a, _b, c = make_track_with_options()  # 10 h + 30 h chosen
    team_services.assignment_assign(
        actor=personas.manager,
        team=personas.team,
        assignees=[personas.learner],
        track=track,
        due_in_days=30,
    )
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
    team_page = personas.client_for("manager").get(
        reverse("teams:detail", args=[personas.team.pk])
    )
    (row,) = team_page.context["table"].rows
    assert track_row.verdict.status == row.status == "behind"
    assert track_row.verdict.due_date == row.due_date == TODAY + datetime.timedelta(days=30)
    assert track_row.verdict.projected_finish == row.projected_finish
