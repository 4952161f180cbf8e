"""The main journeys with the keyboard only (issue 7): Tab, Shift+Tab, Enter, Space, arrow
keys and typing; no mouse, no fill(). Every stop on the way shows its focus, and an htmx
swap never drops the focus to <body> where the user just acted."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from courses.models import Course, Track
from tests.browser.checks import assert_focus_visible, log_in_with_keyboard, tab_to
from tests.factories import make_team, make_user
from tests.progress_helpers import log_daily
from tracker.progress import services as progress_services
from tracker.progress.models import TimeEntry
from tracker.teams.models import Assignment

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(transactional_db) -> Track:
    """The bundled catalogue: the AI Product Owner track as users see it."""
    call_command("import_catalogue", str(settings.PARCOURS_CATALOGUE_DIR), verbosity=0)
    return Track.objects.get(code="ai-product-owner")


def _same_day_and_month(day: datetime.date) -> datetime.date:
    """A date typed the same way whatever order the browser's date field puts the day and
    the month in (06/06/2027 either way)."""
    return day.replace(month=6, day=6)


def _press(page, locator, key: str = "Enter") -> None:
    """Tabs to `locator` and presses `key` on it."""
    tab_to(page, locator)
    page.keyboard.press(key)


def test_learner_joins_the_track_chooses_an_option_and_logs_hours(page, catalogue):
    make_user("learner@example.test", name="Léa Learner", language="en")
    option = Course.objects.get(code="P1-A")
    log_in_with_keyboard(page, "learner@example.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Léa")

    nav = page.get_by_role("navigation", name="Main")
    _press(page, nav.get_by_role("link", name="Tracks"))
    # The track's card (the comparison table above names it too).
    _press(page, page.get_by_role("article").get_by_role("link", name=catalogue.name, exact=True))
    # Space, like a mouse click, presses a button.
    _press(page, page.get_by_role("button", name="Join this track"), "Space")
    expect(page.get_by_text("You follow this track.")).to_be_visible()
    _press(page, page.get_by_role("link", name="compare the options").first)
    choose = re.compile(f"Choose this option.*{re.escape(option.title)}")
    _press(page, page.get_by_role("button", name=choose))
    expect(page.get_by_text("Chosen")).to_be_visible()

    _press(page, nav.get_by_role("link", name="Dashboard"))
    board = page.locator("#progress-board")
    expect(board).to_contain_text("0 h of")
    tab_to(page, page.get_by_label("Course"))
    page.keyboard.press("ArrowDown")  # the first course of the plan
    expect(page.get_by_label("Course")).to_have_value(option.code)
    tab_to(page, page.get_by_label("Duration"))  # past the date's day, month, year: today
    page.keyboard.type("0")
    page.keyboard.press("Enter")
    # The error is announced at the field, and the focus is there to correct it.
    expect(page.locator("#id_duration_error")).to_contain_text("more than zero")
    expect(page.get_by_label("Duration")).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("1h30")
    page.keyboard.press("Tab")
    page.keyboard.type("chapter 1")
    _press(page, page.get_by_role("button", name="Log", exact=True))
    expect(page.locator("#recent-entries")).to_contain_text("chapter 1")
    assert TimeEntry.objects.get().minutes == 90
    # The board was swapped: the focus stays on the button the learner pressed.
    expect(page.get_by_role("button", name="Log", exact=True)).to_be_focused()
    assert_focus_visible(page)
    # Progress bars and charts are named; a chart's figures are a keyboard press away.
    bars = board.get_by_role("progressbar")
    expect(bars).not_to_have_count(0)
    for bar in bars.all():
        expect(bar).to_have_accessible_name(re.compile(r"\d h of \d+ h"))
    expect(board.get_by_role("img", name="Hours per week")).to_be_visible()
    _press(page, board.get_by_text("Hours per week as a table"))
    expect(board.get_by_role("table").last).to_contain_text("1.5")

    # The entries page: "Edit" swaps the row for a form (htmx) and the focus goes into it;
    # saving swaps the row back and the focus returns to its "Edit".
    tab_to(page, page.get_by_role("link", name="All my entries"), key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My time entries")
    _press(page, page.get_by_role("button", name="Edit"), "Space")
    row = page.locator("table.entries tbody tr[id^=entry-]")
    expect(row.get_by_label("Course")).to_be_focused()
    tab_to(page, row.get_by_label("Duration"))
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("2h")
    page.keyboard.press("Enter")
    expect(row).to_contain_text("2h")
    expect(row.get_by_role("button", name="Edit")).to_be_focused()
    assert TimeEntry.objects.get().minutes == 120
    # Deleting the only row leaves the focus on the table, not at the top of the page.
    page.once("dialog", lambda dialog: dialog.accept())
    _press(page, row.get_by_role("button", name="Delete"))
    expect(row).to_have_count(0)
    expect(page.locator("table.entries")).to_be_focused()
    assert_focus_visible(page)
    assert not TimeEntry.objects.exists()

    # A certificate for the course, recorded from the certificates page.
    tab_to(page, nav.get_by_role("link", name="Certificates"), key="Shift+Tab")
    page.keyboard.press("Enter")
    form = page.locator("form", has=page.get_by_role("button", name="Record"))
    tab_to(page, form.get_by_label("Course"))
    page.keyboard.type(option.code)  # a select jumps to the option whose text is typed
    expect(form.get_by_label("Course")).to_have_value(option.code)
    tab_to(page, form.get_by_label("Date issued"))
    issued = _same_day_and_month(datetime.date.today() - datetime.timedelta(days=400))
    page.keyboard.type(issued.strftime("%d%m%Y"))
    expect(form.get_by_label("Date issued")).to_have_value(issued.isoformat())
    _press(page, form.get_by_role("button", name="Record"))
    expect(page.get_by_role("table")).to_contain_text(option.title)
    assert option.certificates.get().issued_on == issued


def test_manager_filters_sorts_opens_a_learner_and_assigns_the_track(page, catalogue):
    manager = make_user("manager@example.test", name="Mia Manager", language="en")
    learner = make_user("learner@example.test", name="Léa Learner", language="en")
    idle = make_user("idle@example.test", name="Ivo Idle", language="en")
    team = make_team("Team A", managers=[manager], members=[learner, idle])
    option = Course.objects.get(code="P1-A")
    progress_services.phase_choose(user=learner, phase=option.phase, course=option)
    log_daily(learner, option, days=3, minutes=60, end=learner.local_today())

    log_in_with_keyboard(page, "manager@example.test")
    _press(page, page.get_by_role("link", name="Team A"))
    expect(page).to_have_url(re.compile(f"/teams/{team.pk}/$"))
    table = page.locator("#team-table")
    learners = table.locator("tbody th[scope=row]")
    expect(learners).to_have_text(["Ivo Idle", "Léa Learner"])

    # Search as one types: the table is swapped (htmx), the focus stays in the field.
    search = page.get_by_label("Search")
    tab_to(page, search)
    page.keyboard.type("ivo")
    expect(learners).to_have_text(["Ivo Idle"])
    expect(page).to_have_url(re.compile(r"q=ivo"))
    expect(search).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Backspace")
    expect(learners).to_have_text(["Ivo Idle", "Léa Learner"])
    # Sort by total hours, descending: typing in a closed <select> picks the option, Space
    # ticks the box.
    tab_to(page, page.get_by_label("Sort by"))
    page.keyboard.type("Total")
    expect(page).to_have_url(re.compile(r"sort=total"))
    tab_to(page, page.get_by_label("Descending"))
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"sort=total.*desc=on"))
    expect(learners).to_have_text(["Léa Learner", "Ivo Idle"])
    expect(page.get_by_label("Descending")).to_be_focused()

    # A learner's read-only progress, its bars named.
    _press(page, table.get_by_role("link", name="Léa Learner", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Léa Learner")
    bar = page.get_by_role("progressbar", name=re.compile(r"^3 h of [0-9.]+ h"))
    expect(bar).not_to_have_count(0)
    _press(page, page.get_by_role("link", name="Back to the team"))

    # The assignment form: Space opens the link drawn as a button, like a button.
    _press(page, page.get_by_role("button", name="Assign a track or a course"), "Space")
    expect(page.get_by_role("heading", level=1)).to_have_text("Assign to Team A")
    # Ticking nobody never means the whole team: it is a box of its own.
    tab_to(page, page.get_by_label("The whole team"))
    page.keyboard.press("Space")
    expect(page.get_by_label("The whole team")).to_be_checked()
    tab_to(page, page.get_by_label("Track"))
    page.keyboard.type(catalogue.name)
    expect(page.get_by_label("Track")).to_have_value(catalogue.code)
    tab_to(page, page.get_by_label("Due date"))
    due = _same_day_and_month(manager.local_today() + datetime.timedelta(days=365))
    page.keyboard.type(due.strftime("%d%m%Y"))
    expect(page.get_by_label("Due date")).to_have_value(due.isoformat())
    tab_to(page, page.get_by_label("Note"))
    page.keyboard.type("Before the summer")
    _press(page, page.get_by_role("button", name="Assign", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Assign to 2 learners?")
    _press(page, page.get_by_role("button", name="Yes, assign to 2 learners"))
    expect(page.get_by_role("status")).to_contain_text("2 learner")
    assert set(
        Assignment.objects.filter(track=catalogue, due_date=due).values_list("assignee", flat=True)
    ) == {learner.pk, idle.pk}
