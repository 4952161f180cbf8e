"""The catalogue in a real browser: htmx filtering under the strict CSP, the API docs
page on local assets, axe on every catalogue page, keyboard focus."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import assert_accessible, assert_focus_visible
from tests.factories import (
    PASSWORD,
    make_competency,
    make_course,
    make_option,
    make_track,
    make_user,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def reader_page(page):
    """The shared page, logged in as a learner."""
    make_user("reader@example.test")
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("reader@example.test")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return page


def test_typing_a_search_updates_results_and_address_without_reload(reader_page):
    page = reader_page
    make_course("A1", title="IBM AI Product Manager", provider="IBM")
    make_course("A2", title="Duke AI Product Management", provider="Duke University")
    page.goto("/catalogue/")
    page.evaluate("window.notReloaded = true")
    page.locator("#id_q").fill("ibm")
    expect(page).to_have_url(re.compile(r"/catalogue/\?.*q=ibm"))
    expect(page.locator(".results-count")).to_have_text("1 cours")
    results = page.locator("#results")
    expect(results).to_contain_text("IBM AI Product Manager")
    expect(results).not_to_contain_text("Duke")
    assert page.evaluate("window.notReloaded") is True  # swapped in, not reloaded
    page.locator("#id_price").select_option("free")
    expect(page.locator(".results-count")).to_have_text("0 cours")
    expect(page).to_have_url(re.compile(r"price=free"))


def test_api_docs_render_with_local_assets_under_the_csp(reader_page, live_server):
    page = reader_page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/docs")
    expect(page.get_by_text("/api/competencies")).to_be_visible()
    assert all(url.startswith(live_server.url) for url in requested), requested


def test_catalogue_pages_pass_axe_and_show_focus(reader_page):
    page = reader_page
    competency = make_competency("mlops", name_fr="MLOps")
    track = make_track("ai-po", phases=2)
    make_option(
        track,
        "P1",
        "A",
        hours="90",
        weekly_hours="5",
        prestige=5,
        is_free=True,
        price="Gratuit",
        url="https://example.org/a",
        competencies=[competency],
        modules=[("Un", 16)],
        description_html="<p>Bien.</p>",
    )
    make_option(track, "P1", "B", hours="120", prestige=None, competency_names=["Autre"])
    for path in [
        "/catalogue/",
        "/catalogue/?min_hours=9&max_hours=1",
        "/catalogue/P1-A/",
        "/tracks/",
        "/tracks/ai-po/",
        "/tracks/ai-po/phases/P1/compare/",
    ]:
        page.goto(path)
        assert_accessible(page)
    page.goto("/catalogue/")
    page.locator("#id_q").focus()
    assert_focus_visible(page)
