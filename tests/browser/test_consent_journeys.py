"""Consent in a real browser (issue 11): a manager invites a learner, who is only
"invited" until they accept; they accept and appear in the team's table; they leave from
their profile and disappear from it at once. Axe on each new page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import account_menu, assert_accessible, log_in
from tests.factories import make_team, make_user

pytestmark = pytest.mark.browser


def _log_out(page) -> None:
    account_menu(page).get_by_role("button", name="Log out").click()


def test_invite_accept_then_leave(page):
    manager = make_user("manager@example.test", name="Mia Manager", language="en")
    make_user("lea@example.test", name="Léa Learner", language="en")
    team = make_team("Team A", managers=[manager])
    table = page.locator("#team-table")

    # The manager invites: the team page shows the address only, not in the table.
    log_in(page, "manager@example.test")
    page.goto(f"/teams/{team.pk}/")
    page.get_by_label("Email address").fill("LEA@example.test")
    page.get_by_role("button", name="Invite to the team").click()
    expect(page.get_by_text("Invitation sent to lea@example.test")).to_be_visible()
    expect(page.get_by_text("invited: lea@example.test")).to_be_visible()
    expect(table).not_to_contain_text("Léa Learner")
    assert_accessible(page)
    _log_out(page)

    # The learner reads the notification and accepts.
    log_in(page, "lea@example.test")
    page.goto("/notifications/")
    page.get_by_role("link", name="Mia Manager invites you to join the team Team A").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation to the team Team A")
    assert_accessible(page)
    page.get_by_role("button", name="Accept and join the team").click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.get_by_text("You joined the team Team A.")).to_be_visible()
    teams = page.locator("section[aria-labelledby=teams-title]")
    expect(teams).to_contain_text("Team A")
    expect(teams).to_contain_text("Mia Manager")
    assert_accessible(page)
    _log_out(page)

    # Now the manager sees her in the table.
    log_in(page, "manager@example.test")
    page.goto(f"/teams/{team.pk}/")
    expect(table).to_contain_text("Léa Learner")
    expect(page.get_by_text("invited: lea@example.test")).to_have_count(0)
    _log_out(page)

    # She leaves (after confirming) ...
    log_in(page, "lea@example.test")
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Leave Team A").click()
    assert_accessible(page)
    page.get_by_role("button", name="Leave the team").click()
    expect(page.get_by_text("You left the team Team A")).to_be_visible()
    expect(page.locator("section[aria-labelledby=teams-title]")).to_contain_text(
        "No team sees your progress."
    )
    _log_out(page)

    # ... and is gone from the team at once; the manager is told.
    log_in(page, "manager@example.test")
    page.goto(f"/teams/{team.pk}/")
    expect(table).not_to_contain_text("Léa Learner")
    page.goto("/notifications/")
    expect(page.get_by_text("Léa Learner left the team Team A")).to_be_visible()
    page.goto(f"/teams/{team.pk}/history/")
    history = page.locator("main table")
    for action in ("invited", "accepted the invitation", "left the team"):
        expect(history).to_contain_text(action)
    assert_accessible(page)
