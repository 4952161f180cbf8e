"""An admin previews a catalogue change at 1366 px: the fields that change and the
learners whose plans it touches, then confirms; axe finds nothing on the preview."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from courses.importing.service import import_catalogue
from courses.importing.specs import SourceFile
from courses.models import Course
from tests.browser.checks import LAPTOP, assert_accessible, log_in
from tests.factories import make_user
from tests.importer_helpers import course_md

pytestmark = pytest.mark.browser


def course_file(effort: str, prestige: int, modules: list[str]) -> bytes:
    body = "# Titre\n\nUn cours.\n\n" + "".join(
        f"## Module {n}: {title}\n\nTexte.\n\n" for n, title in enumerate(modules, start=1)
    )
    return course_md("C-9", effort=effort, extra=f"prestige: {prestige}\n", body=body).encode()


def test_admin_previews_a_course_change_with_its_learners_then_confirms(page):
    from tracker.progress.models import Plan

    first = course_file("120h", 4, ["Bases", "Pratique"])
    assert import_catalogue([SourceFile("c-9.md", first, len(first))]).ok
    course = Course.objects.get(code="C-9")
    for name in ("Léa Martin", "Sam Bernard", "Inès Petit"):
        learner = make_user(f"{name.split()[0].lower()}@example.test", name=name)
        Plan.objects.create(user=learner, course=course, weekly_hours=2, start_date="2026-01-05")
    make_user("root@example.test", is_staff=True, is_superuser=True, language="en")
    page.set_viewport_size(LAPTOP)
    log_in(page, "root@example.test")

    page.goto("/admin/courses/importrun/upload/")
    changed = course_file("110h", 5, ["Bases", "Projet"])
    page.locator("input[type=file]").set_input_files(
        [{"name": "c-9.md", "mimeType": "text/markdown", "buffer": changed}]
    )
    page.get_by_role("button", name="Preview the import").click()

    table = page.locator("#import-course-changes")
    expect(table).to_contain_text("effort 120 → 110 h")
    expect(table).to_contain_text("prestige 4 → 5")
    expect(table).to_contain_text("module added: Projet")
    expect(table).to_contain_text("module removed: Pratique")
    expect(table).to_contain_text(re.compile(r"3 learners: Inès Petit, Léa Martin, Sam Bernard"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= LAPTOP["width"], f"the preview is {width} px wide"
    assert_accessible(page)
    assert Course.objects.get(code="C-9").effort_hours == 120  # nothing written yet

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.locator("#content-main")).to_contain_text("C-9")
    course.refresh_from_db()
    assert (course.effort_hours, course.prestige) == (110, 5)
    assert list(course.modules.values_list("title", flat=True)) == ["Bases", "Projet"]
