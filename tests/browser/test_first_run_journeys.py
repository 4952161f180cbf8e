"""Issue 18, in French and in English, at 390 and 1366 px (axe clean, nothing wider than
the window): a new learner goes through the first-run guide (track, weekly pace, each
phase's option) from the dashboard; a learner receives a manager's assignment as an
in-app notification and an email, in their language."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import assert_accessible, log_in
from tests.factories import make_team, make_user
from tests.progress_helpers import make_track_with_options
from tracker.progress.models import PhaseChoice
from tracker.reminders import notice_emails
from tracker.teams import services as team_services

pytestmark = pytest.mark.browser

WIDTHS = (390, 1366)
WORDS = {
    "fr": {
        "start": "Commencer",
        "next_pace": "Suivant\u00a0: votre rythme",
        "next_options": "Suivant\u00a0: vos options",
        "finish": "Terminer",
        "help": "Que veulent dire",
        "assigned": "Mia Manager vous a affecté Parcours ai-po",
    },
    "en": {
        "start": "Get started",
        "next_pace": "Next: your pace",
        "next_options": "Next: your options",
        "finish": "Finish",
        "help": "What do “projected finish”",
        "assigned": "Mia Manager assigned you Track ai-po",
    },
}


def _accessible_at_every_width(page) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # The heading is on the first screen, even on a phone.
        assert page.locator("h1").bounding_box()["y"] < 900
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_new_learner_starts_in_three_steps(page, language):
    words = WORDS[language]
    track, p1, _p2, _a, b, _c = make_track_with_options("ai-po")
    learner = make_user("nora@example.test", name="Nora New", language=language)
    log_in(page, learner.email)

    first_run = page.locator("section.first-run")
    expect(first_run).to_be_visible()
    _accessible_at_every_width(page)
    first_run.get_by_role("link", name=words["start"]).click()

    expect(page).to_have_url(re.compile(r"/start/$"))
    expect(page.locator("table.tracks-compare")).to_be_visible()
    _accessible_at_every_width(page)
    page.get_by_label(track.name_fr if language == "fr" else track.name_en).check()
    page.get_by_role("button", name=words["next_pace"]).click()

    expect(page).to_have_url(re.compile(r"/start/ai-po/pace/$"))
    _accessible_at_every_width(page)
    page.locator("#id_weekly_hours").fill("6")
    page.get_by_role("button", name=words["next_options"]).click()

    expect(page).to_have_url(re.compile(r"/start/ai-po/options/$"))
    _accessible_at_every_width(page)
    page.get_by_role("radio", name=re.compile(re.escape(b.title))).check()
    page.get_by_role("button", name=words["finish"]).click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("section.first-run")).to_have_count(0)
    expect(page.locator("#progress-board")).to_contain_text(b.title)
    help_text = page.locator("details.term-help")
    expect(help_text).to_contain_text(words["help"])
    help_text.locator("summary").click()
    _accessible_at_every_width(page)
    assert PhaseChoice.objects.get(user=learner, phase=p1).course == b
    learner.refresh_from_db()
    assert learner.weekly_hours_available == 6


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_learner_receives_the_assignment_in_the_app_and_by_email(
    page, monkeypatch, locmem_mail, language
):
    # The task a worker would run after the commit, here at once (the broker is not the
    # journey's business: test_assignment_emails covers the queueing).
    monkeypatch.setattr(
        notice_emails,
        "enqueue",
        lambda *, notification_ids: notice_emails.send_notice_emails(
            notification_ids=notification_ids
        ),
    )
    words = WORDS[language]
    track, *_ = make_track_with_options("ai-po")
    manager = make_user("mia@example.test", name="Mia Manager")
    learner = make_user("lea@example.test", name="Léa Learner", language=language)
    team = make_team("Team A", managers=[manager], members=[learner])
    team_services.assignment_assign(
        actor=manager,
        team=team,
        assignees=[learner],
        track=track,
        due_date=manager.local_today() + datetime.timedelta(days=30),
    )
    [email] = locmem_mail
    assert email.to == [learner.email] and email.subject.startswith(words["assigned"])

    log_in(page, learner.email)
    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text(words["assigned"])
    _accessible_at_every_width(page)
