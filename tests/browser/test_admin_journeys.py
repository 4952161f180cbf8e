"""The admin's catalogue upload in a real browser: files in, the dry-run preview, then
confirm; and a broken file that shows its error with nothing to confirm."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from courses.models import Course
from tests.browser.checks import log_in
from tests.factories import make_user
from tests.importer_helpers import SAMPLE_NAME, sample_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_page(page):
    make_user("root@example.test", is_staff=True, is_superuser=True, language="en")
    log_in(page, "root@example.test")
    return page


def test_admin_uploads_the_sample_previews_then_confirms(admin_page):
    page = admin_page
    page.goto("/admin/courses/course/")
    page.get_by_role("link", name=re.compile("Import catalogue files", re.I)).click()
    page.locator("input[type=file]").set_input_files(
        [{"name": SAMPLE_NAME, "mimeType": "text/markdown", "buffer": sample_bytes()}]
    )
    page.get_by_role("button", name="Preview the import").click()

    # The preview: created, the mojibake repair reported, nothing written yet.
    content = page.locator("#content-main")
    expect(content).to_contain_text("P4-A")
    expect(content).to_contain_text(SAMPLE_NAME)
    assert not Course.objects.filter(code="P4-A").exists()

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.locator("#content-main")).to_contain_text("P4-A")
    course = Course.objects.get(code="P4-A")
    assert course.provider == "Duke University"
    assert "spécialisation" in course.description_html and "🏛️" in course.description_html

    # What learners then read: correct French and emoji.
    page.goto("/catalogue/P4-A/")
    expect(page.locator("main")).to_contain_text("Cette spécialisation en gestion de produits")
    expect(page.locator("main")).to_contain_text("🏛️")


def test_a_broken_file_shows_its_error_and_offers_no_confirm(admin_page):
    page = admin_page
    page.goto("/admin/courses/importrun/upload/")
    broken = b'---\nid: "../etc"\nnom: "X"\neffort: "10h"\n---\nbody\n'
    page.locator("input[type=file]").set_input_files(
        [{"name": "broken.md", "mimeType": "text/markdown", "buffer": broken}]
    )
    page.get_by_role("button", name="Preview the import").click()
    content = page.locator("#content-main")
    expect(content).to_contain_text("broken.md")
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm and import")).to_have_count(0)
    assert not Course.objects.exists()
