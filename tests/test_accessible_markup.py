"""What axe does not check, on the main pages of a seeded learner: every `<progress>` and
`<meter>` has an accessible name, and every SVG chart is an image (role="img") with a
`<title>` and a table alternative (in its figure, or right after it).

The pages are those of the demo data (`import_catalogue` of the bundled catalogue, then
`seed_demo`), read with an HTML parser: dashboard, catalogue, course, track, compare,
plan, time entries and assessments pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.demo_pages import main_pages

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def text_content(self) -> str:
        return " ".join(
            " ".join(part.strip() for part in node.text if part.strip()) for node in self.iter()
        ).strip()


class TreeBuilder(HTMLParser):
    """A small DOM: enough to follow ids, labels and nesting."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(
            Element(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        )

    def handle_endtag(self, tag):
        for node in [self.current, *self.current.ancestors()]:
            if node.tag == tag:
                self.current = node.parent or self.root
                return

    def handle_data(self, data):
        self.current.text.append(data)


def parse(html: str) -> Element:
    builder = TreeBuilder()
    builder.feed(html)
    return builder.root


def accessible_name(element: Element, document: Element) -> str:
    """The name a screen reader announces for a form-associated element."""
    by_id = {node.attrs["id"]: node for node in document.iter() if node.attrs.get("id")}
    if element.attrs.get("aria-labelledby"):
        return " ".join(
            by_id[ref].text_content()
            for ref in element.attrs["aria-labelledby"].split()
            if ref in by_id
        ).strip()
    if element.attrs.get("aria-label", "").strip():
        return element.attrs["aria-label"].strip()
    for ancestor in element.ancestors():
        if ancestor.tag == "label":
            return ancestor.text_content()
    if element.attrs.get("id"):
        for node in document.iter():
            if node.tag == "label" and node.attrs.get("for") == element.attrs["id"]:
                return node.text_content()
    return element.attrs.get("title", "").strip()


def has_table_alternative(figure: Element | None) -> bool:
    """The figure holds a table, or a table follows the figure at once."""
    if figure is None:
        return False
    if any(node.tag == "table" for node in figure.iter()):
        return True
    siblings = figure.parent.children
    after = siblings[siblings.index(figure) + 1 :]
    if not after:
        return False
    # The table itself, or the scrolling region that holds it (a wide table on a phone).
    nxt = after[0]
    return nxt.tag == "table" or (
        nxt.attrs.get("role") == "region" and any(c.tag == "table" for c in nxt.children)
    )


def markup_problems(html: str) -> list[str]:
    document = parse(html)
    problems = []
    for element in document.iter():
        if element.tag in {"progress", "meter"} and not accessible_name(element, document):
            problems.append(f"<{element.tag} {element.attrs}> has no accessible name")
        if element.tag == "svg" and element.attrs.get("aria-hidden") != "true":
            titles = [c for c in element.children if c.tag == "title" and c.text_content()]
            figure = next((a for a in element.ancestors() if a.tag == "figure"), None)
            if element.attrs.get("role") != "img":
                problems.append(f'<svg {element.attrs}> lacks role="img"')
            if not titles:
                problems.append(f"<svg {element.attrs}> has no <title>")
            if not has_table_alternative(figure):
                problems.append(f"<svg {element.attrs}> has no table alternative in its figure")
    return problems


# --- the checker itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        '<progress max="100" value="3"></progress>',
        '<meter value="2" aria-labelledby="missing"></meter>',
        '<figure><svg role="img"><title>T</title></svg></figure>',  # no table
        '<figure><svg role="img"><title>T</title></svg></figure><p></p><table>',  # not next
        '<figure><svg role="img"><title>T</title></svg></figure><div><table></table></div>',
        "<figure><svg><title>T</title></svg><table></table></figure>",  # no role
        '<figure><svg role="img"></svg><table></table></figure>',  # no title
    ],
)
def test_the_checker_finds_unlabelled_bars_and_charts(html):
    assert markup_problems(html)


@pytest.mark.parametrize(
    "html",
    [
        '<p id="t">40 %</p><progress aria-labelledby="t" max="100" value="40"></progress>',
        '<label>Level <meter value="2" max="5"></meter></label>',
        '<label for="m">Level</label><meter id="m" value="2" max="5"></meter>',
        '<progress aria-label="Done" max="1" value="1"></progress>',
        '<figure><svg role="img"><title>T</title></svg><details><table></table></details></figure>',
        '<figure><svg role="img"><title>T</title></svg></figure><table></table>',
        '<figure><svg role="img"><title>T</title></svg></figure>'
        '<div role="region" tabindex="0"><table></table></div>',
        '<svg aria-hidden="true"><path d="M0 0"/></svg>',
    ],
)
def test_the_checker_accepts_labelled_bars_and_described_charts(html):
    assert markup_problems(html) == []


# --- the pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_progress_bars_and_charts_of_the_main_pages_are_labelled(seeded_learner, language):
    client = Client(headers={"accept-language": language})
    seeded_learner.language = language
    seeded_learner.save(update_fields=["language"])
    client.force_login(seeded_learner)
    seen = {"progress": 0, "meter": 0, "svg": 0}
    for url in main_pages(seeded_learner):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.text
        assert markup_problems(html) == [], url
        for tag in seen:
            seen[tag] += html.count(f"<{tag}")
    # The demo data does show bars and charts: the test checks something.
    assert seen["progress"] > 0 and seen["svg"] > 0, seen
