"""`manage.py seed_demo [--learners N] [--days D] [--password P]`: a demo organisation.

The options and the output; the seeding itself is `tracker.demo` (the project's floor).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from tracker.demo import logins_text, seed_demo


class Command(BaseCommand):
    help = "Create (idempotently) a demo organisation: learners, plans, time entries, assessments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--learners", type=int, default=20, help="demo learners to create")
        parser.add_argument("--days", type=int, default=180, help="days of time entries")
        parser.add_argument("--password", default="parcours-demo", help="everyone's password")

    def handle(self, *args, learners: int, days: int, password: str, **options) -> None:
        if learners < 0 or days < 0:
            self.stderr.write("--learners and --days must be zero or more")
            raise SystemExit(2)
        started = time.perf_counter()
        demo = seed_demo(learners=learners, days=days, password=password)
        self.stdout.write(logins_text(demo))
        self.stdout.write(
            f"  Seeded {len(demo.users)} learners over {days} days "
            f"in {time.perf_counter() - started:.1f} s."
        )
