"""Logging hours: the rules of the services, the forms (errors at the field) and pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from tests.factories import make_course
from tests.progress_helpers import make_track_with_options
from tracker.progress import services
from tracker.progress.models import Plan, TimeEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english(personas):
    """Messages are asserted in English (the source language)."""
    for user in (personas.learner, personas.other_learner):
        user.language = "en"
        user.save(update_fields=["language"])
    with translation.override("en"):
        yield


@pytest.fixture
def course(db):
    return make_course("C-1", hours="20", modules=[("Intro", 5)])


def create(user, course, **kw):
    base = {"date": user.local_today(), "minutes": 60}
    return services.time_entry_create(user=user, course=course, **(base | kw))


def test_logging_time_adds_the_course_to_the_plan(personas, course):
    entry = create(personas.learner, course, note="first")
    assert entry.pk and entry.minutes == 60
    assert Plan.objects.filter(user=personas.learner, course=course).exists()


def test_25_hours_in_one_day_across_entries_is_refused(personas, course):
    create(personas.learner, course, minutes=20 * 60)
    with pytest.raises(ValidationError) as excinfo:
        create(personas.learner, course, minutes=5 * 60)
    assert "24 hours" in excinfo.value.message_dict["minutes"][0]
    assert TimeEntry.objects.count() == 1
    create(personas.learner, course, minutes=4 * 60)  # exactly 24 h is fine
    # Another learner's day is their own.
    create(personas.other_learner, course, minutes=5 * 60)


def test_editing_an_entry_counts_the_day_without_itself(personas, course):
    entry = create(personas.learner, course, minutes=20 * 60)
    services.time_entry_update(
        entry=entry, course=course, date=entry.date, minutes=24 * 60, note=""
    )
    other = create(personas.learner, course, minutes=0 + 1, date=entry.date - datetime.timedelta(1))
    with pytest.raises(ValidationError):
        services.time_entry_update(entry=other, course=course, date=entry.date, minutes=1, note="")


@pytest.mark.parametrize("days", [1, 400])
def test_future_dates_are_refused_in_the_learners_time_zone(personas, course, days):
    tomorrow = personas.learner.local_today() + datetime.timedelta(days=days)
    with pytest.raises(ValidationError) as excinfo:
        create(personas.learner, course, date=tomorrow)
    assert "after today" in excinfo.value.message_dict["date"][0]


def test_ancient_dates_are_refused(personas, course):
    with pytest.raises(ValidationError) as excinfo:
        create(personas.learner, course, date=datetime.date(1999, 12, 31))
    assert "2000" in excinfo.value.message_dict["date"][0]
    create(personas.learner, course, date=datetime.date(2000, 1, 1))


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1])
def test_bad_minutes_are_refused_by_the_service(personas, course, minutes):
    with pytest.raises(ValidationError):
        create(personas.learner, course, minutes=minutes)
    assert not TimeEntry.objects.exists()


def test_a_module_of_another_course_is_refused(personas, course):
    other = make_course(modules=[("Elsewhere", 1)])
    with pytest.raises(ValidationError) as excinfo:
        create(personas.learner, course, module=other.modules.get())
    assert "module" in excinfo.value.message_dict


def test_a_too_long_note_is_refused_and_nothing_saved(personas, course):
    with pytest.raises(ValidationError) as excinfo:
        create(personas.learner, course, note="x" * 1_000_000)
    assert "too long" in excinfo.value.message_dict["note"][0]
    assert not TimeEntry.objects.exists()


def test_the_database_refuses_what_the_service_refuses(personas, course):
    bad = [
        {"minutes": 0},
        {"minutes": 1441},
        {"date": datetime.date(1999, 1, 1)},
        {"note": "x" * 2001},
    ]
    for fields in bad:
        values = {"user": personas.learner, "course": course, "date": datetime.date(2026, 1, 1)}
        values |= {"minutes": 30} | fields
        with pytest.raises(IntegrityError), transaction.atomic():
            TimeEntry.objects.create(**values)


# --- Pages ------------------------------------------------------------------------------


def post_entry(client, data, url=None, **headers):
    """The dashboard's quick log, unless another form's `url` is given."""
    url = url or reverse("progress:entry_create_dashboard")
    return client.post(url, data, headers=headers)


def log_on_course_page(client, the_course, data, **headers):
    """The course page's quick log: its course is the page's."""
    url = reverse("progress:entry_create_course", args=[the_course.code])
    return client.post(url, data, headers=headers)


def entry_data(the_course, **kw):
    return {
        "course": the_course.code,
        "date": "2026-01-05",
        "duration": "1h30",
    } | kw


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("duration", "-1", "more than zero"),
        ("duration", "0", "more than zero"),
        ("duration", "NaN", "Enter a duration"),
        ("duration", "1e309", "Enter a duration"),
        ("duration", "30h", "24 hours"),
        ("date", "2026-02-30", "real date"),
        ("date", "1999-12-31", "2000"),
        ("date", "2999-01-01", "after today"),
        ("course", "NOPE", "does not exist"),
        ("note", "x" * 1_000_000, "at most 2000 characters"),
    ],
)
def test_quick_log_shows_the_error_at_the_field(learner_client, course, field, value, message):
    response = post_entry(learner_client, entry_data(course, **{field: value}), hx_request="true")
    assert response.status_code == 200
    form = response.context["form"]
    key = field
    assert key in form.errors, form.errors
    assert message in " ".join(form.errors[key])
    assert message in response.text
    assert not TimeEntry.objects.exists()


def test_quick_log_by_htmx_shows_the_new_entry_without_reload(learner_client, personas, course):
    response = post_entry(learner_client, entry_data(course, note="<b>bold</b>"), hx_request="true")
    assert response.status_code == 200
    assert "<html" not in response.text  # a fragment, not the page
    assert 'id="progress-board"' in response.text
    assert "1h30" in response.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in response.text  # HTML in notes is shown as text
    assert "<b>bold</b>" not in response.text
    entry = TimeEntry.objects.get()
    assert (entry.user, entry.minutes, entry.note) == (personas.learner, 90, "<b>bold</b>")


def test_quick_log_without_js_redirects(learner_client, course):
    response = post_entry(learner_client, entry_data(course))
    assert response.status_code == 302
    assert TimeEntry.objects.count() == 1


def test_25_hours_across_entries_by_the_form(learner_client, course):
    post_entry(learner_client, entry_data(course, duration="20h"))
    response = post_entry(learner_client, entry_data(course, duration="5h"), hx_request="true")
    assert "24 hours" in " ".join(response.context["form"].errors["duration"])
    assert TimeEntry.objects.count() == 1


def test_quick_log_on_a_course_page_renders_the_course_panel(learner_client, course):
    data = entry_data(course, module=course.modules.get().pk)
    response = log_on_course_page(learner_client, course, data, hx_request="true")
    assert 'id="course-progress"' in response.text
    assert 'id="progress-board"' not in response.text
    assert TimeEntry.objects.get().module == course.modules.get()


def test_quick_log_on_a_course_page_refuses_at_the_field_in_the_panel(learner_client, course):
    data = entry_data(course, duration="0")
    response = log_on_course_page(learner_client, course, data, hx_request="true")
    assert response.status_code == 200
    assert 'id="course-progress"' in response.text and "more than zero" in response.text
    assert not TimeEntry.objects.exists()


def test_quick_log_on_a_course_page_without_js_goes_back_to_the_page(learner_client, course):
    page = reverse("courses:course", args=[course.code])
    response = log_on_course_page(learner_client, course, entry_data(course, next=page))
    assert response.status_code == 302 and response.url == page
    assert TimeEntry.objects.get().course == course
    response = log_on_course_page(learner_client, course, entry_data(course, duration="x"))
    assert response.status_code == 422 and "Enter a duration" in response.text


def test_quick_log_on_an_unknown_course_page_is_404(learner_client, course):
    url = reverse("progress:entry_create_course", args=["NOPE"])
    assert post_entry(learner_client, entry_data(course), url=url).status_code == 404
    assert not TimeEntry.objects.exists()


def test_each_quick_log_form_posts_to_its_own_view(learner_client, personas, course):
    """One view per form (no hidden field telling three forms apart): the dashboard's,
    the course page's and the log page's forms each post to their own URL."""
    services.plan_add(user=personas.learner, course=course)
    dashboard = reverse("progress:entry_create_dashboard")
    on_course = reverse("progress:entry_create_course", args=[course.code])
    own = reverse("progress:entry_create")
    assert len({dashboard, on_course, own}) == 3
    page = learner_client.get(reverse("dashboard")).text
    assert f'action="{dashboard}" hx-post="{dashboard}"' in page
    page = learner_client.get(reverse("courses:course", args=[course.code])).text
    assert f'action="{on_course}" hx-post="{on_course}"' in page
    page = learner_client.get(own).text
    assert f'action="{own}"' in page and "hx-post" not in page
    # The dashboard's and the course page's views only take a POST.
    assert learner_client.get(dashboard).status_code == 405
    assert learner_client.get(on_course).status_code == 405


def test_log_page_logs_and_goes_to_the_dashboard(learner_client, course):
    own = reverse("progress:entry_create")
    response = post_entry(learner_client, entry_data(course), url=own)
    assert response.status_code == 302 and response.url == reverse("dashboard")
    assert TimeEntry.objects.get().minutes == 90


def test_entries_list_filters_and_paginates(learner_client, personas, course):
    other = make_course("C-2")
    for day in range(1, 61):
        create(personas.learner, course, date=datetime.date(2025, 1, 1) + datetime.timedelta(day))
    create(personas.learner, other, date=datetime.date(2025, 6, 1), note="<i>x</i>")
    create(personas.other_learner, course, note="someone else")
    response = learner_client.get(reverse("progress:entries"))
    assert response.context["page"].paginator.count == 61
    assert len(response.context["page"].object_list) == 50
    assert "someone else" not in response.text
    assert "&lt;i&gt;x&lt;/i&gt;" in response.text
    response = learner_client.get(reverse("progress:entries"), {"course": "C-2"})
    assert response.context["page"].paginator.count == 1
    response = learner_client.get(
        reverse("progress:entries"), {"date_from": "2025-01-10", "date_to": "2025-01-19"}
    )
    assert response.context["page"].paginator.count == 10
    response = learner_client.get(reverse("progress:entries"), {"page": 2, "course": "C-1"})
    assert len(response.context["page"].object_list) == 10
    assert response.status_code == 200


def test_inline_edit_and_delete(learner_client, personas, course):
    entry = create(personas.learner, course, date=datetime.date(2026, 1, 5))
    url = reverse("progress:entry_edit", args=[entry.pk])
    response = learner_client.get(url, headers={"hx-request": "true"})
    assert "<form" in response.text and "<html" not in response.text
    prefix = f"entry-{entry.pk}-"
    data = {prefix + "course": "C-1", prefix + "date": "2026-01-04", prefix + "duration": "2h"}
    response = learner_client.post(
        url, data | {prefix + "duration": "0"}, headers={"hx-request": "true"}
    )
    # htmx swaps only 2xx answers: the refusal is a 200 drawn into the row being edited.
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == f"#entry-{entry.pk}"
    assert "duration" in response.context["form"].errors
    assert learner_client.post(url, data | {prefix + "duration": "0"}).status_code == 422
    response = learner_client.post(url, data, headers={"hx-request": "true"})
    assert response.status_code == 200
    assert 'id="entries-list"' in response.text  # the list again: its totals moved
    entry.refresh_from_db()
    assert (entry.minutes, entry.date) == (120, datetime.date(2026, 1, 4))
    response = learner_client.post(
        reverse("progress:entry_delete", args=[entry.pk]), headers={"hx-request": "true"}
    )
    assert response.status_code == 200 and 'id="entries-list"' in response.text
    assert "No entries." in response.text
    assert not TimeEntry.objects.exists()


def test_another_learners_entry_answers_404_everywhere(learner_client, personas, course):
    entry = create(personas.other_learner, course)
    for name in ("progress:entry_row", "progress:entry_edit"):
        assert learner_client.get(reverse(name, args=[entry.pk])).status_code == 404
    for name in ("progress:entry_edit", "progress:entry_delete"):
        assert learner_client.post(reverse(name, args=[entry.pk]), {}).status_code == 404
    assert TimeEntry.objects.filter(pk=entry.pk).exists()


def test_another_learners_plan_answers_404(learner_client, personas, course):
    services.plan_add(user=personas.other_learner, course=course)
    url_names = [
        "progress:plan",
        "progress:plan_done",
        "progress:plan_modules",
        "progress:plan_remove",
    ]
    assert learner_client.get(reverse("progress:plan", args=["C-1"])).status_code == 404
    for name in url_names[1:]:
        assert learner_client.post(reverse(name, args=["C-1"]), {"done": "1"}).status_code == 404
    assert Plan.objects.get(user=personas.other_learner).done_on is None


def test_unknown_course_ids_answer_404(learner_client):
    for name in ("progress:plan_add", "progress:phase_choose", "progress:track_join"):
        assert learner_client.post(reverse(name, args=["NOPE"])).status_code == 404


def test_pages_need_login(client, personas, course):
    entry = create(personas.learner, course)
    for url in (reverse("progress:entries"), reverse("progress:entry_edit", args=[entry.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


# --- Plans and choices ----------------------------------------------------------------------


def test_plan_defaults_from_the_courses_pace_or_the_learners_availability(personas):
    paced = make_course(weekly_hours="3")
    unpaced = make_course()
    personas.learner.weekly_hours_available = 7
    assert services.plan_add(user=personas.learner, course=paced).weekly_hours == 3
    assert services.plan_add(user=personas.learner, course=unpaced).weekly_hours == 7


def test_plan_page_saves_and_refuses_a_target_before_the_start(learner_client, personas, course):
    services.plan_add(user=personas.learner, course=course)
    url = reverse("progress:plan", args=["C-1"])
    assert learner_client.get(url).status_code == 200
    response = learner_client.post(
        url, {"start_date": "2026-01-10", "weekly_hours": "4", "target_date": "2026-01-01"}
    )
    assert response.status_code == 422
    assert "target_date" in response.context["form"].errors
    response = learner_client.post(
        url, {"start_date": "2026-01-10", "weekly_hours": "4", "target_date": "2026-06-01"}
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.weekly_hours, plan.target_date) == (4, datetime.date(2026, 6, 1))


def test_mark_done_and_modules(learner_client, personas, course):
    services.plan_add(user=personas.learner, course=course)
    module = course.modules.get()
    learner_client.post(reverse("progress:plan_modules", args=["C-1"]), {"modules": [module.pk]})
    learner_client.post(reverse("progress:plan_done", args=["C-1"]), {"done": "1"})
    plan = Plan.objects.get()
    assert plan.is_done and plan.done_source == "self"
    assert list(plan.modules_done.all()) == [module]
    other_module = make_course(modules=[("x", 1)]).modules.get()
    learner_client.post(
        reverse("progress:plan_modules", args=["C-1"]), {"modules": [other_module.pk]}
    )
    assert list(plan.modules_done.all()) == [module]


def test_choosing_and_changing_an_option_keeps_logged_hours(learner_client, personas):
    track, p1, _p2, a, b, _c = make_track_with_options()
    response = learner_client.post(reverse("progress:phase_choose", args=[a.code]))
    assert response.status_code == 302
    user = personas.learner
    assert user.enrolments.filter(track=track).exists()
    create(user, a, minutes=120)
    learner_client.post(reverse("progress:phase_choose", args=[b.code]))
    assert user.phase_choices.get(phase=p1).course == b
    # A's plan stays (hours were logged on it), and so do its hours.
    assert set(user.plans.values_list("course__code", flat=True)) == {a.code, b.code}
    assert TimeEntry.objects.get().course == a
    # Switching away from a course with nothing logged drops its plan.
    learner_client.post(reverse("progress:phase_choose", args=[a.code]))
    assert set(user.plans.values_list("course__code", flat=True)) == {a.code}


def test_a_course_outside_any_phase_cannot_be_chosen(learner_client, course):
    assert (
        learner_client.post(reverse("progress:phase_choose", args=[course.code])).status_code == 404
    )


def test_redirects_never_leave_the_site(learner_client, course):
    response = learner_client.post(
        reverse("progress:plan_add", args=[course.code]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil" not in response.url


def test_log_page_without_js_shows_errors_at_the_field(learner_client, course):
    own = reverse("progress:entry_create")
    assert learner_client.get(own).status_code == 200
    response = post_entry(learner_client, entry_data(course, duration="abc"), url=own)
    assert response.status_code == 422
    assert "Enter a duration" in response.text
    assert not TimeEntry.objects.exists()


def test_french_is_the_default_language_of_the_messages(client, personas, course):
    personas.learner.language = "fr"
    personas.learner.save(update_fields=["language"])
    client.force_login(personas.learner)
    response = post_entry(client, entry_data(course, duration="0"), hx_request="true")
    assert "La durée doit être supérieure à zéro." in response.text


# --- Quick log: remembers, plan first, 1:30, undo, duplicates -------------------------------


def test_quick_log_accepts_hours_and_minutes_with_a_colon(learner_client, course):
    post_entry(learner_client, entry_data(course, duration="1:30"), hx_request="true")
    assert TimeEntry.objects.get().minutes == 90


def test_quick_log_remembers_the_last_course_and_lists_the_plan_first(
    learner_client, personas, course
):
    planned = make_course("Z-PLAN")
    services.plan_add(user=personas.learner, course=planned)
    form = learner_client.get(reverse("dashboard")).context["form"]
    assert form.initial.get("course") is None  # nothing logged yet
    [(mine, first), (others, rest)] = form.course_groups
    assert (str(mine), [c.code for c in first]) == ("My plan", ["Z-PLAN"])
    assert str(others) == "Other courses" and "C-1" in [c.code for c in rest]
    page = learner_client.get(reverse("dashboard")).text
    assert page.index('<optgroup label="My plan">') < page.index('value="C-1"')
    post_entry(learner_client, entry_data(course), hx_request="true")
    response = learner_client.get(reverse("dashboard"))
    assert response.context["form"].initial["course"] == "C-1"
    assert '<option value="C-1" selected>' in response.text
    # The no-JS log page remembers it too.
    response = learner_client.get(reverse("progress:entry_create"))
    assert '<option value="C-1" selected>' in response.text


def test_undo_right_after_logging(learner_client, personas, course):
    response = post_entry(learner_client, entry_data(course), hx_request="true")
    entry = TimeEntry.objects.get()
    undo = reverse("progress:entry_delete", args=[entry.pk])
    assert f'hx-post="{undo}"' in response.text and "Undo" in response.text
    response = learner_client.post(undo, {"panel": "dashboard"}, headers={"hx-request": "true"})
    assert 'id="progress-board"' in response.text
    assert "Undone: 1h30 on Course C-1 removed." in response.text
    assert not TimeEntry.objects.exists()
    # On a course page, undo draws the course panel again.
    log_on_course_page(learner_client, course, entry_data(course), hx_request="true")
    undo = reverse("progress:entry_delete", args=[TimeEntry.objects.get().pk])
    response = learner_client.post(
        undo, {"panel": "course", "page": "C-1"}, headers={"hx-request": "true"}
    )
    assert 'id="course-progress"' in response.text and not TimeEntry.objects.exists()


def test_a_likely_duplicate_is_logged_with_a_warning(learner_client, personas, course):
    first = post_entry(learner_client, entry_data(course), hx_request="true")
    assert "duplicate" not in first.text
    second = post_entry(learner_client, entry_data(course, note="again"), hx_request="true")
    assert "already logged 1h30 on this course on 2026-01-05: is this a duplicate?" in second.text
    assert TimeEntry.objects.count() == 2
    # Without JS, the warning comes with the redirect.
    response = post_entry(learner_client, entry_data(course))
    assert response.status_code == 302
    page = learner_client.get(response.url).text
    assert "is this a duplicate?" in page


# --- Entries list: totals, weeks, count after a delete, one pair of actions ----------------


def test_entries_list_shows_totals_for_the_filter_grouped_by_week(learner_client, personas, course):
    other = make_course("C-2")
    monday = datetime.date(2026, 1, 5)
    for day, minutes in [(0, 60), (2, 30), (7, 45)]:
        create(personas.learner, course, date=monday + datetime.timedelta(day), minutes=minutes)
    create(personas.learner, other, date=monday, minutes=15)
    response = learner_client.get(reverse("progress:entries"))
    assert "4 entries, 2h30 in all" in response.text
    weeks = response.context["weeks"]
    assert [(w.start, w.minutes, len(w.entries)) for w in weeks] == [
        (datetime.date(2026, 1, 12), 45, 1),
        (monday, 105, 3),
    ]
    assert response.text.count('<tr class="week">') == 2
    response = learner_client.get(reverse("progress:entries"), {"course": "C-2"})
    assert "1 entry, 15 min in all" in response.text
    assert [w.minutes for w in response.context["weeks"]] == [15]


def test_a_weeks_total_counts_its_entries_on_other_pages(
    learner_client, personas, course, settings
):
    from tracker.progress import views

    monday = datetime.date(2026, 1, 5)
    for day in range(7):
        create(personas.learner, course, date=monday + datetime.timedelta(day), minutes=10)
    original, views.ENTRIES_PER_PAGE = views.ENTRIES_PER_PAGE, 3
    try:
        response = learner_client.get(reverse("progress:entries"))
    finally:
        views.ENTRIES_PER_PAGE = original
    [week] = response.context["weeks"]
    assert len(week.entries) == 3 and week.minutes == 70
    assert "7 entries, 1h10 in all" in response.text


def test_deleting_from_the_list_keeps_its_count_and_totals_right(learner_client, personas, course):
    monday = datetime.date(2026, 1, 5)
    entries = [create(personas.learner, course, date=monday, minutes=m) for m in (30, 40)]
    other = create(personas.learner, make_course("C-2"), date=monday, minutes=20)
    response = learner_client.post(
        reverse("progress:entry_delete", args=[entries[0].pk]),
        {"query": "course=C-1"},
        headers={"hx-request": "true"},
    )
    assert response.status_code == 200
    assert "1 entry, 40 min in all" in response.text  # the filter kept: C-1 only
    assert f'id="entry-{other.pk}"' not in response.text
    assert "Deleted: 30 min on Course C-1" in response.text


def test_entries_list_query_count_is_pinned(
    learner_client, personas, course, django_assert_num_queries
):
    monday = datetime.date(2026, 1, 5)
    for day in range(60):
        create(personas.learner, course, date=monday - datetime.timedelta(day))
    # session, user, the filter's courses, count (paginator), totals, the page's rows, the
    # page's weeks' totals, the nav's unread notifications badge
    with django_assert_num_queries(8):
        learner_client.get(reverse("progress:entries"))


def test_each_row_has_the_same_pair_of_actions(learner_client, personas, course):
    for day in (5, 6):
        create(personas.learner, course, date=datetime.date(2026, 1, day))
    text = learner_client.get(reverse("progress:entries")).text
    assert text.count('<div class="row-actions">') == 2
    assert text.count('>Edit<span class="visually-hidden">') == 2
    assert text.count('>Delete<span class="visually-hidden">') == 2
    assert 'style="' not in text and "<script>" not in text


def test_deleting_without_javascript_goes_back_to_the_same_filter(learner_client, personas, course):
    entry = create(personas.learner, course, date=datetime.date(2026, 1, 5))
    page = learner_client.get(reverse("progress:entries"), {"course": "C-1"}).text
    assert 'name="next" value="/progress/entries/?course=C-1"' in page
    response = learner_client.post(
        reverse("progress:entry_delete", args=[entry.pk]), {"next": "/progress/entries/?course=C-1"}
    )
    assert response.status_code == 302 and response.url == "/progress/entries/?course=C-1"
