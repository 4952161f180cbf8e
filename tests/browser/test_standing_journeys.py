"""The dashboard's "Where I stand" summary on a phone (390 px) and a laptop (1366 px): the
whole summary is on the first screen, axe finds nothing, and a quick log updates it."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.checks import LAPTOP, PHONE, assert_accessible, log_in
from tracker.progress import verdicts
from tracker.progress.durations import format_hours

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1366px"])
def test_the_summary_is_on_the_first_screen(page, demo, viewport, tmp_path):
    page.set_viewport_size(viewport)
    log_in(page, demo.email)
    page.goto("/")
    summary = page.locator("#standing")
    expect(summary.get_by_role("heading", name="Où j\u2019en suis")).to_be_visible()
    box = summary.bounding_box()
    assert box["y"] + box["height"] <= viewport["height"], (
        f"the summary ends {box['y'] + box['height']} px down at {viewport['width']} px"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    expect(summary.locator("progress")).to_have_count(2)
    expect(summary.get_by_role("button", name=re.compile("^Continuer "))).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"standing-{viewport['width']}.png"))


def test_log_time_jumps_to_the_quick_log_and_the_summary_follows(page, demo):
    page.set_viewport_size(PHONE)
    log_in(page, demo.email)
    page.goto("/")
    week = page.locator("#standing .standing-card").first.locator(".standing-figure")
    before = week.inner_text()
    page.locator("#standing").get_by_role("button", name="Saisir du temps").click()
    expect(page).to_have_url(re.compile("#quicklog$"))
    page.locator("#id_duration").fill("7h")
    page.locator("#quicklog").get_by_role("button", name="Saisir", exact=True).click()
    expect(page.locator("#progress-board .logged")).to_contain_text("7h saisi")
    expect(week).not_to_have_text(before)
    week_minutes = verdicts.learner_progress(user=demo).week_minutes
    with translation.override("fr"):
        expect(week).to_have_text(
            f"{format_hours(week_minutes / 60)} h sur {format_hours(demo.weekly_hours_available)} h"
        )
    assert_accessible(page)
