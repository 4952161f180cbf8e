"""The study timer: one per learner, kept on the server; stopping logs the session on the
days it covers (in the learner's time zone), within 24 hours a day, never under a minute,
and asks before logging over 8 hours. Pages (dashboard, course page) and /api/me/timer."""

import datetime
import json
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.factories import make_course
from tracker.accounts.models import ApiToken
from tracker.progress import services, timers
from tracker.progress.models import StudyTimer, TimeEntry

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# 23:30 in Paris on 10 March 2026 (22:30 UTC).
LATE = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=PARIS)
MAR_10, MAR_11 = datetime.date(2026, 3, 10), datetime.date(2026, 3, 11)


@pytest.fixture(autouse=True)
def english_in_paris(personas):
    for user in (personas.learner, personas.other_learner):
        user.language, user.timezone = "en", "Europe/Paris"
        user.save(update_fields=["language", "timezone"])
    with translation.override("en"):
        yield


@pytest.fixture
def course(db):
    return make_course("C-1", hours="20")


def minutes_later(start: datetime.datetime, minutes: float) -> datetime.datetime:
    return start + datetime.timedelta(minutes=minutes)


# --- Splitting a session into days ---------------------------------------------------------


def test_a_session_within_a_day_is_one_part():
    start = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=PARIS)
    assert timers.session_days(start=start, minutes=90, tz=PARIS) == [(MAR_10, 90)]


def test_a_session_across_midnight_is_split_in_the_learners_time_zone():
    assert timers.session_days(start=LATE, minutes=75, tz=PARIS) == [(MAR_10, 30), (MAR_11, 45)]
    # The same instant is still the 10th's evening in New York: one day there.
    new_york = zoneinfo.ZoneInfo("America/New_York")
    assert timers.session_days(start=LATE, minutes=75, tz=new_york) == [(MAR_10, 75)]


def test_a_session_across_midnight_on_a_dst_night_adds_up():
    # Paris changes to summer time on 29 March 2026 at 02:00.
    start = datetime.datetime(2026, 3, 28, 23, 0, tzinfo=PARIS)
    parts = timers.session_days(start=start, minutes=180, tz=PARIS)
    assert parts == [(datetime.date(2026, 3, 28), 60), (datetime.date(2026, 3, 29), 120)]


def test_seconds_before_midnight_give_the_first_day_nothing():
    start = datetime.datetime(2026, 3, 10, 23, 59, 40, tzinfo=PARIS)
    assert timers.session_days(start=start, minutes=2, tz=PARIS) == [(MAR_11, 2)]


def test_a_session_over_several_days_keeps_its_total():
    parts = timers.session_days(start=LATE, minutes=30 + 1440 + 10, tz=PARIS)
    assert parts == [(MAR_10, 30), (MAR_11, 1440), (datetime.date(2026, 3, 12), 10)]


@pytest.mark.parametrize(("seconds", "minutes"), [(0, 0), (59, 0), (60, 1), (89, 1), (90, 2)])
def test_elapsed_time_is_counted_to_the_nearest_minute_but_under_one_is_nothing(seconds, minutes):
    timer = StudyTimer(started_at=LATE)
    now = LATE + datetime.timedelta(seconds=seconds)
    assert timers.elapsed_minutes(timer=timer, now=now) == minutes


# --- Services ---------------------------------------------------------------------------


def test_one_timer_per_learner(personas, course):
    timers.timer_start(user=personas.learner, course=course, now=LATE)
    with pytest.raises(ValidationError) as excinfo:
        timers.timer_start(user=personas.learner, course=make_course("C-2"))
    assert "already running on Course C-1" in excinfo.value.messages[0]
    assert StudyTimer.objects.get(user=personas.learner).course == course
    timers.timer_start(user=personas.other_learner, course=course)  # their own timer


