"""The progress model: one place that gathers, aggregates and judges a learner's progress.

The learner's dashboard, course panel and plan page, the manager's team table, member page
and CSV, the API and the reminders all read `learners_progress` (or `learner_progress`),
so they cannot disagree. It reads a batch of learners at once, in eight queries whatever
their number: plans, enrolments, assignments, the phases of their tracks (with the
tracks), their phase choices, the study figures per course and ISO week (two:
summaries.study_figures) and their pauses; one more when a track has no phase at all.
Plans, enrolments and assignments are read as plain values (PlanFacts, AssignmentFacts),
and only the weeks the pace reads (`gather`'s `weeks`): model instances and a year of
weeks per learner were most of a team page's cost.
Assignments belong to tracker.teams, which imports progress: they are read inside
`learners_progress`, the one place progress reads teams (the post_save receiver that
copied due dates into plans is gone).

Two dates, named
----------------
* The **due date** comes from an assignment (tracker/teams): a course's due date is the
  earliest of the assignments that cover it (the course itself, or a track in which it is
  the option the learner chose for a phase). It is read from the assignment itself, never
  from a copy the learner could overwrite.
* The **personal target** is the learner's own plan date (`Plan.target_date`); a track's is
  the latest of its chosen courses' targets.
* A verdict is judged against the due date when there is one, else against the personal
  target (the **judged date**; none at all: nothing can be late). The learner also reads
  the verdict against their own target (`target_status`, `days_late_for_target`).

Pace (hours a week a projection uses)
-------------------------------------
Computed from the weekly figures only, so that one day cannot swing it:

* Only **complete ISO weeks** count: the current week's hours shorten the remaining work
  at once but move the pace only when the week is over. The eight complete weeks before
  the current one are averaged with linear weights (the last week 8, the one before 7...,
  the eighth 1); weeks before the learner's first entry on the course do not count, and
  the week of that first entry counts for the share of its days from the first entry on.
* While that history is shorter than eight weeks, the observed pace is blended with the
  planned pace (the plan's weekly hours): `pace = h/8 * observed + (1 - h/8) * planned`,
  `h` the weeks of history (fractional for the first one). A learner who has not started
  (nothing logged) is projected at the planned pace.

Why it holds still: an entry logged today changes only the remaining hours, so the
projected finish moves by exactly the time those hours take at the learner's pace (for a
9 h day with at least 45 h left, at most a fifth of the time remaining; see
tests/test_progress_verdicts.py). An entry back-dated into a complete week moves the pace
by at most its hours x its week's weight / the weights of the history (8/36 for last week).

Per course (one plan)
---------------------
* **remaining** = effort - hours logged (never below 0).
* **projected finish** = the day the remaining hours end at the pace, counted from today
  (rounded up to a whole day). A course not started yet starts on its plan's start date
  if later, and in a track after the chosen course of the phase before it is projected to
  end (a learner follows a track's phases in order), so a late phase reads at risk before
  it begins. No pace at all: unknown (None). Done: the day it was done.
* **status**, the first that applies (the same list in DESIGN.md):
  1. `done` — the plan is marked done (by the learner or a certificate);
  2. `overdue` — the judged date is past;
  3. `behind` — started, and the projected finish is after the judged date (or unknown);
  4. `at_risk` — not started, and at the planned pace it would end after the judged date;
  5. `on_track` — started, and nothing projects late (or there is no date);
  6. `not_started` — nothing logged, nothing projects late.
  A pause never shows as a status of its own: it never hides `overdue` and never moves a
  due date; the pages show "paused until ..." beside the status (`paused_until`).
* **percent** = hours logged / effort; a done course counts 100 % whatever hours were
  logged (the hours shown stay the real ones); above 100 % for a course not marked done
  that took longer than estimated.
* **weekly hours needed** = remaining / the weeks from today to the judged date, that day
  included. None when done, overdue, or without a date.
* **hours behind** = the hours short of the straight line that meets the judged date:
  effort x (days since the plan's start, today included) / (days from the start to the
  judged date, that day included), minus the hours logged (never below 0; 0 when done,
  not begun yet, or without a date).

Pauses and rest
---------------
A learner's pauses (models.Pause: from, to, both included) are days that count for
nothing: a complete week of the pace's history counts for its days not paused only (a
week wholly paused is no history at all, so it neither drags the pace down nor counts in
`h`); the projected finish skips the paused days ahead (the forecast moves by the length
of a pause to come); the weekly hours needed and the hours behind count only the days
not paused between the dates. The dates themselves never move.

Per track (the learner's chosen option of each phase, in phase order)
--------------------------------------------------------------------
* percent = the hours counted (a done course: its effort; an open one: its hours, up to
  its effort) / the efforts of the chosen courses.
* projected finish = the **latest finish** of its courses; unknown when a course's finish
  is unknown or a phase has no chosen option yet.
* status = `done` when every phase has a chosen course and all are done; `overdue` when
  the track's judged date is past; else the **worst status** of its open courses in the
  order overdue, behind, at_risk, on_track, not_started; a track with a course done or
  started has begun, so it reads `behind` rather than `at_risk` and `on_track` rather
  than `not_started` (the statuses' own definitions, applied to the track).
* weekly hours needed and hours behind: the course rules on the track's sums (remaining
  hours, hours counted, effort), from the earliest start of its courses.

Nothing planned yet (a track assigned before any option is chosen, an assigned course
without a plan): no projection; `overdue` once the date is past, else `on_track` if hours
were logged, `not_started` if not.

What if (the compare page)
-------------------------
`progress_if_chosen` judges a learner as if they chose an option in a phase: the inputs
`gather` read, changed as `services.phase_choose` would change the database, judged by
the same `_learner`. Nothing is written; tests/test_whatif.py checks it equals the
verdict after the real choice.

A learner's **overall** verdict (the dashboard's headline) applies the track rule to all
their plans, without a date of its own. The **summary** of a learner in a team (team
table, API, weekly team summary) is their worst assignment verdict (ties: the earliest
due date), or their overall verdict when nothing is assigned.
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple
from zoneinfo import ZoneInfo

from courses.models import Course, Phase, Track, in_language
from tracker.accounts.models import User

from . import sql
from .models import Plan
from .models import week_start as monday  # the one definition of an ISO week's Monday
from .summaries import EMPTY, StudyFigures, study_figures

DONE = "done"
OVERDUE = "overdue"
BEHIND = "behind"
AT_RISK = "at_risk"
ON_TRACK = "on_track"
NOT_STARTED = "not_started"
PAUSED = "paused"  # a label only ("paused until ..." beside a status): never a verdict
# Worst first: the order a track, a summary or a sort reads statuses in.
STATUSES = (OVERDUE, BEHIND, AT_RISK, ON_TRACK, NOT_STARTED, DONE)

HISTORY_WEEKS = 8
WEEK = datetime.timedelta(weeks=1)
# What the model and the pages that show its rows read of a plan and its course, as
# `gather`'s SQL reads them (p: the plan, c: its course): never the course's long texts.
COURSE_COLUMNS = "c.code, c.title, c.effort_hours, c.track_id, c.phase_id"
PLAN_COLUMNS = (
    "p.id, p.user_id, p.course_id, p.start_date, p.weekly_hours, p.target_date, p.done_on,"
    f" p.done_source, {COURSE_COLUMNS}"
)


class _RowFacts:
    """Equal, like a model instance, to what stands for the same row: the same facts, or
    the model instance of that row (`row.course == course` holds as it did)."""

    __slots__ = ()
    model: type

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (type(self), self.model)):
            return self.pk == other.pk  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pk)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True, eq=False)
class CourseFacts(_RowFacts):
    """What the model and the pages that show its rows read of a plan's course: plain
    values, one object per course shared by every plan of it (`gather` reads them with
    the plans: a team of 50 learners used to build 250 Course model instances)."""

    pk: int
    code: str
    title: str
    effort_hours: Decimal
    track_id: int | None
    phase_id: int | None
    model = Course

    @property
    def id(self) -> int:
        return self.pk


def _course_facts(pk, code, title, effort_hours, track_id, phase_id) -> CourseFacts:
    return CourseFacts(pk, code, title, sql.decimal(effort_hours, 2), track_id, phase_id)


class AssignmentFacts(NamedTuple):
    """What the model reads of an assignment (tracker.teams' Assignment): a track or a
    course, with its due date; plain values, like the plans'."""

    pk: int
    team_id: int
    due_date: datetime.date
    track_id: int | None
    track_code: str | None
    track_name_fr: str | None
    track_name_en: str | None
    course: CourseFacts | None

    @property
    def course_id(self) -> int | None:
        return self.course.pk if self.course else None


@dataclass(frozen=True, slots=True, eq=False)
class PlanFacts(_RowFacts):
    """A plan as the model and the pages read it (`CourseRow.plan`): the Plan row's values,
    without the cost of a model instance (a team page judged 250 plans a request). Writes
    and the modules done go through `Plan` itself (services.py, selectors.course_panel)."""

    pk: int
    user_id: int
    course_id: int  # course.pk, kept as a field: the model reads it on every turn
    course: CourseFacts
    start_date: datetime.date
    weekly_hours: Decimal
    target_date: datetime.date | None
    done_on: datetime.date | None
    done_source: str
    model = Plan

    @property
    def id(self) -> int:
        return self.pk

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


@dataclass(frozen=True)
class Pauses:
    """A learner's paused days: (first, last) spans, both included, in date order and
    never overlapping (services.pause_create refuses an overlap)."""

    spans: tuple[tuple[datetime.date, datetime.date], ...] = ()

    def paused_days(self, first: datetime.date, last: datetime.date) -> int:
        """How many days of `first`..`last` (both included) are paused."""
        days = 0
        for start, end in self.spans:
            overlap = (min(end, last) - max(start, first)).days + 1
            days += max(overlap, 0)
        return days

    def active_days(self, first: datetime.date, last: datetime.date) -> int:
        """The days of `first`..`last` (both included) not paused (0 when last < first)."""
        return max((last - first).days + 1, 0) - self.paused_days(first, last)

    def shift(self, begin: datetime.date, days: int) -> datetime.date:
        """`begin` + `days` days of work: each paused day of begin..end-1 pushes the end."""
        end = begin + datetime.timedelta(days=days)
        for start, last in self.spans:
            if last < begin:
                continue
            if start >= end:
                break
            end += datetime.timedelta(days=(last - max(start, begin)).days + 1)
        return end

    def until(self, day: datetime.date) -> datetime.date | None:
        """The last day of the pause `day` falls in (None: not paused that day)."""
        return next((end for start, end in self.spans if start <= day <= end), None)


NO_PAUSES = Pauses()


def severity(status: str) -> int:
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


# --- The rules on plain numbers (no database, no clock) -----------------------------------


def weekly_pace(
    *,
    weekly: Mapping[datetime.date, int],
    today: datetime.date,
    first_activity: datetime.date | None,
    planned: float,
    pauses: Pauses = NO_PAUSES,
) -> float:
    """Hours a week: the weighted complete weeks blended with the planned pace (module
    docstring, "Pace"); a week counts for its days not paused ("Pauses and rest")."""
    if first_activity is None:
        return planned
    this_week = monday(today)
    weighted_hours = weighted_weeks = history = 0.0
    for ago in range(1, HISTORY_WEEKS + 1):
        week = this_week - datetime.timedelta(weeks=ago)
        last_day = week + datetime.timedelta(days=6)
        if first_activity > last_day:
            break  # before the first entry: older weeks are too
        covered = pauses.active_days(max(week, first_activity), last_day) / 7
        weight = HISTORY_WEEKS + 1 - ago
        weighted_hours += weight * weekly.get(week, 0) / 60
        weighted_weeks += weight * covered
        history += covered
    if weighted_weeks == 0:
        return planned
    share = history / HISTORY_WEEKS
    return share * (weighted_hours / weighted_weeks) + (1 - share) * planned


def finish_at(
    *, begin: datetime.date, remaining: float, pace: float, pauses: Pauses = NO_PAUSES
) -> datetime.date | None:
    """The day `remaining` hours end at `pace` hours a week from `begin`, paused days
    skipped (None: never)."""
    if remaining <= 0:
        return begin
    if pace <= 0:
        return None
    try:
        return pauses.shift(begin, math.ceil(round(remaining / pace * 7, 6)))
    except OverflowError:  # minutes a year would project past year 9999
        return None


def weekly_hours_needed(
    *,
    today: datetime.date,
    remaining: float,
    judged: datetime.date | None,
    pauses: Pauses = NO_PAUSES,
) -> float | None:
    """Hours a week over the days not paused from today to `judged` (None: no such day)."""
    if judged is None or judged < today:
        return None
    days = pauses.active_days(today, judged)
    if days <= 0:
        return None
    return round(remaining / (days / 7), 1)


def hours_behind(
    *,
    today: datetime.date,
    start: datetime.date | None,
    judged: datetime.date | None,
    effort: float,
    counted: float,
    pauses: Pauses = NO_PAUSES,
) -> float:
    """Hours short of the straight line from `start` to `judged` that ends at `effort`,
    drawn over the days not paused."""
    if judged is None or start is None or today < start:
        return 0.0
    total_days = pauses.active_days(start, judged)
    elapsed = pauses.active_days(start, min(today, judged))
    expected = effort if total_days <= 0 else effort * min(elapsed / total_days, 1.0)
    return round(max(expected - counted, 0.0), 1)


def judge(
    *,
    today: datetime.date,
    judged: datetime.date | None,
    started: bool,
    finish: datetime.date | None,
) -> str:
    """The status of open work (not done): module docstring, "Per course"."""
    if judged is not None and judged < today:
        return OVERDUE
    late = judged is not None and (finish is None or finish > judged)
    if started:
        return BEHIND if late else ON_TRACK
    return AT_RISK if late else NOT_STARTED


# --- Verdicts -----------------------------------------------------------------------------


# The model's values are NamedTuples rather than frozen dataclasses: as immutable, and
# four times quicker to make (a frozen dataclass sets each field through
# object.__setattr__): a team page makes some 300 verdicts a view, a dashboard some 10.


class Verdict(NamedTuple):
    status: str
    due_date: datetime.date | None  # from an assignment
    target_date: datetime.date | None  # the learner's own
    projected_finish: datetime.date | None
    percent: float
    logged_hours: float  # the real hours, even for a done course
    effort_hours: float
    remaining_hours: float
    pace: float  # hours a week the projection assumes
    weekly_hours_needed: float | None
    hours_behind: float
    target_status: str | None = None  # against the personal target, when a due date judges

    @property
    def judged_date(self) -> datetime.date | None:
        return self.due_date or self.target_date

    @property
    def days_late_for_target(self) -> int:
        """Days the projection ends after the learner's own target (0: in time)."""
        finish, target = self.projected_finish, self.target_date
        if self.status == DONE or target is None or finish is None:
            return 0
        return max((finish - target).days, 0)

    def as_dict(self) -> dict:
        """The API's object (/api/me/progress rows, /api/me/tracks, team assignments)."""
        return {
            "due_date": self.due_date,
            "target_date": self.target_date,
            "projected_finish": self.projected_finish,
            "status": self.status,
            "percent": self.percent,
            "weekly_hours_needed": self.weekly_hours_needed,
            "hours_behind": self.hours_behind,
        }


@dataclass
class CourseRow:
    """One plan of the learner, with its figures and verdict."""

    plan: PlanFacts | Plan  # a Plan only in the "what if" (progress_if_chosen)
    figures: StudyFigures
    verdict: Verdict

    @property
    def course(self) -> CourseFacts | Course:
        return self.plan.course

    @property
    def logged_hours(self) -> float:
        return self.figures.minutes / 60


@dataclass
class PhaseRow:
    phase: Phase
    row: CourseRow | None  # the chosen option's plan (None: no option chosen)


@dataclass
class TrackRow:
    track: Track
    phases: list[PhaseRow]
    verdict: Verdict
    assignment_id: int | None = None


class AssignedWork(NamedTuple):
    """An assignment and its verdict: plain values (cached with the team rows)."""

    pk: int
    team_id: int
    track_code: str | None
    course_code: str | None
    name_fr: str  # the track's name, or the course's title
    name_en: str
    verdict: Verdict

    @property
    def target_code(self) -> str:
        return self.track_code or self.course_code or ""

    @property
    def label(self) -> str:
        return in_language(self.name_fr, self.name_en)

    @property
    def due_date(self) -> datetime.date:
        return self.verdict.due_date  # type: ignore[return-value]

    def as_dict(self) -> dict:
        return {"track": self.track_code, "course": self.course_code} | self.verdict.as_dict()


@dataclass
class LearnerProgress:
    user_id: int
    today: datetime.date
    rows: list[CourseRow] = field(default_factory=list)  # every plan, by start date
    tracks: list[TrackRow] = field(default_factory=list)  # enrolled or assigned
    other_rows: list[CourseRow] = field(default_factory=list)  # plans in no track row
    assignments: list[AssignedWork] = field(default_factory=list)  # by due date
    figures: dict[int, StudyFigures] = field(default_factory=dict)  # course pk -> figures
    pauses: Pauses = NO_PAUSES
    # The first Monday the figures' weeks were read from (gather's `weeks`; None: all).
    weeks_from: datetime.date | None = None

    @cached_property
    def overall(self) -> Verdict | None:
        """The overall verdict (all plans, the track rule), worked out when first read:
        the reminders' digests and nudges of a dispatcher pass never read it."""
        if not self.rows:
            return None
        return group_verdict(rows=self.rows, today=self.today, dated=False, pauses=self.pauses)

    @property
    def paused_until(self) -> datetime.date | None:
        """The last day of the pause today falls in (None: not paused today)."""
        return self.pauses.until(self.today)

    @property
    def summary(self) -> Verdict | None:
        """The worst assignment verdict (earliest due first), else the overall one."""
        if self.assignments:
            worst = min(
                self.assignments,
                key=lambda a: (severity(a.verdict.status), a.verdict.due_date or datetime.date.max),
            )
            return worst.verdict
        return self.overall

    @property
    def total_minutes(self) -> int:
        return sum(f.minutes for f in self.figures.values())

    @property
    def week_minutes(self) -> int:
        week = monday(self.today)
        return sum(f.weekly.get(week, 0) for f in self.figures.values())

    @property
    def last_activity(self) -> datetime.date | None:
        days = [f.last_activity for f in self.figures.values() if f.last_activity]
        return max(days) if days else None

    def weekly_minutes(self, *, since: datetime.date) -> list[tuple[datetime.date, int]]:
        """Minutes per week from `since` (a Monday) on, all courses, oldest first."""
        if self.weeks_from is not None and since < self.weeks_from:
            raise ValueError(f"weeks before {self.weeks_from} were not read (gather's `weeks`)")
        weeks: dict[datetime.date, int] = {}
        for figures in self.figures.values():
            for week, minutes in figures.weekly.items():
                if week >= since:
                    weeks[week] = weeks.get(week, 0) + minutes
        return sorted(weeks.items())


def course_verdict(
    *,
    plan: PlanFacts | Plan,
    figures: StudyFigures,
    today: datetime.date,
    due_date: datetime.date | None,
    after: datetime.date | None = None,
    after_unknown: bool = False,
    pauses: Pauses = NO_PAUSES,
) -> Verdict:
    """One plan's verdict (module docstring, "Per course"). `after`: the projected finish
    of the course before it in its track (`after_unknown`: that finish is unknown)."""
    effort = float(plan.course.effort_hours)
    logged = figures.minutes / 60
    remaining = max(effort - logged, 0.0)
    target = plan.target_date
    judged = due_date or target
    common = {
        "due_date": due_date,
        "target_date": target,
        "logged_hours": round(logged, 2),
        "effort_hours": round(effort, 2),
    }
    if plan.done_on is not None:
        return Verdict(
            status=DONE,
            projected_finish=plan.done_on,
            percent=100.0,
            remaining_hours=0.0,
            pace=0.0,
            weekly_hours_needed=None,
            hours_behind=0.0,
            target_status=DONE if due_date and target else None,
            **common,
        )
    planned = float(plan.weekly_hours)
    started = logged > 0
    finish: datetime.date | None
    if started:
        pace = weekly_pace(
            weekly=figures.weekly,
            today=today,
            first_activity=figures.first_activity,
            planned=planned,
            pauses=pauses,
        )
        finish = finish_at(begin=today, remaining=remaining, pace=pace, pauses=pauses)
    else:
        pace = planned
        begin = max(today, plan.start_date, after or today)
        finish = (
            None
            if after_unknown
            else finish_at(begin=begin, remaining=remaining, pace=pace, pauses=pauses)
        )
    return Verdict(
        status=judge(today=today, judged=judged, started=started, finish=finish),
        projected_finish=finish,
        percent=round(logged / effort * 100, 1) if effort > 0 else 0.0,
        remaining_hours=round(remaining, 2),
        pace=round(pace, 2),
        weekly_hours_needed=weekly_hours_needed(
            today=today, remaining=remaining, judged=judged, pauses=pauses
        ),
        hours_behind=hours_behind(
            today=today,
            start=plan.start_date,
            judged=judged,
            effort=effort,
            counted=logged,
            pauses=pauses,
        ),
        target_status=(
            judge(today=today, judged=target, started=started, finish=finish)
            if due_date and target
            else None
        ),
        **common,
    )


def group_verdict(
    *,
    rows: list[CourseRow],
    today: datetime.date,
    due_date: datetime.date | None = None,
    complete: bool = True,
    dated: bool = True,
    pauses: Pauses = NO_PAUSES,
) -> Verdict:
    """A track's verdict from its courses' (module docstring, "Per track"); `complete`:
    every phase has a chosen course; `dated`: False for the overall verdict, which has no
    date of its own."""
    effort = sum(r.verdict.effort_hours for r in rows)
    logged = sum(r.verdict.logged_hours for r in rows)
    counted = sum(
        r.verdict.effort_hours
        if r.verdict.status == DONE
        else min(r.verdict.logged_hours, r.verdict.effort_hours)
        for r in rows
    )
    open_rows = [r for r in rows if r.verdict.status != DONE]
    remaining = sum(r.verdict.remaining_hours for r in open_rows)
    targets = [r.plan.target_date for r in rows if r.plan.target_date] if dated else []
    target = max(targets) if targets else None
    judged = (due_date or target) if dated else None
    done = complete and bool(rows) and not open_rows
    finishes = [r.verdict.projected_finish for r in rows]
    finish = max(finishes) if complete and rows and all(finishes) else None  # type: ignore[type-var]
    begun = any(r.verdict.status == DONE or r.verdict.logged_hours > 0 for r in rows)

    def status_against(date: datetime.date | None, statuses: list[str]) -> str:
        if done:
            return DONE
        if date is not None and date < today:
            return OVERDUE
        worst = min(statuses, key=severity) if statuses else NOT_STARTED
        if begun:
            return {NOT_STARTED: ON_TRACK, AT_RISK: BEHIND}.get(worst, worst)
        return worst

    weeks_to_finish = (finish - today).days / 7 if finish and finish > today else 0
    return Verdict(
        status=status_against(judged, [r.verdict.status for r in open_rows]),
        due_date=due_date,
        target_date=target,
        projected_finish=finish,
        percent=round(counted / effort * 100, 1) if effort > 0 else (100.0 if done else 0.0),
        logged_hours=round(logged, 2),
        effort_hours=round(effort, 2),
        remaining_hours=round(remaining, 2),
        pace=round(remaining / weeks_to_finish, 2) if weeks_to_finish else 0.0,
        weekly_hours_needed=None
        if done
        else weekly_hours_needed(today=today, remaining=remaining, judged=judged, pauses=pauses),
        hours_behind=0.0
        if done
        else hours_behind(
            today=today,
            start=min((r.plan.start_date for r in rows), default=None),
            judged=judged,
            effort=effort,
            counted=counted,
            pauses=pauses,
        ),
        target_status=(
            status_against(
                target,
                [r.verdict.target_status or r.verdict.status for r in open_rows],
            )
            if due_date and target
            else None
        ),
    )


def unplanned_verdict(
    *,
    course: CourseFacts | Course,
    figures: StudyFigures,
    today: datetime.date,
    due_date: datetime.date,
    pauses: Pauses = NO_PAUSES,
) -> Verdict:
    """An assigned course the learner has no plan for: no projection; overdue once its due
    date is past, else on track if hours were logged, not started if not."""
    effort = float(course.effort_hours)
    logged = figures.minutes / 60
    status = OVERDUE if due_date < today else ON_TRACK if logged > 0 else NOT_STARTED
    return Verdict(
        status=status,
        due_date=due_date,
        target_date=None,
        projected_finish=None,
        percent=round(logged / effort * 100, 1) if effort > 0 else 0.0,
        logged_hours=round(logged, 2),
        effort_hours=round(effort, 2),
        remaining_hours=round(max(effort - logged, 0.0), 2),
        pace=0.0,
        weekly_hours_needed=weekly_hours_needed(
            today=today, remaining=max(effort - logged, 0.0), judged=due_date, pauses=pauses
        ),
        hours_behind=0.0,
    )


# --- Gathering ----------------------------------------------------------------------------


def learner_progress(
    *, user: User, today: datetime.date | None = None, weeks: int | None = HISTORY_WEEKS
) -> LearnerProgress:
    """One learner's progress (their own "today" unless given); `weeks`: as in `gather`."""
    today = today or user.local_today()
    return learners_progress(users=[user], today_of={user.pk: today}, weeks=weeks)[user.pk]


def learners_progress(
    *,
    users: Sequence[User],
    today_of: Mapping[int, datetime.date] | None = None,
    weeks: int | None = HISTORY_WEEKS,
) -> dict[int, LearnerProgress]:
    """Many learners' progress, in eight queries whatever their number (seven without any
    track). Each learner is judged on their own date: `today_of`, else their local today.
    `weeks`: as in `gather`."""
    return {
        pk: _learner(**inputs)
        for pk, inputs in gather(users=users, today_of=today_of, weeks=weeks).items()
    }


def gather(
    *,
    users: Sequence[User],
    today_of: Mapping[int, datetime.date] | None = None,
    tracks_too: Iterable[Track] = (),
    weeks: int | None = HISTORY_WEEKS,
) -> dict[int, dict]:
    """What the model judges, read in eight queries whatever the number of learners: each
    learner's keyword arguments of `_learner`. `tracks_too`: tracks whose phases are read
    even where no learner follows them (the "what if" of a track not joined yet).

    `weeks`: how many complete weeks before the current one the weekly figures hold (the
    pace reads HISTORY_WEEKS; None: every week). The totals, first and last activity are
    all-time whatever it is; LearnerProgress.weekly_minutes refuses a week not read. A
    team page reads some nine weeks per learner and course instead of a year of them.

    Plans and their courses are read as plain values (PlanFacts, CourseFacts): building
    model instances was most of this function's time for a team."""
    ids = [u.pk for u in users]
    todays = {u.pk: (today_of or {}).get(u.pk) or u.local_today() for u in users}
    if not ids:
        return {}
    # teams imports progress: read it late. Its table is named from the model, so the
    # arrow stays one the architecture test sees (ARCHITECTURE.md, wrong-way arrows).
    from tracker.teams.models import Assignment

    # The reads are SQL (progress/sql.py): this runs on every dashboard view, for fifty
    # learners on a team page and for every batch of the reminders.
    among = sql.placeholders(ids)
    by_user: dict[int, dict] = {pk: {"plans": [], "tracks": [], "assignments": []} for pk in ids}
    courses: dict[int, CourseFacts] = {}
    for (  # 1
        pk,
        user_id,
        course_id,
        start,
        weekly_hours,
        target,
        done_on,
        done_source,
        *course,
    ) in sql.select(
        f"SELECT {PLAN_COLUMNS} FROM progress_plan p JOIN courses_course c"  # noqa: S608
        f" ON c.id = p.course_id WHERE p.user_id IN ({among})",
        ids,
    ):
        if (facts := courses.get(course_id)) is None:
            facts = courses[course_id] = _course_facts(course_id, *course)
        by_user[user_id]["plans"].append(
            PlanFacts(
                pk,
                user_id,
                course_id,
                facts,
                start,
                sql.decimal(weekly_hours, 1),
                target,
                done_on,
                done_source,
            )
        )
    # Each learner's plans by start date (then id), sorted here: SQLite sorting 250 rows
    # of a team page with their courses' titles took 0.4 ms, Python sorting five a
    # learner next to nothing.
    for data in by_user.values():
        data["plans"].sort(key=_plan_order)
    for user_id, track_id in sql.select(  # 2
        f"SELECT user_id, track_id FROM progress_enrolment WHERE user_id IN ({among})"  # noqa: S608
        " ORDER BY joined_at, id",
        ids,
    ):
        by_user[user_id]["tracks"].append(track_id)
    for (  # 3
        pk,
        user_id,
        team_id,
        due_date,
        track_id,
        track_code,
        name_fr,
        name_en,
        course_id,
        *course,
    ) in sql.select(
        "SELECT a.id, a.assignee_id, a.team_id, a.due_date, a.track_id, t.code, t.name_fr,"  # noqa: S608
        f" t.name_en, a.course_id, {COURSE_COLUMNS} FROM {Assignment._meta.db_table} a"
        " LEFT JOIN courses_track t ON t.id = a.track_id"
        " LEFT JOIN courses_course c ON c.id = a.course_id"
        f" WHERE a.assignee_id IN ({among}) ORDER BY a.due_date, a.id",
        ids,
    ):
        facts = None
        if course_id is not None and (facts := courses.get(course_id)) is None:
            facts = courses[course_id] = _course_facts(course_id, *course)
        work = AssignmentFacts(pk, team_id, due_date, track_id, track_code, name_fr, name_en, facts)
        learner = by_user[user_id]
        learner["assignments"].append(work)
        if track_id and track_id not in learner["tracks"]:
            learner["tracks"].append(track_id)
    tracks = {track.pk: track for track in tracks_too}
    wanted = {pk for data in by_user.values() for pk in data["tracks"]} | set(tracks)
    phases: dict[int, list[Phase]] = {}
    if wanted:
        # The tracks come with their phases (one query for both; Manager.raw for the
        # reason above): a track carries what the pages show of it (code and names; the
        # rest is read if ever asked for). A track without any phase, which the join
        # cannot return, is read on its own.
        wanted_ids = sorted(wanted)
        for phase in Phase.objects.raw(  # 4
            "SELECT p.*, t.code AS track_code, t.name_fr AS track_name_fr,"  # noqa: S608
            " t.name_en AS track_name_en FROM courses_phase p"
            " JOIN courses_track t ON t.id = p.track_id"
            f' WHERE p.track_id IN ({sql.placeholders(wanted_ids)}) ORDER BY p.track_id, p."order"',
            wanted_ids,
        ):
            if (track := tracks.get(phase.track_id)) is None:
                track = tracks[phase.track_id] = sql.partial(
                    Track,
                    phase._state.db,
                    id=phase.track_id,
                    code=phase.track_code,
                    name_fr=phase.track_name_fr,
                    name_en=phase.track_name_en,
                )
            phase.track = track
            phases.setdefault(phase.track_id, []).append(phase)
        if missing := wanted - tracks.keys():
            tracks |= {track.pk: track for track in Track.objects.filter(pk__in=missing)}
    chosen: dict[tuple[int, int], int] = {
        (user_id, phase_id): course_id
        for user_id, phase_id, course_id in sql.select(  # 5
            "SELECT user_id, phase_id, course_id FROM progress_phasechoice"  # noqa: S608
            f" WHERE user_id IN ({among})",
            ids,
        )
    }
    weeks_from = None if weeks is None else monday(min(todays.values())) - weeks * WEEK
    figures: dict[int, dict[int, StudyFigures]] = {pk: {} for pk in ids}
    for (user_id, course_id), course_figures in study_figures(ids, since=weeks_from).items():  # 6
        figures[user_id][course_id] = course_figures
    spans: dict[int, list[tuple[datetime.date, datetime.date]]] = {pk: [] for pk in ids}
    for user_id, start, end in sql.select(  # 7
        f'SELECT user_id, start, "end" FROM progress_pause WHERE user_id IN ({among})'  # noqa: S608
        " ORDER BY user_id, start",
        ids,
    ):
        spans[user_id].append((start, end))

    return {
        pk: {
            "user_id": pk,
            "today": todays[pk],
            "plans": data["plans"],
            "track_ids": data["tracks"],
            "assignments": data["assignments"],
            "tracks": tracks,
            "phases": phases,
            "chosen": chosen,
            "own": figures[pk],
            "pauses": Pauses(tuple(spans[pk])) if spans[pk] else NO_PAUSES,
            "weeks_from": weeks_from,
        }
        for pk, data in by_user.items()
    }


def _plan_order(plan: PlanFacts) -> tuple[datetime.date, int]:
    return (plan.start_date, plan.pk)


def progress_if_chosen(inputs: Mapping, *, phase: Phase, plan: Plan) -> LearnerProgress:
    """The learner's progress as if `plan.course` were chosen in `phase`, nothing written:
    `inputs` (one learner's, from `gather`) changed as services.phase_choose changes the
    database (the track joined; the phase's choice replaced; the previous option's plan
    dropped unless hours were logged on it or it is done; `plan`, unsaved, added unless
    the learner already plans the course), then judged by the same `_learner`. Pure."""
    user_id, course_id = inputs["user_id"], plan.course_id
    chosen = dict(inputs["chosen"])
    previous = chosen.get((user_id, phase.pk))
    chosen[(user_id, phase.pk)] = course_id
    own = inputs["own"]

    def dropped(p: Plan) -> bool:
        return (
            previous not in (None, course_id)
            and p.course_id == previous
            and p.done_on is None
            and own.get(previous, EMPTY).minutes == 0
        )

    plans = [p for p in inputs["plans"] if not dropped(p)]
    if all(p.course_id != course_id for p in plans):
        plans.append(plan)  # the newest plan: last of those that start the same day
        plans.sort(key=lambda p: p.start_date)
    track_ids = list(inputs["track_ids"])
    if phase.track_id not in track_ids:
        track_ids.append(phase.track_id)
    tracks = {**inputs["tracks"], phase.track_id: phase.track}
    return _learner(
        **{**inputs, "plans": plans, "track_ids": track_ids, "chosen": chosen, "tracks": tracks}
    )


def _learner(
    *,
    user_id: int,
    today: datetime.date,
    plans: list[PlanFacts | Plan],
    track_ids: list[int],
    assignments: list[AssignmentFacts],
    tracks: Mapping[int, Track],
    phases: Mapping[int, list[Phase]],
    chosen: Mapping[tuple[int, int], int],
    own: dict[int, StudyFigures],
    pauses: Pauses = NO_PAUSES,
    weeks_from: datetime.date | None = None,
) -> LearnerProgress:
    plan_of = {plan.course_id: plan for plan in plans}
    # A course's due date: the earliest of the assignments that cover it.
    due_of: dict[int, datetime.date] = {}
    track_due: dict[int, datetime.date] = {}

    def cover(course_id: int, due: datetime.date) -> None:
        due_of[course_id] = min(due, due_of.get(course_id, due))

    for a in assignments:
        if a.course_id:
            cover(a.course_id, a.due_date)
        else:
            track_due[a.track_id] = a.due_date
            for phase in phases.get(a.track_id, []):
                if (course_id := chosen.get((user_id, phase.id))) is not None:
                    cover(course_id, a.due_date)

    rows: dict[int, CourseRow] = {}

    def row_for(
        plan: PlanFacts | Plan, after: datetime.date | None, after_unknown: bool
    ) -> CourseRow:
        plan_figures = own.get(plan.course_id, EMPTY)
        verdict = course_verdict(
            plan=plan,
            figures=plan_figures,
            today=today,
            due_date=due_of.get(plan.course_id),
            after=after,
            after_unknown=after_unknown,
            pauses=pauses,
        )
        rows[plan.course_id] = CourseRow(plan=plan, figures=plan_figures, verdict=verdict)
        return rows[plan.course_id]

    track_rows = []
    for track_id in track_ids:
        phase_rows, chosen_rows = [], []
        after, after_unknown = None, False
        for phase in phases.get(track_id, []):
            plan = plan_of.get(chosen.get((user_id, phase.id), -1))
            row = None
            if plan is not None:
                row = row_for(plan, after, after_unknown)
                chosen_rows.append(row)
                if row.verdict.status != DONE:  # the next phase begins when this one ends
                    after = row.verdict.projected_finish
                    after_unknown = after is None
            phase_rows.append(PhaseRow(phase=phase, row=row))
        track_rows.append(
            TrackRow(
                track=tracks[track_id],
                phases=phase_rows,
                verdict=group_verdict(
                    rows=chosen_rows,
                    today=today,
                    due_date=track_due.get(track_id),
                    complete=all(pr.row is not None for pr in phase_rows),
                    pauses=pauses,
                ),
                assignment_id=next((a.pk for a in assignments if a.track_id == track_id), None),
            )
        )
    placed = set(rows)
    for plan in plans:
        if plan.course_id not in rows:
            row_for(plan, None, False)
    all_rows = [rows[plan.course_id] for plan in plans]
    verdict_of_track = {t.track.pk: t.verdict for t in track_rows}
    assigned = []
    for a in assignments:
        if a.track_id:
            verdict = verdict_of_track[a.track_id]
        elif a.course_id in rows:
            verdict = rows[a.course_id].verdict
        else:
            verdict = unplanned_verdict(
                course=a.course,
                figures=own.get(a.course_id, EMPTY),
                today=today,
                due_date=a.due_date,
                pauses=pauses,
            )
        assigned.append(
            AssignedWork(
                pk=a.pk,
                team_id=a.team_id,
                track_code=a.track_code if a.track_id else None,
                course_code=a.course.code if a.course_id else None,
                name_fr=a.track_name_fr if a.track_id else a.course.title,
                name_en=a.track_name_en if a.track_id else "",
                verdict=verdict,
            )
        )
    return LearnerProgress(
        user_id=user_id,
        today=today,
        rows=all_rows,
        tracks=track_rows,
        other_rows=[row for row in all_rows if row.plan.course_id not in placed],
        assignments=assigned,
        figures=own,
        pauses=pauses,
        weeks_from=weeks_from,
    )


def todays(*, users: Iterable[User], now: datetime.datetime) -> dict[int, datetime.date]:
    """Each user's own date at the instant `now`, by id (the reminders' batches, a team's
    weekly snapshot). `users`: Users, or the dispatcher's Recipients."""
    return {u.pk: local_now(now, u.tzinfo).date() for u in users}


@functools.lru_cache(maxsize=256)
def local_now(now: datetime.datetime, tz: ZoneInfo) -> datetime.datetime:
    """`now` in the time zone `tz`. Remembered: a dispatcher pass asks it for each user of
    each kind with the same `now`, and its users live in a few time zones (converting was
    a tenth of a pass where nobody is due)."""
    return now.astimezone(tz)
