"""The dashboard, progress' panels on the catalogue's pages (course, track, compare) and
their query counts."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from courses.models import Course
from tests.factories import make_course
from tests.progress_helpers import log_daily, make_track_with_options
from tracker.progress import panels, selectors, services
from tracker.progress.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def path(personas):
    """The learner follows a track: option A of phase 1 chosen, a course outside it too."""
    track, p1, p2, a, _b, c = make_track_with_options()
    user = personas.learner
    user.language = "en"
    user.save(update_fields=["language"])
    services.phase_choose(user=user, phase=p1, course=a)
    services.phase_choose(user=user, phase=p2, course=c)
    services.plan_add(user=user, course=make_course("SOLO", hours="5"))
    return track, a, c


def dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return len(queries)


def test_dashboard_shows_plan_progress_forecasts_and_charts(learner_client, personas, path):
    track, a, c = path
    today = personas.learner.local_today()
    log_daily(personas.learner, a, days=30, minutes=30, end=today)  # 15 h of 10 h: 150 %
    response = learner_client.get(reverse("dashboard"))
    text = response.text
    assert response.status_code == 200
    assert track.name in text and a.title in text and c.title in text and "SOLO" in text
    assert "15 h of 10 h (150%)" in text  # over 100 % is shown
    assert 'max="100" value="100.0"' in text
    assert "Projected finish" in text
    assert 'role="img"' in text and "<title" in text and "Burn-up" in text
    assert "Hours per week as a table" in text
    assert 'style="' not in text and "<script>" not in text  # strict CSP


def test_dashboard_with_an_empty_plan(learner_client, personas):
    response = learner_client.get(reverse("dashboard"))
    assert response.status_code == 200


def test_dashboard_query_count_does_not_grow_with_entries(learner_client, personas, path):
    _track, a, c = path
    today = personas.learner.local_today()
    log_daily(personas.learner, a, days=10, end=today)
    small = dashboard_queries(learner_client)
    log_daily(personas.learner, c, days=990, end=today - datetime.timedelta(days=10))
    cache.clear()  # log_daily writes past the services, which would say the cache is stale
    assert dashboard_queries(learner_client) == small


def test_dashboard_query_count_is_pinned(learner_client, personas, path, django_assert_num_queries):
    _track, a, _c = path
    log_daily(personas.learner, a, days=1000, end=personas.learner.local_today())
    # session, user (whose progress version a read uses) and the catalogue's version
    # (tracker/progress/cache.py), then, unless cached, the progress model (plans,
    # enrolments, assignments for the due dates, phases, chosen options, the study
    # summaries' weeks and totals, pauses: 8), the latest entries, the course last logged
    # and the quick log's courses (3); the running study timer (1),
    # then the certificates panel (the learner's certificates: 1),
    # then the assessments panel (the learner's latest assessment: 1; with an assessment,
    # their track and the catalogue's version, and unless cached its ratings, the targets,
    # the courses chosen or done and the options too), the teams panels (the learner's
    # assignments, the teams they manage: 2), the nav's unread notifications badge (1)
    with django_assert_num_queries(20):
        learner_client.get(reverse("dashboard"))
    with django_assert_num_queries(9):
        learner_client.get(reverse("dashboard"))


def render_panel(name: str, user, context_of) -> str:
    """A progress panel as its page draws it: `context_of(request)` is what the page's
    view reads for it (progress/panels.py)."""
    request = RequestFactory().get("/somewhere/")
    request.user = user
    with translation.override("en"):  # rendered outside a request cycle
        return render_to_string(name, context_of(request), request=request)


def course_panel(user, course) -> str:
    return render_panel(
        "progress/course_panel.html",
        user,
        lambda request: panels.course_panel_context(request, course),
    )


def track_panel(user, track) -> str:
    return render_panel(
        "progress/track_panel.html",
        user,
        lambda request: panels.track_panel_context(
            user=user, track=track, phases=list(track.phases.all())
        ),
    )


def test_course_panel_shows_the_learners_plan_and_quick_log(personas, path):
    _track, a, _c = path
    user = personas.learner
    log_daily(user, a, days=3, minutes=60, end=user.local_today())
    html = course_panel(user, a)
    assert 'id="course-progress"' in html
    assert "3 h of 10 h (30%)" in html
    assert "Intro" in html and 'type="checkbox"' in html
    assert 'name="duration"' in html
    # Someone else sees their own (empty) plan, with "add to my plan".
    other = course_panel(personas.other_learner, a)
    assert "3 h of 10 h" not in other
    assert reverse("progress:plan_add", args=[a.code]) in other


def test_course_panel_query_count_does_not_grow(personas, path):
    _track, a, _c = path
    user = personas.learner
    log_daily(user, a, days=10, end=user.local_today())
    with CaptureQueriesContext(connection) as small:
        course_panel(user, a)
    log_daily(user, a, days=990, end=user.local_today() - datetime.timedelta(days=10))
    with CaptureQueriesContext(connection) as large:
        course_panel(user, a)
    assert len(large) == len(small)


def test_calibration_shows_the_median_from_three_finishers(personas):
    course = make_course("CAL", hours="10")
    finishers = [personas.other_learner, personas.manager, personas.other_manager]
    for hours, user in zip([8, 12, 20], finishers, strict=True):
        services.time_entry_create(
            user=user, course=course, date=datetime.date(2025, 1, 1), minutes=hours * 60
        )
    for user in finishers[:2]:
        services.plan_mark_done(plan=Plan.objects.get(user=user, course=course), done=True)
    personas.learner.language = "en"
    html = course_panel(personas.learner, course)
    assert "median" not in html  # two finishers are not enough
    services.plan_mark_done(plan=Plan.objects.get(user=finishers[2], course=course), done=True)
    html = course_panel(personas.learner, course)
    assert "median of 12 h (3 learners)" in html
    assert "estimate: 10 h" in html


def test_track_panel_and_option_actions(personas):
    track, p1, _p2, a, b, _c = make_track_with_options()
    user = personas.learner
    html = track_panel(user, track)
    assert reverse("progress:track_join", args=[track.code]) in html
    services.phase_choose(user=user, phase=p1, course=a)
    html = track_panel(user, track)
    assert a.title in html and reverse("progress:track_leave", args=[track.code]) in html
    chosen_ids = {c for _p, c in selectors.chosen_options(user=user)}
    chosen, other = (
        render_panel(
            "progress/option_actions.html",
            user,
            lambda _request, course=course: {"course": course, "chosen_ids": chosen_ids},
        )
        for course in (a, b)
    )
    assert reverse("progress:phase_choose", args=[a.code]) not in chosen
    assert reverse("progress:phase_choose", args=[b.code]) in other


def test_courses_app_never_imports_tracker():
    import pathlib
    import re

    for source in pathlib.Path("courses").rglob("*.py"):
        assert not re.search(r"^\s*(from|import) tracker", source.read_text("utf-8"), re.M), source


# --- The catalogue's pages, composed with the learner's panels (tracker/pages) --------------


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_course_page_shows_my_progress_with_constant_queries(learner_client, personas, path):
    _track, a, _c = path
    user = personas.learner
    url = reverse("courses:course", args=[a.code])
    log_daily(user, a, days=10, minutes=30, end=user.local_today())
    response = learner_client.get(url)
    assert 'id="course-progress"' in response.text
    assert "5 h of 10 h (50%)" in response.text
    small = page_queries(learner_client, url)
    log_daily(user, a, days=990, minutes=30, end=user.local_today() - datetime.timedelta(days=10))
    assert page_queries(learner_client, url) == small


def test_track_page_joins_and_compare_page_chooses(learner_client, personas):
    track, p1, _p2, _a, b, _c = make_track_with_options()
    personas.learner.language = "en"
    personas.learner.save(update_fields=["language"])
    track_url = reverse("courses:track", args=[track.code])
    assert "Join this track" in learner_client.get(track_url).text
    learner_client.post(reverse("progress:track_join", args=[track.code]), {"next": track_url})
    assert "Leave the track" in learner_client.get(track_url).text

    compare_url = reverse("courses:compare", args=[track.code, p1.code])
    response = learner_client.get(compare_url)
    assert response.text.count("Choose this option") == 2
    response = learner_client.post(
        reverse("progress:phase_choose", args=[b.code]), {"next": compare_url}
    )
    assert response.url == compare_url
    response = learner_client.get(compare_url)
    assert response.text.count("Choose this option") == 1 and "Chosen" in response.text
    assert b.title in learner_client.get(track_url).text


def test_short_date_is_remembered_per_language_not_across_them():
    from tracker.progress.templatetags.progress_tags import short_date

    day = datetime.date(2026, 3, 9)
    with translation.override("fr"):
        french = short_date(day)
    with translation.override("en"):
        english = short_date(day)
    with translation.override("fr"):
        assert short_date(day) == french
    assert french == "09/03/2026"
    assert english == "9 Mar 2026"  # never 03/09/2026, read as 3 September in Europe
    assert short_date(None) == ""


def test_the_quick_log_and_the_timer_list_the_same_courses_the_last_logged_selected(
    learner_client, personas, path
):
    """The course options are written once (TimeEntryForm.course_options) for both lists:
    the plan's courses first, the course last logged selected, titles escaped."""
    _track, a, c = path
    Course.objects.filter(pk=c.pk).update(title="Rock & <Roll>")
    log_daily(personas.learner, a, days=1, end=personas.learner.local_today())
    text = learner_client.get(reverse("dashboard")).content.decode()
    selected = f'<option value="{a.code}" selected>{a.code} · {a.title}</option>'
    assert text.count(selected) == 2
    assert text.count(f"{c.code} · Rock &amp; &lt;Roll&gt;</option>") == 2
    assert text.count('<optgroup label="My plan">') == 2
    assert text.index('<optgroup label="My plan">') < text.index('<optgroup label="Other courses">')
