"""Reminder kinds built on the teams app's assignments: due soon (7 days and 1 day before),
overdue to the learner, and overdue to each manager of the assignment's team.

Each reminder is due on a day counted from the due date, at the recipient's own local
hour (their digest hour), and is still sent within the catch-up window after it. "Done"
is the progress model's rule (read through `assignments_done`), so nobody is reminded of
finished work.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import Team, User
from tracker.progress import verdicts
from tracker.teams.models import Assignment
from tracker.teams.selectors import assignments_done

from .kinds import (
    DEFER,
    Due,
    Kind,
    catch_up_window,
    date_label,
    gettext,
    lookback_days,
    preference_of,
    register,
    url_for,
    user_ids,
)

# Reminder day = due date + offset; the period names the threshold.
DUE_SOON = {"7d": -7, "1d": -1}
OVERDUE_OFFSET = 1


def _slot_passed(*, user: User, day: dt.date, now: dt.datetime) -> bool:
    """Whether `day` at the user's hour (local) has come, recently enough to still send."""
    due_at = dt.datetime.combine(day, dt.time(preference_of(user).digest_hour), tzinfo=user.tzinfo)
    return due_at <= now and now - due_at <= catch_up_window(user)


def _day_range(*, users: Iterable[User], now: dt.datetime) -> tuple[dt.date, dt.date]:
    users = list(users)
    days = verdicts.todays(users=users, now=now).values()
    return min(days) - lookback_days(users), max(days)


def _assignments(**filters) -> list[Assignment]:
    return list(
        Assignment.objects.filter(**filters)
        .select_related("assignee", "track", "course")
        .only(
            "team_id",
            "assignee",
            "track_id",
            "course_id",
            "due_date",
            "track__code",
            "track__name_fr",
            "track__name_en",
            "course__code",
            "course__title",
        )
        .order_by("due_date", "id")
    )


def _context(assignment: Assignment) -> dict:
    target = assignment.target
    if assignment.track_id:
        names = {"fr": target.name_fr, "en": target.name_en or target.name_fr}
    else:
        names = {"fr": target.title, "en": target.title}
    return {
        "assignment": assignment.pk,
        "team": assignment.team_id,
        "code": target.code,
        "names": names,
        "due": assignment.due_date.isoformat(),
        "learner": str(assignment.assignee),
    }


def assignment_display_name(context: dict) -> str:
    language = "en" if (get_language() or "fr").startswith("en") else "fr"
    return context["names"][language]


def assignment_due_label(context: dict) -> str:
    return date_label(context["due"])


def assignments_due_soon(
    *, users: Sequence[User], now: dt.datetime, days: int = 14
) -> dict[int, list[dict]]:
    """Per learner, their open assignments due from today to `days` ahead (local dates),
    for the weekly digest. A constant number of queries whatever the number of users."""
    if not users:
        return {}
    todays = verdicts.todays(users=users, now=now)
    horizon = dt.timedelta(days=days)
    candidates = _assignments(
        assignee_id__in=user_ids(users),
        due_date__gte=min(todays.values()),
        due_date__lte=max(todays.values()) + horizon,
    )
    done = assignments_done(assignments=candidates)
    upcoming: dict[int, list[dict]] = defaultdict(list)
    for assignment in candidates:
        today = todays[assignment.assignee_id]
        if assignment.pk not in done and today <= assignment.due_date <= today + horizon:
            upcoming[assignment.assignee_id].append(_context(assignment))
    return dict(upcoming)


def _subject(assignment: Assignment) -> str:
    return f"assignment:{assignment.pk}"


class _LearnerDueDateKind(Kind):
    """A reminder to the assignee on days counted from the due date: `offsets` maps each
    period to its number of days after the due date (negative: before). Held while the
    learner is paused, sent when the pause ends if the work is still not done."""

    during_pause = DEFER

    def offsets(self, assignment: Assignment) -> dict[str, int]:
        raise NotImplementedError

    def due(self, *, now: dt.datetime, users: Sequence[User]) -> Iterable[Due]:
        first, last = _day_range(users=users, now=now)
        by_pk = {u.pk: u for u in users}
        # The offsets do not depend on the date, only their periods' names do.
        days = list(self.offsets(Assignment(due_date=dt.date.min)).values())
        candidates = []
        for assignment in _assignments(
            assignee_id__in=user_ids(users),
            due_date__gte=first - dt.timedelta(days=max(days)),
            due_date__lte=last - dt.timedelta(days=min(days)),
        ):
            user = by_pk[assignment.assignee_id]
            for period, offset in self.offsets(assignment).items():
                day = assignment.due_date + dt.timedelta(days=offset)
                if _slot_passed(user=user, day=day, now=now):
                    candidates.append((assignment, user, period, day))
        done = assignments_done(assignments=[a for a, _u, _p, _d in candidates])
        return [
            Due(user=user, subject=_subject(a), period=period, context=_context(a), day=day)
            for a, user, period, day in candidates
            if a.pk not in done
        ]

    def url(self, *, context: dict) -> str:
        return url_for("dashboard")


