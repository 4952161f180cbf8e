"""Reads of the teams app: permission-scoped getters, the team table, the heatmap.

`team_progress` and `team_heatmap` run a fixed number of queries whatever the number of
learners or entries (the tests pin it for 20 and 200 learners). The rows' figures and
verdicts are the progress model's (tracker/progress/verdicts.py), the same the learner
reads.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.base import ModelState
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from courses.models import Competency, CompetencyDomain, Course, Track, TrackTarget
from courses.selectors import catalogue_version
from tracker.accounts import audit
from tracker.accounts.models import AuditEvent, Membership, Team, User
from tracker.assessments.models import Assessment, ManagerRating, Rating
from tracker.certificates import selectors as certificate_selectors
from tracker.certificates.selectors import Readiness
from tracker.progress import cache as progress_cache
from tracker.progress import sql, verdicts
from tracker.progress.verdicts import AssignedWork, Verdict

from .models import Assignment, AssignmentLog, Invitation, hash_invitation_token

# --- Hand-written reads (ARCHITECTURE.md, "Hand-written SQL"): where the ORM's compiling
# or model building dominated a team page's time (each use says why). Table names from
# the models' _meta; every value a parameter.


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


_placeholders = sql.placeholders


def _read(statement: str, params: list, *, skip: bool = False) -> list[tuple]:
    """The rows of a hand-written statement; none when `skip` (an empty IN list)."""
    return [] if skip else sql.select(statement, params)


# --- Permission-scoped getters (a team one does not manage answers 404) ------------------


def teams_managed_by(*, user: User) -> QuerySet[Team]:
    if user.is_admin:
        return Team.objects.all()
    return Team.objects.filter(managers=user)


_MANAGED_TEAM_SQL = (
    "SELECT t.* FROM {teams} t WHERE t.id = %s AND (%s OR EXISTS"
    " (SELECT 1 FROM {managers} m WHERE m.team_id = t.id AND m.user_id = %s))"
)


def team_get_for_manager(*, user: User, team_id: int) -> Team:
    """A team the user manages (admins: any team); anything else answers 404.

    teams_managed_by's filter, in SQL (ARCHITECTURE.md, "Hand-written SQL"): every team
    page starts with it, and the ORM compiling the join took 0.5 ms of a view."""
    statement = _MANAGED_TEAM_SQL.format(teams=_table(Team), managers=_table(Team.managers.through))
    for team in Team.objects.raw(statement, [team_id, user.is_admin, user.pk]):
        return team
    raise Http404("No team matches the given query.")


def team_of_member(*, user: User, team_id: int) -> Team:
    """A team this person is a member of; anything else answers 404."""
    return get_object_or_404(Team.objects.filter(memberships__user=user), pk=team_id)


def member_get(*, team: Team, user_id: int) -> User:
    return get_object_or_404(team.members.all(), pk=user_id)


def assignment_get_in_team(*, team: Team, assignment_id: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("assignee", "track", "course", "team"),
        pk=assignment_id,
        team=team,
    )


def assignments_for_learner(*, user: User) -> list[Assignment]:
    """The learner's assignments, soonest due first, with what their lists show (the
    dashboard, the member page, the calendar feed): the work's name and link, who assigned
    it: the track, the course and the assigner carry only those columns.

    Written in SQL (Manager.raw, which still converts each column as its field does): the
    dashboard reads it on every view, and the ORM took longer to compile its three joins
    with `.only()` (about 1.5 ms) than the database took to answer (ARCHITECTURE.md,
    "Hand-written SQL"). tests/test_pages_sql.py checks it against the ORM's answer."""
    assignments = list(
        Assignment.objects.raw(
            "SELECT a.id, a.team_id, a.assignee_id, a.track_id, a.course_id, a.due_date,"
            " a.note, a.assigned_by_id, t.code AS t_code, t.name_fr AS t_name_fr,"
            " t.name_en AS t_name_en, c.code AS c_code, c.title AS c_title,"
            " u.name AS u_name, u.email AS u_email"
            " FROM teams_assignment a"
            " LEFT JOIN courses_track t ON t.id = a.track_id"
            " LEFT JOIN courses_course c ON c.id = a.course_id"
            " LEFT JOIN accounts_user u ON u.id = a.assigned_by_id"
            " WHERE a.assignee_id = %s ORDER BY a.due_date, a.id",
            [user.pk],
        )
    )
    for a in assignments:
        db = a._state.db
        a.track = (
            sql.partial(
                Track, db, id=a.track_id, code=a.t_code, name_fr=a.t_name_fr, name_en=a.t_name_en
            )
            if a.track_id
            else None
        )
        a.course = (
            sql.partial(Course, db, id=a.course_id, code=a.c_code, title=a.c_title)
            if a.course_id
            else None
        )
        a.assigned_by = (
            sql.partial(User, db, id=a.assigned_by_id, name=a.u_name, email=a.u_email)
            if a.assigned_by_id
            else None
        )
    return assignments


