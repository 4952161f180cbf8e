"""'What if' before choosing (issue 20): on the compare page each option shows what choosing
it would do, the track's projected finish and status from the one progress model
(verdicts.progress_if_chosen) and the gaps it closes (the ranking's), nothing written."""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from courses import views as courses_views
from courses.models import Phase
from tests.factories import make_competency, make_course, make_snapshot, make_target, make_user
from tests.progress_helpers import log_daily, make_track_with_options
from tracker.progress import selectors as progress_selectors
from tracker.progress import services as progress_services
from tracker.progress import verdicts
from tracker.progress.models import Enrolment, PhaseChoice, Plan
from tracker.teams import services as team_services

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _compare_url(track, phase_code="P1"):
    return reverse("courses:compare", args=[track.code, phase_code])


def _state(user) -> tuple:
    """What a what-if must not write."""
    return (
        sorted(Plan.objects.filter(user=user).values_list("course_id", "start_date")),
        sorted(PhaseChoice.objects.filter(user=user).values_list("phase_id", "course_id")),
        sorted(Enrolment.objects.filter(user=user).values_list("track_id", flat=True)),
    )


def _track_verdict(user, track) -> verdicts.Verdict:
    progress = verdicts.learner_progress(user=user)
    return next(row.verdict for row in progress.tracks if row.track.pk == track.pk)


# --- Scenarios: the learner before choosing ------------------------------------------------


def _new_learner(personas, track, p1, p2, a, b, c):
    """Not on the track yet: nothing chosen, nothing planned."""
    return personas.learner


def _chose_a_nothing_logged(personas, track, p1, p2, a, b, c):
    """Both phases chosen, nothing logged on A (choosing B drops A's plan)."""
    progress_services.phase_choose(user=personas.learner, phase=p1, course=a)
    progress_services.phase_choose(user=personas.learner, phase=p2, course=c)
    return personas.learner


def _chose_a_logged_and_assigned(personas, track, p1, p2, a, b, c):
    """The manager's due date on the track, hours logged on A (its plan stays when B is
    chosen), a pause ahead: every input the model reads."""
    learner = personas.learner
    team_services.assignment_assign(
        actor=personas.manager,
        team=personas.team,
        assignees=[learner],
        track=track,
        due_in_days=60,
    )
    progress_services.phase_choose(user=learner, phase=p1, course=a)
    progress_services.phase_choose(user=learner, phase=p2, course=c)
    log_daily(learner, a, days=20, minutes=20, end=TODAY - DAY)
    progress_services.pause_create(user=learner, start=TODAY + 3 * DAY, end=TODAY + 16 * DAY)
    return learner


def _planned_b_already(personas, track, p1, p2, a, b, c):
    """B is already in the plan (another start date and pace) though not chosen: choosing
    it keeps that plan."""
    learner = personas.learner
    progress_services.phase_choose(user=learner, phase=p1, course=a)
    progress_services.phase_choose(user=learner, phase=p2, course=c)
    plan = progress_services.plan_add(user=learner, course=b)
    progress_services.plan_update(
        plan=plan,
        start_date=TODAY + 10 * DAY,
        weekly_hours=plan.weekly_hours / 2,
        target_date=TODAY + 30 * DAY,
    )
    return learner


