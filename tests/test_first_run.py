"""The first-run guide (issue 18): a learner with no track picks one, sets a weekly pace
and chooses each phase's option in three steps; the dashboard points new learners to it;
short help explains "projected finish", "my target" and the ranking score."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.progress_helpers import make_track_with_options
from tracker.progress import services as progress_services
from tracker.progress.models import Enrolment, PhaseChoice, Plan
from tracker.progress.selectors import weekly_pace

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(client):
    user = make_user("new@example.test", name="Nora New")
    client.force_login(user)
    return user


@pytest.fixture
def track():
    return make_track_with_options()


def test_the_three_steps_enrol_set_the_pace_and_choose_the_options(client, newcomer, track):
    tr, p1, _p2, _a, b, c = track
    page = client.get(reverse("start"))
    assert page.status_code == 200
    assert "tracks-compare" in page.text  # the tracks side by side, to pick one
    response = client.post(reverse("start"), {"track": tr.code})
    assert response.url == reverse("start_pace", args=[tr.code])
    assert Enrolment.objects.filter(user=newcomer, track=tr).exists()

    response = client.post(reverse("start_pace", args=[tr.code]), {"weekly_hours": "7,5"})
    assert response.url == reverse("start_options", args=[tr.code])
    newcomer.refresh_from_db()
    assert newcomer.weekly_hours_available == Decimal("7.5")

    page = client.get(reverse("start_options", args=[tr.code])).text
    assert b.title in page and c.title in page
    response = client.post(reverse("start_options", args=[tr.code]), {"P1": b.code, "P2": ""})
    assert response.url == reverse("dashboard")
    assert dict(PhaseChoice.objects.filter(user=newcomer).values_list("phase_id", "course_id")) == {
        p1.pk: b.pk
    }
    assert Plan.objects.filter(user=newcomer, course=b).exists()


def test_bad_input_re_renders_with_the_message_at_the_field(client, newcomer, track):
    tr, *_ = track
    response = client.post(reverse("start"), {"track": "no-such-track"})
    assert response.status_code == 200 and list(response.context["form"].errors) == ["track"]
    response = client.post(reverse("start_pace", args=[tr.code]), {"weekly_hours": "200"})
    assert response.status_code == 200 and list(response.context["form"].errors) == ["weekly_hours"]
    response = client.post(reverse("start_options", args=[tr.code]), {"P1": "ai-po-P2-A"})
    assert response.status_code == 200 and list(response.context["form"].errors) == ["P1"]
    assert not PhaseChoice.objects.exists()


def test_the_options_step_shows_the_current_choices(client, newcomer, track):
    tr, p1, _p2, _a, b, _c = track
    progress_services.phase_choose(user=newcomer, phase=p1, course=b)
    form = client.get(reverse("start_options", args=[tr.code])).context["form"]
    assert form["P1"].initial == b.code


def test_the_dashboard_points_a_learner_with_no_track_to_the_guide(client, newcomer, track):
    tr, *_ = track
    link = f'href="{reverse("start")}"'
    assert link in client.get(reverse("dashboard")).text
    progress_services.track_join(user=newcomer, track=tr)
    assert link not in client.get(reverse("dashboard")).text


def test_the_pace_is_the_profiles_weekly_hours():
    user = make_user("pace@example.test")
    user.weekly_hours_available = Decimal("12")
    assert weekly_pace(user=user) == Decimal("12")


def test_the_plan_explains_projected_finish_and_target(client, newcomer, track):
    _tr, p1, _p2, a, _b, _c = track
    progress_services.phase_choose(user=newcomer, phase=p1, course=a)
    page = client.get(reverse("dashboard")).text
    assert '<details class="term-help">' in page
    assert "votre rythme récent" in page  # the learner's language: French
