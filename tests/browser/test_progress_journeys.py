"""What only a browser shows of the learner's progress: joining a track and choosing an
option from the catalogue's pages, then the quick-log form adds an entry
and moves the numbers without a reload, errors appear at the field, entries are edited
and deleted inline (htmx); the dashboard and the entries page pass axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import assert_accessible
from tests.factories import PASSWORD, make_user
from tests.progress_helpers import make_track_with_options
from tracker.progress.models import TimeEntry

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

    page.get_by_label("Course").select_option(a.code)
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

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete").click()
    expect(page.locator("table.entries tbody tr")).to_have_count(0)
    assert not TimeEntry.objects.exists()
