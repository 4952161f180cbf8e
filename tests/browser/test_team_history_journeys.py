"""A manager reads the team history at 1366 px: sentences, a filter by learner (a plain
GET form), the CSV link keeps the filter; axe finds nothing."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.checks import LAPTOP, assert_accessible, log_in
from tests.factories import make_course, make_team, make_user
from tracker.teams import services

pytestmark = pytest.mark.browser


def test_manager_filters_the_history_by_learner(page):
    manager = make_user("manager@example.test", name="Mia Manager", language="en")
    lea = make_user("lea@example.test", name="Léa Learner", language="en")
    sam = make_user("sam@example.test", name="Sam Second", language="en")
    team = make_team("Team A", managers=[manager], members=[lea, sam])
    due = manager.local_today() + datetime.timedelta(days=30)
    for learner, code in ((lea, "PY1"), (sam, "GO1")):
        services.assignment_assign(
            actor=manager,
            team=team,
            assignees=[learner],
            course=make_course(code, title=f"Course {code}"),
            due_date=due,
        )
    services.membership_leave(team=team, user=sam)
    page.set_viewport_size(LAPTOP)
    log_in(page, "manager@example.test")
    page.goto(f"/teams/{team.pk}/history/")
    table = page.get_by_role("region", name="3 events")
    expect(table).to_contain_text("Sam Second left the team.")
    expect(table).to_contain_text("Mia Manager assigned the course “Course PY1” to Léa Learner")
    assert_accessible(page)

    page.get_by_label("Learner").select_option(label="Léa Learner")
    page.get_by_role("button", name="Show").click()
    table = page.get_by_role("region", name="1 event")
    expect(table).to_contain_text("Course PY1")
    expect(table).not_to_contain_text("Sam Second")
    export = page.get_by_role("link", name="Export this history (CSV)")
    assert f"learner={lea.pk}" in export.get_attribute("href")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= LAPTOP["width"]
