"""The manager's readiness board in a real browser: from the team page to the board,
each member's certificates by state, a filter without a reload (htmx), the CSV link; axe
and no sideways scroll at 1366 and 390 px, the heading on the first phone screen."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import LAPTOP, PHONE, assert_accessible
from tests.factories import (
    PASSWORD,
    make_competency,
    make_course,
    make_snapshot,
    make_team,
    make_user,
)
from tracker.certificates.services import CertificateInput, certificate_record

pytestmark = pytest.mark.browser


def _record(user, title: str, expires_in_days: int) -> None:
    today = user.local_today()
    certificate_record(
        user=user,
        data=CertificateInput(
            title=title,
            issued_on=today - datetime.timedelta(days=700),
            expires_on=today + datetime.timedelta(days=expires_in_days),
        ),
    )


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366px", "390px"])
def test_the_manager_reads_the_readiness_board(page, viewport):
    manager = make_user("manager@example.test", name="Mia Manager", language="en")
    lea = make_user("learner@example.test", name="Léa Learner", language="en")
    zoe = make_user("zoe@example.test", name="Zoé Ready", language="en")
    make_team("Team A", managers=[manager], members=[lea, zoe])
    _record(lea, "Certified Kubernetes Administrator (lapsed)", -3)
    _record(lea, "AWS Solutions Architect Associate", 400)
    _record(zoe, "Professional Scrum Product Owner I", 20)

    page.set_viewport_size(viewport)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("manager@example.test")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_role("link", name="Team A").first.click()
    page.get_by_role("link", name=re.compile("Readiness board")).click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Readiness of Team A")
    assert heading.bounding_box()["y"] < viewport["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    board = page.locator("#readiness-board")
    expect(board).to_contain_text("Certified Kubernetes Administrator (lapsed)")
    expect(board).to_contain_text("Professional Scrum Product Owner I")
    assert_accessible(page)

    page.get_by_label("Certificates").select_option("expiring")  # htmx swaps the board
    expect(board).to_contain_text("Zoé Ready")
    expect(board).not_to_contain_text("Léa Learner")
    expect(page).to_have_url(re.compile(r"state=expiring"))
    csv_link = page.get_by_role("link", name="Export the board (CSV)")
    expect(csv_link).to_have_attribute("href", re.compile(r"readiness/export\.csv\?.*dialect="))
    assert_accessible(page)


def test_the_learner_sees_what_has_lapsed_on_the_dashboard_and_the_competency_view(page):
    learner = make_user("learner@example.test", name="Léa Learner", language="en")
    competency = make_competency("cloud-ops", name_en="Cloud operations")
    make_snapshot(learner, {"cloud-ops": 3})
    course = make_course("OPS-1", title="Cloud Ops", competencies=[competency])
    today = learner.local_today()
    certificate_record(
        user=learner,
        data=CertificateInput(
            title="Cloud Ops Professional",
            course=course,
            issued_on=today - datetime.timedelta(days=700),
            expires_on=today - datetime.timedelta(days=2),
        ),
    )
    page.set_viewport_size(PHONE)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("learner@example.test")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    panel = page.locator("section.readiness")
    expect(panel).to_contain_text("Cloud Ops Professional")
    expect(panel).to_contain_text("The course stays done")
    assert_accessible(page)
    page.goto("/assessments/")
    lapsed = page.get_by_role("region", name="Competencies that rest on an expired certificate")
    expect(lapsed).to_contain_text("Cloud operations")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
