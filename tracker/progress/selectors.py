"""Reads of the progress app: permission-scoped getters and the numbers pages show.

Every total is read from the summaries (summaries.study_figures, or StudyTotal and
StudyWeek read by the database); the page-level selectors run a fixed number of queries whatever
the number of time entries (the tests pin it). Progress figures and verdicts come from
the progress model (verdicts.py), never computed here.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from courses.models import Course, Module, Phase, Track
from tracker.accounts.models import User

from . import blocks, sql, verdicts
from .blocks import ProposedBlock
from .durations import format_minutes
from .models import (
    Enrolment,
    Pause,
    PhaseChoice,
    Plan,
    StudyBlock,
    StudyPreference,
    TimeEntry,
)
from .services import default_weekly_hours  # pure: the plan phase_choose would add
from .verdicts import AssignedWork, CourseRow, TrackRow, Verdict

CALIBRATION_MIN_LEARNERS = 3
RECENT_ENTRIES = 5
CHART_WEEKS = 26  # the charts look back half a year
# What lists of entries and plans read: never the course's long texts.
ENTRY_FIELDS = ("user_id", "course_id", "module_id", "date", "minutes", "note")


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


# --- Progress (read from the progress model, tracker/progress/verdicts.py) ----------------


@dataclass
class Overview:
    """The learner's dashboard: their progress and the weeks its charts draw."""

    today: datetime.date
    tracks: list[TrackRow]
    other_rows: list[CourseRow]
    rows: list[CourseRow]
    overall: Verdict | None
    assignments: list[AssignedWork] = field(default_factory=list)
    # Minutes per week since `window_start`, and all the minutes logged before it.
    weekly: list[tuple[datetime.date, int]] = field(default_factory=list)
    window_start: datetime.date | None = None
    minutes_before_window: int = 0
    paused_until: datetime.date | None = None  # the end of the pause today falls in
    pauses: verdicts.Pauses = verdicts.NO_PAUSES


def progress_overview(*, user: User, today: datetime.date) -> Overview:
    """The learner's whole plan: tracks and phases with the chosen course, other courses."""
    # The charts' weeks, not only the pace's (the model reads those by default).
    progress = verdicts.learner_progress(user=user, today=today, weeks=CHART_WEEKS - 1)
    window_start = verdicts.monday(today) - datetime.timedelta(weeks=CHART_WEEKS - 1)
    weekly = progress.weekly_minutes(since=window_start)
    return Overview(
        today=today,
        tracks=progress.tracks,
        other_rows=progress.other_rows,
        rows=progress.rows,
        overall=progress.overall,
        assignments=progress.assignments,
        weekly=weekly,
        window_start=window_start,
        minutes_before_window=progress.total_minutes - sum(m for _w, m in weekly),
        paused_until=progress.paused_until,
        pauses=progress.pauses,
    )


GOAL_WEEKS = 8  # the weekly goal's balance rolls over the last eight complete weeks


@dataclass(frozen=True)
class WeeklyGoal:
    """The weekly goal: the profile's weekly hours (User.weekly_hours_available), the one
    definition the dashboard reads. A week's goal counts its days not paused only (a week
    wholly paused has none). No daily streak, nothing about a missed day.

    * **carried** = the rolling balance of the complete weeks before this one: each week
      adds its hours minus its goal, the running balance bounded to one week's goal either
      way (one great or bad week never weighs more than a week), from the learner's first
      week with hours in the last eight (before it nothing was owed). Positive: hours
      ahead; negative: hours to make up.
    * **weeks_met** = the weeks in a row, back from the last one, whose hours met their own
      goal (this week too once met); a wholly paused week neither breaks nor counts.
    """

    goal: float  # this week's goal, its paused days left out
    hours: float  # logged this week
    carried: float
    weeks_met: int

    @property
    def ahead(self) -> float:
        return max(self.carried, 0.0)

    @property
    def to_make_up(self) -> float:
        return max(-self.carried, 0.0)

    @property
    def to_go(self) -> float:
        """Hours still to study this week to meet it, the balance counted."""
        return round(max(self.goal - self.carried - self.hours, 0.0), 2)


