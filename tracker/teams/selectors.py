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

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from courses.models import Competency, TrackTarget
from courses.selectors import catalogue_version
from tracker.accounts import audit
from tracker.accounts.models import Team, User
from tracker.assessments.models import Assessment, ManagerRating, Rating
from tracker.progress import cache as progress_cache
from tracker.progress import verdicts
from tracker.progress.verdicts import COURSE_HEAVY_FIELDS, AssignedWork, Verdict

from .models import Assignment, AssignmentLog, Invitation, hash_invitation_token

# --- Permission-scoped getters (a team one does not manage answers 404) ------------------


def teams_managed_by(*, user: User) -> QuerySet[Team]:
    if user.is_admin:
        return Team.objects.all()
    return Team.objects.filter(managers=user)


def team_get_for_manager(*, user: User, team_id: int) -> Team:
    """A team the user manages (admins: any team); anything else answers 404."""
    return get_object_or_404(teams_managed_by(user=user), pk=team_id)


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
    return list(
        Assignment.objects.filter(assignee=user)
        .select_related("track", "course", "assigned_by")
        .defer(*(f"course__{name}" for name in COURSE_HEAVY_FIELDS))
        .order_by("due_date", "id")
    )


def teams_led(*, user: User) -> list[Team]:
    """The teams this person manages, with their member counts, for their dashboard:
    managed teams only, even for admins (the dashboard is the person's own page)."""
    return list(Team.objects.filter(managers=user).annotate(member_count=Count("memberships")))


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


def team_logs(*, team: Team, limit: int = 50) -> list:
    return team_logs_all(team=team)[:limit]


# --- Invitations ------------------------------------------------------------------------


def invitations_waiting(*, team: Team) -> list[Invitation]:
    """What the team page shows of people who have not answered: the address typed."""
    return list(Invitation.objects.filter(team=team).pending().order_by("email"))


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
}


@dataclass(frozen=True)
class MemberFigures:
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
    figures: MemberFigures

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
    status_counts: dict[str, int] = field(default_factory=dict)
    catalogue: str = ""  # the catalogue version the figures were computed with


def team_progress(
    *,
    team: Team,
    today: datetime.date,
    status: str | None = None,
    query: str = "",
    sort: str = "name",
    descending: bool = False,
) -> TeamTable:
    """One row per member: assigned work, hours this week and in total, and the summary
    of their verdicts (the worst assignment; all their plans when nothing is assigned),
    each judged on the member's own date.

    Each member's figures are cached under their progress version (tracker/progress/
    cache.py): two queries when every member's figures are cached, nine when any is not
    (the figures of the missing ones are computed together by the progress model)."""
    members = list(  # 1
        team.members.only("name", "email", "progress_version", "timezone", "is_active").order_by(
            "name", "email"
        )
    )
    catalogue = catalogue_version()  # 2
    by_id = {m.pk: m for m in members}
    todays = {m.pk: m.local_today() for m in members}
    keys = {
        m.pk: progress_cache.key("team-row", m.pk, m.progress_version, todays[m.pk], catalogue)
        for m in members
    }
    figures = progress_cache.get_or_compute_many(
        keys,
        lambda ids: member_figures(members=[by_id[pk] for pk in ids], today_of=todays),
    )
    rows = [MemberRow(member, figures[member.pk]) for member in members]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status or "none"] = counts.get(row.status or "none", 0) + 1
    if status:
        rows = [row for row in rows if row.status == status]
    if query:
        needle = query.casefold()
        rows = [
            row
            for row in rows
            if needle in row.member.get_full_name().casefold()
            or needle in row.member.email.casefold()
        ]
    rows.sort(key=SORT_KEYS.get(sort, SORT_KEYS["name"]), reverse=descending)
    return TeamTable(team=team, today=today, rows=rows, status_counts=counts, catalogue=catalogue)


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


@dataclass
class HeatCell:
    level: int | None
    manager_level: int | None
    target: int | None

    @property
    def state(self) -> str:
        """met / below / unrated / no_target: the CSS class and the symbol shown."""
        if self.level is None:
            return "unrated"
        if self.target is None:
            return "no_target"
        return "met" if self.level >= self.target else "below"

    @property
    def shown(self) -> str:
        """What the cell shows: the level with the state's symbol, the manager's rating."""
        state = self.state
        shown = {"met": f"✓ {self.level}", "below": f"▼ {self.level}", "no_target": str(self.level)}
        text = shown.get(state, "\u2013")  # an en dash: not rated
        return f"{text} ({self.manager_level})" if self.manager_level else text


@dataclass
class Heatmap:
    competencies: list[Competency]
    targets: dict[str, int]
    rows: list[tuple[User, list[HeatCell]]]


def team_heatmap(*, team: Team, members: list[User] | None = None) -> Heatmap:
    """Members (all, or the ones given: the table's page) x the competencies the team's
    assigned tracks aim at (every competency with a target when nothing is assigned):
    latest self level, latest manager rating, target. Five queries (four given members)."""
    if members is None:
        members = list(team.members.order_by("name", "email"))  # 1
    member_ids = [m.pk for m in members]
    track_ids = set(  # 2
        Assignment.objects.filter(assignee_id__in=member_ids, track__isnull=False)
        .order_by()  # else the model's ordering joins the DISTINCT
        .values_list("track_id", flat=True)
        .distinct()
    )
    targets_qs = TrackTarget.objects.select_related("competency")
    if track_ids:
        targets_qs = targets_qs.filter(track_id__in=track_ids)
    targets: dict[str, int] = {}
    competencies: dict[str, Competency] = {}
    for target in targets_qs.order_by(  # 3
        "competency__domain__order", "competency__order", "competency__code"
    ):
        code = target.competency.code
        targets[code] = max(targets.get(code, 0), target.level)
        competencies.setdefault(code, target.competency)
    levels: dict[tuple[int, str], int | None] = {}
    for user_id, code, level in (  # 4
        Rating.objects.filter(
            assessment__user_id__in=member_ids,
            assessment_id=Subquery(
                Assessment.objects.submitted()
                .filter(user_id=OuterRef("assessment__user_id"))
                .order_by("-submitted_at", "-id")
                .values("pk")[:1]
            ),
            competency_code__in=list(competencies),
        ).values_list("assessment__user_id", "competency_code", "level")
    ):
        levels[(user_id, code)] = level
    manager_levels: dict[tuple[int, str], int] = {}
    for user_id, code, level in (  # 5
        ManagerRating.objects.filter(
            member_id__in=member_ids, competency_code__in=list(competencies)
        )
        .order_by("-created", "-id")
        .values_list("member_id", "competency_code", "level")
    ):
        manager_levels.setdefault((user_id, code), level)
    rows = [
        (
            member,
            [
                HeatCell(
                    level=levels.get((member_id, code)),
                    manager_level=manager_levels.get((member_id, code)),
                    target=targets.get(code),
                )
                for code in competencies
            ],
        )
        for member, member_id in zip(members, member_ids, strict=True)
    ]
    return Heatmap(competencies=list(competencies.values()), targets=targets, rows=rows)
