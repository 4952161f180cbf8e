"""The main pages the demo data's learner sees (the `seeded_learner` fixture, in
conftest.py): for the checks that crawl them (accessible markup, untranslated strings)."""

from __future__ import annotations

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
