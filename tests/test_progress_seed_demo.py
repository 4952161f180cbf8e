"""seed_demo: the three logins, the team, plans and entries; idempotent."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command, get_commands

from tests.factories import make_competency
from tests.progress_helpers import make_track_with_options
from tracker.accounts.models import Team, User
from tracker.assessments.models import Assessment
from tracker.certificates.models import Certificate
from tracker.progress.models import PhaseChoice, Plan, TimeEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


def test_seed_demo_without_a_catalogue_still_makes_the_logins(capsys, var_dir):
    call_command("seed_demo", learners=2, days=5)
    out = capsys.readouterr().out
    for email in ("admin@parcours.test", "manager@parcours.test", "learner@parcours.test"):
        assert email in out
        assert authenticate(username=email, password="parcours-demo") is not None
    assert "learner@parcours.test" in (var_dir / "demo-logins.txt").read_text()
    assert not TimeEntry.objects.exists()
    assert User.objects.get(email="admin@parcours.test").is_superuser


def test_seed_demo_makes_a_team_with_plans_and_entries_and_is_idempotent(capsys):
    track, *_ = make_track_with_options("ai-product-owner")
    make_competency("mlops")
    call_command("seed_demo", learners=5, days=30, password="other-pass")
    assert Assessment.objects.filter(user__email="learner@parcours.test").exists()
    team = Team.objects.get(managers__email="manager@parcours.test")
    members = set(team.members.values_list("email", flat=True))
    assert "learner@parcours.test" in members and len(members) == 6
    assert PhaseChoice.objects.filter(phase__track=track).count() == 6 * 2
    assert Plan.objects.count() == 6 * 2
    entries = TimeEntry.objects.count()
    assert entries > 0
    assert TimeEntry.objects.filter(user__email="learner@parcours.test").exists()
    assert authenticate(username="learner@parcours.test", password="other-pass")
    assert "s." in capsys.readouterr().out  # the time taken

    call_command("seed_demo", learners=5, days=30, password="other-pass")
    assert TimeEntry.objects.count() == entries
    assert Plan.objects.count() == 6 * 2
    assert User.objects.filter(email__endswith="@parcours.test").count() == 8


def assert_certified_plans_are_done_by_certificate() -> None:
    certified = Certificate.objects.filter(course__isnull=False).select_related("course")
    assert certified.exists()
    for certificate in certified:
        plan = Plan.objects.get(user=certificate.user, course=certificate.course)
        assert plan.done_on == certificate.issued_on
        assert plan.done_source == Plan.DoneSource.CERTIFICATE


def test_seed_demo_gives_certificates_to_learners_who_finished_courses(capsys):
    make_track_with_options("ai-product-owner")
    call_command("seed_demo", learners=10, days=200)
    assert_certified_plans_are_done_by_certificate()
    # The demo learner has one to renew, so the dashboard shows the panel.
    demo = Certificate.objects.get(user__email="learner@parcours.test", course__isnull=True)
    assert demo.expiry(demo.user.local_today()) == Certificate.Expiry.EXPIRING
    count = Certificate.objects.count()
    call_command("seed_demo", learners=10, days=200)
    assert Certificate.objects.count() == count
    assert_certified_plans_are_done_by_certificate()


def test_seed_demo_is_the_project_s_command_seeding_every_floor():
    """The command lives on the top floor (`tracker`), which may import every app it seeds;
    progress (floor 3) no longer holds it."""
    assert get_commands()["seed_demo"] == "tracker"


@pytest.mark.parametrize("option", [{"learners": -1}, {"days": -1}])
def test_seed_demo_refuses_negative_numbers(option, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("seed_demo", **option)
    assert exit_.value.code == 2
    assert "zero or more" in capsys.readouterr().err
    assert not User.objects.exists()
