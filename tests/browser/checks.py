"""Checks for browser tests: axe-core accessibility and visible keyboard focus; and the
login every journey starts with."""

from __future__ import annotations

import re

import pytest

# The two windows the learner's pages are checked in: a phone and a laptop.
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def assert_accessible(page) -> None:
    """Runs axe-core (bundled by axe-playwright-python) on the current page and fails
    with a readable report on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    if results.violations_count:
        pytest.fail(f"{page.url}\n{results.generate_report()}", pytrace=False)


# The focused element as a keyboard user would name it (tag, id, name, label) and whether
# it shows a focus indicator: an outline of some width or a box-shadow ring.
_FOCUS_STATE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return {name: "<body>", visible: false};
    const label = el.getAttribute("aria-label") || (el.labels && el.labels[0]
        && el.labels[0].textContent) || el.textContent || el.value || "";
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
    return {
        name: `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
            + `${el.name ? " name=" + el.name : ""}> `
            + `"${label.trim().replace(/\\s+/g, " ").slice(0, 60)}"`,
        visible: outline || s.boxShadow !== "none",
        style: `outline: ${s.outlineStyle} ${s.outlineWidth}; box-shadow: ${s.boxShadow}`,
    };
}"""


def focused_element(page) -> str:
    """A short description of document.activeElement ("<body>" when nothing has focus)."""
    return page.evaluate(_FOCUS_STATE)["name"]


def assert_focus_visible(page) -> None:
    """Something other than <body> has the focus and shows a focus indicator."""
    state = page.evaluate(_FOCUS_STATE)
    assert state["name"] != "<body>", "the focus is lost: nothing but <body> has it"
    assert state["visible"], f"no visible focus on {state['name']} ({state['style']})"


def tab_to(page, locator, *, key: str = "Tab", max_steps: int = 60) -> None:
    """Presses `key` (Tab or Shift+Tab) until `locator` has the focus; every stop on the
    way must show its focus. Fails with the stops visited."""
    target = locator.element_handle()
    visited: list[str] = []
    for _ in range(max_steps):
        page.keyboard.press(key)
        state = page.evaluate(_FOCUS_STATE)
        visited.append(state["name"])
        if not state["visible"]:
            pytest.fail(
                f"no visible focus on {state['name']} ({state.get('style', '')}) on the way to "
                f"{locator}; visited:\n" + "\n".join(visited),
                pytrace=False,
            )
        if page.evaluate("el => document.activeElement === el", target):
            return
    pytest.fail(
        f"{key} x{max_steps} never reached {locator}; visited:\n" + "\n".join(visited),
        pytrace=False,
    )


def log_in_with_keyboard(page, email: str) -> None:
    """Logs in with the keyboard only: the email field has the focus on arrival."""
    from playwright.sync_api import expect

    from tests.factories import PASSWORD

    page.goto("/accounts/login/")
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def log_in(page, email: str) -> None:
    """Logs in through the login page with the factories' password."""
    from playwright.sync_api import expect

    from tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def open_menu(page) -> None:
    """On a phone the navigation folds into the "Menu" button: open it (no-op on a laptop)."""
    toggle = page.locator(".nav-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def account_menu(page):
    """The signed-in person's menu (profile, log out, language), opened; returns it."""
    open_menu(page)
    menu = page.locator(".account-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    return menu


def follow_sign_up_link(page) -> None:
    """A sign-up ends with "check your email": open the emailed link and confirm, as the
    person would (the account opens and they land on the dashboard)."""
    from django.core import mail
    from playwright.sync_api import expect

    expect(page).to_have_url(re.compile(r"/accounts/signup/sent/$"))
    link = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+/)", mail.outbox[-1].body)
    page.goto(link.group(1))
    page.locator("main button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/signup/"))