def test_stopping_logs_the_time_elapsed_and_clears_the_timer(personas, course):
    start = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=PARIS)
    timers.timer_start(user=personas.learner, course=course, now=start)
    stopped = timers.timer_stop(user=personas.learner, note="ch. 2", now=minutes_later(start, 95))
    assert stopped.minutes == 95
    entry = TimeEntry.objects.get()
    assert (entry.date, entry.minutes, entry.note, entry.course) == (MAR_10, 95, "ch. 2", course)
    assert not StudyTimer.objects.exists()
    assert personas.learner.plans.filter(course=course).exists()  # through the service


def test_a_session_across_midnight_becomes_two_entries(personas, course):
    timers.timer_start(user=personas.learner, course=course, now=LATE)
    stopped = timers.timer_stop(user=personas.learner, now=minutes_later(LATE, 75))
    assert [(e.date, e.minutes) for e in stopped.entries] == [(MAR_10, 30), (MAR_11, 45)]
    assert sorted(TimeEntry.objects.values_list("date", "minutes")) == [(MAR_10, 30), (MAR_11, 45)]


def test_the_daily_limit_holds_on_the_second_day_and_nothing_is_written(personas, course):
    services.time_entry_create(user=personas.learner, course=course, date=MAR_11, minutes=23 * 60)
    timers.timer_start(user=personas.learner, course=course, now=LATE)
    with pytest.raises(ValidationError) as excinfo:
        timers.timer_stop(user=personas.learner, now=minutes_later(LATE, 150))
    message = excinfo.value.message_dict["minutes"][0]
    assert "At most 24 hours" in message and "2026-03-11" in message
    assert TimeEntry.objects.count() == 1  # not even the first day's part
    assert StudyTimer.objects.filter(user=personas.learner).exists()  # still running
    # Logging less (what fits on the 11th) goes through.
    stopped = timers.timer_stop(user=personas.learner, minutes=90, now=minutes_later(LATE, 150))
    assert [(e.date, e.minutes) for e in stopped.entries] == [(MAR_10, 30), (MAR_11, 60)]


def test_under_a_minute_is_not_logged(personas, course):
    timers.timer_start(user=personas.learner, course=course, now=LATE)
    stopped = timers.timer_stop(user=personas.learner, now=LATE + datetime.timedelta(seconds=40))
    assert stopped.entries == [] and stopped.minutes == 0
    assert not TimeEntry.objects.exists() and not StudyTimer.objects.exists()


def test_more_than_the_timer_ran_is_refused(personas, course):
    timers.timer_start(user=personas.learner, course=course, now=LATE)
    with pytest.raises(ValidationError) as excinfo:
        timers.timer_stop(user=personas.learner, minutes=61, now=minutes_later(LATE, 60))
    assert "ran for 1h" in excinfo.value.message_dict["minutes"][0]


def test_over_8_hours_asks_before_logging(personas, course):
    start = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=PARIS)
    timers.timer_start(user=personas.learner, course=course, now=start)
    now = minutes_later(start, 9 * 60)
    with pytest.raises(ValidationError) as excinfo:
        timers.timer_stop(user=personas.learner, now=now)
    assert "over 8 hours" in excinfo.value.message_dict["confirm"][0]
    assert not TimeEntry.objects.exists()
    # Corrected to 2 hours: no question; or confirmed as it is.
    assert timers.timer_stop(user=personas.learner, minutes=120, now=now).minutes == 120
    timers.timer_start(user=personas.learner, course=course, now=start)
    TimeEntry.objects.all().delete()
    assert timers.timer_stop(user=personas.learner, confirm_long=True, now=now).minutes == 540


def test_stopping_without_a_timer_is_refused(personas):
    with pytest.raises(ValidationError):
        timers.timer_stop(user=personas.learner)


# --- Pages ----------------------------------------------------------------------------------

NOW = datetime.datetime(2026, 3, 11, 0, 45, tzinfo=PARIS)  # 75 minutes after LATE


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def htmx(client, method, url, data=None):
    return getattr(client, method)(url, data or {}, headers={"hx-request": "true"})


