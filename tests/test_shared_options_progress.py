"""A course two tracks share (issue 18): choosing it in one track's phase is a choice
there only; the same plan and hours count in both tracks."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses.models import PhaseOption
from tests.factories import make_track
from tests.progress_helpers import make_track_with_options
from tracker.progress import services as progress_services
from tracker.progress.models import PhaseChoice, Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tracks():
    full, p1, _p2, a, b, _c = make_track_with_options("full")
    short = make_track("short", phases=1)
    s1 = short.phases.get()
    PhaseOption.objects.create(phase=s1, course=a, shared=True)
    return full, p1, short, s1, a, b


def test_choosing_a_shared_course_in_the_second_track_posts_its_phase(
    learner_client, personas, two_tracks
):
    _full, p1, short, s1, a, _b = two_tracks
    progress_services.phase_choose(user=personas.learner, phase=p1, course=a)
    compare = reverse("courses:compare", args=[short.code, s1.code])
    page = learner_client.get(compare).text
    # Chosen in the full track, not yet in the short one: the button, not "Chosen".
    assert f'name="phase" value="{s1.pk}"' in page
    response = learner_client.post(
        reverse("progress:phase_choose", args=[a.code]), {"phase": s1.pk, "next": compare}
    )
    assert response.status_code == 302
    assert set(
        PhaseChoice.objects.filter(user=personas.learner).values_list("phase_id", flat=True)
    ) == {
        p1.pk,
        s1.pk,
    }
    assert Plan.objects.filter(user=personas.learner, course=a).count() == 1  # one plan


def test_a_course_is_not_an_option_of_a_phase_that_does_not_offer_it(personas, two_tracks):
    _full, _p1, _short, s1, _a, b = two_tracks
    with pytest.raises(ValidationError):
        progress_services.phase_choose(user=personas.learner, phase=s1, course=b)


def test_posting_a_phase_that_does_not_offer_the_course_is_a_404(learner_client, two_tracks):
    _full, _p1, _short, s1, _a, b = two_tracks
    response = learner_client.post(
        reverse("progress:phase_choose", args=[b.code]), {"phase": s1.pk}
    )
    assert response.status_code == 404