def teams_led(*, user: User) -> list[Team]:
    """The teams this person manages, with their member counts, for their dashboard:
    managed teams only, even for admins (the dashboard is the person's own page)."""
    # SQL for the reason of assignments_for_learner: every dashboard view asks, most of
    # them for someone who manages no team.
    return list(
        Team.objects.raw(
            "SELECT t.id, t.name, t.created, (SELECT COUNT(*) FROM accounts_membership m"
            " WHERE m.team_id = t.id) AS member_count"
            " FROM accounts_team t JOIN accounts_team_managers tm ON tm.team_id = t.id"
            " WHERE tm.user_id = %s ORDER BY t.name, t.id",
            [user.pk],
        )
    )


def assignments_done(*, assignments: list[Assignment]) -> set[int]:
    """The ids of the assignments whose work is done, by the progress model's rule (a
    course: its plan is done; a track: a course is chosen in every phase and each one's
    plan is done). Six queries whatever the number of assignments."""
    if not assignments:
        return set()
    wanted = {a.pk for a in assignments}
    # Whether work is done does not depend on the day: one date serves every learner.
    today = timezone.localdate()
    assignee_ids = {a.assignee_id for a in assignments}
    progress = verdicts.learners_progress(
        users=[User(pk=pk) for pk in assignee_ids], today_of=dict.fromkeys(assignee_ids, today)
    )
    return {
        work.pk
        for learner in progress.values()
        for work in learner.assignments
        if work.pk in wanted and work.verdict.status == verdicts.DONE
    }


class TeamHistory(Sequence):
    """The team's assignment changes and membership events (invited, accepted, left...)
    as one newest-first sequence a Paginator can page: its count is two COUNTs, a page
    reads at most `stop` rows of each table and merges them."""

    def __init__(
        self,
        team: Team,
        *,
        learner: User | None = None,
        since: datetime.datetime | None = None,
        until: datetime.datetime | None = None,
    ) -> None:
        logs = AssignmentLog.objects.filter(team=team).select_related("actor", "assignee")
        events = audit.events_of_team(team=team)
        if learner is not None:
            logs = logs.filter(assignee=learner)
            # Their invitation too (the address the manager typed, before they answered).
            events = events.filter(Q(user=learner) | Q(email__iexact=learner.email))
        if since is not None:
            logs, events = logs.filter(created__gte=since), events.filter(created__gte=since)
        if until is not None:
            logs, events = logs.filter(created__lt=until), events.filter(created__lt=until)
        self.sources = [logs, events]

    def count(self) -> int:  # what Paginator asks
        return sum(source.count() for source in self.sources)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        merged = heapq.merge(
            *(source[:stop] if stop is not None else source for source in self.sources),
            key=lambda row: (row.created, row.pk),
            reverse=True,
        )
        return list(itertools.islice(merged, start, stop))


