"""The Celery app. Every periodic schedule of the product is declared here, in one place."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# How often beat runs the reminder dispatcher. Read here rather than from Django settings,
# which are not loaded yet when this module is imported (tracker/__init__.py); the fault
# tests shorten it to run two beats within seconds.
DISPATCH_EVERY_SECONDS = int(os.environ.get("PARCOURS_REMINDERS_DISPATCH_EVERY", "900"))

# How often beat sends the xAPI outbox to the learning record store (tracker/xapi); the
# pass does nothing unless PARCOURS_XAPI_ENDPOINT is set.
XAPI_SEND_EVERY_SECONDS = int(os.environ.get("PARCOURS_XAPI_SEND_EVERY", "60"))

# Periodic tasks (beat). Tasks are thin adapters over domain functions.
app.conf.beat_schedule = {
    # One dispatcher pass every 15 minutes: creates the reminders due by now (catching up
    # on missed passes) and re-enqueues lost sends. Two beats would only run two passes:
    # one skips while the other holds the dispatch lease, and the reminders' unique key
    # keeps passes one after the other from doubling anything.
    "reminders-dispatch": {
        "task": "reminders.dispatch",
        "schedule": DISPATCH_EVERY_SECONDS,
        # A pass that could not run within its slot is replaced by the next one.
        "options": {"expires": max(DISPATCH_EVERY_SECONDS - 60, 30)},
    },
    # Each team's statuses of the week (its trend on the team page): one row per team and
    # week, rewritten by each run while the week lasts (every 6 hours: the row of a week
    # that has ended holds the statuses of its last 6 hours).
    "teams-snapshot-week": {
        "task": "teams.snapshot_week",
        "schedule": 6 * 3600,
        "options": {"expires": 3 * 3600},
    },
    "xapi-send": {
        "task": "xapi.send",
        "schedule": XAPI_SEND_EVERY_SECONDS,
        "options": {"expires": XAPI_SEND_EVERY_SECONDS},
    },
}
