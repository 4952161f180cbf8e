"""The manager's team page at 1366 px (and 390 px): it fits its window, the table and the
heatmap scroll in labelled regions with the learner's name in view; the manager sorts by a
column header, spots who is behind, reminds them, and prints the report (the print
stylesheet applies). axe on each state."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import LAPTOP, PHONE, assert_accessible
from tests.factories import (
    PASSWORD,
    make_competency,
    make_snapshot,
    make_target,
    make_team,
    make_user,
)
from tests.progress_helpers import make_track_with_options
from tracker.reminders.models import Notification
from tracker.teams import services as team_services

pytestmark = pytest.mark.browser


def _log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _world():
    track, _p1, _p2, _a, _b, _c = make_track_with_options("ai-product-owner")
    track.name_en = "AI Product Owner"
    track.save()
    competencies = [make_competency(f"c{n:02d}", name_en=f"Competency {n:02d}") for n in range(16)]
    for competency in competencies:
        make_target(track, competency, 3)
    manager = make_user("manager@example.test", name="Mia Manager", language="en")
    learners = [
        make_user(f"l{n}@example.test", name=f"Learner {n} With A Long Name", language="en")
        for n in range(6)
    ]
    team = make_team("Team A", managers=[manager], members=learners)
    make_snapshot(learners[0], {c.code: 1 for c in competencies}, track=track)
    make_snapshot(learners[1], {c.code: 3 for c in competencies}, track=track)
    today = manager.local_today()
    team_services.assignment_assign(
        actor=manager,
        team=team,
        assignees=learners,
        track=track,
        due_date=today + datetime.timedelta(days=30),
    )
    return team, learners


def test_a_manager_spots_who_is_behind_reminds_them_and_prints_the_report(page):
    team, learners = _world()
    page.set_viewport_size(LAPTOP)
    _log_in(page, "manager@example.test")
    page.goto(f"/teams/{team.pk}/")
    _fits(page, LAPTOP["width"])
    table = page.get_by_role("region", name="The progress table")
    expect(table).to_have_attribute("tabindex", "0")
    # Every column of the table shows at 1366 px, down to the status and the last
    # activity: its headers and notes wrap rather than push them out of the window.
    assert table.evaluate("el => el.scrollWidth <= el.clientWidth"), "the table scrolls"
    expect(table.get_by_role("link", name="Last activity")).to_be_in_viewport()
    heatmap = page.get_by_role("region", name="The heatmap, as a table")
    expect(heatmap).to_have_attribute("tabindex", "0")
    # The name column stays in view while the heatmap scrolls.
    name_cell = page.locator("table.heatmap tbody th").first
    before = name_cell.bounding_box()["x"]
    heatmap.evaluate("el => el.scrollLeft = 600")
    assert abs(name_cell.bounding_box()["x"] - before) < 2
    assert_accessible(page)

    # Sort by a column header (a link: it works without JavaScript).
    page.locator("#team-table thead").get_by_role("link", name="Status").click()
    expect(page).to_have_url(re.compile(r"sort=status"))
    expect(page.locator("#team-table th[aria-sort=ascending]")).to_contain_text("Status")
    # The largest competency gap first: the learner three levels below on every one.
    page.get_by_role("link", name="Sort the learners by their largest gap").click()
    first = page.locator("table.heatmap tbody tr").first
    expect(first).to_contain_text(learners[0].name)
    expect(first).to_contain_text("▼▼ 1")
    expect(page.locator("table.heatmap tfoot")).to_contain_text("1 below target")
    # A competency leads to the catalogue's courses that build it.
    link = page.get_by_role("link", name="Courses that build Competency 00")
    expect(link).to_have_attribute("href", re.compile(r"/catalogue/\?competency=c00"))

    # Remind two learners.
    for learner in learners[:2]:
        page.get_by_role("checkbox", name=f"Select: {learner.name}").check()
    page.get_by_label("Reminder (up to 500 characters)").fill("Your first phase is due soon")
    page.get_by_role("button", name="Send the reminder").click()
    expect(page.locator(".messages")).to_contain_text("Reminder sent to 2 learners")
    assert Notification.objects.filter(kind="manager_message").count() == 2
    history = page.locator("#log-title + .table-scroll")
    expect(history).to_contain_text("a reminder: “Your first phase is due soon”")
    assert_accessible(page)

    # Printed: the table, the heatmap and the date; no forms, no navigation, no scrolling.
    page.emulate_media(media="print")
    expect(page.locator(".report-date")).to_be_visible()
    expect(page.locator("#team-table")).to_be_visible()
    expect(page.locator("table.heatmap")).to_be_visible()
    expect(page.locator("#team-act")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    assert page.locator("#team-table").evaluate("el => getComputedStyle(el).overflowX") == (
        "visible"
    )
    page.emulate_media(media="screen")
    expect(page.locator("#team-act")).to_be_visible()


def test_the_team_page_on_a_phone(page):
    team, _learners = _world()
    page.set_viewport_size(PHONE)
    _log_in(page, "manager@example.test")
    page.goto(f"/teams/{team.pk}/")
    _fits(page, PHONE["width"])
    # A phone scrolls the table sideways, a row a line, rather than squeeze each column.
    table = page.get_by_role("region", name="The progress table")
    assert table.evaluate("el => el.scrollWidth > el.clientWidth")
    row = page.locator("#team-table tbody tr").first
    assert row.bounding_box()["height"] < 60
    heading = page.get_by_role("heading", name="Team A", level=1)
    assert heading.bounding_box()["y"] < PHONE["height"]
    assert_accessible(page)