@register
class DueSoon(_LearnerDueDateKind):
    """7 days and 1 day before the due date, at the learner's hour: one reminder each."""

    name = "due_soon"
    audience = "members"
    label = _("Assignment due soon")

    def offsets(self, assignment: Assignment) -> dict[str, int]:
        return DUE_SOON

    def still_relevant(self, *, due: Due, today: dt.date) -> bool:
        """After a pause, "due soon" only while the due date is not past (else the
        overdue reminder says what is true)."""
        return dt.date.fromisoformat(due.context["due"]) >= today

    def title(self, *, user: User, context: dict) -> str:
        return gettext("%(name)s is due on %(date)s") % {
            "name": assignment_display_name(context),
            "date": assignment_due_label(context),
        }

    def body(self, *, user: User, context: dict) -> str:
        return gettext(
            "Your team's assignment %(name)s is due on %(date)s. Your dashboard shows where "
            "you stand."
        ) % {"name": assignment_display_name(context), "date": assignment_due_label(context)}


@register
class Overdue(_LearnerDueDateKind):
    """The day after the due date, at the learner's hour, if the work is not done. The
    period is the due date, so a new due date brings a new notice."""

    name = "overdue"
    audience = "members"
    label = _("Assignment overdue")

    def offsets(self, assignment: Assignment) -> dict[str, int]:
        return {assignment.due_date.isoformat(): OVERDUE_OFFSET}

    def title(self, *, user: User, context: dict) -> str:
        return gettext("%(name)s is overdue") % {"name": assignment_display_name(context)}

    def body(self, *, user: User, context: dict) -> str:
        return gettext(
            "Your team's assignment %(name)s was due on %(date)s and is not finished yet."
        ) % {"name": assignment_display_name(context), "date": assignment_due_label(context)}


@register
class OverdueManager(Kind):
    """The same day after the due date, at each manager's own hour: one notice per learner
    and assignment of the teams they manage, separate from the learner's."""

    name = "overdue_manager"
    audience = "managers"
    label = _("Overdue assignments of my teams (managers)")

    def due(self, *, now: dt.datetime, users: Sequence[User]) -> Iterable[Due]:
        managers_of: dict[int, list[int]] = defaultdict(list)
        for manager_id, team_id in Team.managers.through.objects.filter(
            user_id__in=user_ids(users)
        ).values_list("user_id", "team_id"):
            managers_of[team_id].append(manager_id)
        if not managers_of:
            return []
        by_pk = {u.pk: u for u in users}
        first, last = _day_range(
            users=[by_pk[m] for ms in managers_of.values() for m in ms], now=now
        )
        candidates = []
        for a in _assignments(
            team_id__in=managers_of,
            due_date__gte=first - dt.timedelta(days=OVERDUE_OFFSET),
            due_date__lte=last - dt.timedelta(days=OVERDUE_OFFSET),
        ):
            for manager_id in managers_of[a.team_id]:
                manager = by_pk[manager_id]
                day = a.due_date + dt.timedelta(days=OVERDUE_OFFSET)
                if manager_id != a.assignee_id and _slot_passed(user=manager, day=day, now=now):
                    candidates.append((a, manager))
        done = assignments_done(assignments=list({a.pk: a for a, _m in candidates}.values()))
        return [
            Due(user=m, subject=_subject(a), period=a.due_date.isoformat(), context=_context(a))
            for a, m in candidates
            if a.pk not in done
        ]

    def title(self, *, user: User, context: dict) -> str:
        return gettext("%(learner)s: %(name)s is overdue") % {
            "learner": context["learner"],
            "name": assignment_display_name(context),
        }

    def body(self, *, user: User, context: dict) -> str:
        return gettext("%(learner)s has not finished %(name)s, which was due on %(date)s.") % {
            "learner": context["learner"],
            "name": assignment_display_name(context),
            "date": assignment_due_label(context),
        }

    def url(self, *, context: dict) -> str:
        return url_for("teams:detail", context["team"])