def weekly_goal_figures(
    *,
    weekly: list[tuple[datetime.date, int]],
    today: datetime.date,
    hours_a_week: float,
    pauses: verdicts.Pauses = verdicts.NO_PAUSES,
) -> WeeklyGoal:
    """The weekly goal's figures from the minutes per week (the overview's, read from the
    weekly summaries: no query of its own)."""
    week_of = dict(weekly)
    this_week = verdicts.monday(today)
    week = datetime.timedelta(weeks=1)

    def goal_of(monday: datetime.date) -> float:
        days = pauses.active_days(monday, monday + datetime.timedelta(days=6))
        return hours_a_week * days / 7

    first = this_week - GOAL_WEEKS * week
    logged_weeks = [monday for monday, minutes in weekly if minutes and first <= monday]
    balance = 0.0
    monday = min(logged_weeks, default=this_week)
    while monday < this_week:
        balance += week_of.get(monday, 0) / 60 - goal_of(monday)
        balance = min(max(balance, -hours_a_week), hours_a_week)
        monday += week
    hours = week_of.get(this_week, 0) / 60
    streak = 1 if goal_of(this_week) and hours >= goal_of(this_week) else 0
    monday = this_week - week
    while logged_weeks and monday >= logged_weeks[0]:
        goal = goal_of(monday)
        if goal:
            if week_of.get(monday, 0) / 60 < goal:
                break
            streak += 1
        monday -= week
    return WeeklyGoal(
        goal=round(goal_of(this_week), 2),
        hours=round(hours, 2),
        carried=round(balance, 2),
        weeks_met=streak,
    )


@dataclass(frozen=True)
class Standing:
    """ "Where I stand", the dashboard's summary: figures read from the overview the
    dashboard already computed (no query of its own)."""

    today: datetime.date
    week_hours: float  # logged this ISO week, all courses
    weekly_goal: float  # the weekly hours set in the profile
    percent: float | None  # overall (None: nothing planned)
    all_done: bool = False
    # The open work with the nearest date (an overdue one first): its name and verdict.
    next_name: str | None = None
    next_verdict: Verdict | None = None
    continue_course: Course | None = None  # the course in progress (else the next to start)
    paused_until: datetime.date | None = None  # the end of the pause today falls in
    goal: WeeklyGoal | None = None

    @property
    def next_date(self) -> datetime.date | None:
        return self.next_verdict.judged_date if self.next_verdict else None

    @property
    def week_percent(self) -> float:
        return round(self.week_hours / self.weekly_goal * 100, 1) if self.weekly_goal else 0.0

    @property
    def days_left(self) -> int | None:
        """Days from today to the next date (negative: past, so many days ago)."""
        return (self.next_date - self.today).days if self.next_date else None

    @property
    def days_past(self) -> int:
        return max(-(self.days_left or 0), 0)


def standing(*, overview: Overview, weekly_goal: float) -> Standing:
    """The dashboard's summary from `overview` (see Standing); `weekly_goal` is the profile's
    weekly hours (User.weekly_hours_available)."""
    this_week = verdicts.monday(overview.today)
    week_minutes = sum(minutes for week, minutes in overview.weekly if week == this_week)
    # Every open piece of work with a date: tracks, courses outside them, assignments. An
    # assignment's verdict is its track's or course's own object when planned: counted once.
    work: dict[int, tuple[str, Verdict]] = {}
    for track_row in overview.tracks:
        work[id(track_row.verdict)] = (track_row.track.name, track_row.verdict)
    for row in overview.other_rows:
        work[id(row.verdict)] = (row.course.title, row.verdict)
    for assigned in overview.assignments:
        work.setdefault(id(assigned.verdict), (assigned.label, assigned.verdict))
    dated = sorted(
        ((name, v) for name, v in work.values() if v.status != verdicts.DONE and v.judged_date),
        key=lambda item: item[1].judged_date,
    )
    open_rows = [row for row in overview.rows if row.verdict.status != verdicts.DONE]
    started = [row for row in open_rows if row.figures.last_activity is not None]
    if started:
        current = max(started, key=lambda row: row.figures.last_activity).course
    else:
        current = open_rows[0].course if open_rows else None
    return Standing(
        today=overview.today,
        all_done=bool(overview.overall and overview.overall.status == verdicts.DONE),
        week_hours=round(week_minutes / 60, 2),
        weekly_goal=float(weekly_goal),
        percent=overview.overall.percent if overview.overall else None,
        next_name=dated[0][0] if dated else None,
        next_verdict=dated[0][1] if dated else None,
        continue_course=current,
        paused_until=overview.paused_until,
        goal=weekly_goal_figures(
            weekly=overview.weekly,
            today=overview.today,
            hours_a_week=float(weekly_goal),
            pauses=overview.pauses,
        ),
    )


