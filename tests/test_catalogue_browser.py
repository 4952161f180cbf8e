"""What only a browser shows: htmx filtering under the strict CSP, and the API docs page
loading its own assets with no CSP violation."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.factories import PASSWORD, make_course, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def page(live_server, monkeypatch):
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; the test's own database
    # calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    make_user("reader@example.test")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        tab = browser.new_page()
        tab.violations = []
        tab.on(
            "console",
            lambda message: (
                tab.violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        tab.goto(f"{live_server.url}/accounts/login/")
        tab.fill("input[name=username]", "reader@example.test")
        tab.fill("input[name=password]", PASSWORD)
        tab.click("main button[type=submit]")
        tab.wait_for_url(f"{live_server.url}/")
        yield tab
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_typing_a_search_updates_results_and_address_without_reload(page, live_server):
    from playwright.sync_api import expect

    make_course("A1", title="IBM AI Product Manager", provider="IBM")
    make_course("A2", title="Duke AI Product Management", provider="Duke University")
    page.goto(f"{live_server.url}/catalogue/")
    page.evaluate("window.notReloaded = true")
    page.fill("#id_q", "ibm")
    page.wait_for_url("**/catalogue/?*q=ibm*")
    expect(page.locator(".results-count")).to_have_text("1 cours")
    results = page.inner_text("#results")
    assert "IBM AI Product Manager" in results and "Duke" not in results
    assert page.evaluate("window.notReloaded") is True  # swapped in, not reloaded
    page.select_option("#id_price", "free")
    expect(page.locator(".results-count")).to_have_text("0 cours")
    assert page.violations == []


def test_api_docs_render_with_local_assets_under_the_csp(page, live_server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/docs")
    page.get_by_text("/api/competencies").wait_for()
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert page.violations == []


def test_catalogue_pages_have_no_serious_accessibility_violations(page, live_server):
    from axe_playwright_python.sync_playwright import Axe

    from tests.factories import make_competency, make_option, make_track

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
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}
    for path in [
        "/catalogue/",
        "/catalogue/?min_hours=9&max_hours=1",
        "/catalogue/P1-A/",
        "/tracks/",
        "/tracks/ai-po/",
        "/tracks/ai-po/phases/P1/compare/",
    ]:
        page.goto(f"{live_server.url}{path}")
        results = axe.run(page, options=options)
        serious = [
            (v["id"], [n["target"] for n in v["nodes"]])
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert results.response["testEngine"]["name"] == "axe-core"  # it did run
        assert serious == [], (path, serious)
