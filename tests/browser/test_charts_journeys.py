"""The charts as the browser draws them, on a phone (390 px) and a laptop (1366 px): every
label inside its figure (nothing clipped), the radar's names apart from each other, the
charts no wider than the window; and the journey of a retake: it starts from the last
answers and the new assessment shows what moved. The page fixture fails a test on any
console error or CSP violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import LAPTOP, PHONE, assert_accessible, log_in
from tracker.assessments.models import Assessment

pytestmark = [pytest.mark.browser]

# Each <text> of the figure's SVG as drawn: its box and the SVG's, in CSS pixels.
_TEXT_BOXES = """svg => {
    const frame = svg.getBoundingClientRect();
    return {
        frame: {left: frame.left, top: frame.top, right: frame.right, bottom: frame.bottom},
        texts: [...svg.querySelectorAll("text")].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent.trim(), cls: t.getAttribute("class") || "",
                    left: r.left, top: r.top, right: r.right, bottom: r.bottom};
        }),
    };
}"""


def _assert_labels_inside(svg, name: str) -> list[dict]:
    boxes = svg.evaluate(_TEXT_BOXES)
    frame = boxes["frame"]
    assert boxes["texts"], f"{name}: no labels"
    for text in boxes["texts"]:
        inside = (
            text["left"] >= frame["left"] - 0.5
            and text["right"] <= frame["right"] + 0.5
            and text["top"] >= frame["top"] - 0.5
            and text["bottom"] <= frame["bottom"] + 0.5
        )
        assert inside, f"{name}: {text['text']!r} is cut at the edge ({text} in {frame})"
    return boxes["texts"]


def _apart(a: dict, b: dict) -> bool:
    return (
        a["right"] <= b["left"]
        or b["right"] <= a["left"]
        or a["bottom"] <= b["top"]
        or b["bottom"] <= a["top"]
    )


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1366px"])
def test_every_chart_label_is_inside_its_figure(page, demo, viewport):
    page.set_viewport_size(viewport)
    log_in(page, demo.email)
    page.goto("/")
    charts = page.locator("svg.chart")
    expect(charts.first).to_be_visible()
    assert charts.count() == 2  # the burn-up and the hours per week
    for index in range(charts.count()):
        texts = _assert_labels_inside(charts.nth(index), f"dashboard chart {index}")
        # A date axis: the short dates ("2 mars") under the plot.
        assert any(re.fullmatch(r"\d{1,2} \w+\.?", t["text"]) for t in texts), texts
    markers = [t for t in _assert_labels_inside(charts.first, "burn-up") if "marker" in t["cls"]]
    assert any(t["text"] == "aujourd\u2019hui" for t in markers)
    for i, a in enumerate(markers):
        for b in markers[i + 1 :]:
            assert _apart(a, b), f"the burn-up's markers cover each other: {a} {b}"

    page.goto("/assessments/")
    radar = page.get_by_role("img", name="Radar des compétences")
    expect(radar).to_have_count(1)  # one radar drawn: the phone's or the laptop's
    expect(radar).to_be_visible()
    texts = _assert_labels_inside(page.locator("svg.radar-chart:visible"), "radar")
    # A laptop names the axes around the plot; a phone numbers them (names in type of
    # 8 px did not read) and names them in the key under it, in the page's type.
    phone = viewport == PHONE
    names = [t for t in texts if t["cls"] == ("radar-number" if phone else "radar-label")]
    assert len(names) >= 10
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert _apart(a, b), f"radar names cover each other: {a['text']!r}, {b['text']!r}"
    key = page.locator("ol.radar-key li")
    if phone:
        assert [t["text"] for t in names] == [str(n) for n in range(1, len(names) + 1)]
        assert min(t["bottom"] - t["top"] for t in names) >= 12  # readable numbers
        expect(key).to_have_count(len(names))
        expect(key.first).to_be_visible()
    else:
        expect(key.first).to_be_hidden()
    assert [t["text"] for t in texts if t["cls"] == "radar-ring-label"] == list("12345")
    sparks = page.locator("svg.spark")
    assert sparks.count() == len(names)  # one small chart per competency
    for index in range(sparks.count()):
        _assert_labels_inside(sparks.nth(index), f"level over time {index}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"/assessments/ is {width} px wide"


def test_a_retake_starts_from_the_last_answers_and_shows_what_moved(page, demo):
    page.set_viewport_size(PHONE)
    log_in(page, demo.email)
    latest = Assessment.objects.submitted().filter(user=demo).order_by("-submitted_at").first()
    rating = latest.ratings.exclude(level=None).exclude(level=5).order_by("position").first()
    page.goto("/assessments/")
    page.get_by_role("button", name="Faire une auto-évaluation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Auto-évaluation")
    expect(page.get_by_text("Les réponses reprennent celles de votre évaluation")).to_be_visible()
    # The last answer is chosen already; the learner moves one competency up.
    current = page.locator(f"#id_{rating.competency_code}-level_{rating.level}")
    expect(current).to_be_checked()
    assert_accessible(page)
    page.locator(f"#id_{rating.competency_code}-level_{rating.level + 1}").check()
    expect(page.locator("#save-status")).to_contain_text("Enregistré")
    page.get_by_role("button", name="Soumettre l\u2019auto-évaluation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Auto-évaluation du")
    changes = page.locator(".changes-summary")
    expect(changes.get_by_role("heading")).to_have_text("Depuis votre évaluation précédente")
    expect(changes.locator("li", has_text=rating.competency_name)).to_contain_text("+1")
    expect(changes).to_contain_text("1 niveau a changé")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
