"""Reminder kinds built on the progress app: the weekly digest, the behind-pace nudge and
the managers' weekly team summary.

They read a whole batch of users at once from the progress model
(tracker/progress/verdicts.py), each judged on their own date, so a reminder says exactly
what the dashboard and the team table say.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from tracker.accounts.models import Membership, Team, User
from tracker.progress import verdicts
from tracker.progress.sql import placeholders
from tracker.progress.verdicts import CourseRow

from .assignment_kinds import assignment_display_name, assignment_due_label, assignments_due_soon
from .kinds import (
    SKIP,
    Due,
    Kind,
    gettext,
    iso_week_label,
    latest_weekly_slot,
    ngettext,
    preference_of,
    register,
    remembered,
    url_for,
    user_ids,
)

NO_PLAN = "no_plan"


@dataclass
class LearnerProgress:
    progress: verdicts.LearnerProgress
    last_week_minutes: int = 0

    @property
    def today(self) -> dt.date:
        return self.progress.today

    @property
    def active(self) -> list[CourseRow]:
        return [row for row in self.progress.rows if row.plan.done_on is None]

    @property
    def planned_weekly_hours(self) -> float:
        started = [row for row in self.active if row.plan.start_date <= self.today]
        return float(sum(row.plan.weekly_hours for row in started))

    @property
    def status(self) -> str:
        """The learner's summary status, the team table's (worst assignment, else all
        their plans)."""
        summary = self.progress.summary
        return summary.status if summary is not None else NO_PLAN


def progress_of(*, users: Sequence[User], now: dt.datetime) -> dict[int, LearnerProgress]:
    """The progress model's verdicts for many learners, each on their own local date, and
    the minutes of each one's last ISO week (the week before the one their today falls
    in: the digest's figure), read from the same weekly summaries: six queries whatever
    their number.

    Kept on each User object for `now`: the digest and the nudge read the same learners
    of a batch (the dispatcher's User objects live for one batch), so the second reads
    only those the first did not."""
    result = {}
    missing = []
    for user in users:
        kept = getattr(user, "_reminders_progress", None)
        if kept is not None and kept[0] == now:
            result[user.pk] = kept[1]
        else:
            missing.append(user)
    if not missing:
        return result
    today_of = verdicts.todays(users=missing, now=now)
    fresh = {
        pk: LearnerProgress(progress=progress)
        for pk, progress in verdicts.learners_progress(users=missing, today_of=today_of).items()
    }
    for user in missing:
        learner = fresh[user.pk]
        last_monday = verdicts.monday(learner.today) - dt.timedelta(weeks=1)
        # That one week of the figures (progress.weekly_minutes: every week since, sorted).
        learner.last_week_minutes = sum(
            figures.weekly.get(last_monday, 0) for figures in learner.progress.figures.values()
        )
        user._reminders_progress = (now, learner)
        result[user.pk] = learner
    return result


def _course_line(row: CourseRow) -> dict:
    finish = row.verdict.projected_finish
    return {
        "code": row.plan.course.code,
        "title": row.plan.course.title,
        "status": row.verdict.status,
        "percent": row.verdict.percent,
        "finish": finish.isoformat() if finish else None,
        "needed": row.verdict.weekly_hours_needed,
        "hours_behind": row.verdict.hours_behind,
    }


def _weekly_due(*, kind: Kind, now: dt.datetime, users: Sequence[User]) -> list[tuple[User, str]]:
    """The users whose weekly slot has come (this pass or a missed one) and whose reminder
    of that week does not exist yet: only those are worth reading progress for."""
    slots = []
    # Most users share a few (day, hour, time zone): each slot is worked out once.
    slot_of: dict[tuple, tuple | None] = {}
    for user in users:
        pref = preference_of(user)
        key = (pref.digest_weekday, pref.digest_hour, user.tzinfo)
        if key not in slot_of:
            slot_of[key] = latest_weekly_slot(now=now, weekday=key[0], hour=key[1], tz=key[2])
        if (slot := slot_of[key]) is not None:
            slots.append((user, slot[0]))
    return kind.without_existing(slots)


# Translated when worded (kinds.gettext, remembered in a batch).
STATUS_LABELS = {
    verdicts.ON_TRACK: gettext_noop("on track"),
    verdicts.BEHIND: gettext_noop("behind pace"),
    verdicts.AT_RISK: gettext_noop("at risk"),
    verdicts.OVERDUE: gettext_noop("overdue"),
    verdicts.DONE: gettext_noop("done"),
    verdicts.NOT_STARTED: gettext_noop("not started"),
    verdicts.PAUSED: gettext_noop("paused"),
}


@register
class WeeklyDigest(Kind):
    """At the learner's day and hour: the last seven days' hours against the plan, and
    what is next, and the open assignments due within two weeks."""

    name = "weekly_digest"
    label = _("Weekly digest")
    during_pause = SKIP

    def due(self, *, now: dt.datetime, users: Sequence[User]) -> Iterable[Due]:
        due = _weekly_due(kind=self, now=now, users=users)
        learners = [user for user, _period in due]
        progress = progress_of(users=learners, now=now)
        upcoming = assignments_due_soon(users=learners, now=now)
        for user, period in due:
            learner = progress[user.pk]
            active = learner.active
            if not active:
                continue  # nothing planned: nothing to digest
            yield Due(
                user=user,
                subject="",
                period=period,
                day=_slot_day(period, preference_of(user).digest_weekday),
                context={
                    "hours": round(learner.last_week_minutes / 60, 1),
                    "planned": round(learner.planned_weekly_hours, 1),
                    "courses": [_course_line(row) for row in active[:5]],
                    "due_soon": upcoming.get(user.pk, []),
                },
            )

    def title(self, *, user: User, context: dict) -> str:
        return gettext("Your week: %(hours)s h studied of %(planned)s h planned") % {
            "hours": _hours(context["hours"]),
            "planned": _hours(context["planned"]),
        }

    def body(self, *, user: User, context: dict) -> str:
        lines = []
        for course in context["courses"]:
            lines.append(
                gettext("%(title)s: %(percent)s%%, %(status)s")
                % {
                    "title": course["title"],
                    "percent": _hours(course["percent"]),
                    "status": _status_label(course["status"]),
                }
            )
        for assignment in context.get("due_soon", []):
            lines.append(
                gettext("Due soon: %(name)s, by %(due)s.")
                % {
                    "name": assignment_display_name(assignment),
                    "due": assignment_due_label(assignment),
                }
            )
        nxt = next((c for c in context["courses"] if c["needed"]), None)
        if nxt:
            lines.append(
                gettext("Next: %(title)s, %(needed)s h a week to finish on time.")
                % {"title": nxt["title"], "needed": _hours(nxt["needed"])}
            )
        return "\n".join(lines)

    def url(self, *, context: dict) -> str:
        return url_for("dashboard")


@register
class BehindPace(Kind):
    """A course whose forecast says behind: a nudge, at most once a week per course (the
    key's period is the learner's ISO week), and never before the learner's own hour of
    the day, so nobody is nudged at 3 a.m."""

    name = "behind_pace"
    label = _("Behind-pace nudge")
    during_pause = SKIP

    def due(self, *, now: dt.datetime, users: Sequence[User]) -> Iterable[Due]:
        awake = [
            user
            for user in users
            if verdicts.local_now(now, user.tzinfo).hour >= preference_of(user).digest_hour
        ]
        users = self._without_this_weeks_nudges(now=now, users=awake)
        progress = progress_of(users=users, now=now)
        candidates = []
        for user in users:
            learner = progress[user.pk]
            period = iso_week_label(learner.today)
            for row in learner.active:
                if row.verdict.status == verdicts.BEHIND:
                    candidates.append(Due(
                        user=user,
                        subject=row.plan.course.code,
                        period=period,
                        context=_course_line(row),
                        day=learner.today,
                    ))  # fmt: skip
        return candidates

    def _without_this_weeks_nudges(self, *, now: dt.datetime, users: list[User]) -> list[User]:
        """The users with an open plan not nudged yet in their week (one query): only
        those are worth judging. In a pass where every nudge went out already, nobody's
        progress is read."""
        if not users:
            return []
        weeks: dict[str, list[int]] = {}
        for pk, day in verdicts.todays(users=users, now=now).items():
            weeks.setdefault(iso_week_label(day), []).append(pk)
        # The database drops the plans nudged already and answers with the learners left:
        # in a pass where the nudges went out, none (it used to send back every nudge and
        # open plan of the batch, to be matched in Python). A condition per ISO week (the
        # learners of a batch are in one or two).
        conditions, params = [], []
        for week, pks in weeks.items():
            conditions.append(
                f"(p.user_id IN ({placeholders(pks)}) AND NOT EXISTS (SELECT 1"  # noqa: S608
                " FROM reminders_reminder r WHERE r.kind = %s AND r.user_id = p.user_id"
                " AND r.subject = c.code AND r.period = %s))"
            )
            params += [*pks, self.name, week]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT p.user_id FROM progress_plan p"  # noqa: S608 - placeholders
                " JOIN courses_course c ON c.id = p.course_id"
                f" WHERE p.done_on IS NULL AND ({' OR '.join(conditions)})",
                params,
            )
            wanted = {pk for (pk,) in cursor.fetchall()}
        return [user for user in users if user.pk in wanted]

    def title(self, *, user: User, context: dict) -> str:
        return gettext("Behind pace on %(title)s") % {"title": context["title"]}

    def body(self, *, user: User, context: dict) -> str:
        if context.get("needed"):
            return gettext(
                "At your recent pace you would finish after your target date. About "
                "%(needed)s h a week would get you there on time."
            ) % {"needed": _hours(context["needed"])}
        return gettext("At your recent pace you would finish after your target date.")

    def url(self, *, context: dict) -> str:
        return url_for("progress:plan", context["code"])


@register
class TeamSummary(Kind):
    """At a manager's day and hour: each of their teams, how many members are on track,
    behind or overdue, and who needs a word."""

    name = "team_summary"
    audience = "managers"
    label = _("Weekly team summary (managers)")

    def due(self, *, now: dt.datetime, users: Sequence[User]) -> Iterable[Due]:
        managed = list(
            Team.managers.through.objects.filter(user_id__in=user_ids(users)).values_list(
                "user_id", "team_id"
            )
        )
        if not managed:
            return []
        teams_of: dict[int, list[int]] = defaultdict(list)
        for manager_id, team_id in managed:
            teams_of[manager_id].append(team_id)
        slots = [
            (user, period)
            for user, period in _weekly_due(
                kind=self, now=now, users=[u for u in users if u.pk in teams_of]
            )
        ]
        if not slots:
            return []
        team_ids = {team_id for user, _p in slots for team_id in teams_of[user.pk]}
        teams = {team.pk: team for team in Team.objects.filter(pk__in=team_ids)}
        members: dict[int, list[User]] = defaultdict(list)
        for membership in Membership.objects.filter(team_id__in=team_ids).select_related("user"):
            members[membership.team_id].append(membership.user)
        everyone = {u.pk: u for team_members in members.values() for u in team_members}
        progress = progress_of(users=list(everyone.values()), now=now)
        result = []
        for user, period in slots:
            for team_id in sorted(teams_of[user.pk]):
                counts: dict[str, int] = defaultdict(int)
                needs_a_word = []
                for member in members.get(team_id, []):
                    status = progress[member.pk].status
                    counts[status] += 1
                    if status in (verdicts.BEHIND, verdicts.AT_RISK, verdicts.OVERDUE):
                        needs_a_word.append(str(member))
                result.append(
                    Due(
                        user=user,
                        subject=f"team:{team_id}",
                        period=period,
                        context={
                            "team": teams[team_id].name,
                            "members": len(members.get(team_id, [])),
                            "counts": dict(counts),
                            "attention": sorted(needs_a_word)[:10],
                        },
                    )
                )
        return result

    def title(self, *, user: User, context: dict) -> str:
        return gettext("%(team)s this week") % {"team": context["team"]}

    def body(self, *, user: User, context: dict) -> str:
        counts = context["counts"]
        lines = [
            ngettext(
                "%(count)s member: %(on_track)s on track, %(behind)s behind pace, "
                "%(overdue)s overdue.",
                "%(count)s members: %(on_track)s on track, %(behind)s behind pace, "
                "%(overdue)s overdue.",
                context["members"],
            )
            % {
                "count": context["members"],
                "on_track": counts.get(verdicts.ON_TRACK, 0),
                "behind": counts.get(verdicts.BEHIND, 0),
                "overdue": counts.get(verdicts.OVERDUE, 0),
            }
        ]
        if context["attention"]:
            lines.append(
                gettext("Who may need a word: %(names)s.")
                % {"names": ", ".join(context["attention"])}
            )
        return "\n".join(lines)

    def url(self, *, context: dict) -> str:
        return url_for("dashboard")


def _slot_day(period: str, weekday: int) -> dt.date:
    """The day of a weekly slot from its period ("2026-W49") and weekday (0 = Monday)."""
    year, week = period.split("-W")
    return dt.date.fromisocalendar(int(year), int(week), weekday + 1)


def _status_label(status: str) -> str:
    return gettext(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def _hours(value: float) -> str:
    # In the active language's format; remembered in a batch (figures repeat), whose memo
    # is the active language's (kinds.remembering).
    return remembered(
        ("hours", type(value), value),
        lambda: formats.number_format(value, decimal_pos=1 if value % 1 else 0),
    )