def team_logs_all(
    *,
    team: Team,
    learner: User | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> TeamHistory:
    """The history, for one learner and a period [since, until) when given."""
    return TeamHistory(team, learner=learner, since=since, until=until)


# The latest rows of each table with the names their sentences read (history.sentence:
# the actor's and the learner's), in the order of TeamHistory.
_LATEST_CHANGES_SQL = """
SELECT r.*, a.name AS actor_name, a.email AS actor_email,
       p.name AS person_name, p.email AS person_email
FROM {table} r
LEFT JOIN {users} a ON a.id = r.actor_id
LEFT JOIN {users} p ON p.id = r.{person}_id
WHERE r.team_id = %s
ORDER BY r.created DESC, r.id DESC
LIMIT %s
"""


def team_logs(*, team: Team, limit: int = 50) -> list:
    """The team's latest `limit` changes, newest first: TeamHistory's first rows.

    Hand-written SQL, for speed: the team dashboard shows them on every view, and
    TeamHistory's two querysets with their select_related took ~4 ms of it, most of that
    the ORM compiling them; these two statements take under 1 ms. The people are
    `Person`s (what the sentences read of them: history.sentence) rather than User
    objects, whose construction alone took 0.7 ms for 22."""
    rows = []
    for model, person in ((AssignmentLog, "assignee"), (AuditEvent, "user")):
        statement = _LATEST_CHANGES_SQL.format(
            table=_table(model), users=_table(User), person=person
        )
        actor, whom = model.actor.field, model._meta.get_field(person)
        for row in model.objects.raw(statement, [team.pk, limit]):
            actor.set_cached_value(row, Person.of(row.actor_id, row.actor_name, row.actor_email))
            whom.set_cached_value(
                row, Person.of(getattr(row, whom.attname), row.person_name, row.person_email)
            )
            rows.append(row)
    rows.sort(key=lambda row: (row.created, row.pk), reverse=True)
    return rows[:limit]


@dataclass(frozen=True, slots=True)
class Person:
    """Someone named in a history row, as its sentence reads them (User's names)."""

    pk: int
    name: str
    email: str

    @classmethod
    def of(cls, pk: int | None, name: str, email: str) -> Person | None:
        return None if pk is None else cls(pk, name, email)

    def get_full_name(self) -> str:
        return self.name or self.email


# --- Invitations ------------------------------------------------------------------------


_PENDING_SQL = "SELECT * FROM {invitations} WHERE team_id = %s AND status = %s ORDER BY email"


def invitations_waiting(*, team: Team) -> list[Invitation]:
    """What the team page shows of people who have not answered: the address typed
    (Invitation.objects.pending(), ordered by address). Hand-written: the team page reads
    it on every view, mostly to find none, and the ORM compiling it took 0.6 ms of that;
    this 0.2 ms."""
    statement = _PENDING_SQL.format(invitations=_table(Invitation))
    return list(Invitation.objects.raw(statement, [team.pk, Invitation.Status.PENDING.value]))


def invitation_get_in_team(*, team: Team, invitation_id: int) -> Invitation:
    return get_object_or_404(Invitation.objects.filter(team=team).pending(), pk=invitation_id)


def invitation_get_for_invitee(*, user: User, invitation_id: int) -> Invitation:
    """An invitation sent to this person (their account, or their address before they
    had one); anyone else's answers 404."""
    return get_object_or_404(
        Invitation.objects.addressed_to(user).select_related("team", "inviter"),
        pk=invitation_id,
    )


def invitation_by_token(*, raw_token: str) -> Invitation | None:
    """The open invitation a sign-up link carries, or None."""
    if not raw_token:
        return None
    return (
        Invitation.objects.open()
        .select_related("team", "inviter")
        .filter(token_hash=hash_invitation_token(raw_token))
        .first()
    )


# --- The team table ---------------------------------------------------------------------

SORT_KEYS = {
    "name": lambda row: (row.member.get_full_name().casefold(),),
    "week": lambda row: (row.week_hours,),
    "total": lambda row: (row.total_hours,),
    "percent": lambda row: (row.percent,),
    "due": lambda row: (row.due_date or datetime.date.max,),
    "status": lambda row: (verdicts.severity(row.status) if row.status else 99,),
    "activity": lambda row: (row.last_activity or datetime.date.min,),
    "gap": lambda row: (row.member.get_full_name().casefold(),),  # then sort_by_gap
}


def sort_by_gap(rows: list[MemberRow], gaps: dict[int, int], *, descending: bool) -> None:
    """The largest competency gap first (the heatmap's gaps; `descending` flips it),
    names in order within a gap. In place, after team_progress's sort by name."""
    rows.sort(key=lambda row: gaps.get(row.member.pk, 0), reverse=not descending)


class MemberFigures(NamedTuple):  # a NamedTuple: immutable, quick to make (verdicts.py)
    """What a team row shows of a learner, from the progress model: plain values, cached
    under the learner's progress version."""

    today: datetime.date  # the learner's own date, which the verdicts are judged on
    assignments: list[AssignedWork]
    week_hours: float
    total_hours: float
    last_activity: datetime.date | None
    verdict: Verdict | None  # the summary: worst assignment, else the overall verdict
    # The last day of the pause the learner's today falls in: shown beside the status,
    # which it never replaces (a pause never hides overdue).
    paused_until: datetime.date | None = None


@dataclass
class MemberRow:
    member: User
    figures: MemberFigures | None = None  # None until figures_fill (the table's page)

    @property
    def today(self) -> datetime.date:
        return self.figures.today

    @property
    def assignments(self) -> list[AssignedWork]:
        return self.figures.assignments

    @property
    def week_hours(self) -> float:
        return self.figures.week_hours

    @property
    def total_hours(self) -> float:
        return self.figures.total_hours

    @property
    def last_activity(self) -> datetime.date | None:
        return self.figures.last_activity

    @property
    def verdict(self) -> Verdict | None:
        return self.figures.verdict

    @property
    def paused_until(self) -> datetime.date | None:
        return self.figures.paused_until

    @property
    def due_date(self) -> datetime.date | None:
        return self.verdict.due_date if self.verdict else None

    @property
    def percent(self) -> float:
        return self.verdict.percent if self.verdict else 0.0

    @property
    def status(self) -> str:
        return self.verdict.status if self.verdict else ""

    @property
    def projected_finish(self) -> datetime.date | None:
        return self.verdict.projected_finish if self.verdict else None

    @property
    def late(self) -> bool:
        """Projected to finish after the due date (not yet past it)."""
        return bool(self.due_date) and self.status in (verdicts.BEHIND, verdicts.AT_RISK)


@dataclass
class TeamTable:
    team: Team
    today: datetime.date
    rows: list[MemberRow]
    catalogue: str = ""  # the catalogue version the figures were computed with
    members: list[User] = field(default_factory=list)  # every member, whatever the filters


def named(rows: list, query: str) -> list:
    """The rows whose member's name or email contains `query` (any case): the team
    table's and the readiness board's search."""
    needle = query.casefold()
    return [
        row
        for row in rows
        if needle in row.member.get_full_name().casefold() or needle in row.member.email.casefold()
    ]


# The orders and filters that read the figures: the others (by name, the search, the
# largest gap) need them only for the rows shown.
FIGURE_SORTS = {"week", "total", "percent", "due", "status", "activity"}


_MEMBERS_SQL = (
    "SELECT u.id, u.name, u.email, u.timezone, u.is_active, u.progress_version"
    " FROM {users} u JOIN {memberships} m ON m.user_id = u.id"
    " WHERE m.team_id = %s ORDER BY u.name, u.email"
)


def team_members(team: Team) -> list[User]:
    """The team's members, by name, with what the team pages read of them (as
    `.only("name", "email", "timezone", "is_active", "progress_version")` would: another
    field is read from the database when asked for).

    Built by hand, for speed: a team page reads every member on each view, and Django's
    model construction (Model.from_db, __init__ over every field) took 2.5 ms of it for
    200 members, these plain instances 0.5 ms. No signal is sent (User has no
    pre_init/post_init receiver)."""
    statement = _MEMBERS_SQL.format(users=_table(User), memberships=_table(Membership))
    members = []
    new, state = object.__new__, ModelState
    for pk, name, email, zone, active, version in _read(statement, [team.pk]):
        member = new(User)
        member._state = state()
        member._state.adding, member._state.db = False, connection.alias
        member.__dict__.update(
            id=pk,
            name=name,
            email=email,
            timezone=zone,
            is_active=bool(active),  # SQLite answers 0 or 1
            progress_version=version,
        )
        members.append(member)
    return members


def team_progress(
    *,
    team: Team,
    today: datetime.date,
    status: str | None = None,
    query: str = "",
    sort: str = "name",
    descending: bool = False,
    all_figures: bool = True,
) -> TeamTable:
    """One row per member: assigned work, hours this week and in total, and the summary
    of their verdicts (the worst assignment; all their plans when nothing is assigned),
    each judged on the member's own date.

    With `all_figures=False` the rows get their figures only when the filter or the order
    needs them; the caller fills the rows it shows (`figures_fill`): a page of 50 of a
    team of 200 sorted by name computes 50 learners' figures, not 200.

    Each member's figures are cached under their progress version (tracker/progress/
    cache.py): two queries when every member's figures are cached, nine when any is not
    (the figures of the missing ones are computed together by the progress model)."""
    members = team_members(team)  # 1
    table = TeamTable(
        team=team,
        today=today,
        rows=[MemberRow(member) for member in members],
        catalogue=catalogue_version(),  # 2
        members=members,
    )
    rows = table.rows
    if query:
        rows = named(rows, query)
    if all_figures or status or sort in FIGURE_SORTS:
        figures_fill(table, rows)
    if status:
        rows = [row for row in rows if row.status == status]
    rows.sort(key=SORT_KEYS.get(sort, SORT_KEYS["name"]), reverse=descending and sort != "gap")
    table.rows = rows
    return table


def figures_fill(table: TeamTable, rows: list[MemberRow]) -> None:
    """Give these rows (of `table`) their figures: from the cache, the missing ones
    computed together by the progress model.

    The rows' figures are also cached together, under their keys all (a page of the
    table seen again reads one entry: 50 separate ones took 1 ms to read and unpickle,
    one 0.35 ms); a row whose learner changed makes a new set, read row by row."""
    rows = [row for row in rows if row.figures is None]
    if not rows:
        return
    by_id = {row.member.pk: row.member for row in rows}
    today_in: dict[str, datetime.date] = {}  # by time zone: most members share one
    todays = {}
    for pk, member in by_id.items():
        if (today := today_in.get(member.timezone)) is None:
            today = today_in[member.timezone] = member.local_today()
        todays[pk] = today
    keys = {
        pk: progress_cache.key("team-row", pk, member.progress_version, todays[pk], table.catalogue)
        for pk, member in by_id.items()
    }
    figures = progress_cache.get_or_compute(
        progress_cache.content_key("team-rows", sorted(keys.values())),
        0,
        lambda: progress_cache.get_or_compute_many(
            keys,
            lambda ids: member_figures(members=[by_id[pk] for pk in ids], today_of=todays),
        ),
    )
    for row in rows:
        row.figures = figures[row.member.pk]


def member_figures(
    *, members: list[User], today_of: dict[int, datetime.date] | None = None
) -> dict[int, MemberFigures]:
    """The figures of each learner's row, read from the progress model for all of them
    together (seven queries)."""
    progress = verdicts.learners_progress(users=members, today_of=today_of)
    return {
        pk: MemberFigures(
            today=learner.today,
            assignments=learner.assignments,
            week_hours=learner.week_minutes / 60,
            total_hours=learner.total_minutes / 60,
            last_activity=learner.last_activity,
            verdict=learner.summary,
            paused_until=learner.paused_until,
        )
        for pk, learner in progress.items()
    }


# --- The competency heatmap -------------------------------------------------------------

# The gap grades a cell shows (target minus level): met, then 1, 2, 3 or more below.
GAP_GRADES = 3


class HeatCell:
    """A learner's cell: latest self level, latest manager rating, the target. Its gap,
    state and text are worked out once, here: a team of 200 on a 16-competency track has
    3,200 cells."""

    __slots__ = ("gap", "level", "manager_level", "shown", "state", "target")

    def __init__(self, *, level: int | None, manager_level: int | None, target: int | None):
        self.level, self.manager_level, self.target = level, manager_level, target
        # How many levels below the target (0: met); None when not rated or no target.
        self.gap = None if level is None or target is None else max(target - level, 0)
        # met / gap1 / gap2 / gap3 (3 or more below) / unrated / no_target: the CSS class,
        # the symbol and the words a screen reader hears.
        if level is None:
            self.state, text = "unrated", "\u2013"  # an en dash: not rated
        elif target is None:
            self.state, text = "no_target", str(level)
        elif self.gap == 0:
            self.state, text = "met", f"✓ {level}"
        else:
            grade = min(self.gap, GAP_GRADES)
            # One triangle per level missing (three at most), the level, the gap.
            self.state, text = f"gap{grade}", f"{'▼' * grade} {level} \u2212{self.gap}"
        # What the cell shows: that, then the manager's rating in brackets.
        self.shown = f"{text} ({manager_level})" if manager_level else text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HeatCell) and (
            self.level,
            self.manager_level,
            self.target,
        ) == (other.level, other.manager_level, other.target)

    def __repr__(self) -> str:
        return f"HeatCell({self.level}, {self.manager_level}, {self.target})"