def plan_row(*, user: User, course: Course, today: datetime.date) -> CourseRow | None:
    """The learner's plan of `course` with its verdict (None: not in their plan)."""
    progress = verdicts.learner_progress(user=user, today=today)
    return next((row for row in progress.rows if row.plan.course_id == course.pk), None)


def recent_entries(
    *, user: User, course: Course | None = None, limit: int = RECENT_ENTRIES
) -> list[TimeEntry]:
    """The latest entries the dashboard (or a course page: `course`) lists, with their
    course's code and title and their module's title: entries_for_user's first rows, in
    SQL (Manager.raw; ARCHITECTURE.md, "Hand-written SQL"), as every cold dashboard view
    and every course page reads them and the ORM's joins with `.only()` cost four times
    the query."""
    only_course = "" if course is None else " AND e.course_id = %s"
    entries = list(
        TimeEntry.objects.raw(
            "SELECT e.id, e.user_id, e.course_id, e.module_id, e.date, e.minutes, e.note,"  # noqa: S608
            " c.code AS course_code, c.title AS course_title, m.title AS module_title"
            " FROM progress_timeentry e JOIN courses_course c ON c.id = e.course_id"
            " LEFT JOIN courses_module m ON m.id = e.module_id"
            f" WHERE e.user_id = %s{only_course} ORDER BY e.date DESC, e.id DESC LIMIT %s",
            [user.pk, *([] if course is None else [course.pk]), limit],
        )
    )
    for entry in entries:
        db = entry._state.db
        entry.course = sql.partial(
            Course, db, id=entry.course_id, code=entry.course_code, title=entry.course_title
        )
        entry.module = (
            sql.partial(
                Module, db, id=entry.module_id, course_id=entry.course_id, title=entry.module_title
            )
            if entry.module_id
            else None
        )
    return entries


# --- Course page ----------------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    median_hours: float | None
    finishers: int


def course_calibration(*, course: Course) -> Calibration:
    """Median hours logged by the learners who finished the course (shown from three on):
    one query, the finishers' totals on the course (only the totals of study_figures,
    which would also read the weeks)."""
    # SQL (ARCHITECTURE.md, "Hand-written SQL"): every course page reads it.
    sums = [
        total
        for (total,) in sql.select(
            "SELECT minutes FROM progress_studytotal WHERE course_id = %s AND user_id IN"
            " (SELECT user_id FROM progress_plan WHERE course_id = %s AND done_on IS NOT NULL)",
            [course.pk, course.pk],
        )
    ]
    if len(sums) < CALIBRATION_MIN_LEARNERS:
        return Calibration(None, len(sums))
    return Calibration(round(statistics.median(sums) / 60, 1), len(sums))


@dataclass
class CoursePanel:
    course: Course
    row: CourseRow | None
    modules: list
    done_module_ids: set[int]
    calibration: Calibration
    recent: list[TimeEntry]


