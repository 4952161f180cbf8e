"""What only a browser shows of the learner's progress: joining a track and choosing an
option from the catalogue's pages, then the quick-log form adds an entry
and moves the numbers without a reload, errors appear at the field, entries are edited
and deleted inline (htmx); the dashboard and the entries page pass axe."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.checks import assert_accessible
from tests.factories import PASSWORD, make_user
from tests.progress_helpers import make_track_with_options
from tracker.accounts.models import User
from tracker.progress import services
from tracker.progress.models import StudyTimer, TimeEntry

pytestmark = pytest.mark.browser


def _log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_quick_log_updates_the_dashboard_and_entries_are_edited_inline(page):
    make_user("learner@example.test", language="en")
    track, _p1, _p2, a, _b, _c = make_track_with_options()
    _log_in(page, "learner@example.test")
    page.goto(f"/tracks/{track.code}/")
    page.get_by_role("button", name="Join this track").click()
    page.get_by_role("link", name="compare the options").first.click()
    page.get_by_role("button", name=re.compile(f"Choose this option.*{a.title}")).click()
    expect(page.get_by_text("Chosen")).to_be_visible()
    page.goto("/")
    expect(page.locator("#progress-board")).to_contain_text("0 h of 10 h (0%)")
    assert_accessible(page)

    page.locator("#id_course").select_option(a.code)
    page.get_by_label("Duration").fill("0")
    page.get_by_role("button", name="Log", exact=True).click()
    expect(page.locator("#id_duration")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_duration_error")).to_contain_text("more than zero")
    assert not TimeEntry.objects.exists()

    page.get_by_label("Duration").fill("1h30")
    page.get_by_label("Note").fill("<b>chapter 1</b>")
    page.get_by_role("button", name="Log", exact=True).click()
    expect(page.locator("#recent-entries")).to_contain_text("<b>chapter 1</b>")
    expect(page.locator("#progress-board")).to_contain_text("1.5 h of 10 h (15%)")
    assert TimeEntry.objects.get().minutes == 90

    page.get_by_role("link", name="All my entries").click()
    assert_accessible(page)
    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Duration").fill("2h")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("table.entries")).to_contain_text("2h")
    assert TimeEntry.objects.get().minutes == 120

    expect(page.locator("table.entries caption")).to_contain_text("1 entry, 2h in all")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete").click()
    expect(page.locator("table.entries caption")).to_contain_text("0 entries")
    expect(page.locator("table.entries")).to_contain_text("No entries.")
    assert not TimeEntry.objects.exists()


def test_study_timer_survives_a_reload_and_logs_on_a_phone(page):
    """At 390 px: start the timer, reload, stop, and the entry and the summary move."""
    # A zone where the last 90 minutes are all today: a session across midnight is logged
    # on both days (its own test), and this run fell at 00:20 in Paris once.
    paris_hour = timezone.now().astimezone(zoneinfo.ZoneInfo("Europe/Paris")).hour
    zone = "Europe/Paris" if 3 <= paris_hour <= 21 else "America/New_York"
    make_user("learner@example.test", language="en", timezone=zone)
    _track, p1, _p2, a, _b, _c = make_track_with_options()
    _log_in(page, "learner@example.test")
    page.set_viewport_size({"width": 390, "height": 844})
    user = User.objects.get(email="learner@example.test")
    services.phase_choose(user=user, phase=p1, course=a)
    page.goto("/")
    expect(page.locator("#progress-board")).to_contain_text("0 h of 10 h (0%)")
    timer = page.locator("#study-timer")
    timer.get_by_label("What are you studying?").select_option(a.code)
    timer.get_by_role("button", name="Start the timer").click()
    expect(timer.get_by_role("timer")).to_be_visible()
    assert StudyTimer.objects.get(user=user).course == a
    # An hour and a half goes by (the start is on the server), and the page is reloaded.
    StudyTimer.objects.filter(user=user).update(
        started_at=timezone.now() - datetime.timedelta(minutes=90)
    )
    page.reload()
    expect(timer.get_by_role("timer")).to_contain_text(re.compile(r"^1:30:\d\d$"))
    assert_accessible(page)
    assert_fits(page)

    timer.get_by_role("button", name="Stop the timer").click()
    expect(timer.get_by_label("Duration")).to_have_value("1h30")
    assert_accessible(page)
    timer.get_by_role("button", name="Log", exact=True).click()
    expect(page.locator("#progress-board")).to_contain_text("Timer stopped: 1h30 logged")
    expect(page.locator("#progress-board")).to_contain_text("1.5 h of 10 h (15%)")
    expect(page.locator("#recent-entries")).to_contain_text("1h30")
    expect(timer.get_by_role("button", name="Start the timer")).to_be_visible()
    assert sum(TimeEntry.objects.values_list("minutes", flat=True)) == 90
    assert not StudyTimer.objects.exists()
    assert_fits(page)


def assert_fits(page) -> None:
    """The timer does not stick out sideways on a phone."""
    right = page.locator("#study-timer").evaluate("e => e.getBoundingClientRect().right")
    assert right <= page.evaluate("window.innerWidth")