@dataclass(frozen=True)
class TeamCell:
    """A competency over the whole team: the median self level (None: nobody rated) and
    how many learners are below the target."""

    median: float | None
    below: int
    rated: int


@dataclass
class HeatRow:
    member: User
    cells: list[HeatCell]

    @property
    def largest_gap(self) -> int:
        return max((cell.gap or 0 for cell in self.cells), default=0)


@dataclass
class Heatmap:
    competencies: list[Competency]
    targets: dict[str, int]
    cells: dict[int, list[HeatCell]]  # by member id: the members given `shown`, or all
    team: list[TeamCell]  # one per competency, over every member (not only the shown ones)
    rows: list[HeatRow] = field(default_factory=list)  # the shown members' (see `show`)

    @property
    def gaps(self) -> dict[int, int]:
        """Each member's largest gap (the table's "largest gap" sort)."""
        return {pk: max((c.gap or 0 for c in row), default=0) for pk, row in self.cells.items()}

    def show(self, members: list[User]) -> Heatmap:
        """The rows of these members, in this order (the table's page)."""
        self.rows = [HeatRow(member, self.cells[member.pk]) for member in members]
        return self


def _team_cell(counts: dict[int, int], target: int | None) -> TeamCell:
    """A competency's team cell from how many learners rated themselves at each level."""
    levels = sorted(counts)
    rated = sum(counts.values())
    if not rated:
        return TeamCell(median=None, below=0, rated=0)
    below = sum(n for level, n in counts.items() if target is not None and level < target)

    def nth(index: int) -> int:  # the level of the index-th rating in order (0-based)
        for level in levels:
            if index < counts[level]:
                return level
            index -= counts[level]
        raise IndexError(index)

    middle = rated // 2
    median = nth(middle) if rated % 2 else (nth(middle - 1) + nth(middle)) / 2
    return TeamCell(median=median, below=below, rated=rated)


