"""'What if' before choosing (issue 20) in a real browser: the compare page's "If I choose
it" row at desktop and phone widths, with no page wider than its window, and axe."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import assert_accessible, log_in
from tests.factories import make_competency, make_snapshot, make_target, make_user
from tests.progress_helpers import make_track_with_options
from tracker.progress import services as progress_services

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("PARCOURS_SCREENSHOTS")  # a folder: keep the screenshots to look at


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_the_what_if_row_fits_desktop_and_phone(page, width, height):
    track, p1, p2, a, b, c = make_track_with_options()
    for code, covers in (("mlops", [a]), ("ethique", [a, b]), ("produit", [b])):
        competency = make_competency(code, name_fr=code.title())
        make_target(track, competency, 4)
        for course in covers:
            course.competencies.add(competency)
    learner = make_user("whatif@example.test")
    make_snapshot(learner, {"mlops": 1, "ethique": 2, "produit": 4})
    progress_services.phase_choose(user=learner, phase=p1, course=a)
    progress_services.phase_choose(user=learner, phase=p2, course=c)

    page.set_viewport_size({"width": width, "height": height})
    log_in(page, "whatif@example.test")
    page.goto(f"/tracks/{track.code}/phases/P1/compare/")

    row = page.locator("tr.whatif-row")
    expect(row.locator("th")).to_have_text("Si je le choisis")
    cells = row.locator("td")
    expect(cells).to_have_count(2)
    expect(cells.nth(0)).to_contain_text(re.compile(r"fin le \d+ \w+ \d{4}"))
    expect(cells.nth(0)).to_contain_text("comble 2 écarts")
    expect(cells.nth(1)).to_contain_text("comble 1 écart")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    heading = page.locator("h1").bounding_box()
    assert heading is not None and heading["y"] + heading["height"] <= height
    # The separators are drawn by the style sheet (static/css/whatif.css), not in the text.
    separator = (
        cells.nth(0).locator("li").nth(1).evaluate("li => getComputedStyle(li, '::before').content")
    )
    assert "·" in separator
    assert_accessible(page)
    if SHOTS:
        row.scroll_into_view_if_needed()
        page.screenshot(path=f"{SHOTS}/whatif-{width}.png", full_page=True)
