"""Reads of the teams app: permission-scoped getters, the team table, the heatmap.

`team_progress` and `team_heatmap` run a fixed number of queries whatever the number of
learners or entries (the tests pin it for 20 and 200 learners): every total is a SUM by
the database, grouped per learner and course.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404

from courses.models import Competency, Phase, TrackTarget
from tracker.accounts.models import Team, User
from tracker.assessments.models import Assessment, ManagerRating, Rating
from tracker.progress import forecasts
from tracker.progress.forecasts import Forecast
from tracker.progress.models import PhaseChoice, Plan, TimeEntry
from tracker.progress.selectors import (
    COURSE_HEAVY_FIELDS,
    PlanRow,
    Totals,
    group_forecast,
    plan_forecast,
)

from .models import Assignment, AssignmentLog

# --- Permission-scoped getters (a team one does not manage answers 404) ------------------


def teams_managed_by(*, user: User) -> QuerySet[Team]:
    if user.is_admin:
        return Team.objects.all()
    return Team.objects.filter(managers=user)


def team_get_for_manager(*, user: User, team_id: int) -> Team:
    """A team the user manages (admins: any team); anything else answers 404."""
    return get_object_or_404(teams_managed_by(user=user), pk=team_id)


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


def team_logs(*, team: Team, limit: int = 50) -> list[AssignmentLog]:
    return list(AssignmentLog.objects.filter(team=team).select_related("actor", "assignee")[:limit])


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


@dataclass
class MemberRow:
    member: User
    assignments: list[Assignment]
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
    the assigned courses (of every planned course when nothing is assigned). Six queries."""
    members = list(team.members.order_by("name", "email"))  # 1
    member_ids = [m.pk for m in members]
    assignments: dict[int, list[Assignment]] = {}
    for a in (  # 2
        Assignment.objects.filter(assignee_id__in=member_ids)
        .select_related("track", "course")
        .only(
            "assignee_id",
            "track_id",
            "course_id",
            "due_date",
            "due_overridden",
            "note",
            "team_id",
            "track__code",
            "track__name_fr",
            "track__name_en",
            "course__code",
            "course__title",
            "course__track_id",
        )
        .order_by("due_date", "id")
    ):
        assignments.setdefault(a.assignee_id, []).append(a)
    trailing = forecasts.trailing_start(today)
    monday = week_start(today)
    totals: dict[tuple[int, int], Totals] = {}
    week: dict[int, int] = {}
    overall: dict[int, int] = {}
    last: dict[int, datetime.date] = {}
    for row in (  # 3
        TimeEntry.objects.filter(user_id__in=member_ids)
        .values("user_id", "course_id")
        .annotate(
            total=Sum("minutes"),
            recent=Sum("minutes", filter=Q(date__gte=trailing, date__lte=today), default=0),
            week=Sum("minutes", filter=Q(date__gte=monday, date__lte=today), default=0),
            last=Max("date"),
        )
    ):
        user_id = row["user_id"]
        totals[(user_id, row["course_id"])] = Totals(row["total"], row["recent"])
        week[user_id] = week.get(user_id, 0) + row["week"]
        overall[user_id] = overall.get(user_id, 0) + row["total"]
        if user_id not in last or row["last"] > last[user_id]:
            last[user_id] = row["last"]
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

    rows = []
    for member in members:
        mine = assignments.get(member.pk, [])
        assigned_courses = {a.course_id for a in mine if a.course_id}
        assigned_tracks = {a.track_id for a in mine if a.track_id}
        chosen = choices.get(member.pk, set())
        member_plans = plans.get(member.pk, [])
        if mine:
            member_plans = [
                p
                for p in member_plans
                if p.course_id in assigned_courses
                or (p.course.track_id in assigned_tracks and p.course_id in chosen)
            ]
        plan_rows = []
        for plan in member_plans:
            plan_totals = totals.get((member.pk, plan.course_id), Totals())
            plan_rows.append(
                PlanRow(
                    plan=plan,
                    totals=plan_totals,
                    forecast=plan_forecast(plan=plan, totals=plan_totals, today=today),
                )
            )
        group = group_forecast(rows=plan_rows, today=today)
        if group is not None and mine:
            due = min(a.due_date for a in mine)
            group = forecasts.forecast(
                today=today,
                effort_hours=group.effort_hours,
                logged_hours=group.logged_hours,
                recent_hours=sum(r.totals.recent_hours for r in plan_rows),
                planned_weekly_hours=sum(float(r.plan.weekly_hours) for r in plan_rows)
                / len(plan_rows),
                start_date=min(r.plan.start_date for r in plan_rows),
                target_date=due,
                done_on=group.projected_finish if group.status == forecasts.DONE else None,
            )
        if group is None and mine:
            # Assigned but nothing chosen or planned yet: not started (or overdue), with
            # no projection to show.
            group = dataclasses.replace(
                forecasts.forecast(
                    today=today,
                    effort_hours=0,
                    logged_hours=0,
                    recent_hours=0,
                    planned_weekly_hours=None,
                    target_date=min(a.due_date for a in mine),
                ),
                projected_finish=None,
            )
        rows.append(
            MemberRow(
                member=member,
                assignments=mine,
                week_hours=week.get(member.pk, 0) / 60,
                total_hours=overall.get(member.pk, 0) / 60,
                last_activity=last.get(member.pk),
                forecast=group,
            )
        )
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
    return TeamTable(team=team, today=today, rows=rows, status_counts=counts)


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
                    level=levels.get((member.pk, code)),
                    manager_level=manager_levels.get((member.pk, code)),
                    target=targets.get(code),
                )
                for code in competencies
            ],
        )
        for member in members
    ]
    return Heatmap(competencies=list(competencies.values()), targets=targets, rows=rows)
