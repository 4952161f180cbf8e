"""Issue 3's "Done when", end to end in a browser: a new learner signs up, joins the AI
Product Owner track, compares and chooses a phase's option, logs hours and sees progress
and forecast move on the dashboard, records a certificate (the course shows done), then
downloads all their data from "My data". The new pages pass axe."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.checks import account_menu, assert_accessible, follow_sign_up_link
from tests.factories import make_option, make_track
from tracker.accounts.models import User
from tracker.certificates.models import Certificate
from tracker.progress.models import Plan

pytestmark = pytest.mark.browser

PASSWORD = "a-long-learner-passphrase-7"


def ai_product_owner_track():
    """The AI Product Owner track: phase 1 offers Duke (10 h) or IBM (20 h)."""
    track = make_track("ai-product-owner", phases=2)
    track.name_en = track.name_fr = "AI Product Owner"
    track.save()
    duke = make_option(
        track,
        "P1",
        "A",
        hours="10",
        title="Duke AI Product Management",
        provider="Duke",
        weekly_hours=Decimal(5),
    )
    ibm = make_option(track, "P1", "B", hours="20", title="IBM AI Product Manager", provider="IBM")
    make_option(track, "P2", "A", hours="30", title="MLOps for POs", provider="DeepLearning.AI")
    return track, duke, ibm


def test_a_new_learner_goes_from_sign_up_to_certificate_and_exports(page, live_server, tmp_path):
    track, duke, ibm = ai_product_owner_track()

    # Sign up, in English.
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill("nina@example.test")
    page.locator("#id_name").fill("Nina New")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_language").select_option("en")
    page.locator("main button[type=submit]").click()
    follow_sign_up_link(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Nina")
    user = User.objects.get(email="nina@example.test")

    # Join the track, compare phase 1's options side by side, choose Duke.
    page.goto(f"/tracks/{track.code}/")
    page.get_by_role("button", name="Join this track").click()
    page.get_by_role("link", name="compare the options").first.click()
    expect(page.locator("main")).to_contain_text(ibm.title)
    page.get_by_role("button", name=re.compile(f"Choose this option.*{duke.title}")).click()
    expect(page.get_by_text("Chosen")).to_be_visible()

    # Log hours: progress and forecast move on the dashboard.
    page.get_by_role("link", name="Dashboard").click()
    board = page.locator("#progress-board")
    expect(board).to_contain_text("0 h of 10 h (0%)")
    page.get_by_label("Course").select_option(duke.code)
    page.get_by_label("Duration").fill("4h")
    page.get_by_role("button", name="Log", exact=True).click()
    expect(board).to_contain_text("4 h of 10 h (40%)")
    expect(board).to_contain_text("Projected finish")

    # Record the certificate: a bad link is refused at its field, then it is recorded.
    page.get_by_role("link", name="Certificates").click()
    assert_accessible(page)
    page.get_by_label("Course").select_option(duke.code)
    page.get_by_label("Issuer").fill("Duke University")
    page.get_by_label("Credential ID").fill("DUKE-42")
    page.get_by_label("Credential URL").fill("javascript:alert(1)")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.locator("#id_credential_url")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_credential_url_error")).to_contain_text("https://")
    assert_accessible(page)  # the form with its errors
    page.get_by_label("Credential URL").fill("https://coursera.org/verify/DUKE-42")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.locator("table.certificates")).to_contain_text(duke.title)
    assert Plan.objects.get(user=user, course=duke).done_source == "certificate"
    page.get_by_role("link", name=f"Edit {duke.title}").click()
    expect(page.get_by_label("Credential ID")).to_have_value("DUKE-42")
    assert_accessible(page)

    # The course now shows done on the dashboard.
    page.get_by_role("link", name="Dashboard").click()
    expect(board.locator("tr", has_text=duke.title).locator(".status-done")).to_be_visible()

    # My data: download everything as JSON and read it.
    account_menu(page).get_by_role("link", name="Profile").click()
    page.get_by_role("link", name=re.compile("My data")).click()
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="All my data (JSON)").click()
    download = info.value
    assert download.suggested_filename == "parcours-my-data.json"
    path = tmp_path / "data.json"
    download.save_as(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["profile"]["email"] == "nina@example.test"
    assert [e["track"] for e in data["enrolments"]] == [track.code]
    assert [c["course"] for c in data["phase_choices"]] == [duke.code]
    assert [(e["course"], e["minutes"]) for e in data["time_entries"]] == [(duke.code, 240)]
    [certificate] = data["certificates"]
    assert (certificate["course"], certificate["credential_id"]) == (duke.code, "DUKE-42")
    assert data["plans"][0]["done_source"] == "certificate"
    assert Certificate.objects.count() == 1
