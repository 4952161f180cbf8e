"""Forecasts: pure functions of a few numbers and today's date (no database, no clock).

The rule, for a course (and for a track, on the sums of its chosen courses):

* **pace**: the hours logged over the trailing four weeks (today and the 27 days before)
  divided by four. When nothing was logged in those four weeks, the planned weekly pace
  is used instead.
* **credited hours**: the hours logged, or the whole effort once the plan is done (a
  certificate with fewer hours logged still completes the course). A group (a track)
  credits the sum of its courses' credited hours.
* **remaining**: the effort estimate minus the credited hours (never below zero).
* **projected finish**: today + remaining / pace weeks (rounded up to a whole day); when
  the plan starts later, from its start date instead. Nothing remaining: today. No pace
  at all: unknown (None). A done plan's projected finish is the day it was done.
* **status**, the first that applies:
  1. `done` — the plan is marked done (by the learner or a certificate);
  2. `overdue` — the target date is past and the plan is not done;
  3. `not_started` — nothing logged (nor credited) yet;
  4. `behind` — the projected finish falls after the target date;
  5. `on_track` — otherwise (including when there is no target date).
* **weekly hours needed**: remaining / weeks left until the target date, the target day
  included (at least one day). None when done, overdue or without a target.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

TRAILING_DAYS = 28
TRAILING_WEEKS = TRAILING_DAYS // 7

DONE = "done"
OVERDUE = "overdue"
NOT_STARTED = "not_started"
BEHIND = "behind"
ON_TRACK = "on_track"
STATUSES = (ON_TRACK, BEHIND, OVERDUE, DONE, NOT_STARTED)


@dataclass(frozen=True)
class Forecast:
    status: str
    projected_finish: datetime.date | None
    weekly_hours_needed: float | None
    pace: float  # hours a week the projection uses
    pace_is_recent: bool
    logged_hours: float
    effort_hours: float
    remaining_hours: float
    credited_hours: float  # logged, or the whole effort once done

    @property
    def percent(self) -> float:
        """Credited over effort: 100 once done, above 100 when the course took longer
        than estimated."""
        if self.effort_hours <= 0:
            return 0.0
        return round(self.credited_hours / self.effort_hours * 100, 1)


def trailing_start(today: datetime.date) -> datetime.date:
    """First day of the trailing four weeks that end today."""
    return today - datetime.timedelta(days=TRAILING_DAYS - 1)


def forecast(
    *,
    today: datetime.date,
    effort_hours: float | Decimal,
    logged_hours: float | Decimal,
    recent_hours: float | Decimal,
    planned_weekly_hours: float | Decimal | None,
    start_date: datetime.date | None = None,
    target_date: datetime.date | None = None,
    done_on: datetime.date | None = None,
    credited_hours: float | Decimal | None = None,
) -> Forecast:
    """Project a course's (or a track's) finish; see the module docstring for the rule.

    `credited_hours` is for a group: the sum of its courses' credited hours (default: the
    hours logged)."""
    effort = float(effort_hours)
    logged = float(logged_hours)
    recent = float(recent_hours)
    credited = logged if credited_hours is None else float(credited_hours)
    if done_on is not None:
        credited = max(credited, effort)
    remaining = max(effort - credited, 0.0)
    pace_is_recent = recent > 0
    pace = recent / TRAILING_WEEKS if pace_is_recent else float(planned_weekly_hours or 0)

    def result(status: str, finish: datetime.date | None, needed: float | None) -> Forecast:
        return Forecast(
            status=status,
            projected_finish=finish,
            weekly_hours_needed=None if needed is None else round(needed, 1),
            pace=round(pace, 2),
            pace_is_recent=pace_is_recent,
            logged_hours=round(logged, 2),
            effort_hours=round(effort, 2),
            remaining_hours=round(remaining, 2),
            credited_hours=round(credited, 2),
        )

    if done_on is not None:
        return result(DONE, done_on, None)

    finish = projected_finish(today=today, remaining=remaining, pace=pace, start_date=start_date)
    if target_date is not None and target_date < today:
        return result(OVERDUE, finish, None)
    needed = weekly_hours_needed(today=today, remaining=remaining, target_date=target_date)
    if credited <= 0:
        return result(NOT_STARTED, finish, needed)
    if target_date is not None and (finish is None or finish > target_date):
        return result(BEHIND, finish, needed)
    return result(ON_TRACK, finish, needed)


def projected_finish(
    *,
    today: datetime.date,
    remaining: float,
    pace: float,
    start_date: datetime.date | None = None,
) -> datetime.date | None:
    if remaining <= 0:
        return today
    if pace <= 0:
        return None
    origin = max(today, start_date) if start_date else today
    days = math.ceil(remaining / pace * 7)
    try:
        return origin + datetime.timedelta(days=days)
    except OverflowError:  # a pace of minutes a year would project past year 9999
        return None


def weekly_hours_needed(
    *, today: datetime.date, remaining: float, target_date: datetime.date | None
) -> float | None:
    if target_date is None or target_date < today:
        return None
    weeks_left = ((target_date - today).days + 1) / 7
    return remaining / weeks_left
