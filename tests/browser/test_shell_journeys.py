"""The shell on a laptop (1366 px) and a phone (390 px): every learner page and the
manager's team page fit their window (nothing scrolls sideways: wide tables scroll inside a
labelled, focusable region), the page's heading is on the first screen, axe finds nothing,
and on a phone the navigation folds into a "Menu" button that opens and closes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.checks import LAPTOP, PHONE, account_menu, assert_accessible, log_in
from tests.demo_pages import learner_pages
from tracker.accounts.models import Team

pytestmark = [pytest.mark.browser]


def _assert_fits(page, path: str, viewport: dict) -> None:
    page.goto(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{path} is {width} px wide at {viewport['width']} px"
    heading = page.locator("main h1").first
    top = heading.bounding_box()["y"]
    assert top < viewport["height"] - 40, f"{path}: the heading starts {top} px down"
    # Every region that scrolls sideways can be reached and named (axe checks the rest).
    for region in page.locator(".table-scroll").all():
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("aria-label") or region.get_attribute("aria-labelledby")
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1366px"])
def test_every_learner_page_fits_its_window(page, demo, viewport):
    page.set_viewport_size(viewport)
    log_in(page, demo.email)
    for path in [*learner_pages(demo), "/accounts/tokens/", "/tracks/"]:
        _assert_fits(page, path, viewport)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1366px"])
def test_the_team_page_fits_its_window(page, demo, viewport):
    page.set_viewport_size(viewport)
    log_in(page, "manager@parcours.test")
    team = Team.objects.get(managers__email="manager@parcours.test")
    _assert_fits(page, f"/teams/{team.pk}/", viewport)


def test_on_a_phone_the_navigation_is_a_menu(page, demo):
    page.set_viewport_size(PHONE)
    log_in(page, demo.email)
    nav = page.get_by_role("navigation", name="Principal")
    catalogue = nav.get_by_role("link", name="Catalogue")
    expect(catalogue).to_be_hidden()
    toggle = nav.get_by_role("button", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(catalogue).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(catalogue).to_be_hidden()
    expect(toggle).to_be_focused()
    toggle.click()
    catalogue.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Catalogue")
    # The account menu is inside the phone menu too.
    account_menu(page).get_by_role("button", name="Se déconnecter").click()
    expect(page.locator("#id_username")).to_be_visible()


def test_on_a_laptop_the_navigation_is_one_row(page, demo):
    page.set_viewport_size(LAPTOP)
    log_in(page, demo.email)
    expect(page.locator(".nav-toggle")).to_be_hidden()
    links = page.locator(".site-nav a, .site-nav summary").all()
    middles = [
        (box["y"] + box["height"] / 2)
        for link in links
        if link.is_visible() and (box := link.bounding_box())
    ]
    assert max(middles) - min(middles) < 8, f"the navigation wraps: rows at {sorted(middles)}"
