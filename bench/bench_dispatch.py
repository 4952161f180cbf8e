"""Reminder dispatcher over many learners: one pass, its time and its queries.

    .venv/bin/python bench/bench_dispatch.py                  # 10,000 then 100,000
    .venv/bin/python bench/bench_dispatch.py --learners 100000

Each size runs in its own process on a temporary SQLite database (PARCOURS_VAR_DIR is set
to a temp dir before Django starts), so it never touches var/. Every learner is due, with
the product's kinds: each has a plan that is behind pace and an hour logged this week
(weekly digest + behind-pace nudge), one in ten a self-assessment five weeks old (retake),
and a manager leads a team of 200 (team summary). Publishing to the broker is replaced by
a counter: the pass is measured, not the broker. Then the same instant again: nobody is
due (every reminder exists already). Each pass prints its wall time, its CPU time (steadier
than the wall time on a shared machine), its queries and its rate against the aims.
Django runs with DEBUG off, as in production (DEBUG's query log quotes every parameter of
every query, and a batch's filters carry thousands of ids). Aims: queries per 1,000
learners constant, whatever the number of learners (issue 6); >= 3,000 learners/s with
everyone due and >= 20,000 with nobody due, at 100,000 learners (issue 14).

Measured on 2 cores, SQLite, 2026-11-22, with the due-date kinds of the teams app:
  10,000 learners:  10.4 s, 21,001 reminders,  369 queries (36.9 per 1,000); again 2.7 s
  100,000 learners: 104.9 s, 210,001 reminders, 3,429 queries (34.3 per 1,000); again 24.2 s

2026-12-01, 100,000 learners, on the same 2 cores shared with seven other sessions' tests
and benches (load average 10 to 15: every figure about 9x slower than on 2026-11-22's
quiet machine; compare the two lines of the day, not with the lines above):
  before (main at aff5ab0): everyone due 907.4 s (110 learners/s), 42.4 queries per 1,000;
                            nobody due 287.6 s (348 learners/s), 18.3 queries per 1,000
  after (issue 14):         everyone due 949.4 s (105 learners/s), 38.4 queries per 1,000;
                            nobody due 126.2 s (792 learners/s), 13.3 queries per 1,000
Aims (issue 14): >= 3,000 learners/s everyone due, >= 20,000 nobody due: NOT met.

2026-12-01 evening, 100,000 learners, DEBUG off, the same 2 cores shared with other
sessions (load average 6.0 to 7.4 during both runs); before is main at 3b91965 run with
this file, then after, one right after the other:
  before: everyone due 232.3 s (430 learners/s; 172.2 s CPU), 40.4 queries per 1,000;
          nobody due 65.5 s (1,528 learners/s; 30.6 s CPU), 14.3 queries per 1,000
  after:  everyone due 119.7 s (835 learners/s; 74.5 s CPU), 18.4 queries per 1,000;
          nobody due 20.6 s (4,855 learners/s; 12.8 s CPU), 7.3 queries per 1,000
  (rows inserted with one executemany instead of bulk_create, the batch's ids passed to
  the __in filters as they are, URLs and figures worded once per batch, preferences
  kept on each user, batches of 2,000)
Aims (issue 14): NOT met, neither of them, even counted on CPU time (1,342 and 7,800
learners/s). At 10,000 learners under cProfile, an everyone-due pass still spends about
a third of its time in the progress model (verdicts.learners_progress, the same verdicts
as the dashboard's), a sixth importing the URLconf at its first reverse() (once per
process), a quarter wording and writing the notifications; a nobody-due pass a quarter
loading the batches' users (model instances, which the kinds and the progress model take),
the rest in the kinds' per-batch queries and per-user loops.
--profile prints where a pass spends its time (cProfile).
Night of 2026-12-01, main with every branch of the session merged (the dispatcher's and
the progress model's plain-values reads), idle machine, `--learners 100000`: everyone
due 68.7 s (1,455 learners/s; 67.1 s CPU), 18.4 queries per 1,000; nobody due 13.1 s
(7,663 learners/s), 7.3 queries per 1,000. 10,000 learners: 1,407 and 9,340 learners/s.
Aims: NOT met. Where an everyone-due pass goes (--profile, 10,000): half in writing the
reminders and wording their notifications, a third in the progress model for the
behind-pace kind, a tenth in importing the URLconf once per process.

2026-12-02, branch dispatchfast (issue 14), `--learners 100000`, 2 shared cores (another
engineer's tests and profiling; load average 2.3 to 4.5), each run right after main's:
  main at c8125c2 (01:42):  everyone due 43.5 s (2,299 learners/s; 29.4 s CPU), 18.4 queries
                            per 1,000; nobody due 8.2 s (12,201 learners/s), 7.3 per 1,000
  dispatchfast (01:44):     everyone due 31.2 s (3,202 learners/s; 21.4 s CPU), 17.9 per
                            1,000; nobody due 3.1 s (31,878 learners/s), 6.8 per 1,000
  main at b0223c8 (01:59):  everyone due 43.1 s (2,319 learners/s; 42.3 s CPU); nobody due
                            8.1 s (12,371 learners/s)
  dispatchfast (02:00):     everyone due 23.0 s (4,353 learners/s; 21.3 s CPU); nobody due
                            2.9 s (34,374 learners/s)
  final code, main b0223c8 merged (02:04): everyone due 30.1 s (3,317 learners/s; 29.8 s
                            CPU), 17.9 queries per 1,000; nobody due 3.5 s (28,490
                            learners/s), 6.8 per 1,000
Aims (issue 14): met, both, in every run; the everyone-due one by 7% to 45% (this
machine's CPU time for the same pass varies by 40% from one run to the next), the
nobody-due one by 40% to 70%. Queries per 1,000 learners constant (a fixed number per
batch of 2,000, tests/test_reminders_batches.py). What did it: the batch's users read as
plain values (kinds.Recipient) in SQL; the narrowing of the weekly kinds and of the
behind-pace nudge done by the database (NOT EXISTS: in a pass where nobody is due they
answer with nobody); local times worked out once per time zone; sentences, figures and
dates remembered per language while wording; the overall verdict, which the digests and
nudges never read, worked out only when read; the objects older than the pass kept out of
the garbage collector's full collections during it (gc.freeze). Left (in-process,
10,000 learners, 2.0 s CPU): an everyone-due pass spends a quarter of its time in the
progress model (verdicts.learners_progress), half writing the reminders and their
notifications, of which SQLite's two inserts are a fifth of the pass and the wording and
the reads back the rest.
2026-12-02 02:20, main with the branch merged (and the dashboard's and team page's work),
idle machine: everyone due 30.4 s (3,289 learners/s; 29.4 s CPU), 17.9 queries per 1,000;
nobody due 3.4 s (29,533 learners/s), 6.8 per 1,000. Both aims met.
Fifth session, idle machine: 04:29 everyone due 22.1 s (4,533 learners/s), nobody due
46,412/s; 05:22 (main at 1d16c03) 19.2 s (5,199 learners/s; 19.0 s CPU), nobody due
42,616/s; 17.9 and 6.8 queries per 1,000 both times. Both aims met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _profiled(profile: bool, call):
    """call(), under cProfile when asked: prints where the pass spends its time."""
    if not profile:
        return call()
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    result = profiler.runcall(call)
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(20)
    return result


def _against_aim(rate: float, aim: int) -> str:
    verdict = "met" if rate >= aim else "NOT met"
    return f"{rate:,.0f} learners/s (aim >= {aim:,}: {verdict})"


def run(learners: int, *, profile: bool = False) -> None:
    tmp = tempfile.mkdtemp(prefix="parcours-bench-dispatch-")
    os.environ["PARCOURS_VAR_DIR"] = tmp
    # DEBUG off, as in production: DEBUG's query log quotes every parameter of every
    # query (a batch's filters carry 1,000 ids each), a cost no real pass pays.
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from courses.models import Course
    from tracker.accounts.models import Membership, Team, User
    from tracker.assessments.models import Assessment
    from tracker.progress import services as progress_services
    from tracker.progress.models import Plan, TimeEntry
    from tracker.reminders import services
    from tracker.reminders.models import Notification, Reminder

    call_command("migrate", verbosity=0)
    now = dt.datetime.fromisoformat("2026-04-06T10:00+02:00")  # Monday 10:00 in Paris

    started = time.perf_counter()
    User.objects.bulk_create(
        (
            # "!" is Django's unusable password: no hashing for 100,000 rows.
            User(email=f"learner{n}@bench.test", name=f"Learner {n}", password="!")  # noqa: S106
            for n in range(learners)
        ),
        batch_size=5000,
    )
    snapshot_at = now - dt.timedelta(weeks=5)
    Assessment.objects.bulk_create(
        (
            Assessment(user_id=pk, status="submitted", submitted_at=snapshot_at)
            for pk in User.objects.values_list("pk", flat=True)[::10]
        ),
        batch_size=5000,
    )
    course = Course.objects.create(
        code="BENCH", title="Bench course", provider="Bench", effort_text="100h", effort_hours=100
    )
    learner_ids = list(User.objects.values_list("pk", flat=True))
    today = now.date()
    Plan.objects.bulk_create(
        (
            Plan(
                user_id=pk,
                course=course,
                start_date=today - dt.timedelta(weeks=4),
                weekly_hours=5,
                target_date=today + dt.timedelta(weeks=4),
            )
            for pk in learner_ids
        ),
        batch_size=5000,
    )
    progress_services.time_entries_bulk_create(  # with their weekly summaries
        entries=[
            TimeEntry(user_id=pk, course=course, date=today - dt.timedelta(days=2), minutes=60)
            for pk in learner_ids
        ]
    )
    manager = User.objects.create(email="manager@bench.test", password="!")  # noqa: S106
    team = Team.objects.create(name="Bench team")
    team.managers.add(manager)
    Membership.objects.bulk_create(Membership(team=team, user_id=pk) for pk in learner_ids[:200])
    print(f"  set up {learners:,} learners in {time.perf_counter() - started:.1f} s")

    enqueued = []
    services.enqueue_send = lambda *, reminder_id: enqueued.append(reminder_id) or True
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started, cpu = time.perf_counter(), time.process_time()
        report = _profiled(profile, lambda: services.dispatch(now))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu

    assert Reminder.objects.count() == Notification.objects.count() == report.created
    assert len(enqueued) == report.created
    print(
        f"  {learners:,} learners: one pass {elapsed:.1f} s ({cpu:.1f} s CPU), "
        f"{report.created:,} reminders "
        f"created, {queries:,} queries = {queries / (learners / 1000):.1f} per 1,000 learners"
    )
    print(f"  everyone due: {_against_aim(learners / elapsed, 3000)}")
    with connection.execute_wrapper(count):
        queries = 0
        started, cpu = time.perf_counter(), time.process_time()
        again = _profiled(profile, lambda: services.dispatch(now))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"  same instant again: {elapsed:.1f} s ({cpu:.1f} s CPU), {again.created} created, "
        f"{queries / (learners / 1000):.1f} queries per 1,000 learners"
    )
    print(f"  nobody due (all sent already): {_against_aim(learners / elapsed, 20000)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=None)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top calls")
    args = parser.parse_args()
    if args.learners:
        run(args.learners, profile=args.profile)
        return 0
    for size in (10_000, 100_000):
        print(f"== {size:,} learners")
        subprocess.run([sys.executable, __file__, "--learners", str(size)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
