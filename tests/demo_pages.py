"""The main pages the demo data's learner sees (the `seeded_learner` fixture, in
conftest.py): for the checks that crawl them (accessible markup, untranslated strings)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.urls import reverse

from tracker.accounts.models import User
from tracker.progress.models import Plan


def main_pages(learner: User) -> list[str]:
    """Dashboard, catalogue, one of the learner's courses with its track, compare and
    plan pages, time entries, assessments, certificates, personal data and profile, the
    tracks compared, reminder preferences and the first-run guide's three steps."""
    plans = Plan.objects.filter(user=learner, course__track__isnull=False)
    course = plans.select_related("course__track", "course__phase").first().course
    track, phase = course.track.code, course.phase.code
    return [
        "/",
        "/catalogue/",
        f"/catalogue/{course.code}/",
        f"/tracks/{track}/",
        f"/tracks/{track}/phases/{phase}/compare/",
        f"/progress/plans/{course.code}/",
        "/progress/entries/",
        "/assessments/",
        reverse("certificates:list"),
        reverse("exports:my_data"),
        reverse("profile"),
        reverse("courses:tracks"),
        reverse("reminders:preferences"),
        reverse("start"),
        reverse("start_pace", args=[track]),
        reverse("start_options", args=[track]),
    ]


def learner_pages(learner: User) -> list[str]:
    """Every page of the learner's app: the main pages, the study timer, the
    self-assessment's form and latest snapshot (when there is one), notifications."""
    from tracker.assessments.models import Assessment

    pages = [*main_pages(learner), reverse("progress:timer"), reverse("assessments:take")]
    latest = Assessment.objects.submitted().filter(user=learner).order_by("-submitted_at").first()
    if latest is not None:
        pages.append(reverse("assessments:detail", args=[latest.pk]))
    return [*pages, reverse("reminders:notifications")]


class TextNodes(HTMLParser):
    """The text a reader sees, one string per text node (no script, style or title)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.nodes.append(" ".join(data.split()))


# Attributes a reader hears or sees (screen readers, tooltips, empty fields).
READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}


class TypesetTextNodes(TextNodes):
    """Text nodes and read attributes with their no-break spaces kept (only ASCII white
    space is folded)."""

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and value.strip():
                self.handle_data(value)

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.nodes.append(re.sub(r"[ \t\r\n\f]+", " ", data).strip(" \t\r\n\f"))


def text_nodes(html: str) -> list[str]:
    """The page's text nodes, no-break spaces kept (for the French typography check)."""
    parser = TypesetTextNodes()
    parser.feed(html)
    return parser.nodes