# The heatmap's reads (each member's latest self-assessment, the shown members' manager
# ratings on every view; the tracks' targets, the team's counts and the shown members'
# levels when not cached) are hand-written SQL: through the ORM they cost ~2 ms a view
# warm and ~6 ms more cold, most of it compiling the querysets (long IN lists) and
# building model instances, for a few hundred plain values.
_RATING_COUNTS_SQL = (
    "SELECT competency_code, level, COUNT(*) FROM {ratings}"
    " WHERE assessment_id IN ({assessments}) GROUP BY competency_code, level"
)
_LEVELS_SQL = (
    "SELECT assessment_id, competency_code, level FROM {ratings}"
    " WHERE assessment_id IN ({assessments}) AND competency_code IN ({codes})"
)
_TEAM_MEMBERS_SQL = "SELECT user_id FROM {memberships} WHERE team_id = %s"
# The tracks assigned to the members, then the targets of those tracks (of every track
# when none is), in the catalogue's order of competencies (Competency.Meta.ordering).
_TRACKS_SQL = (
    "SELECT DISTINCT track_id FROM {assignments}"
    " WHERE track_id IS NOT NULL AND assignee_id IN ({members})"
)
_TARGETS_SQL = (
    "SELECT c.id, c.name_fr, c.name_en, c.code, t.level FROM {targets} t"
    " JOIN {competencies} c ON c.id = t.competency_id JOIN {domains} d ON d.id = c.domain_id"
    " {where} ORDER BY d.{order}, c.{order}, c.code"
)
# What the heatmap shows of a competency, in the model's order of fields (Model.from_db).
_COMPETENCY_FIELDS = ["id", "name_fr", "name_en", "code"]
_LATEST_ASSESSMENTS_SQL = (
    "SELECT user_id, id FROM {assessments} WHERE status = %s AND user_id IN ({members})"
    " ORDER BY user_id, submitted_at DESC, id DESC"
)
_MANAGER_RATINGS_SQL = (
    "SELECT member_id, competency_code, level FROM {ratings}"
    " WHERE member_id IN ({members}) AND competency_code IN ({codes})"
    " ORDER BY created DESC, id DESC"
)


