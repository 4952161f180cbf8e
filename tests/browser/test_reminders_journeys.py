"""What only a browser shows of reminders: marking notifications read with htmx updates
the list and the nav's unread badge in place, under the strict CSP; the pages pass axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.checks import assert_accessible, log_in
from tests.factories import make_user
from tracker.reminders.models import Notification

pytestmark = pytest.mark.browser


def test_notifications_are_marked_read_in_place_and_the_badge_follows(page):
    user = make_user("learner@example.test", language="en")
    for title in ("Your week: 3 h studied of 5 h planned", "Behind pace on MLOps"):
        Notification.objects.create(user=user, kind="weekly_digest", title=title)
    log_in(page, "learner@example.test")
    badge = page.locator("#unread-badge")
    expect(badge).to_contain_text("2")

    page.goto("/notifications/")
    assert_accessible(page)
    page.get_by_role("button", name="Mark as read").first.click()
    expect(page.get_by_role("button", name="Mark as read")).to_have_count(1)
    expect(badge).to_contain_text("1")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("button", name="Mark as read")).to_have_count(0)
    expect(badge).to_have_text("")
    assert not Notification.objects.filter(read=False).exists()


def test_preferences_show_the_error_at_the_field(page):
    make_user("learner@example.test", language="en")
    log_in(page, "learner@example.test")
    page.goto("/reminders/preferences/")
    assert_accessible(page)
    page.get_by_label("Hour (0 to 23, your local time)").fill("25")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Hour (0 to 23, your local time)")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert_accessible(page)
