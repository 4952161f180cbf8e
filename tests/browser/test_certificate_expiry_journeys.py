"""Issue 20's "Done when" for certificates: a learner records a certificate in the browser
and gets each expiry reminder once, in the app, and the dashboard flags it to renew."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import assert_accessible, log_in
from tests.factories import make_user
from tracker.reminders import services
from tracker.reminders.models import Notification, Reminder, ReminderPreference

pytestmark = pytest.mark.browser


def test_a_recorded_certificate_brings_each_expiry_reminder_once(page, monkeypatch):
    monkeypatch.setattr(services, "enqueue_send", lambda *, reminder_id: True)  # no broker
    user = make_user("learner@example.test", language="en", timezone="UTC")
    ReminderPreference.objects.create(user=user, digest_hour=0)
    now = dt.datetime.now(dt.UTC)
    expires = now.date() + dt.timedelta(days=5)  # recorded late: the 7-day stage has come

    log_in(page, "learner@example.test")
    page.goto("/certificates/")
    page.get_by_label("Title").fill("Azure AI Engineer")
    page.get_by_label("Date issued").fill("2024-01-15")
    page.get_by_label("Expiry date").fill(expires.isoformat())
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.locator("table.certificates")).to_contain_text("Azure AI Engineer")

    for _ in range(2):
        services.dispatch(now)
    page.goto("/notifications/")
    assert_accessible(page)
    main = page.locator("main")
    expect(main.get_by_text(re.compile(r"^Azure AI Engineer expires on"))).to_have_count(1)
    expect(main.get_by_text("expires in 5 days")).to_have_count(1)
    page.goto("/")
    expect(page.locator("main")).to_contain_text("Azure AI Engineer")

    on_the_day = dt.datetime.combine(expires, dt.time(1), tzinfo=dt.UTC)
    for _ in range(2):
        services.dispatch(on_the_day)
    page.goto("/notifications/")
    main = page.locator("main")
    expect(main.get_by_text("Azure AI Engineer expires today", exact=True)).to_have_count(1)
    expect(main.get_by_text(re.compile(r"^Azure AI Engineer expires on"))).to_have_count(1)
    periods = sorted(Reminder.objects.filter(user=user).values_list("period", flat=True))
    assert periods == [f"{expires}/0d", f"{expires}/7d"]
    assert Notification.objects.filter(user=user).count() == 2
