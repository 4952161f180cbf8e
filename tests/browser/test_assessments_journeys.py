"""What only a browser shows of the assessments: answers saved as the learner goes
(htmx), announced in the live region, the error at the field with nothing else lost; the
pages pass axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.checks import assert_accessible, log_in
from tests.factories import make_competency, make_target, make_track, make_user
from tracker.assessments.models import Rating

pytestmark = pytest.mark.browser


def test_answers_are_saved_as_the_learner_goes_then_submitted(page):
    make_user("learner@example.test", language="en")
    track = make_track("ai-po", phases=1)
    mlops = make_competency("mlops", name_en="MLOps", name_fr="MLOps")
    make_target(track, mlops, 4)
    make_competency("privacy", name_en="Privacy", name_fr="Vie privée")
    log_in(page, "learner@example.test")
    page.goto("/assessments/take/")
    assert_accessible(page)

    page.get_by_label("3 · level 3").first.check()
    status = page.locator("#save-status")
    expect(status).to_contain_text("Saved: MLOps")
    assert Rating.objects.get(competency_code="mlops").level == 3

    page.locator("#id_mlops-evidence_url").fill("not a link")
    page.locator("#id_mlops-note").focus()  # leaving the field fires "change"
    expect(status).to_contain_text("Not saved: MLOps")
    expect(page.locator("#id_mlops-evidence_url")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_mlops-level_3")).to_be_checked()  # the choice is kept
    assert Rating.objects.get(competency_code="mlops").evidence_url == ""

    page.locator("#id_mlops-evidence_url").fill("https://example.test/proof")
    page.get_by_role("button", name="Submit the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Assessment of")
    page.goto("/assessments/")
    expect(page.get_by_role("img", name="Competency radar")).to_be_visible()
    assert_accessible(page)
