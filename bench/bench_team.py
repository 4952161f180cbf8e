"""The team dashboard (/teams/<id>/) for a team of 200 learners with a year of entries
each, under concurrent load, next to the same-run baseline view (bench/_common.py).

seed_demo makes the team (its manager, 200 learners, plans, a year of daily entries,
assessments and the demo track assigned with a due date); the manager also has a year of
entries so the baseline reads 50 real rows. Aims (issue 14): the team page at 50% of the
baseline warm and 35% cold.

    .venv/bin/python bench/bench_team.py [--learners 200] [--days 365] [--requests 200]
        [--catalogue demo|bundled]

Figures of 2026-12-01 (branch teamspeed, `--learners 200 --catalogue bundled`, 201
learners, 16-column heatmap; main and the branch run back to back on the 2-core machine
the other engineers share, load average 3 to 7: the ratios move by +-5 points from one
run to the next):

    22:38  main (5bb7fd4)   warm 26%   cold 16%
    22:39  teamspeed        warm 35%   cold 23%
    22:44  main (5bb7fd4)   warm 23%   cold 18%
    22:47  teamspeed        warm 41%   cold 22%
    (21:35, before: main warm 21%, cold 15%, load 4 to 9)

Verdict: NOT met (warm 35-41% of the 50% aimed at, cold 22-23% of 35%).

In-process (django.test.Client, the same data, cProfile's call count: deterministic):
the warm page went from 156,000 Python function calls to 95,000 and 17 queries to 12;
cold from 253,000 to 157,000 (25 queries); the baseline is 34,000. The progress model
for 50 learners (member_figures) from 98,000 calls to 48,000; for one learner (the
dashboard's verdict) from 15,600 to 13,500.

What the branch changed: the verdicts read plans, enrolments and assignments as plain
values and only the weeks the pace reads (progress/verdicts.py `gather`); the table's
rows and the heatmap's are built by tags with f-strings (the same bytes); the heatmap's
level counts and shown levels are cached under the latest assessments' ids, its
competencies and targets and the trends' hours per week under the members' progress
versions. What is left, warm: the template itself costs about the baseline's (the form
widgets, the trends and history includes, base.html), then the history's two querysets
(~4 ms, half of it the ORM compiling them), the heatmap's latest assessments and
manager ratings, the members and the 50 cached rows. Cold adds the progress model for
the 50 rows shown (~30 ms: eight querysets and their row conversion) and the heatmap's
uncached counts (~9 ms of SQLite over 3,200 ratings).
Night of 2026-12-01, main with every branch of the session merged, idle machine (load
average under 2), one run of `--learners 200 --catalogue bundled`: warm 41% (63.3 / 26.0
requests/s), cold 21% (72.4 / 14.9). NOT met.

Figures of 2026-12-02 (branch teamfast, `--learners 200 --catalogue bundled`; the 2-core
machine shared with another engineer's profiling, load average 3 to 5, hence the moving
requests/s of both; one run of the cold phase is 4 rounds of 50 requests: +-4 points):

    01:15  teamfast, half way                 warm 52%   cold 25%
    01:32  teamfast, before merging main      warm 61%   cold 29%
    01:39  merged with main (the progress     warm 61%   cold 31%
    01:42  model's reads in SQL, 5ed5688)     warm 66%   cold 38%
    01:43                                     warm 59%   cold 34%
    01:45  5b79400                            warm 67% (34.6 / 51.8 req/s)
                                              cold 28% (12.1 / 42.9 req/s)
    01:48  final (0ac0114, main merged again) warm 71% (19.7 / 27.9 req/s)
                                              cold 34% (31.8 / 93.6 req/s: the load
                                              fell during the cold phase)

Verdict: warm met (59-71% of the 50% aimed at); cold NOT reliably met (28-38%, median
about 33% of the 35% aimed at: met in one run of five).

In-process, the same data, process_time interleaved with the baseline (the final code):
warm 61% (27 ms a view, the baseline 17 ms), cold 33% (40 ms, the baseline 13 ms); main
at c8125c2 on the same database (with this branch's indexes) warm 37%, cold 22%. What the
branch changed: hand-written SQL where the ORM's compiling or model building was most of
a read's time (the latest history, the heatmap's six reads, the members as plain User
instances, the pending invitations, the week snapshots, the team's hours per week:
ARCHITECTURE.md, "Hand-written SQL"); indexes for the team's hours per week, the
heatmap's level counts, the history and each learner's totals per course; the filters'
and the invitation field's widgets built in Python, the heatmap's headers and targets,
the trends' charts and tables and the history's rows by tags (the same markup); a
page's 50 rows' figures cached together as well as one by one. What is left, cold (40
ms): the progress model for the 50 rows shown (~14 ms: gather's reads ~8 ms, mostly
SQLite and converting dates, then _learner ~5 ms), the template (~9 ms, half of it
base.html's, which the baseline has too), the heatmap uncached (~5 ms: its level
counts over 3,200 ratings ~2 ms of SQLite), the session and middleware (~5 ms, the
baseline's too), the trends (~2 ms).
2026-12-02, main with teamfast, the dispatcher's branch and the dashboard's SQL merged,
SQLite connections kept open between requests (bench_dashboard.py says what that does
to every ratio), idle machine, 02:16: warm 57% (123.7 / 71.1 requests/s, aim 50%: met),
cold 32% (124.4 / 40.0, aim 35%: NOT met). Left for the cold page, in-process: the
model for 50 learners (gather ~9 ms, a third of it SQLite summing every week of each
learner's courses for the all-time totals and reading 250 plans, the rest converting
their dates and decimals; _learner ~8 ms), the template, the uncached heatmap. A
table of each learner's totals per course, written with the weekly rows, would take
the totals' ~1.8 ms of SQLite away; not done.

2026-12-02, fifth session (issue 14), idle machine, `--learners 200 --catalogue bundled`:
  04:11  main at 7df555e (start)                 warm 58%   cold 32%  (NOT met)
  04:22  + StudyTotal (a row per learner and      warm 61%   cold 36%
         course), the weeks' index on (user,
         week_start, course) (a9903fc)
  04:23  + the trends' hours of the members'      warm 59%   cold 37%, 35%
         ids (no subquery compiled)
  04:46  after the dashboard's, the radar's and   warm 57%, 51%, 58%
         the trends' changes                      cold 37%, 37%, 34.7% (NOT met once)
  04:58  + the access check in SQL, the model's   warm 66%, 69%, 52%
         values NamedTuples (51c1964)             cold 39%, 38%, 36%
  05:10  + the team table as wide as the page     warm 63%, 58%, 63%
         (machine settling after a test run)      cold 33% (NOT met), 36%, 42%
  05:13  + plans sorted in Python (4a8036f)       warm 61%, 56%, 57%, 60% (143.0 / 85.5 req/s)
                                                  cold 39%, 37%, 37%, 37% (180.1 / 66.8 req/s)
  05:57  main at 6590ec9 (final)                 warm 63%, 60%, 61%
                                                  cold 36%, 35%, 39%
Verdict: warm met in every run; cold met in 12 of the 13 runs since 04:58 (33-42%,
median 37%): 2 points over its aim, within the runs' noise of +-4 points, not a wide
margin.
In-process, process time interleaved with the baseline's:
cold 30% -> 33-34%, the page ~27 ms -> ~23 ms against the baseline's ~7.5-8.5 ms. What is
left, cold (ms of the page's own): the model for the 50 rows shown 7.3 (gather 4.2: its
SQLite 2.5, the rest converting ~1,500 dates and building the plans' values; _learner
2.6), the heatmap 3.6 (its team row's count of 3,200 ratings 1.3 ms of SQLite, the 800
shown levels 0.8), the template's own part ~2.2, the trends 1.2, the members 0.9, the
history 0.75. The rest (~7.5 ms) is the baseline's too: session, middleware, base.html.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (
    DEMO_CATALOGUE,
    SESSION_HELPER,
    bench_env,
    compare_with_and_without_cache,
    manage,
    print_ratios,
)

# --catalogue bundled: the catalogue `make run` imports, whose track aims at 16
# competencies, so the heatmap has 16 columns (the demo catalogue's track has none).
BUNDLED_CATALOGUE = r"""
from django.conf import settings
from django.core.management import call_command
from courses.models import Course

