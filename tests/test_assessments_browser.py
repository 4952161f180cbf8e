"""What only a browser shows: answers saved as the learner goes (htmx), announced in the
live region, with the error at the field and nothing else lost."""

from __future__ import annotations

import os

import pytest

from tests.factories import PASSWORD, make_competency, make_user
from tracker.assessments.models import Rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def page(live_server, monkeypatch):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # makes around it are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        yield page
        browser.close()


def test_a_choice_is_saved_as_the_learner_goes(page, live_server):
    make_user("learner@example.test", language="en")
    make_competency("mlops", name_en="MLOps", name_fr="MLOps")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "learner@example.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/assessments/take/")

    page.get_by_label("3 · level 3").check()
    status = page.locator("#save-status")
    status.filter(has_text="Saved: MLOps").wait_for()
    assert Rating.objects.get(competency_code="mlops").level == 3

    page.fill("#id_mlops-evidence_url", "not a link")
    page.locator("#id_mlops-note").focus()  # leaving the field fires "change"
    status.filter(has_text="Not saved: MLOps").wait_for()
    assert page.locator("#id_mlops-evidence_url").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_mlops-level_3").is_checked()  # the choice is kept
    assert Rating.objects.get(competency_code="mlops").evidence_url == ""
