"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against
pytest-django's live server. Never `playwright install`: the browser is the system's,
installed by scripts/system-deps.

Every page a test opens is watched for Content Security Policy violations and JavaScript
errors: a test fails on any, so the strict policy is checked on each journey.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
# ORM calls from the test body (factories) as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
# Headless and silent: no GPU, no QUIC, no first-run, no background calls to Google's
# services (the machine's network is closed and they would flood it with retries).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `scripts/system-deps chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # launch() gives the browser a new, empty temporary profile (user-data-dir) that
        # Playwright deletes at the end; persistent profiles are never reused.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db) -> Iterator:
    """A fresh browser context (no cookies) on the live server, French by default."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.problems = problems
    yield page
    context.close()
    assert not problems, "the browser reported errors:\n" + "\n".join(problems)


@pytest.fixture
def demo(tmp_path, settings):
    """The demo organisation of `seed_demo` on the bundled catalogue; its learner."""
    from django.core.management import call_command

    from tests.factories import PASSWORD
    from tracker.accounts.models import User

    settings.VAR_DIR = tmp_path
    call_command("import_catalogue", str(settings.PARCOURS_CATALOGUE_DIR), verbosity=0)
    call_command("seed_demo", learners=2, days=60, password=PASSWORD, verbosity=0)
    return User.objects.get(email="learner@parcours.test")