def test_start_reload_stop_and_log_from_the_dashboard(learner_client, personas, course, at_now):
    with time_machine.travel(LATE, tick=False):
        response = htmx(learner_client, "post", reverse("progress:timer_start"), {"course": "C-1"})
        assert response.status_code == 200 and 'role="timer"' in response.text
    # A reload (or another device) shows the timer running since 23:30.
    page = learner_client.get(reverse("dashboard")).text
    assert 'data-timer-seconds="4500"' in page and "1:15:00" in page
    assert "Stop the timer" in page
    # Stop: the form shows the time elapsed, to the minute, and the two days.
    response = htmx(learner_client, "get", reverse("progress:timer_stop") + "?panel=dashboard")
    assert response.context["timer_stop_form"].initial["duration"] == "1h15"
    assert "crosses midnight" in response.text
    assert "30 min on 10 Mar 2026" in response.text and "45 min on 11 Mar 2026" in response.text
    response = htmx(
        learner_client,
        "post",
        reverse("progress:timer_stop"),
        {"panel": "dashboard", "duration": "1h15", "note": "", "log": ""},
    )
    assert response.status_code == 200
    assert 'id="progress-board"' in response.text
    assert "Timer stopped: 1h15 logged on Course C-1." in response.text
    assert sorted(TimeEntry.objects.values_list("date", "minutes")) == [(MAR_10, 30), (MAR_11, 45)]
    assert "Start the timer" in response.text


def test_the_stop_form_explains_the_daily_limit_never_a_500(
    learner_client, personas, course, at_now
):
    services.time_entry_create(user=personas.learner, course=course, date=MAR_11, minutes=1410)
    timers.timer_start(user=personas.learner, course=course, now=LATE)
    data = {"panel": "dashboard", "duration": "1h15", "log": ""}
    response = htmx(learner_client, "post", reverse("progress:timer_stop"), data)
    assert response.status_code == 200
    errors = response.context["timer_stop_form"].errors["duration"]
    assert "At most 24 hours can be logged on one day" in errors[0]
    assert "At most 24 hours can be logged on one day" in response.text
    assert TimeEntry.objects.count() == 1 and StudyTimer.objects.exists()
    # Without htmx: the timer's own page, with the message at the field.
    response = learner_client.post(reverse("progress:timer_stop"), data)
    assert response.status_code == 422 and "At most 24 hours" in response.text


def test_the_stop_form_asks_before_logging_over_8_hours(learner_client, personas, course, at_now):
    timers.timer_start(user=personas.learner, course=course, now=minutes_later(NOW, -9 * 60))
    response = htmx(learner_client, "get", reverse("progress:timer_stop"))
    assert "over 8 hours" in response.text and 'name="confirm"' in response.text
    data = {"panel": "dashboard", "duration": "9h", "log": ""}
    response = htmx(learner_client, "post", reverse("progress:timer_stop"), data)
    assert "confirm" in response.context["timer_stop_form"].errors
    assert not TimeEntry.objects.exists()
    htmx(learner_client, "post", reverse("progress:timer_stop"), data | {"confirm": "on"})
    assert sum(TimeEntry.objects.values_list("minutes", flat=True)) == 540


def test_under_a_minute_the_stop_form_logs_nothing(learner_client, personas, course, at_now):
    timers.timer_start(user=personas.learner, course=course, now=NOW)
    response = htmx(learner_client, "get", reverse("progress:timer_stop"))
    assert "under a minute: nothing is logged" in response.text
    assert 'name="duration"' not in response.text
    response = htmx(
        learner_client,
        "post",
        reverse("progress:timer_stop"),
        {"panel": "dashboard", "discard": ""},
    )
    assert "nothing was logged" in response.text
    assert not StudyTimer.objects.exists() and not TimeEntry.objects.exists()