SCENARIOS = [
    _new_learner,
    _chose_a_nothing_logged,
    _chose_a_logged_and_assigned,
    _planned_b_already,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("option", ["a", "b"])
def test_the_what_if_is_the_verdict_after_actually_choosing(personas, scenario, option):
    track, p1, p2, a, b, c = make_track_with_options()
    b.weekly_hours = Decimal("8")  # B states its pace; A takes what the learner has
    b.save(update_fields=["weekly_hours"])
    personas.learner.weekly_hours_available = Decimal("3")
    personas.learner.save(update_fields=["weekly_hours_available"])
    learner = scenario(personas, track, p1, p2, a, b, c)
    course = {"a": a, "b": b}[option]
    phase = Phase.objects.select_related("track").get(pk=p1.pk)
    before = _state(learner)

    outcomes = progress_selectors.track_if_chosen(user=learner, phase=phase, options=[a, b])

    # The whole learner, too (the overall verdict reads the previous option's plan).
    inputs = verdicts.gather(users=[learner], tracks_too=[track])[learner.pk]
    plan = Plan.objects.filter(user=learner, course=course).first() or Plan(
        user_id=learner.pk,
        course=course,
        start_date=learner.local_today(),
        weekly_hours=progress_services.default_weekly_hours(user=learner, course=course),
    )
    hypothetical = verdicts.progress_if_chosen(inputs, phase=phase, plan=plan)

    assert _state(learner) == before  # nothing written
    progress_services.phase_choose(user=learner, phase=p1, course=course)
    assert outcomes[course.pk] == _track_verdict(learner, track)
    real = verdicts.learner_progress(user=learner)
    assert hypothetical.overall == real.overall
    assert [r.plan.course_id for r in hypothetical.rows] == [r.plan.course_id for r in real.rows]
    assert [t.verdict for t in hypothetical.tracks] == [t.verdict for t in real.tracks]


def test_the_what_if_of_the_second_phase_runs_after_the_first(personas):
    """Each option reads the whole track: a longer option of P1 pushes P2's finish."""
    track, p1, p2, a, b, c = make_track_with_options()
    learner = personas.learner
    progress_services.phase_choose(user=learner, phase=p1, course=a)
    progress_services.phase_choose(user=learner, phase=p2, course=c)
    outcomes = progress_selectors.track_if_chosen(user=learner, phase=p1, options=[a, b])
    # A (10 h) and B (20 h) at the same 5 h a week: B ends the track two weeks later.
    finish_a, finish_b = outcomes[a.pk].projected_finish, outcomes[b.pk].projected_finish
    assert finish_b - finish_a == datetime.timedelta(weeks=2)
    assert finish_a == _track_verdict(learner, track).projected_finish


# --- The page ---------------------------------------------------------------------------


def _row(page: str) -> str:
    match = re.search(r'<tr class="whatif-row">(.*?)</tr>', page, re.S)
    assert match, "no what-if row"
    return match.group(1)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _cells(page: str) -> list[str]:
    """Each option's cell, its list items joined as the style sheet shows them (" · ")."""
    cells = re.findall(r"<td>(.*?)</td>", _row(page), re.S)
    return [
        " · ".join(_text(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", cell, re.S))
        for cell in cells
    ]


@pytest.fixture
def english_learner(personas):
    personas.learner.language = "en"
    personas.learner.save(update_fields=["language"])
    return personas.learner


def test_each_option_says_its_finish_status_and_gaps_closed(personas, english_learner):
    track, p1, p2, a, b, c = make_track_with_options()
    ml, mlops, ethics = (make_competency(code) for code in ("ml", "mlops", "ethics"))
    for competency in (ml, mlops, ethics):
        make_target(track, competency, 4)
    a.competencies.add(ml, mlops)
    b.competencies.add(ethics, ml)
    make_snapshot(english_learner, {"ml": 2, "mlops": 3, "ethics": 4})  # ethics: no gap
    team_services.assignment_assign(
        actor=personas.manager,
        team=personas.team,
        assignees=[english_learner],
        track=track,
        due_in_days=63,
    )
    progress_services.phase_choose(user=english_learner, phase=p1, course=a)
    progress_services.phase_choose(user=english_learner, phase=p2, course=c)

    page = personas.client_for("learner").get(_compare_url(track)).text

    # At 5 h a week, A then C (40 h) take 8 weeks: in time for the due date in 9 weeks;
    # B then C (50 h) take 10 weeks: after it, not started yet: at risk.
    verdict_a = _track_verdict(english_learner, track)
    cell_a, cell_b = _cells(page)
    finish_a = date_format(verdict_a.projected_finish, "j F Y")
    assert cell_a == f"finish {finish_a} · not started · closes 2 gaps"
    assert cell_b.endswith("· at risk · closes 1 gap")
    assert "If I choose it" in _row(page)
    assert '<th scope="row">If I choose it</th>' in _row(page)


def test_without_an_assessment_the_gaps_are_not_guessed(personas, english_learner):
    track, _p1, _p2, _a, _b, _c = make_track_with_options()
    page = personas.client_for("learner").get(_compare_url(track)).text
    cells = _cells(page)
    # Phase 2 has no option chosen: the track's finish is not known.
    assert cells == ["finish not known yet · not started"] * 2
    assert "gap" not in _row(page)


def test_a_learner_with_an_assessment_and_no_gap_reads_closes_0_gaps(personas, english_learner):
    track, _p1, _p2, a, _b, _c = make_track_with_options()
    ml = make_competency("ml")
    make_target(track, ml, 3)
    a.competencies.add(ml)
    make_snapshot(english_learner, {"ml": 3})
    cells = _cells(personas.client_for("learner").get(_compare_url(track)).text)
    assert all(cell.endswith("closes 0 gaps") for cell in cells)


def test_the_row_speaks_french(personas):
    track, _p1, p2, a, _b, c = make_track_with_options()
    ml = make_competency("ml")
    make_target(track, ml, 4)
    a.competencies.add(ml)
    make_snapshot(personas.learner, {"ml": 1})
    progress_services.phase_choose(user=personas.learner, phase=p2, course=c)
    page = personas.client_for("learner").get(_compare_url(track)).text
    assert '<th scope="row">Si je le choisis</th>' in _row(page)
    cell_a, cell_b = _cells(page)
    assert cell_a.startswith("fin le ") and cell_a.endswith("· pas commencé · comble 1 écart")
    assert cell_b.endswith("· pas commencé · comble 0 écart")


def test_anonymous_and_the_plain_catalogue_page_have_no_what_if(personas, client):
    track, *_rest = make_track_with_options()
    page = client.get(_compare_url(track))
    assert page.status_code == 302 and "whatif" not in page.text  # to the login page
    request = RequestFactory().get(_compare_url(track))
    request.user = personas.learner
    plain = courses_views.phase_compare(request, track.code, "P1").content.decode()
    assert "whatif" not in plain and "compare-table" in plain


@pytest.mark.parametrize("count", [2, 4])
def test_the_queries_do_not_grow_with_the_options(
    personas, django_assert_num_queries, english_learner, count
):
    """Session, user; phase with options, modules, competencies (the catalogue's); the
    ranking: snapshot, its ratings, targets, competencies, options with their competencies;
    the progress model's eight (plans, enrolments, assignments, phases, choices, the study
    figures in two, pauses); the choices of the buttons; the notifications badge: 22."""
    track, p1, p2, a, _b, c = make_track_with_options()
    for letter in "CDE"[: count - 2]:
        make_course(f"P1-{letter}", hours="15", track=track, phase=p1, option=letter)
    ml = make_competency("ml")
    make_target(track, ml, 4)
    a.competencies.add(ml)
    make_snapshot(english_learner, {"ml": 1})
    progress_services.phase_choose(user=english_learner, phase=p1, course=a)
    progress_services.phase_choose(user=english_learner, phase=p2, course=c)
    log_daily(english_learner, a, days=3, end=TODAY - DAY)
    client = personas.client_for("learner")
    with django_assert_num_queries(QUERIES):
        page = client.get(_compare_url(track)).text
    assert len(_cells(page)) == count


QUERIES = 22


def test_a_new_user_sees_the_what_if_too(client):
    track, *_rest = make_track_with_options()
    client.force_login(make_user(language="en"))
    assert "If I choose it" in client.get(_compare_url(track)).text