def course_panel(*, user: User, course: Course, today: datetime.date) -> CoursePanel:
    # The progress model has one row a plan: a course not in the plan (most course pages
    # a learner opens) has none, which one query tells without the model's eight.
    # The page's own reads are SQL (ARCHITECTURE.md, "Hand-written SQL"): every course
    # page a learner opens makes them.
    planned = sql.select(
        "SELECT 1 FROM progress_plan WHERE user_id = %s AND course_id = %s", [user.pk, course.pk]
    )
    row = plan_row(user=user, course=course, today=today) if planned else None
    # The model's plan is plain values (verdicts.PlanFacts): its modules done are read
    # from the through table.
    done_ids = (
        {
            module_id
            for (module_id,) in sql.select(
                "SELECT module_id FROM progress_plan_modules_done WHERE plan_id = %s",
                [row.plan.pk],
            )
        }
        if row
        else set()
    )
    return CoursePanel(
        course=course,
        row=row,
        modules=list(course.modules.all()),
        done_module_ids=done_ids,
        calibration=course_calibration(course=course),
        recent=recent_entries(user=user, course=course),
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


def chosen_options(*, user: User) -> set[tuple[int, int]]:
    """The learner's (phase id, course id) choices: a course two tracks share is chosen
    in the phase where the learner chose it, not in the other."""
    return set(PhaseChoice.objects.filter(user=user).values_list("phase_id", "course_id"))


def track_if_chosen(*, user: User, phase: Phase, options: Sequence[Course]) -> dict[int, Verdict]:
    """The compare page's "what if": for each option (course pk), the learner's verdict for
    the phase's track as if they chose it in this phase (verdicts.progress_if_chosen),
    nothing written. The progress model's queries (verdicts.gather), whatever the number
    of options."""
    if not options:
        return {}
    today = user.local_today()
    inputs = verdicts.gather(users=[user], today_of={user.pk: today}, tracks_too=[phase.track])
    outcomes = {}
    for course in options:
        plan = Plan(
            user_id=user.pk,
            course=course,
            start_date=today,
            weekly_hours=default_weekly_hours(user=user, course=course),
        )
        progress = verdicts.progress_if_chosen(inputs[user.pk], phase=phase, plan=plan)
        outcomes[course.pk] = next(
            row.verdict for row in progress.tracks if row.track.pk == phase.track_id
        )
    return outcomes


# --- Quick log and entries list ----------------------------------------------------------


def duplicate_warning(*, entry: TimeEntry) -> str | None:
    """A warning when another entry has the same course, day and duration: a likely
    duplicate (a double submit, or logged on two devices). The entry is kept."""
    twin = (
        TimeEntry.objects.filter(
            user_id=entry.user_id, course_id=entry.course_id, date=entry.date, minutes=entry.minutes
        )
        .exclude(pk=entry.pk)
        .exists()
    )
    if not twin:
        return None
    return _(
        "You had already logged %(duration)s on this course on %(date)s: is this a duplicate?"
    ) % {"duration": format_minutes(entry.minutes), "date": entry.date.isoformat()}


def last_logged_course_code(*, user: User) -> str | None:
    """The course of the learner's latest entry: the quick log offers it first."""
    # SQL for the reason of recent_entries.
    rows = sql.select(
        "SELECT c.code FROM progress_timeentry e JOIN courses_course c ON c.id = e.course_id"
        " WHERE e.user_id = %s ORDER BY e.created DESC, e.id DESC LIMIT 1",
        [user.pk],
    )
    return rows[0][0] if rows else None


@dataclass
class EntryWeek:
    start: datetime.date
    minutes: int  # the whole week's total within the filter, not only this page's rows
    entries: list[TimeEntry]


def entries_by_week(
    *, entries: QuerySet[TimeEntry], page_entries: list[TimeEntry]
) -> list[EntryWeek]:
    """The page's entries grouped by week (Monday first), each week with its total over
    `entries` (the filtered list): one query, whatever the number of rows."""
    weeks: list[EntryWeek] = []
    for entry in page_entries:
        start = entry.date - datetime.timedelta(days=entry.date.weekday())
        if not weeks or weeks[-1].start != start:
            weeks.append(EntryWeek(start=start, minutes=0, entries=[]))
        weeks[-1].entries.append(entry)
    if weeks:
        first, last = weeks[-1].start, weeks[0].start + datetime.timedelta(days=6)
        totals = (
            entries.order_by()
            .filter(date__gte=first, date__lte=last)
            .values_list("date")
            .annotate(total=Sum("minutes"))
        )
        by_week: dict[datetime.date, int] = {}
        for day, total in totals:
            start = day - datetime.timedelta(days=day.weekday())
            by_week[start] = by_week.get(start, 0) + total
        for week in weeks:
            week.minutes = by_week.get(week.start, 0)
    return weeks


def entries_total(*, entries: QuerySet[TimeEntry]) -> dict:
    """How many entries and minutes the filter selects (one query)."""
    return entries.order_by().aggregate(count=Count("id"), minutes=Sum("minutes", default=0))


def plan_course_ids(*, user: User) -> list[int]:
    return list(Plan.objects.filter(user=user).values_list("course_id", flat=True))


def course_marks(*, user: User) -> dict[int, str]:
    """Where each course the learner touched stands: "done" (its plan is done), "chosen"
    (the option chosen for its phase) or "planned" (in the plan). One query."""
    # SQL (ARCHITECTURE.md, "Hand-written SQL"): every catalogue view reads it, and the
    # ORM's three correlated EXISTS took 2 to 3 ms to compile; the plans and choices of
    # one learner are a few rows to fold.
    rows = sql.select(
        "SELECT course_id, MAX(done), MAX(chosen) FROM ("
        " SELECT course_id, CASE WHEN done_on IS NULL THEN 0 ELSE 1 END AS done, 0 AS chosen"
        " FROM progress_plan WHERE user_id = %s"
        " UNION ALL SELECT course_id, 0, 1 FROM progress_phasechoice WHERE user_id = %s"
        ") marks GROUP BY course_id",
        [user.pk, user.pk],
    )
    return {pk: "done" if done else "chosen" if chosen else "planned" for pk, done, chosen in rows}


def weekly_pace(*, user: User) -> Decimal:
    """The learner's pace for comparing tracks and planning: the hours a week they said
    they have (profile, first-run guide; the field's default is the usual 5 h)."""
    return user.weekly_hours_available


def first_run_choices(*, user: User, track: Track) -> dict[int, str]:
    """{phase id: chosen course code} of the learner in `track` (one query)."""
    return dict(
        PhaseChoice.objects.filter(user=user, phase__track=track).values_list(
            "phase_id", "course__code"
        )
    )


# --- Pauses and rest days -------------------------------------------------------------


def pauses_for_user(*, user: User) -> list[Pause]:
    return list(Pause.objects.filter(user=user).order_by("-start", "-id"))


def pause_get_for_user(*, user: User, pause_id: int) -> Pause:
    """The learner's own pause; another learner's id answers 404."""
    return get_object_or_404(Pause, pk=pause_id, user=user)


def rest_days(*, user: User) -> list[int]:
    preference = StudyPreference.objects.filter(user=user).first()
    return list(preference.rest_days) if preference else []


def pauses_of(*, user_ids: list[int], since: datetime.date) -> dict[int, verdicts.Pauses]:
    """Each learner's pauses that end on or after `since` (one query); a learner without
    any is absent."""
    spans: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
    for user_id, start, end in (
        Pause.objects.filter(user_id__in=user_ids, end__gte=since)
        .order_by("user_id", "start")
        .values_list("user_id", "start", "end")
    ):
        spans.setdefault(user_id, []).append((start, end))
    return {pk: verdicts.Pauses(tuple(items)) for pk, items in spans.items()}


# --- Study blocks -----------------------------------------------------------------------


@dataclass
class BlocksPage:
    preference: StudyPreference
    accepted: list[StudyBlock]  # from a week ago on: recent ones can still be ticked off
    proposal: list[ProposedBlock]
    reason: str | None  # why a new plan is proposed (blocks.new_plan_reason); None: none
    today: datetime.date


def study_preference(*, user: User) -> StudyPreference:
    return StudyPreference.objects.filter(user=user).first() or StudyPreference(user=user)


def block_get_for_user(*, user: User, block_id: int) -> StudyBlock:
    return get_object_or_404(StudyBlock, pk=block_id, user=user)


def blocks_proposal(*, user: User, today: datetime.date, preference: StudyPreference):
    progress = verdicts.learner_progress(user=user, today=today)
    proposal = blocks.propose(
        progress=progress,
        rest_days=preference.rest_days,
        hour=preference.block_hour,
        minutes=preference.block_minutes,
    )
    return progress, proposal


def blocks_page(*, user: User) -> BlocksPage:
    today = user.local_today()
    preference = study_preference(user=user)
    progress, proposal = blocks_proposal(user=user, today=today, preference=preference)
    accepted = list(
        StudyBlock.objects.filter(user=user, day__gte=today - datetime.timedelta(days=7))
        .select_related("course")
        .only("day", "start", "minutes", "ticked", "sequence", "course__code", "course__title")
    )
    ahead = [b for b in accepted if b.day > today and not b.ticked]
    reason = blocks.new_plan_reason(
        progress=progress, accepted=ahead, rest_days=preference.rest_days
    )
    if reason is None or [p.key for p in proposal] == [
        (b.course_id, b.day, b.start, b.minutes) for b in ahead
    ]:
        proposal = []  # the accepted plan holds: nothing new to propose
    return BlocksPage(
        preference=preference, accepted=accepted, proposal=proposal, reason=reason, today=today
    )