def test_starting_twice_shows_the_error_at_the_course(learner_client, personas, course):
    timers.timer_start(user=personas.learner, course=course)
    response = htmx(learner_client, "post", reverse("progress:timer_start"), {"course": "C-1"})
    assert response.status_code == 200 and "already running" in response.text
    response = htmx(learner_client, "post", reverse("progress:timer_start"), {"course": ""})
    assert StudyTimer.objects.count() == 1
    timers.timer_discard(user=personas.learner)
    response = htmx(learner_client, "post", reverse("progress:timer_start"), {"course": ""})
    assert "Choose the course you study." in response.text
    response = learner_client.post(reverse("progress:timer_start"), {"course": "NOPE"})
    assert response.status_code == 422 and "does not exist" in response.text
    assert not StudyTimer.objects.exists()


def test_start_without_javascript_redirects_back(learner_client, personas, course):
    response = learner_client.post(
        reverse("progress:timer_start"), {"course": "C-1", "next": "/catalogue/C-1/"}
    )
    assert response.status_code == 302 and response.url == "/catalogue/C-1/"
    assert StudyTimer.objects.get().course == course


def test_the_course_page_offers_the_timer_on_its_course(learner_client, personas, course):
    page = learner_client.get(reverse("courses:course", args=["C-1"])).text
    assert 'id="study-timer"' in page
    assert '<input type="hidden" name="course" value="C-1">' in page
    response = htmx(
        learner_client,
        "post",
        reverse("progress:timer_start"),
        {"course": "C-1", "panel": "course", "page": "C-1"},
    )
    assert "Studying Course C-1" in response.text
    # A reload of the course page shows it running, its start in the learner's zone.
    page = learner_client.get(reverse("courses:course", args=["C-1"])).text
    started = StudyTimer.objects.get().started_at.astimezone(PARIS)
    assert 'role="timer"' in page and f"since {started.day} {started:%b %Y}" in page
    timers.timer_discard(user=personas.learner)
    timers.timer_start(
        user=personas.learner, course=course, now=minutes_later(datetime.datetime.now(PARIS), -30)
    )
    response = htmx(
        learner_client,
        "post",
        reverse("progress:timer_stop"),
        {"panel": "course", "page": "C-1", "duration": "30", "log": ""},
    )
    assert 'id="course-progress"' in response.text and "30 min logged" in response.text


def test_stopping_without_javascript(learner_client, personas, course, at_now):
    timers.timer_start(user=personas.learner, course=course, now=minutes_later(NOW, -40))
    response = learner_client.get(reverse("progress:timer_stop"))
    assert response.status_code == 200 and "<html" in response.text
    assert 'value="40 min"' in response.text
    response = learner_client.post(reverse("progress:timer_stop"), {"duration": "40", "log": ""})
    assert response.status_code == 302 and response.url == reverse("dashboard")
    assert TimeEntry.objects.get().minutes == 40 and not StudyTimer.objects.exists()


def test_keep_running_and_discard(learner_client, personas, course):
    timers.timer_start(user=personas.learner, course=course)
    response = htmx(learner_client, "get", reverse("progress:timer") + "?panel=dashboard")
    assert "Stop the timer" in response.text
    htmx(learner_client, "post", reverse("progress:timer_stop"), {"discard": ""})
    assert not StudyTimer.objects.exists() and not TimeEntry.objects.exists()
    # Stopped elsewhere meanwhile: said so, not an error.
    response = htmx(learner_client, "post", reverse("progress:timer_stop"), {"duration": "1h"})
    assert response.status_code == 200 and "No timer is running." in response.text


def test_another_learners_timer_is_never_shown_or_stopped(client, personas, course):
    timers.timer_start(user=personas.learner, course=course)
    client.force_login(personas.other_learner)
    assert 'role="timer"' not in client.get(reverse("dashboard")).text
    client.post(reverse("progress:timer_stop"), {"duration": "1"})
    assert StudyTimer.objects.filter(user=personas.learner).exists()


# --- API --------------------------------------------------------------------------------

TIMER = "/api/me/timer"


