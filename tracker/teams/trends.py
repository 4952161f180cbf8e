"""A team's trends over the last weeks: its hours per week (read from the weekly summaries,
progress.StudyWeek, never from the entries) and how many members had each status per
week (read from TeamWeekSnapshot, which beat's `teams.snapshot_week` writes).

Both are drawn as server-rendered SVG in the style of progress/charts.py, each with the
table that says the same in figures (teams/_trends.html).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from tracker.accounts.models import Membership, Team, User
from tracker.progress import cache as progress_cache
from tracker.progress import summaries, verdicts
from tracker.progress.charts import HEIGHT, LEFT, RIGHT, WIDTH, Chart, _scale, _y, week_bars
from tracker.progress.models import week_start as monday
from tracker.progress.templatetags.progress_tags import status_label

from .models import TeamWeekSnapshot
from .selectors import member_figures

WEEKS_SHOWN = 12
SNAPSHOT_BATCH = 500  # learners judged together: six queries per batch (learners_progress)
NO_STATUS = "none"  # a member with nothing planned nor assigned
# The statuses of the stacked bars, the most worrying at the bottom.
SNAPSHOT_STATUSES = (*verdicts.STATUSES, NO_STATUS)


def trend_status_label(status: str) -> str:
    if status == NO_STATUS:
        return gettext("nothing planned")
    return status_label(status)


# --- The snapshot (beat) -------------------------------------------------------------------


def snapshot_current_week(*, now: datetime.datetime | None = None) -> int:
    """Write (or rewrite) this week's status counts of every team: the task beat runs.

    Idempotent per week: one row per team and ISO week (a unique constraint); running it
    again the same week rewrites the same rows with the statuses of now, so a past week
    keeps the counts of its last run. Each member is judged on their own date, like the
    team table. Queries: two, plus six per batch of SNAPSHOT_BATCH learners, plus the
    upsert (batched): bounded whatever the number of teams. Returns the rows written."""
    now = now or timezone.now()
    week = monday(timezone.localdate(now))
    memberships = list(Membership.objects.values_list("team_id", "user_id"))  # 1
    team_ids = list(Team.objects.values_list("pk", flat=True))  # 2
    user_ids = sorted({user_id for _team, user_id in memberships})
    status_of: dict[int, str] = {}
    for start in range(0, len(user_ids), SNAPSHOT_BATCH):
        users = list(
            User.objects.filter(pk__in=user_ids[start : start + SNAPSHOT_BATCH]).only(
                "timezone", "progress_version"
            )
        )
        todays = verdicts.todays(users=users, now=now)
        for pk, figures in member_figures(members=users, today_of=todays).items():
            status_of[pk] = figures.verdict.status if figures.verdict else NO_STATUS
    counts: dict[int, dict[str, int]] = {pk: {} for pk in team_ids}
    for team_id, user_id in memberships:
        status = status_of.get(user_id, NO_STATUS)
        counts[team_id][status] = counts[team_id].get(status, 0) + 1
    rows = [
        TeamWeekSnapshot(
            team_id=team_id,
            week_start=week,
            members=sum(by_status.values()),
            status_counts=by_status,
            taken_at=now,
        )
        for team_id, by_status in counts.items()
    ]
    with transaction.atomic():
        TeamWeekSnapshot.objects.bulk_create(
            rows,
            batch_size=SNAPSHOT_BATCH,
            update_conflicts=True,
            unique_fields=["team", "week_start"],
            update_fields=["members", "status_counts", "taken_at"],
        )
    return len(rows)


# --- The charts ---------------------------------------------------------------------------


@dataclass
class Segment:
    y: float
    height: float
    status: str  # the CSS class: status-<status>
    label: str  # "2026-03-02: behind 3"


@dataclass
class StackedBar:
    x: float
    width: float
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Trends:
    weeks: list[datetime.date]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    hours: Chart | None = None  # the team's hours per week (progress.charts.week_bars)
    status_ticks: list[tuple[float, str]] = field(default_factory=list)
    status_bars: list[StackedBar] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)  # the statuses seen (table columns)
    status_rows: list[dict] = field(default_factory=list)  # week, counts, members
    first_label: str = ""
    last_label: str = ""


_SNAPSHOTS_SQL = "SELECT * FROM {snapshots} WHERE team_id = %s AND week_start BETWEEN %s AND %s"


def team_trends(
    team: Team, weeks: int = WEEKS_SHOWN, *, today=None, members: list[User] | None = None
) -> Trends:
    """The last `weeks` weeks of the team, this one included. Two queries whatever the
    number of members and weeks: the hours per week grouped by the database (of the
    members' ids, a subquery unless `members` are given), the snapshots.

    `members` (every member, with their progress_version: the team table's): the hours
    are then cached under the members' progress versions, like their rows (a write of
    an entry bumps its learner's version; a member who joins or leaves changes the key),
    and a page whose members changed nothing reads the snapshots only."""
    today = today or timezone.localdate()
    this_week = monday(today)
    starts = [this_week - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]

    def hours_per_week() -> dict[datetime.date, int]:
        # The members' ids when the page has them (a list of 200 bound parameters costs
        # the database the same and spares compiling the subquery: 0.3 ms a view).
        member_ids = (
            Membership.objects.filter(team=team).values("user_id")
            if members is None
            else [m.pk for m in members]
        )
        return summaries.weekly_minutes(member_ids, since=starts[0], until=this_week)  # 1

    if members is None:
        minutes = hours_per_week()
    else:
        versions = sorted((m.pk, m.progress_version) for m in members)
        cache_key = progress_cache.content_key("team-hours", [team.pk, *starts, *versions])
        minutes = progress_cache.get_or_compute(cache_key, 0, hours_per_week)
    # Hand-written: read on every view of the team page, and the ORM compiling this
    # query took 0.6 ms of it (this: 0.2 ms).
    day = connection.ops.adapt_datefield_value
    snapshots = {
        s.week_start: s
        for s in TeamWeekSnapshot.objects.raw(  # 2
            _SNAPSHOTS_SQL.format(
                snapshots=connection.ops.quote_name(TeamWeekSnapshot._meta.db_table)
            ),
            [team.pk, day(starts[0]), day(this_week)],
        )
    }
    trends = Trends(weeks=starts)
    trends.first_label, trends.last_label = starts[0].isoformat(), starts[-1].isoformat()
    slot = (WIDTH - LEFT - RIGHT) / weeks

    trends.hours = week_bars(starts=starts, hours=[minutes.get(w, 0) / 60 for w in starts])

    seen = {status for s in snapshots.values() for status, n in s.status_counts.items() if n}
    trends.statuses = [status for status in SNAPSHOT_STATUSES if status in seen]
    top, ticks = _scale(max([s.members for s in snapshots.values()] or [0]))
    trends.status_ticks = [(_y(t, top), str(int(t))) for t in ticks if t == int(t)]
    for i, week in enumerate(starts):
        snapshot = snapshots.get(week)
        counts = snapshot.status_counts if snapshot else {}
        bar = StackedBar(x=round(LEFT + i * slot + slot * 0.15, 1), width=round(slot * 0.7, 1))
        below = 0
        for status in trends.statuses:
            count = counts.get(status, 0)
            if not count:
                continue
            y_top = _y(below + count, top)
            bar.segments.append(
                Segment(
                    y=y_top,
                    height=round(_y(below, top) - y_top, 1),
                    status=status,
                    label=f"{week.isoformat()}: {trend_status_label(status)} {count}",
                )
            )
            below += count
        trends.status_bars.append(bar)
        trends.status_rows.append(
            {
                "week": week.isoformat(),
                "counts": [counts.get(status, 0) for status in trends.statuses],
                "members": snapshot.members if snapshot else None,
            }
        )
    return trends
