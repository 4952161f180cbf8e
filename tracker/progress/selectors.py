"""Reads of the progress app: permission-scoped getters and the numbers pages show.

Every total is read from the weekly summaries (summaries.study_figures); the page-level
selectors run a fixed number of queries whatever the number of time entries (the tests
pin it).
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from courses.models import Course, Phase, Track
from tracker.accounts.models import User

from . import forecasts
from .forecasts import Forecast
from .models import Enrolment, PhaseChoice, Plan, TimeEntry
from .summaries import StudyFigures, study_figures

CALIBRATION_MIN_LEARNERS = 3
RECENT_ENTRIES = 5
CHART_WEEKS = 26  # the charts look back half a year
# What lists of entries and plans read: never the course's long texts.
ENTRY_FIELDS = ("user_id", "course_id", "module_id", "date", "minutes", "note")
COURSE_HEAVY_FIELDS = ("body_md", "description_html", "metadata", "competency_names")


# --- Permission-scoped getters (someone else's id answers 404) --------------------------


def entry_get_for_user(*, user: User, entry_id: int) -> TimeEntry:
    return get_object_or_404(
        TimeEntry.objects.select_related("course", "module"), pk=entry_id, user=user
    )


def plan_get_for_user(*, user: User, course_code: str) -> Plan:
    return get_object_or_404(
        Plan.objects.select_related("course", "user"), user=user, course__code=course_code
    )


def entries_for_user(
    *,
    user: User,
    course: Course | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[TimeEntry]:
    entries = (
        TimeEntry.objects.filter(user=user)
        .select_related("course", "module")
        .only(*ENTRY_FIELDS, "course__code", "course__title", "module__title")
    )
    if course is not None:
        entries = entries.filter(course=course)
    if date_from is not None:
        entries = entries.filter(date__gte=date_from)
    if date_to is not None:
        entries = entries.filter(date__lte=date_to)
    return entries.order_by("-date", "-id")


# --- Totals ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    minutes: int = 0
    recent_minutes: int = 0

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def recent_hours(self) -> float:
        return self.recent_minutes / 60

    @classmethod
    def of(cls, figures: StudyFigures, *, today: datetime.date) -> Totals:
        return cls(figures.minutes, trailing_minutes(figures.weekly, today=today))


def trailing_minutes(weekly: Mapping[datetime.date, int], *, today: datetime.date) -> int:
    """The minutes of the trailing four weeks that end today, from weekly sums: the weeks
    inside them, and the share of the week they start in that falls inside them (its
    minutes taken as spread evenly over its days). Exact when today is a Sunday."""
    start = forecasts.trailing_start(today)
    total = 0.0
    for monday, minutes in weekly.items():
        sunday = monday + datetime.timedelta(days=6)
        if monday > today or sunday < start:
            continue
        if monday >= start:
            total += minutes
        else:
            total += minutes * ((sunday - start).days + 1) / 7
    return round(total)


def course_totals(
    *, user: User, today: datetime.date, course_ids: list[int] | None = None
) -> dict[int, Totals]:
    """Minutes logged per course, all time and over the trailing four weeks (two queries)."""
    figures = study_figures([user.pk], course_ids, since=forecasts.trailing_start(today))
    return {course_id: Totals.of(f, today=today) for (_user, course_id), f in figures.items()}


@dataclass
class PlanRow:
    plan: Plan
    totals: Totals
    forecast: Forecast

    @property
    def course(self) -> Course:
        return self.plan.course


def plan_forecast(*, plan: Plan, totals: Totals, today: datetime.date) -> Forecast:
    return forecasts.forecast(
        today=today,
        effort_hours=plan.course.effort_hours,
        logged_hours=totals.hours,
        recent_hours=totals.recent_hours,
        planned_weekly_hours=plan.weekly_hours,
        start_date=plan.start_date,
        target_date=plan.target_date,
        done_on=plan.done_on,
    )


def group_forecast(*, rows: list[PlanRow], today: datetime.date) -> Forecast | None:
    """A track's (or a phase's) forecast: the same rule on the sums of its courses.

    The planned pace is the mean of the plans' paces (a learner follows one course after
    another); the target is the latest target; it is done when every course is done.
    """
    if not rows:
        return None
    targets = [row.plan.target_date for row in rows if row.plan.target_date]
    done_dates = [row.plan.done_on for row in rows]
    return forecasts.forecast(
        today=today,
        effort_hours=sum(float(row.course.effort_hours) for row in rows),
        logged_hours=sum(row.totals.hours for row in rows),
        recent_hours=sum(row.totals.recent_hours for row in rows),
        planned_weekly_hours=sum(float(row.plan.weekly_hours) for row in rows) / len(rows),
        start_date=min(row.plan.start_date for row in rows),
        target_date=max(targets) if targets else None,
        done_on=max(done_dates) if all(done_dates) else None,  # type: ignore[type-var]
    )


@dataclass
class PhaseRow:
    phase: Phase
    row: PlanRow | None


@dataclass
class TrackRow:
    track: Track
    phases: list[PhaseRow]
    forecast: Forecast | None


@dataclass
class Overview:
    today: datetime.date
    tracks: list[TrackRow]
    other_rows: list[PlanRow]
    rows: list[PlanRow]
    overall: Forecast | None
    # Minutes per week since `window_start`, and all the minutes logged before it.
    weekly: list[tuple[datetime.date, int]] = field(default_factory=list)
    window_start: datetime.date | None = None
    minutes_before_window: int = 0


def plan_rows(
    *,
    user: User,
    today: datetime.date,
    course: Course | None = None,
    totals: dict[int, Totals] | None = None,
) -> list[PlanRow]:
    plans = (
        Plan.objects.filter(user=user)
        .select_related("course")
        .defer(*(f"course__{name}" for name in COURSE_HEAVY_FIELDS))
        .order_by("start_date", "id")
    )
    if course is not None:
        plans = plans.filter(course=course)
    plans = list(plans)
    if totals is None:
        totals = course_totals(user=user, today=today, course_ids=[p.course_id for p in plans])
    return rows_for_plans(plans=plans, totals=totals, today=today)


def rows_for_plans(
    *, plans: list, totals: dict[int, Totals], today: datetime.date
) -> list[PlanRow]:
    """Each plan with its course's totals and forecast."""
    rows = []
    for plan in plans:
        plan_totals = totals.get(plan.course_id, Totals())
        rows.append(
            PlanRow(
                plan=plan,
                totals=plan_totals,
                forecast=plan_forecast(plan=plan, totals=plan_totals, today=today),
            )
        )
    return rows