def test_api_start_get_and_stop(learner_client, personas, course, at_now):
    assert learner_client.get(TIMER).json() == {
        "running": False,
        "course": None,
        "started": None,
        "elapsed_minutes": 0,
    }
    with time_machine.travel(LATE, tick=False):
        response = learner_client.post(TIMER, {"course": "C-1"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["running"] is True
    data = learner_client.get(TIMER).json()
    assert (data["course"], data["elapsed_minutes"]) == ("C-1", 75)
    assert datetime.datetime.fromisoformat(data["started"]) == LATE
    again = learner_client.post(TIMER, {"course": "C-1"}, content_type="application/json")
    assert again.status_code == 409 and "already running" in again.json()["detail"]
    response = learner_client.delete(TIMER + "?note=ch.%203")
    assert response.status_code == 200
    body = response.json()
    assert body["course"] == "C-1" and body["logged_minutes"] == 75
    assert [(e["date"], e["minutes"], e["note"]) for e in body["entries"]] == [
        ("2026-03-10", 30, "ch. 3"),
        ("2026-03-11", 45, "ch. 3"),
    ]
    assert learner_client.delete(TIMER).status_code == 404


def test_api_stop_refusals_are_422_and_keep_the_timer(learner_client, personas, course, at_now):
    # 23h30 logged on the 11th: the 45 minutes of the session after midnight do not fit.
    services.time_entry_create(user=personas.learner, course=course, date=MAR_11, minutes=1410)
    timers.timer_start(user=personas.learner, course=course, now=LATE)
    response = learner_client.delete(TIMER)
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["query", "minutes"] and "24 hours" in detail["msg"]
    for bad in ("minutes=0", "minutes=abc", "minutes=1441", "minutes=76"):
        assert learner_client.delete(f"{TIMER}?{bad}").status_code == 422, bad
    assert StudyTimer.objects.exists() and TimeEntry.objects.count() == 1
    assert learner_client.delete(TIMER + "?minutes=60").status_code == 200  # 30 + 30 fits


def test_api_over_8_hours_needs_confirm(learner_client, personas, course, at_now):
    timers.timer_start(user=personas.learner, course=course, now=minutes_later(NOW, -9 * 60))
    response = learner_client.delete(TIMER)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "confirm"]
    assert learner_client.delete(TIMER + "?confirm=true").json()["logged_minutes"] == 540


def test_api_discard_and_unknown_course(learner_client, personas, course):
    assert (
        learner_client.post(TIMER, {"course": "NOPE"}, content_type="application/json").status_code
        == 404
    )
    timers.timer_start(user=personas.learner, course=course)
    response = learner_client.delete(TIMER + "?discard=true")
    assert response.json() == {"course": "C-1", "logged_minutes": 0, "entries": []}
    assert not TimeEntry.objects.exists()


def test_api_timer_with_a_token_and_anonymous(client, personas, course):
    _token, raw = ApiToken.issue(user=personas.learner, name="cli")
    auth = {"authorization": f"Bearer {raw}"}
    response = client.post(
        TIMER, json.dumps({"course": "C-1"}), content_type="application/json", headers=auth
    )
    assert response.status_code == 201
    assert client.get(TIMER).status_code == 401
    assert client.delete(TIMER).status_code == 401
    assert StudyTimer.objects.filter(user=personas.learner).exists()


def test_the_timer_page_has_its_heading_and_the_timer_under_it(learner_client, course):
    page = learner_client.get(reverse("progress:timer")).text
    assert "<h1>Study timer</h1>" in page and '<h2 id="study-timer-title">' in page
    # A swap on the timer page keeps the h2; on the dashboard the timer is under an h2: h3.
    on_page = {"hx-request": "true", "hx-current-url": "http://testserver/progress/timer/"}
    response = learner_client.get(reverse("progress:timer"), headers=on_page)
    assert '<h2 id="study-timer-title">' in response.text
    response = htmx(learner_client, "get", reverse("progress:timer") + "?panel=dashboard")
    assert '<h3 id="study-timer-title">' in response.text