def _rating_counts(assessment_ids: list[int]) -> dict[tuple[str, int], int]:
    """(competency code, level) -> how many of these assessments rate it so."""
    return {
        (code, level): count
        # By assessment only (an index of assessment, code, level): no table row read.
        for code, level, count in _read(
            _RATING_COUNTS_SQL.format(
                ratings=_table(Rating), assessments=_placeholders(assessment_ids)
            ),
            assessment_ids,
            skip=not assessment_ids,
        )
        if level is not None
    }


def team_heatmap(
    *,
    team: Team,
    members: list[User] | None = None,
    shown: list[User] | None = None,
    everyone: list[User] | None = None,
    catalogue: str = "",
) -> Heatmap:
    """Members (the ones given, else every member) x the competencies the team's assigned
    tracks aim at (every competency with a target when nothing is assigned): latest self
    level, latest manager rating, target; the team row (median, how many below) over all
    of them. Cells and rows: of `shown` (the table's page) when given, else of `members`.

    Seven queries (six given members): the team row is counted by the database (a row
    per competency and level), so a page reads the ratings of the learners it shows only;
    both are cached, named by the latest assessments' ids (five queries then).
    `everyone` (every member with their progress version, the team table's) and
    `catalogue` (its version): the competencies and targets are cached too (three).
    """
    if members is None and shown is None:
        members = list(team.members.order_by("name", "email"))  # 1
    # Every member: the team's memberships as a subquery (cheaper than a list of ids).
    if members is None:
        among = _TEAM_MEMBERS_SQL.format(memberships=_table(Membership))
        among_params = [team.pk]
    else:
        among, among_params = _placeholders(members), [m.pk for m in members]
    nobody = members is not None and not members
    shown = members if shown is None else shown

    def aims() -> tuple[dict[str, int], dict[str, Competency]]:
        track_ids = [  # 2
            pk
            for (pk,) in _read(
                _TRACKS_SQL.format(assignments=_table(Assignment), members=among),
                among_params,
                skip=nobody,
            )
        ]
        where = f"WHERE t.track_id IN ({_placeholders(track_ids)})" if track_ids else ""
        targets: dict[str, int] = {}
        competencies: dict[str, Competency] = {}
        for pk, name_fr, name_en, code, level in _read(  # 3
            _TARGETS_SQL.format(
                targets=_table(TrackTarget),
                competencies=_table(Competency),
                domains=_table(CompetencyDomain),
                order=connection.ops.quote_name("order"),
                where=where,
            ),
            track_ids,
        ):
            targets[code] = max(targets.get(code, 0), level)
            if code not in competencies:
                competencies[code] = Competency.from_db(
                    connection.alias, _COMPETENCY_FIELDS, (pk, name_fr, name_en, code)
                )
        return targets, competencies

    if everyone is None:
        targets, competencies = aims()
    else:
        # What the team is aimed at moves with its assignments (each one bumps its
        # learner's progress version), its members and the catalogue (the targets): cached
        # under those, like the team table's rows.
        versions = sorted((m.pk, m.progress_version) for m in everyone)
        key = progress_cache.content_key("heatmap-aims", [team.pk, catalogue, *versions])
        targets, competencies = progress_cache.get_or_compute(key, 0, aims)
    codes = list(competencies)
    # Each member's latest submitted self-assessment (a correlated subquery per rating
    # row, as before, took most of the page's time).
    latest: dict[int, int] = {}
    for user_id, assessment_id in _read(  # 4
        _LATEST_ASSESSMENTS_SQL.format(assessments=_table(Assessment), members=among),
        [Assessment.Status.SUBMITTED.value, *among_params],
        skip=nobody,
    ):
        latest.setdefault(user_id, assessment_id)
    histogram: dict[str, dict[int, int]] = {code: {} for code in codes}
    levels: dict[int, dict[str, int | None]] = {}  # member id -> code -> level
    manager_levels: dict[int, dict[str, int]] = {}
    shown_ids = [m.pk for m in shown]
    if latest and codes:
        # A submitted assessment's ratings never change (assessments.services refuses it):
        # the team row is named by the latest assessments' ids, and cached (warm: no query).
        counts = progress_cache.get_or_compute(
            progress_cache.content_key("heatmap-team", sorted(latest.values())),
            0,
            lambda: _rating_counts(list(latest.values())),  # 5
        )
        for (code, level), count in counts.items():
            if code in histogram:
                histogram[code][level] = count
        shown_latest = {latest[pk]: pk for pk in shown_ids if pk in latest}
        ratings = progress_cache.get_or_compute(  # cached like the team row, for the same reason
            progress_cache.content_key("heatmap-levels", [*codes, "|", *sorted(shown_latest)]),
            0,
            lambda: _read(  # 6
                _LEVELS_SQL.format(
                    ratings=_table(Rating),
                    assessments=_placeholders(list(shown_latest)),
                    codes=_placeholders(codes),
                ),
                [*shown_latest, *codes],
                skip=not shown_latest,
            ),
        )
        for assessment_id, code, level in ratings:
            levels.setdefault(shown_latest[assessment_id], {})[code] = level
    for user_id, code, level in _read(  # 7
        _MANAGER_RATINGS_SQL.format(
            ratings=_table(ManagerRating),
            members=_placeholders(shown_ids),
            codes=_placeholders(codes),
        ),
        [*shown_ids, *codes],
        skip=not shown_ids or not codes,
    ):
        manager_levels.setdefault(user_id, {}).setdefault(code, level)
    # A cell is the same object for the same (level, manager's rating, target): a team of
    # 200 on 16 competencies has 3,200 cells but a few dozen different ones.
    made: dict[tuple[int | None, int | None, int | None], HeatCell] = {}

    def cell(level: int | None, manager_level: int | None, target: int | None) -> HeatCell:
        if (found := made.get((level, manager_level, target))) is None:
            found = made[(level, manager_level, target)] = HeatCell(
                level=level, manager_level=manager_level, target=target
            )
        return found

    code_targets = [(code, targets.get(code)) for code in codes]
    unrated = [cell(None, None, target) for _code, target in code_targets]
    cells = {}
    for pk in shown_ids:
        own, manager = levels.get(pk), manager_levels.get(pk)
        if own is None and manager is None:  # nothing rated: a common row
            cells[pk] = list(unrated)
            continue
        own, manager = own or {}, manager or {}
        cells[pk] = [
            cell(own.get(code), manager.get(code), target) for code, target in code_targets
        ]
    heatmap = Heatmap(
        competencies=list(competencies.values()),
        targets=targets,
        cells=cells,
        team=[_team_cell(histogram[code], targets.get(code)) for code in codes],
    )
    return heatmap.show(shown)


