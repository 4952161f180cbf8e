"""Checks for browser tests: axe-core accessibility and visible keyboard focus; and the
login every journey starts with."""

from __future__ import annotations

import re

import pytest


def assert_accessible(page) -> None:
    """Runs axe-core (bundled by axe-playwright-python) on the current page and fails
    with a readable report on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    if results.violations_count:
        pytest.fail(f"{page.url}\n{results.generate_report()}", pytrace=False)


def assert_focus_visible(page) -> None:
    """The focused element shows a focus indicator (an outline or a box-shadow ring)."""
    style = page.evaluate(
        """() => {
            const el = document.activeElement;
            const s = getComputedStyle(el);
            return {tag: el.tagName, id: el.id, outline: s.outlineStyle,
                    width: s.outlineWidth, shadow: s.boxShadow};
        }"""
    )
    visible_outline = style["outline"] != "none" and style["width"] not in ("0px", "")
    assert visible_outline or style["shadow"] != "none", f"no visible focus on {style}"


def log_in(page, email: str) -> None:
    """Logs in through the login page with the factories' password."""
    from playwright.sync_api import expect

    from tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
