"""Reads of the teams app: permission-scoped getters, the team table, the heatmap.

`team_progress` and `team_heatmap` run a fixed number of queries whatever the number of
learners or entries (the tests pin it for 20 and 200 learners): every total is a SUM by
the database, grouped per learner and course.
"""

from __future__ import annotations

import dataclasses
import datetime
import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import NamedTuple

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from courses.models import Competency, Phase, TrackTarget, in_language
from courses.selectors import catalogue_version
from tracker.accounts import audit
from tracker.accounts.models import Team, User
from tracker.assessments.models import Assessment, ManagerRating, Rating
from tracker.progress import cache as progress_cache
from tracker.progress import forecasts
from tracker.progress.forecasts import Forecast
from tracker.progress.models import PhaseChoice, Plan
from tracker.progress.selectors import (
    COURSE_HEAVY_FIELDS,
    Totals,
    group_forecast,
    rows_for_plans,
)
from tracker.progress.summaries import study_figures

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


def assignments_done(*, assignments: list[Assignment]) -> set[int]:
    """The ids of the assignments whose work is done: the course's plan is done, or for a
    track, a course is chosen in every phase and each chosen course's plan is done.
    Three queries whatever the number of assignments."""
    if not assignments:
        return set()
    user_ids = {a.assignee_id for a in assignments}
    track_ids = {a.track_id for a in assignments if a.track_id}
    done = set(
        Plan.objects.filter(user_id__in=user_ids, done_on__isnull=False).values_list(
            "user_id", "course_id"
        )
    )
    chosen: dict[tuple[int, int], set[int]] = {}
    phases: dict[int, int] = {}
    if track_ids:
        for user_id, track_id, course_id in PhaseChoice.objects.filter(
            user_id__in=user_ids, phase__track_id__in=track_ids
        ).values_list("user_id", "phase__track_id", "course_id"):
            chosen.setdefault((user_id, track_id), set()).add(course_id)
        phases = dict(
            Phase.objects.filter(track_id__in=track_ids)
            .values("track_id")
            .annotate(n=Count("id"))
            .values_list("track_id", "n")
        )
    result = set()
    for a in assignments:
        if a.course_id:
            courses = {a.course_id}
        else:
            courses = chosen.get((a.assignee_id, a.track_id), set())
            if len(courses) < phases.get(a.track_id, 1):
                continue  # a phase without a chosen course: the track is not done
        if all((a.assignee_id, course_id) in done for course_id in courses):
            result.add(a.pk)
    return result


class TeamHistory(Sequence):
    """The team's assignment changes and membership events (invited, accepted, left...)
    as one newest-first sequence a Paginator can page: its count is two COUNTs, a page
    reads at most `stop` rows of each table and merges them."""

    def __init__(self, team: Team) -> None:
        self.sources = [
            AssignmentLog.objects.filter(team=team).select_related("actor", "assignee"),
            audit.events_of_team(team=team),
        ]

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


def team_logs_all(*, team: Team) -> TeamHistory:
    return TeamHistory(team)


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
    "status": lambda row: (forecasts.STATUSES.index(row.status) if row.status else 99,),
    "activity": lambda row: (row.last_activity or datetime.date.min,),
}


class AssignedWork(NamedTuple):
    """What a team row shows of an assignment: plain values, cheap to cache."""

    pk: int
    team_id: int
    track_id: int | None
    course_id: int | None
    due_date: datetime.date
    target_code: str
    name_fr: str  # the track's name, or the course's title
    name_en: str

    @property
    def label(self) -> str:
        return in_language(self.name_fr, self.name_en)


@dataclass
class MemberRow:
    member: User
    assignments: list[AssignedWork]
    week_hours: float
    total_hours: float
    last_activity: datetime.date | None
    forecast: Forecast | None

    @property
    def due_date(self) -> datetime.date | None:
        dates = [a.due_date for a in self.assignments]
        return min(dates) if dates else None

    @property
    def percent(self) -> float:
        return self.forecast.percent if self.forecast else 0.0

    @property
    def status(self) -> str:
        return self.forecast.status if self.forecast else ""

    @property
    def projected_finish(self) -> datetime.date | None:
        return self.forecast.projected_finish if self.forecast else None

    @property
    def late(self) -> bool:
        """Projected to finish after the due date."""
        finish, due = self.projected_finish, self.due_date
        return bool(due and (finish is None or finish > due) and self.status != forecasts.DONE)


@dataclass
class TeamTable:
    team: Team
    today: datetime.date
    rows: list[MemberRow]
    status_counts: dict[str, int] = field(default_factory=dict)
    catalogue: str = ""  # the catalogue version the figures were computed with


def week_start(today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=today.weekday())


def team_progress(
    *,
    team: Team,
    today: datetime.date,
    status: str | None = None,
    query: str = "",
    sort: str = "name",
    descending: bool = False,
) -> TeamTable:
    """One row per member: assigned work, hours this week and in total, the forecast of
    the assigned courses (of every planned course when nothing is assigned).

    Each member's figures are cached under their progress version (tracker/progress/
    cache.py): two queries when every member's figures are cached, six when any is not
    (the figures of the missing ones are computed together)."""
    members = list(  # 1
        team.members.only("name", "email", "progress_version", "is_active").order_by(
            "name", "email"
        )
    )
    catalogue = catalogue_version()  # 2
    keys = {
        m.pk: progress_cache.key("team-row", m.pk, m.progress_version, today, catalogue)
        for m in members
    }
    figures = progress_cache.get_or_compute_many(
        keys, lambda ids: member_figures(member_ids=ids, today=today)
    )
    rows = [MemberRow(member, *figures[member.pk]) for member in members]
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