# --- The manager's home ------------------------------------------------------------------

DUE_NEXT_SHOWN = 5


@dataclass
class TeamSummary:
    """What a manager's home says of one of their teams."""

    team: Team
    members: int
    overdue: list[MemberRow]  # past a due date, not done
    behind: list[MemberRow]  # projected to miss a due date (behind or at risk)
    due_next: list[tuple[MemberRow, AssignedWork]]  # the next due dates of work not done


def manager_summary(*, user: User, teams: list[Team] | None = None) -> list[TeamSummary]:
    """The teams `user` manages (their own, even for an admin; `teams`: teams_led's
    answer, read once for the dashboard): who is overdue, who is behind, what is due
    next. Each member's figures are the team table's (cached under their progress
    version): two queries per team, and the progress model's when a figure is missing."""
    summaries = []
    if teams is None:
        teams = list(Team.objects.filter(managers=user))
    for team in sorted(teams, key=lambda team: team.name.casefold()):
        table = team_progress(team=team, today=user.local_today())
        worst_first = sorted(table.rows, key=lambda row: verdicts.severity(row.status))
        due = sorted(
            (
                (row, work)
                for row in table.rows
                for work in row.assignments
                if work.team_id == team.pk
                and work.verdict.status != verdicts.DONE
                and work.due_date >= row.today
            ),
            key=lambda pair: (pair[1].due_date, pair[0].member.get_full_name().casefold()),
        )
        summaries.append(
            TeamSummary(
                team=team,
                members=len(table.members),
                overdue=[row for row in worst_first if row.status == verdicts.OVERDUE],
                behind=[
                    row for row in worst_first if row.status in (verdicts.BEHIND, verdicts.AT_RISK)
                ],
                due_next=due[:DUE_NEXT_SHOWN],
            )
        )
    return summaries


