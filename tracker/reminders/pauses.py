"""Reminders and the learners' pauses (progress.Pause): what each kind does while its
recipient is paused (`Kind.during_pause`).

* SKIP (the weekly digest, the behind-pace nudge): nothing is sent while the learner is
  paused, nor for a moment that fell in a pause (a digest slot of a paused Monday is not
  caught up on Tuesday): those reminders are simply not sent.
* DEFER (due-date and certificate-expiry reminders): held while the learner is paused;
  once the pause is over, at the learner's digest hour on the day after it (and within
  the catch-up window after that), the kind is read with a window reaching back to the
  pause's first day, so what fell due during it is found. Of each subject (an assignment,
  a certificate) only the latest reminder is sent, and only if still relevant
  (`Kind.still_relevant`: an assignment done since, or a "due soon" whose date has
  passed, is not). The reminders' unique keys make it once.
* SEND: as usual.

One query per dispatcher batch (the batch's pauses around today).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from tracker.accounts.models import User
from tracker.progress import verdicts
from tracker.progress.selectors import pauses_of
from tracker.progress.verdicts import Pauses

from .kinds import DEFER, SKIP, Due, Kind, ids_in, preference_of


@dataclass(frozen=True)
class Resumed:
    """A pause that ended: reminders held by it are sent from `at` on."""

    start: dt.date
    end: dt.date
    at: dt.datetime


class PauseCalendar:
    def __init__(self, *, users: Sequence[User], now: dt.datetime) -> None:
        self.now = now
        self.today = verdicts.todays(users=users, now=now)
        window = dt.timedelta(hours=settings.REMINDERS_CATCH_UP_HOURS)
        # Pauses that cover today, or ended recently enough to still release reminders.
        since = min(self.today.values(), default=now.date()) - dt.timedelta(days=window.days + 2)
        self.pauses: dict[int, Pauses] = pauses_of(user_ids=ids_in(self.today), since=since)
        self.held: set[int] = set()
        self.resumed: dict[int, Resumed] = {}
        for user in users:
            spans = self.pauses.get(user.pk)
            if spans is None:
                continue
            hour = dt.time(preference_of(user).digest_hour)
            for start, end in spans.spans:
                at = dt.datetime.combine(end + dt.timedelta(days=1), hour, tzinfo=user.tzinfo)
                begun = dt.datetime.combine(start, dt.time(0), tzinfo=user.tzinfo)
                if begun <= now < at:
                    self.held.add(user.pk)  # paused, or the pause ends today at their hour
                elif at <= now <= at + window:
                    self.resumed[user.pk] = Resumed(start=start, end=end, at=at)

    def wanted(self, kind: Kind, users: list[User]) -> list[User]:
        """The users `kind` is read for: a paused learner gets no SKIP nor DEFER kind."""
        if kind.during_pause in (SKIP, DEFER) and self.held:
            return [user for user in users if user.pk not in self.held]
        return users

    def windows(self, kind: Kind, users: list[User]) -> dict[int, dt.timedelta]:
        """For a DEFER kind, each learner whose pause just ended: a catch-up window back
        to the pause's first day."""
        if kind.during_pause != DEFER or not self.resumed:
            return {}
        windows = {}
        for user in users:
            if (resumed := self.resumed.get(user.pk)) is not None:
                begun = dt.datetime.combine(resumed.start, dt.time(0), tzinfo=user.tzinfo)
                windows[user.pk] = self.now - begun
        return windows

    def keep(self, kind: Kind, due: list[Due]) -> list[Due]:
        """`due` without what a pause cancels or makes redundant."""
        if kind.during_pause == SKIP:
            return [d for d in due if not self._paused_on(d)]
        if kind.during_pause != DEFER:
            return due
        kept, latest = [], {}
        for d in due:
            resumed = self.resumed.get(d.user.pk)
            if resumed is None or d.day is None or d.day > resumed.end:
                kept.append(d)  # not held by the pause: as usual
            elif kind.still_relevant(due=d, today=self.today[d.user.pk]):
                key = (d.user.pk, d.subject)
                if key not in latest or d.day > latest[key].day:  # type: ignore[operator]
                    latest[key] = d
        return kept + list(latest.values())

    def _paused_on(self, due: Due) -> bool:
        pauses = self.pauses.get(due.user.pk)
        return bool(pauses and due.day and pauses.until(due.day))
