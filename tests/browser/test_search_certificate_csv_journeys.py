"""Issue 18's "Done when", in French and in English: a search without accents finds the
accented course; a certificate recorded with its file makes the course done everywhere
(dashboard at 100%, the catalogue card, the file served back); both CSV dialects download
from "My data". Every page passes axe at 390 and 1366 px."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import assert_accessible, log_in
from tests.factories import make_option, make_track, make_user
from tracker.progress import services as progress_services
from tracker.progress.models import Plan, TimeEntry

pytestmark = pytest.mark.browser

TITLE = "Éthique de l\u2019IA"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WIDTHS = (390, 1366)
WORDS = {
    "fr": {
        "search": "Recherche",
        "file": "Fichier (PDF ou image)",
        "record": "Enregistrer",
        "done": "Terminé",
        "semicolon": "Séparateur «\u00a0;\u00a0»",
        "comma": "Séparateur «\u00a0,\u00a0»",
        "download": "Télécharger mes temps saisis (CSV)",
        "decimal": "4,50",
    },
    "en": {
        "search": "Search",
        "file": "File (PDF or image)",
        "record": "Record",
        "done": "Done",
        "semicolon": "Separated by “;”",
        "comma": "Separated by “,”",
        "download": "Download my time entries (CSV)",
        "decimal": "4.50",
    },
}


def _accessible_at_every_width(page) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        # Nothing widens the page past the screen (wide tables scroll in their box).
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1366, "height": 900})


def _download_csv(page, words: dict, dialect: str, tmp_path) -> list[list[str]]:
    page.get_by_label(re.compile(re.escape(words[dialect]))).check()
    with page.expect_download() as info:
        page.get_by_role("button", name=words["download"]).click()
    path = tmp_path / f"{dialect}.csv"
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";" if dialect == "semicolon" else ","))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_search_certificate_with_its_file_and_both_csv_dialects(page, settings, tmp_path, language):
    settings.MEDIA_ROOT = tmp_path / "media"
    words = WORDS[language]
    learner = make_user("lea@example.test", name="Léa Learner", language=language)
    track = make_track("ai-product-owner", phases=1)
    ethics = make_option(
        track,
        "P1",
        "A",
        hours="10",
        weekly_hours="2",
        title=TITLE,
        provider="University of Helsinki",
        badge="Certificate of completion",
        modules=[("Intro", 2), ("Fairness", 4)],
    )
    make_option(track, "P1", "B", hours="20", title="IBM AI Product Manager", provider="IBM")
    progress_services.phase_choose(user=learner, phase=track.phases.get(), course=ethics)
    TimeEntry.objects.create(
        user=learner, course=ethics, date=learner.local_today(), minutes=270
    )  # 4.5 h of 10 h: 45%
    log_in(page, learner.email)

    # Search without accents, in lower case.
    page.goto("/catalogue/")
    page.get_by_label(words["search"]).fill("ethique")
    page.get_by_label(words["search"]).press("Enter")
    results = page.locator("#results")
    expect(results.locator("article")).to_have_count(1)
    expect(results).to_contain_text(TITLE)
    _accessible_at_every_width(page)

    # The pages this issue changed read right at both widths too: the tracks side by
    # side, a course whose modules fall short of its effort.
    page.goto("/tracks/")
    expect(page.locator("table.tracks-compare")).to_be_visible()
    _accessible_at_every_width(page)
    page.goto(f"/catalogue/{ethics.code}/")
    expect(page.locator(".modules-shortfall")).to_be_visible()
    _accessible_at_every_width(page)

    # Record the certificate with its file.
    page.goto("/certificates/")
    page.locator("#id_course").select_option(ethics.code)
    page.get_by_label(words["file"]).set_input_files(
        {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name=words["record"], exact=True).click()
    row = page.locator("table.certificates tr", has_text=TITLE)
    expect(row).to_be_visible()
    _accessible_at_every_width(page)
    href = row.locator("a.certificate-file").get_attribute("href")
    served = page.request.get(href)
    assert served.status == 200 and served.body() == PDF
    assert served.headers["content-type"] == "application/pdf"
    expect(row.locator("a.share-linkedin")).to_have_attribute(
        "href", re.compile(r"^https://www\.linkedin\.com/profile/add\?startTask=CERTIFICATION_NAME")
    )
    assert Plan.objects.get(user=learner, course=ethics).done_on == learner.local_today()

    # Done everywhere: the dashboard's bar, the track's total, the catalogue card.
    page.goto("/")
    board = page.locator("#progress-board")
    expect(board.locator("tr", has_text=TITLE).locator(".status-done")).to_be_visible()
    expect(board).to_contain_text("(100%)" if language == "en" else "(100 %)")
    expect(board).not_to_contain_text("(45")
    page.goto("/catalogue/")
    card = page.locator("article.course-row", has_text=TITLE)
    expect(card.locator(".mark-done")).to_have_text(words["done"])

    # Both CSV dialects from "My data"; the UI language's is checked first.
    page.goto("/me/data/")
    checked = "semicolon" if language == "fr" else "comma"
    expect(page.get_by_label(re.compile(re.escape(words[checked])))).to_be_checked()
    _accessible_at_every_width(page)
    rows = _download_csv(page, words, "semicolon", tmp_path)
    assert rows[0][:2] == ["date", "course"] and rows[1][5] == "4,50"
    rows = _download_csv(page, words, "comma", tmp_path)
    assert rows[0][:2] == ["date", "course"] and rows[1][5] == "4.50"