def weekly_minutes(
    figures: Iterable[StudyFigures], *, since: datetime.date
) -> list[tuple[datetime.date, int]]:
    """Minutes logged per week (weeks start on Monday) from the Monday `since`, oldest
    first, over these courses' figures."""
    weeks: dict[datetime.date, int] = {}
    for course_figures in figures:
        for monday, minutes in course_figures.weekly.items():
            if monday >= since:
                weeks[monday] = weeks.get(monday, 0) + minutes
    return sorted(weeks.items())


def progress_overview(*, user: User, today: datetime.date) -> Overview:
    """The learner's whole plan: tracks and phases with the chosen course, other courses."""
    # The weeks of the charts, which hold the trailing weeks of the forecasts too.
    window_start = today - datetime.timedelta(days=today.weekday(), weeks=CHART_WEEKS - 1)
    figures = study_figures([user.pk], since=window_start)
    totals = {course_id: Totals.of(f, today=today) for (_user, course_id), f in figures.items()}
    rows = plan_rows(user=user, today=today, totals=totals)
    by_course = {row.plan.course_id: row for row in rows}
    tracks = [e.track for e in Enrolment.objects.filter(user=user).select_related("track")]
    chosen_course = PhaseChoice.objects.filter(user=user, phase=OuterRef("pk")).values("course_id")
    phases = list(
        Phase.objects.filter(track__in=tracks)
        .annotate(chosen_course_id=Subquery(chosen_course[:1]))
        .order_by("track_id", "order")
    )
    chosen = {phase.pk: phase.chosen_course_id for phase in phases}
    placed: set[int] = set()
    track_rows = []
    for track in tracks:
        phase_rows = []
        for phase in phases:
            if phase.track_id != track.pk:
                continue
            row = by_course.get(chosen.get(phase.pk, -1))
            if row is not None:
                placed.add(row.plan.course_id)
            phase_rows.append(PhaseRow(phase=phase, row=row))
        in_track = [pr.row for pr in phase_rows if pr.row is not None]
        track_rows.append(
            TrackRow(
                track=track,
                phases=phase_rows,
                forecast=group_forecast(rows=in_track, today=today),
            )
        )
    others = [row for row in rows if row.plan.course_id not in placed]
    weekly = weekly_minutes(figures.values(), since=window_start)
    return Overview(
        today=today,
        tracks=track_rows,
        other_rows=others,
        rows=rows,
        overall=group_forecast(rows=rows, today=today),
        weekly=weekly,
        window_start=window_start,
        minutes_before_window=sum(t.minutes for t in totals.values()) - sum(m for _w, m in weekly),
    )


def recent_entries(*, user: User, limit: int = RECENT_ENTRIES) -> list[TimeEntry]:
    return list(entries_for_user(user=user)[:limit])


# --- Course page ----------------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    median_hours: float | None
    finishers: int


def course_calibration(*, course: Course) -> Calibration:
    """Median hours logged by the learners who finished the course (shown from three on)."""
    finishers = Plan.objects.filter(course=course, done_on__isnull=False).values("user_id")
    # Only the totals are read: the weeks asked for are the current one at most.
    this_week = datetime.date.today()
    sums = [f.minutes for f in study_figures(finishers, [course.pk], since=this_week).values()]
    if len(sums) < CALIBRATION_MIN_LEARNERS:
        return Calibration(None, len(sums))
    return Calibration(round(statistics.median(sums) / 60, 1), len(sums))


@dataclass
class CoursePanel:
    course: Course
    row: PlanRow | None
    modules: list
    done_module_ids: set[int]
    calibration: Calibration
    recent: list[TimeEntry]


def course_panel(*, user: User, course: Course, today: datetime.date) -> CoursePanel:
    rows = plan_rows(user=user, today=today, course=course)
    row = rows[0] if rows else None
    done_ids = set(row.plan.modules_done.values_list("pk", flat=True)) if row else set()
    return CoursePanel(
        course=course,
        row=row,
        modules=list(course.modules.all()),
        done_module_ids=done_ids,
        calibration=course_calibration(course=course),
        recent=list(entries_for_user(user=user, course=course)[:RECENT_ENTRIES]),
    )


# --- Track and compare pages ------------------------------------------------------------


def track_state(*, user: User, track: Track) -> dict:
    """Whether the learner follows the track, and the course chosen per phase."""
    enrolled = Enrolment.objects.filter(user=user, track=track).exists()
    choices = {
        c.phase_id: c.course
        for c in PhaseChoice.objects.filter(user=user, phase__track=track).select_related("course")
    }
    return {"enrolled": enrolled, "choices": choices}


def chosen_course_ids(*, user: User) -> set[int]:
    return set(PhaseChoice.objects.filter(user=user).values_list("course_id", flat=True))
