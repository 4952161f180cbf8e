"""Study blocks: the weeks ahead cut into blocks of the learner's length, at their hour,
on their study days (not rest days, not paused), from the hours left on each open course
and its date (the progress model's `weekly_hours_needed`, else the plan's weekly pace).

A proposal is only a proposal: nothing is stored until the learner accepts it
(services.blocks_accept); a stored block moves only with a plan the learner accepted.
Hand-written: no library plans study sessions around a personal calendar.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from .verdicts import AT_RISK, BEHIND, DONE, LearnerProgress

HORIZON_WEEKS = 4
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class ProposedBlock:
    course_id: int
    title: str
    day: datetime.date
    start: datetime.time
    minutes: int

    @property
    def key(self) -> tuple:
        return (self.course_id, self.day, self.start, self.minutes)


def propose(
    *, progress: LearnerProgress, rest_days: list[int], hour: int, minutes: int
) -> list[ProposedBlock]:
    """The blocks of the next HORIZON_WEEKS weeks from tomorrow, in day and time order."""
    first = progress.today + DAY
    last = first + datetime.timedelta(weeks=HORIZON_WEEKS) - DAY
    per_day: dict[datetime.date, list[tuple[int, str]]] = {}
    for row in progress.rows:
        verdict = row.verdict
        if verdict.status == DONE or verdict.remaining_hours <= 0:
            continue
        weekly = verdict.weekly_hours_needed or float(row.plan.weekly_hours)
        per_week = max(math.ceil(weekly * 60 / minutes), 1)
        left = math.ceil(verdict.remaining_hours * 60 / minutes)
        begin = max(first, row.plan.start_date)
        end = min(last, verdict.judged_date or last)
        monday = begin - datetime.timedelta(days=begin.weekday())
        while monday <= end and left > 0:
            days = [
                day
                for day in (monday + n * DAY for n in range(7))
                if begin <= day <= end
                and day.weekday() not in rest_days
                and progress.pauses.until(day) is None
            ]
            count = min(per_week, left) if days else 0
            for i in range(count):  # spread evenly over the week's study days
                day = days[(i * len(days)) // count]
                per_day.setdefault(day, []).append((row.plan.course_id, row.course.title))
            left -= count
            monday += datetime.timedelta(weeks=1)
    blocks = []
    for day in sorted(per_day):
        at = datetime.datetime.combine(day, datetime.time(hour))
        for course_id, title in per_day[day]:
            if at.date() != day:  # past midnight: the day is full
                break
            blocks.append(ProposedBlock(course_id, title, day, at.time(), minutes))
            at += datetime.timedelta(minutes=minutes)
    return blocks


def new_plan_reason(
    *, progress: LearnerProgress, accepted: list, rest_days: list[int]
) -> str | None:
    """Why a new plan should be proposed (None: the accepted one still holds): "none"
    (nothing accepted yet), "paused" (an accepted block falls on a paused or rest day),
    "behind" (a course is behind or at risk)."""
    if not accepted:
        return "none"
    if any(
        progress.pauses.until(block.day) or block.day.weekday() in rest_days for block in accepted
    ):
        return "paused"
    if any(row.verdict.status in (BEHIND, AT_RISK) for row in progress.rows):
        return "behind"
    return None