# The figures of a MemberRow, in its field order after `member`: assignments, hours this
# week, hours in all, last activity, forecast.
Figures = tuple[list[AssignedWork], float, float, datetime.date | None, Forecast | None]


def member_figures(*, member_ids: list[int], today: datetime.date) -> dict[int, Figures]:
    """The figures of each learner's row, computed together (five queries): the totals
    are read from the weekly summaries (study_figures, two queries)."""
    assignments: dict[int, list[AssignedWork]] = {}
    for values in (  # 1
        Assignment.objects.filter(assignee_id__in=member_ids)
        .order_by("due_date", "id")
        .values_list(
            "assignee_id",
            "pk",
            "team_id",
            "track_id",
            "course_id",
            "due_date",
            "track__code",
            "course__code",
            "track__name_fr",
            "track__name_en",
            "course__title",
        )
    ):
        assignee_id, pk, team_id, track_id, course_id, due_date, *names = values
        track_code, course_code, name_fr, name_en, title = names
        assignments.setdefault(assignee_id, []).append(
            AssignedWork(
                pk=pk,
                team_id=team_id,
                track_id=track_id,
                course_id=course_id,
                due_date=due_date,
                target_code=track_code or course_code,
                name_fr=name_fr or title,
                name_en=name_en or "",
            )
        )
    monday = week_start(today)
    totals: dict[int, dict[int, Totals]] = {}  # learner -> course -> totals
    week: dict[int, int] = {}
    overall: dict[int, int] = {}
    last: dict[int, datetime.date] = {}
    recent_weeks = forecasts.trailing_start(today)
    for (user_id, course_id), figures in study_figures(  # 2, 3
        member_ids, since=recent_weeks
    ).items():
        totals.setdefault(user_id, {})[course_id] = Totals.of(figures, today=today)
        week[user_id] = week.get(user_id, 0) + figures.weekly.get(monday, 0)
        overall[user_id] = overall.get(user_id, 0) + figures.minutes
        if user_id not in last or figures.last_activity > last[user_id]:
            last[user_id] = figures.last_activity
    # Plain rows, not model instances: building hundreds of Plan and Course objects
    # cost more than the query (the forecasts only read these few fields).
    plans: dict[int, list[SimpleNamespace]] = {}
    for values in Plan.objects.filter(user_id__in=member_ids).values(  # 4
        "user_id",
        "course_id",
        "start_date",
        "weekly_hours",
        "target_date",
        "done_on",
        "course__effort_hours",
        "course__track_id",
    ):
        course = SimpleNamespace(
            effort_hours=values["course__effort_hours"], track_id=values["course__track_id"]
        )
        plans.setdefault(values["user_id"], []).append(SimpleNamespace(course=course, **values))
    choices: dict[int, set[int]] = {}
    for user_id, course_id in PhaseChoice.objects.filter(  # 5
        user_id__in=member_ids
    ).values_list("user_id", "course_id"):
        choices.setdefault(user_id, set()).add(course_id)

    return {
        member_id: (
            assignments.get(member_id, []),
            week.get(member_id, 0) / 60,
            overall.get(member_id, 0) / 60,
            last.get(member_id),
            _member_forecast(
                assigned=assignments.get(member_id, []),
                plans=plans.get(member_id, []),
                chosen=choices.get(member_id, set()),
                totals=totals.get(member_id, {}),
                today=today,
            ),
        )
        for member_id in member_ids
    }


def _member_forecast(
    *,
    assigned: list[AssignedWork],
    plans: list[SimpleNamespace],
    chosen: set[int],
    totals: dict[int, Totals],
    today: datetime.date,
) -> Forecast | None:
    """The forecast of the assigned courses (of every planned course when nothing is
    assigned), against the earliest due date."""
    if assigned:
        assigned_courses = {a.course_id for a in assigned if a.course_id}
        assigned_tracks = {a.track_id for a in assigned if a.track_id}
        plans = [
            p
            for p in plans
            if p.course_id in assigned_courses
            or (p.course.track_id in assigned_tracks and p.course_id in chosen)
        ]
    plan_rows = rows_for_plans(plans=plans, totals=totals, today=today)
    group = group_forecast(rows=plan_rows, today=today)
    if group is not None and assigned:
        due = min(a.due_date for a in assigned)
        group = forecasts.forecast(
            today=today,
            effort_hours=group.effort_hours,
            logged_hours=group.logged_hours,
            credited_hours=group.credited_hours,
            recent_hours=sum(r.totals.recent_hours for r in plan_rows),
            planned_weekly_hours=sum(float(r.plan.weekly_hours) for r in plan_rows)
            / len(plan_rows),
            start_date=min(r.plan.start_date for r in plan_rows),
            target_date=due,
            done_on=group.projected_finish if group.status == forecasts.DONE else None,
        )
    if group is None and assigned:
        # Assigned but nothing chosen or planned yet: not started (or overdue), with
        # no projection to show.
        group = dataclasses.replace(
            forecasts.forecast(
                today=today,
                effort_hours=0,
                logged_hours=0,
                recent_hours=0,
                planned_weekly_hours=None,
                target_date=min(a.due_date for a in assigned),
            ),
            projected_finish=None,
        )
    return group


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
