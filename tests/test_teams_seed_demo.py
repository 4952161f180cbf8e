"""seed_demo's assignment step: the demo track is assigned to the demo team, once."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.progress_helpers import make_track_with_options
from tracker.progress.models import Plan
from tracker.progress.verdicts import learner_progress
from tracker.teams.models import Assignment, AssignmentLog
from tracker.teams.services import DEMO_DUE_IN_DAYS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_seed_demo_assigns_the_track_to_the_demo_team_with_a_due_date():
    track, *_ = make_track_with_options("ai-product-owner")
    call_command("seed_demo", learners=3, days=10)
    due = timezone.localdate() + datetime.timedelta(days=DEMO_DUE_IN_DAYS)
    assignments = Assignment.objects.filter(track=track)
    assert assignments.count() == 4
    assert set(assignments.values_list("due_date", flat=True)) == {due}
    assert assignments.filter(assignee__email="learner@parcours.test").exists()
    # Every plan under way is judged on the due date, read from the assignment.
    open_plans = Plan.objects.filter(done_on__isnull=True, user__assignments__track=track)
    assert open_plans.exists()
    for plan in open_plans.select_related("user"):
        row = next(r for r in learner_progress(user=plan.user).rows if r.plan == plan)
        assert row.verdict.due_date == due
    logs = AssignmentLog.objects.count()
    call_command("seed_demo", learners=3, days=10)
    assert Assignment.objects.count() == 4 and AssignmentLog.objects.count() == logs