# --- The readiness board: each member's certificates, valid, expiring, expired ----------

READINESS_STATES = ("expired", "expiring", "valid")


@dataclass(frozen=True)
class ReadinessRow:
    member: User
    readiness: Readiness


@dataclass(frozen=True)
class ReadinessBoard:
    team: Team
    today: datetime.date
    rows: list[ReadinessRow]
    counts: dict[str, int]  # members with at least one certificate in each state


def team_readiness(
    *, team: Team, today: datetime.date, state: str | None = None, query: str = ""
) -> ReadinessBoard:
    """One row per member of the team (those who accepted: `team.members` is the
    memberships; an invitation is not one), with their current certificates by state as
    of the manager's `today`. `state` keeps the members with at least one certificate in
    it, and only those certificates; `query` searches names and emails. Two queries,
    whatever the number of members."""
    members = list(team.members.only("name", "email", "is_active").order_by("name", "email"))  # 1
    readiness = certificate_selectors.readiness_by_user(users=members, today=today)  # 2
    rows = [ReadinessRow(member, readiness[member.pk]) for member in members]
    counts = {s: sum(1 for row in rows if row.readiness.has(s)) for s in READINESS_STATES}
    if state:
        # The members with one in that state, and only those certificates (board and CSV).
        rows = [
            ReadinessRow(row.member, Readiness(**{state: getattr(row.readiness, state)}))
            for row in rows
            if row.readiness.has(state)
        ]
    if query:
        rows = named(rows, query)
    return ReadinessBoard(team=team, today=today, rows=rows, counts=counts)
