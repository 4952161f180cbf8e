"""`manage.py dispatch_reminders [--now ISO-DATETIME]`: one dispatcher pass, synchronously."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker.reminders.services import dispatch


def _parse_now(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--now must be an ISO 8601 date and time (2026-03-30T09:00+02:00), got {value!r}"
        ) from None
    if timezone.is_naive(parsed):
        # A time without an offset is read in the project's time zone.
        parsed = timezone.make_aware(parsed)
    return parsed


class Command(BaseCommand):
    help = "Runs one pass of the reminder dispatcher (the beat task runs the same pass)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", type=_parse_now, default=None, help="The instant to dispatch for (ISO 8601)."
        )

    def handle(self, *args, now: dt.datetime | None = None, **options):
        report = dispatch(now)
        if report.skipped:
            self.stdout.write("skipped: another dispatcher pass is running")
            return
        self.stdout.write(
            f"created {report.created} reminder(s); enqueued {report.enqueued}; "
            f"re-enqueued {report.swept}; enqueue failures {report.enqueue_failures}; "
            f"left for the sweeper {report.left_to_sweeper}"
        )
