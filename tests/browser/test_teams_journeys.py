"""The manager's journey in a real browser: assign the AI Product Owner track to the team
with a due date; the learner sees it, chooses an option and logs hours; the team
dashboard shows each one's status and the heatmap, filters without a reload (htmx); axe
on the team pages."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import account_menu, assert_accessible
from tests.factories import (
    PASSWORD,
    make_competency,
    make_snapshot,
    make_target,
    make_team,
    make_user,
)
from tests.progress_helpers import make_track_with_options
from tracker.teams.models import Assignment

pytestmark = pytest.mark.browser


def _log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def _log_out(page) -> None:
    account_menu(page).get_by_role("button", name="Log out").click()


def test_manager_assigns_the_track_and_follows_the_team(page):
    track, _p1, _p2, a, _b, _c = make_track_with_options("ai-product-owner")
    track.name_en = "AI Product Owner"
    track.save()
    make_target(track, make_competency("mlops", name_en="MLOps"), 3)
    manager = make_user("manager@example.test", name="Mia Manager", language="en")
    learner = make_user("learner@example.test", name="Léa Learner", language="en")
    idle = make_user("idle@example.test", name="Ivo Idle", language="en")
    team = make_team("Team A", managers=[manager], members=[learner, idle])
    make_snapshot(learner, {"mlops": 2}, track=track)
    due = manager.local_today() + datetime.timedelta(days=90)

    _log_in(page, "manager@example.test")
    page.get_by_role("link", name="Team A").click()
    page.get_by_role("button", name="Assign a track or a course").click()
    assert_accessible(page)
    page.get_by_label("Track").select_option(track.code)
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_label("Note").fill("Before the summer")
    # Ticking nobody never means the whole team (tests/test_teams_assignments.py): it is
    # said, then confirmed with the count.
    page.get_by_label("The whole team").check()
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_role("heading", name="Assign to 2 learners?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, assign to 2 learners").click()
    expect(page.locator(".message-success, [role=status]").first).to_contain_text("2 learner")
    assert Assignment.objects.filter(track=track).count() == 2
    expect(page.locator("#team-table")).to_contain_text("AI Product Owner")
    _log_out(page)

    _log_in(page, "learner@example.test")
    expect(page.locator("#assignments-title")).to_be_visible()
    expect(page.get_by_text("Before the summer")).to_be_visible()
    page.goto(f"/tracks/{track.code}/")
    page.get_by_role("link", name="compare the options").first.click()
    page.get_by_role("button", name=re.compile(f"Choose this option.*{a.title}")).click()
    page.goto("/")
    page.get_by_label("Course").select_option(a.code)
    page.get_by_label("Duration").fill("3h")
    page.get_by_role("button", name="Log", exact=True).click()
    expect(page.locator("#recent-entries")).to_contain_text(a.title)
    _log_out(page)

    _log_in(page, "manager@example.test")
    page.goto(f"/teams/{team.pk}/")
    table = page.locator("#team-table")
    expect(table.get_by_role("row", name=re.compile("Léa Learner"))).to_contain_text("on track")
    expect(table.get_by_role("row", name=re.compile("Ivo Idle"))).to_contain_text("not started")
    heatmap = page.locator("table.heatmap")
    expect(heatmap.get_by_role("row", name=re.compile("Léa Learner"))).to_contain_text("▼ 2")
    expect(heatmap.get_by_role("row", name=re.compile("Ivo Idle"))).to_contain_text("not rated")
    assert_accessible(page)
    # Filtering swaps the table in place (htmx) and keeps the URL shareable.
    page.get_by_label("Status").select_option("not_started")
    expect(table.get_by_role("row", name=re.compile("Léa Learner"))).to_have_count(0)
    expect(page.locator("#team-table")).to_contain_text("Ivo Idle")
    expect(page).to_have_url(re.compile(r"status=not_started"))
    page.get_by_role("link", name="Ivo Idle", exact=True).click()
    expect(page.get_by_role("heading", name="Ivo Idle")).to_be_visible()
    assert_accessible(page)
    # The team's assignment history, whole, on its own page.
    page.goto(f"/teams/{team.pk}/history/")
    expect(page.get_by_role("row", name=re.compile("Léa Learner"))).to_contain_text("assigned")
    assert_accessible(page)