call_command("import_catalogue", str(settings.PARCOURS_CATALOGUE_DIR), verbosity=0)
"""

SETUP = r"""
import datetime
from django.core.management import call_command
from tracker.accounts.models import Team, User
from tracker.progress import services
from tracker.progress.models import TimeEntry

call_command("seed_demo", learners=LEARNERS, days=DAYS, verbosity=0)
manager = User.objects.get(email="manager@parcours.test")
team = Team.objects.get(managers=manager)
course = Course.objects.order_by("code").first()
today = manager.local_today()
services.time_entries_bulk_create(entries=[
    TimeEntry(user=manager, course=course, date=today - datetime.timedelta(days=n), minutes=30)
    for n in range(365)
])
members = team.members.count()
entries = TimeEntry.objects.filter(user__in=team.members.all()).count()
print("SESSION", session_for(manager), team.pk, members, entries)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--catalogue", choices=["demo", "bundled"], default="demo")
    args = parser.parse_args()

    catalogue = DEMO_CATALOGUE if args.catalogue == "demo" else BUNDLED_CATALOGUE
    setup = catalogue + SETUP.replace("LEARNERS", str(args.learners)).replace(
        "DAYS", str(args.days)
    )
    with tempfile.TemporaryDirectory() as tmp:
        env = bench_env(tmp)
        manage(env, "migrate", "-v", "0")
        printed = manage(env, "shell", "-v", "0", "-c", SESSION_HELPER + setup).splitlines()
        line = next(x for x in printed if x.startswith("SESSION"))
        _, cookie, team_id, members, entries = line.split()
        results = compare_with_and_without_cache(
            env,
            f"/teams/{team_id}/",
            cookie,
            requests=args.requests,
            threads=args.threads,
            rounds=args.rounds,
        )
    print(
        f"team of {members} learners, {entries} time entries, {args.catalogue} catalogue; "
        f"gunicorn -w 2; "
        f"{args.threads} threads; {args.requests} requests per view"
    )
    print_ratios("team dashboard", results, aims={"warm": 0.5, "cold": 0.35})  # issue 14


if __name__ == "__main__":
    main()
