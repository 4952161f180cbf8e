"""Exports: the JSON of one's own data, the CSV (BOM, formula injection, streamed), the
calendar feed (stable UIDs, rotation, RFC 5545 escaping and folding) and xAPI."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from tests.csv_cells import FORMULA_CELLS
from tests.factories import make_competency, make_course, make_snapshot, make_track
from tests.progress_helpers import log_daily
from tracker.accounts.models import ApiToken
from tracker.certificates.services import CertificateInput, certificate_record
from tracker.exports import calendar
from tracker.exports.formats import iso_duration, spreadsheet_safe
from tracker.exports.models import CalendarFeed
from tracker.progress import services as progress
from tracker.progress.models import TimeEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(personas):
    """The learner's path: a track, a choice, a plan with a target, entries, a
    certificate, an assessment and a token; the other learner has entries too."""
    user = personas.learner
    track = make_track("ai-po", phases=1)
    phase = track.phases.get()
    course = make_course(
        "P1-A", hours="10", track=track, phase=phase, option="A", url="https://courses.example/p1a"
    )
    progress.phase_choose(user=user, phase=phase, course=course)
    plan = course.plans.get(user=user)
    progress.plan_update(
        plan=plan,
        start_date=plan.start_date,
        weekly_hours=plan.weekly_hours,
        target_date=plan.start_date + datetime.timedelta(days=90),
    )
    today = user.local_today()
    progress.time_entry_create(user=user, course=course, date=today, minutes=90, note="=SUM(A1)")
    certificate_record(
        user=user,
        data=CertificateInput(
            title="Duke AI PM",
            issued_on=today,
            course=course,
            expires_on=today + datetime.timedelta(days=30),
        ),
    )
    make_competency("ml-literacy")
    make_snapshot(user, {"ml-literacy": 2})
    ApiToken.issue(user=user, name="laptop")
    other_course = make_course("SECRET-COURSE")
    progress.time_entry_create(
        user=personas.other_learner,
        course=other_course,
        date=today,
        minutes=45,
        note="other learner's note",
    )
    return course


# --- Pure helpers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "duration"),
    [(90, "PT1H30M"), (60, "PT1H"), (45, "PT45M"), (1440, "PT24H"), (0, "PT0M"), (61, "PT1H1M")],
)
def test_iso_duration(minutes, duration):
    assert iso_duration(minutes) == duration


@pytest.mark.parametrize("cell", FORMULA_CELLS)
def test_spreadsheet_safe_quotes_formula_triggers(cell):
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["plain", "1+1", "", 90, "a=b", " a=b", "\uff41=1", " 1-2"])
def test_spreadsheet_safe_leaves_other_cells(cell):
    assert spreadsheet_safe(cell) == cell


# --- JSON ------------------------------------------------------------------------------


def test_json_export_has_all_my_data_and_none_of_anyone_elses(learner_client, history):
    response = learner_client.get(reverse("exports:json"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="parcours-my-data.json"'
    data = json.loads(response.content)
    assert data["profile"]["email"] == "learner@example.test"
    assert [e["track"] for e in data["enrolments"]] == ["ai-po"]
    assert data["phase_choices"][0]["course"] == "P1-A"
    assert data["plans"][0]["done_source"] == "certificate"
    assert [(e["course"], e["minutes"]) for e in data["time_entries"]] == [("P1-A", 90)]
    assert data["certificates"][0]["title"] == "Duke AI PM"
    [assessment] = data["assessments"]
    assert assessment["ratings"][0]["competency"] == "ml-literacy"
    assert assessment["ratings"][0]["level"] == 2
    token = data["api_tokens"][0]
    assert token["name"] == "laptop" and "token_hash" not in token
    text = response.content.decode()
    assert "SECRET-COURSE" not in text and "other learner" not in text
    assert ApiToken.objects.get().token_hash not in text


def test_json_export_query_count_does_not_grow(learner_client, personas, history):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert learner_client.get(reverse("exports:json")).status_code == 200
        return len(captured)

    small = queries()
    log_daily(personas.learner, history, days=500, end=datetime.date(2025, 1, 1))
    make_snapshot(personas.learner, {"ml-literacy": 3})
    assert queries() == small


def test_exports_need_a_login(client):
    for name in ("exports:my_data", "exports:json", "exports:csv", "exports:xapi"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response.url


# --- CSV -------------------------------------------------------------------------------


def test_csv_is_streamed_utf8_with_bom_header_and_quoted_formulas(
    learner_client, personas, history
):
    TimeEntry.objects.create(
        user=personas.learner,
        course=history,
        minutes=30,
        note="-2+3",
        date=datetime.date(2025, 3, 1),
    )
    TimeEntry.objects.create(
        user=personas.learner,
        course=history,
        minutes=30,
        note="café @home",
        date=datetime.date(2025, 3, 2),
    )
    response = learner_client.get(reverse("exports:csv"))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["date", "course", "course_title", "module", "minutes", "hours", "note"]
    notes = [row[6] for row in rows[1:]]
    assert notes == ["'-2+3", "café @home", "'=SUM(A1)"]  # oldest first
    assert rows[3][4:6] == ["90", "1.50"]
    assert "SECRET-COURSE" not in body.decode()


@pytest.mark.parametrize("note", FORMULA_CELLS)
def test_csv_neutralises_every_formula_trigger_in_notes(learner_client, personas, history, note):
    TimeEntry.objects.create(
        user=personas.learner, course=history, minutes=30, note=note, date=datetime.date(2025, 3, 1)
    )
    body = b"".join(learner_client.get(reverse("exports:csv")).streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[1][6] == "'" + note


def test_csv_semicolon_dialect_has_decimal_commas(learner_client, personas, history):
    """French Excel splits on ";" and reads "1,50"; `?dialect=comma` (the default for
    scripts) keeps "," and "1.50"."""
    TimeEntry.objects.create(
        user=personas.learner,
        course=history,
        minutes=90,
        note="a, b; c",
        date=datetime.date(2025, 4, 1),
    )
    body = b"".join(
        learner_client.get(reverse("exports:csv"), {"dialect": "semicolon"}).streaming_content
    )
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0] == "date;course;course_title;module;minutes;hours;note"
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["90", "1,50", "a, b; c"] in [row[4:7] for row in rows]
    comma = b"".join(
        learner_client.get(reverse("exports:csv"), {"dialect": "comma"}).streaming_content
    )
    rows = list(csv.reader(io.StringIO(comma.decode("utf-8-sig"))))
    assert ["90", "1.50", "a, b; c"] in [row[4:7] for row in rows]


def test_an_unknown_csv_dialect_answers_400_naming_the_known_ones(learner_client):
    response = learner_client.get(reverse("exports:csv"), {"dialect": "tab"})
    assert response.status_code == 400
    assert "comma" in response.text and "semicolon" in response.text


@pytest.mark.parametrize(("language", "checked"), [("fr", "semicolon"), ("en", "comma")])
def test_the_page_picks_the_dialect_of_the_ui_language(learner_client, personas, language, checked):
    personas.learner.language = language
    personas.learner.save(update_fields=["language"])
    page = learner_client.get(reverse("exports:my_data")).text
    assert f'name="dialect" value="{checked}" checked' in page
    assert page.count(" checked>") == 1
    assert f'action="{reverse("exports:csv")}"' in page


def test_csv_with_no_entries_is_just_the_header(learner_client):
    body = b"".join(learner_client.get(reverse("exports:csv")).streaming_content)
    assert body.decode("utf-8-sig").strip() == "date,course,course_title,module,minutes,hours,note"


# --- xAPI ------------------------------------------------------------------------------


def test_xapi_statements(learner_client, personas, history):
    response = learner_client.get(reverse("exports:xapi"))
    assert response.status_code == 200
    statements = json.loads(response.content)
    assert len(statements) == 1  # only the learner's own entry
    statement = statements[0]
    assert statement["actor"]["mbox"] == "mailto:learner@example.test"
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/experienced"
    assert statement["object"]["id"] == "http://testserver/catalogue/P1-A/"
    assert statement["object"]["definition"]["moreInfo"] == "https://courses.example/p1a"
    assert statement["result"]["duration"] == "PT1H30M"
    assert statement["timestamp"].startswith(personas.learner.local_today().isoformat())
    # Exporting again gives the same statement ids (an LRS then keeps one copy).
    again = json.loads(learner_client.get(reverse("exports:xapi")).content)
    assert again[0]["id"] == statement["id"]


# --- Calendar --------------------------------------------------------------------------


def feed_url(user) -> str:
    return reverse("exports:calendar", args=[CalendarFeed.objects.get(user=user).token])


def test_my_data_page_links_everything_and_shows_the_feed(learner_client, personas):
    response = learner_client.get(reverse("exports:my_data"))
    text = response.text
    for name in ("exports:json", "exports:csv", "exports:xapi", "exports:calendar_rotate"):
        assert reverse(name) in text
    assert feed_url(personas.learner) in text
    assert 'style="' not in text and "<script>" not in text


def test_calendar_feed_has_stable_uids_and_rotation_kills_the_old_url(
    client, learner_client, personas, history
):
    learner_client.get(reverse("exports:my_data"))
    url = feed_url(personas.learner)
    first = client.get(url)  # no login: calendar apps cannot log in
    assert first.status_code == 200
    assert first["Content-Type"] == "text/calendar; charset=utf-8"
    plan = history.plans.get(user=personas.learner)
    # The certificate marked the plan done: its target is no longer an event.
    uids = [str(e["UID"]) for e in Calendar.from_ical(first.content).walk("VEVENT")]
    assert uids == [f"certificate-{history.certificates.get().pk}@parcours"]
    progress.plan_mark_done(plan=plan, done=False)
    second = Calendar.from_ical(client.get(url).content)
    uids = sorted(str(e["UID"]) for e in second.walk("VEVENT"))
    assert f"plan-{plan.pk}@parcours" in uids
    third = Calendar.from_ical(client.get(url).content)
    assert sorted(str(e["UID"]) for e in third.walk("VEVENT")) == uids

    assert learner_client.post(reverse("exports:calendar_rotate")).status_code == 302
    assert client.get(url).status_code == 404
    new_url = feed_url(personas.learner)
    assert new_url != url and client.get(new_url).status_code == 200


def test_calendar_feed_speaks_the_learners_language(client, learner_client, personas, history):
    learner_client.get(reverse("exports:my_data"))
    personas.learner.language = "fr"
    personas.learner.save(update_fields=["language"])
    body = client.get(feed_url(personas.learner), HTTP_ACCEPT_LANGUAGE="en").content
    assert "Expiration du certificat\u00a0: Duke AI PM" in body.decode().replace("\r\n ", "")


def test_calendar_feed_rotation_needs_post(learner_client):
    assert learner_client.get(reverse("exports:calendar_rotate")).status_code == 405


def test_unknown_token_answers_404(client, db):
    assert client.get(reverse("exports:calendar", args=["nope"])).status_code == 404


def test_calendar_escapes_and_folds_lines(client, personas):
    course = make_course("LONG", title="Ethics, bias; and \\ fairness " + "x" * 120)
    plan = progress.plan_add(user=personas.learner, course=course)
    progress.plan_update(
        plan=plan,
        start_date=plan.start_date,
        weekly_hours=plan.weekly_hours,
        target_date=datetime.date(2030, 1, 2),
    )
    body = calendar.calendar_ics(user=personas.learner, base_url="https://parcours.example")
    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)  # folded at 75 octets
    unfolded = body.replace(b"\r\n ", b"")
    assert b"Ethics\\, bias\\; and \\\\ fairness" in unfolded
    assert b"DTSTART;VALUE=DATE:20300102" in unfolded
    assert b"URL:https://parcours.example/progress/plans/LONG/" in unfolded
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")


def test_the_feed_calls_each_source_by_name(
    client, learner_client, history, personas, django_assert_num_queries
):  # history: a certificate that expires (its course's plan is done by it)
    """No registry: `calendar_events` calls the plans' targets, the certificates' expiry
    dates, the assignments' due dates and the study blocks in turn (a new kind of event is
    one more line)."""
    from tracker.teams import services as team_services

    assert not hasattr(calendar, "register_event_source")
    assert not hasattr(calendar, "EVENT_SOURCES")
    plan = progress.plan_add(user=personas.learner, course=make_course("TARGET"))
    progress.plan_update(
        plan=plan,
        start_date=plan.start_date,
        weekly_hours=plan.weekly_hours,
        target_date=plan.start_date + datetime.timedelta(days=60),
    )
    team_services.assignment_assign(
        actor=personas.manager,
        team=personas.team,
        assignees=[personas.learner],
        course=make_course("ASSIGNED"),
        due_in_days=30,
    )
    kinds = [event.kind for event in calendar.calendar_events(user=personas.learner)]
    assert kinds == ["plan", "certificate", "assignment"]
    learner_client.get(reverse("exports:my_data"))  # makes the feed
    url = feed_url(personas.learner)
    # the feed and its user, the plans, the certificates, the assignments, then whether
    # their work is done (the verdicts' seven reads, pauses included, assignments again,
    # and the totals), then the accepted study blocks
    with django_assert_num_queries(13):
        response = client.get(url)
    assert response.content.count(b"BEGIN:VEVENT") == 3


def test_calendar_feed_holds_the_assignments_due_dates(client, learner_client, personas):
    """One event per assignment still to do, on its due date (the plan holds no copy of it,
    so it is listed once); done work leaves the calendar."""
    from tracker.teams import services as team_services

    course = make_course("ASSIGNED", title="Responsible AI")
    [assignment] = team_services.assignment_assign(
        actor=personas.manager,
        team=personas.team,
        assignees=[personas.learner],
        course=course,
        due_in_days=30,
        note="Before the audit",
    )
    learner_client.get(reverse("exports:my_data"))
    events = Calendar.from_ical(client.get(feed_url(personas.learner)).content).walk("VEVENT")
    [event] = [e for e in events if "ASSIGNED" in str(e.get("URL", ""))]
    assert str(event["UID"]) == f"assignment-{assignment.pk}@parcours"
    assert event["DTSTART"].dt == assignment.due_date
    assert str(event["SUMMARY"]) == "Échéance\u00a0: Responsible AI"
    assert "Mia Manager" in str(event["DESCRIPTION"]) and "Before the audit" in str(
        event["DESCRIPTION"]
    )
    plan = course.plans.get(user=personas.learner)
    assert plan.target_date is None  # the due date stays on the assignment...
    assert f"plan-{plan.pk}@parcours" not in [str(e["UID"]) for e in events]  # ...listed once
    progress.plan_mark_done(plan=plan, done=True, on=datetime.date(2025, 6, 1))
    events = Calendar.from_ical(client.get(feed_url(personas.learner)).content).walk("VEVENT")
    assert not [e for e in events if str(e["UID"]).startswith("assignment-")]


def test_my_data_offers_a_webcal_link_and_a_copy_button(learner_client, personas):
    page = learner_client.get(reverse("exports:my_data")).text
    feed = feed_url(personas.learner)
    assert f'href="webcal://testserver{feed}"' in page
    assert 'data-copy="calendar-url"' in page and 'id="calendar-url"' in page
    assert '<script src="/static/js/copy.js" nonce="' in page
    assert 'role="status"' in page


def test_json_export_query_count_is_pinned(learner_client, history, django_assert_num_queries):
    # session, user, enrolments, choices, plans, their modules done, time entries,
    # certificates, assessments, their ratings, API tokens
    with django_assert_num_queries(11):
        learner_client.get(reverse("exports:json"))
