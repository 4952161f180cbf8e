"""The registry of reminder kinds, and the local-time arithmetic they share.

A kind is one small object: given `now` and a batch of users, it yields the reminders
that are due for them (in bulk: a constant number of queries per batch, never per user),
and it knows how to word its notification and email. Adding a kind (e.g. the due-date
reminders once assignments exist) is one more class registered here; the dispatcher,
sender, preferences page and unsubscribe link pick it up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import formats, translation
from django.utils.functional import Promise

from tracker.progress.sql import placeholders

from .models import ReminderPreference

if TYPE_CHECKING:
    from tracker.accounts.models import User


@dataclass(frozen=True)
class Due:
    """One reminder that is due: the dispatcher turns it into a Reminder row."""

    user: User
    subject: str
    period: str
    context: dict = field(default_factory=dict)
    # The learner's local day it fell due on (None: the kind does not say): the dispatcher
    # reads it against the learner's pauses (pauses.py).
    day: dt.date | None = None

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.user.pk, self.subject, self.period)


# What a kind does while its recipient is paused (progress.Pause; reminders/pauses.py).
SEND = "send"  # as usual (a manager's team summary is about the team, not their pause)
SKIP = "skip"  # not sent, and not sent later either (a digest, a nudge)
DEFER = "defer"  # held; sent once when the pause ends, if still relevant (a due date)


class Kind:
    name: ClassVar[str]
    label: ClassVar[str | Promise]
    help_text: ClassVar[str | Promise] = ""
    # Who the preferences page offers it to: "everyone", "members" (in a team or given
    # an assignment) or "managers" (of a team). A kind nobody could receive is not shown.
    audience: ClassVar[str] = "everyone"
    during_pause: ClassVar[str] = SEND

    def still_relevant(self, *, due: Due, today: dt.date) -> bool:
        """Whether a reminder held by a pause is still worth sending when it ends."""
        return True

    def due(self, *, now: dt.datetime, users: Sequence[User]) -> Iterable[Due]:
        """The reminders due at `now` for `users`: the dispatcher's Recipients (id, name,
        email, language, time zone, tzinfo, preferences: read nothing else of them)."""
        raise NotImplementedError

    # Called inside translation.override(user.language) and the user's time zone.
    def title(self, *, user: User, context: dict) -> str:
        raise NotImplementedError

    def body(self, *, user: User, context: dict) -> str:
        return ""

    def url(self, *, context: dict) -> str:
        return "/"

    def without_existing(self, slots: list[tuple[User, str]]) -> list[tuple[User, str]]:
        """The (user, period) pairs of this kind with no reminder yet (one query), so a
        kind reads its data only for the users it will actually remind."""
        if not slots:
            return []
        periods: dict[str, list[int]] = {}
        for user, period in slots:
            periods.setdefault(period, []).append(user.pk)
        # The database answers with the pairs that have no reminder: in a pass where the
        # reminders went out already, nothing (reading the batch's existing reminders
        # back to drop them in Python was most of this kind's work). A SELECT per period
        # (a batch's users have one or two), by position in `order`.
        order = list(periods)
        selects, params = [], []
        for number, period in enumerate(order):
            pks = periods[period]
            selects.append(
                f"SELECT u.id, {number} FROM accounts_user u WHERE u.id IN ({placeholders(pks)})"  # noqa: S608
                " AND NOT EXISTS (SELECT 1 FROM reminders_reminder r WHERE r.kind = %s"
                " AND r.user_id = u.id AND r.period = %s)"
            )
            params += [*pks, self.name, period]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            missing = {(pk, order[number]) for pk, number in cursor.fetchall()}
        return [(user, period) for user, period in slots if (user.pk, period) in missing]

    # Templates `<this>.txt` and `<this>.html`: the common layout shows the notification's
    # title and body; a kind that needs more extends it with its own pair.
    email_template: ClassVar[str] = "reminders/email/base"


_REGISTRY: dict[str, Kind] = {}


def register(kind_class: type[Kind]) -> type[Kind]:
    _REGISTRY[kind_class.name] = kind_class()
    return kind_class


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def all_kinds() -> list[Kind]:
    return list(_REGISTRY.values())


def get_kind(name: str) -> Kind | None:
    return _REGISTRY.get(name)


# --- Remembered within a batch -----------------------------------------------------------

# Results kept while the dispatcher words a batch's notifications: thousands of them share
# a handful of sentences, URLs and figures, and one gettext(), reverse() or
# number_format() costs as much as the rest of a notification's wording. One memo per
# language: what is kept was worded in the active language.
_REMEMBERED: ContextVar[dict | None] = ContextVar("reminders_remembered", default=None)


def remembered[T](key: tuple, compute: Callable[[], T]) -> T:
    """compute(), once per `key` inside `remembering()` (every time outside it)."""
    memo = _REMEMBERED.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@contextlib.contextmanager
def remembering(memo: dict | None = None) -> Iterator[None]:
    """Remember in `memo` (a new one if None). The active language must not change inside:
    the dispatcher enters each language's memo inside translation.override(language)."""
    token = _REMEMBERED.set({} if memo is None else memo)
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def gettext(message: str) -> str:
    """Django's gettext, remembered: the kinds word their notifications with it."""
    return remembered(("gettext", message), lambda: translation.gettext(message))


def date_label(iso: str) -> str:
    """The date `iso` ("2026-04-13") as the active language writes it, remembered."""
    return remembered(
        ("date", iso), lambda: formats.date_format(dt.date.fromisoformat(iso), "DATE_FORMAT")
    )


def ngettext(singular: str, plural: str, number: int) -> str:
    """Django's ngettext, remembered."""
    return remembered(
        ("ngettext", singular, plural, number),
        lambda: translation.ngettext(singular, plural, number),
    )


def url_for(viewname: str, *args) -> str:
    """reverse(viewname, args), remembered (the URLs do not depend on the language)."""
    return remembered(("url", viewname, args), lambda: reverse(viewname, args=args))


# --- Local time -------------------------------------------------------------------------


# Per user, a catch-up window longer than the setting's: set by the dispatcher for the
# learners whose pause just ended, so the reminders held during it are found once.
_WINDOWS: ContextVar[Mapping[int, dt.timedelta] | None] = ContextVar(
    "catch_up_windows", default=None
)


def catch_up_window(user: User) -> dt.timedelta:
    """How long after its moment a reminder of `user` is still sent."""
    default = dt.timedelta(hours=settings.REMINDERS_CATCH_UP_HOURS)
    return max((_WINDOWS.get() or {}).get(user.pk, default), default)


def lookback_days(users: Iterable[User]) -> dt.timedelta:
    """The days before today a kind's query reaches back to, for the longest window."""
    pks = [user.pk for user in users]
    if not pks:
        return dt.timedelta(days=2)
    # catch_up_window for each user, without its per-user call: only the users whose
    # pause just ended have a window other than the setting's.
    windows = _WINDOWS.get() or {}
    longest = max(
        [dt.timedelta(hours=settings.REMINDERS_CATCH_UP_HOURS)]
        + [windows[pk] for pk in pks if pk in windows]
    )
    return dt.timedelta(days=longest.days + 2)


@contextlib.contextmanager
def catch_up_windows(windows: Mapping[int, dt.timedelta]) -> Iterator[None]:
    token = _WINDOWS.set(windows)
    try:
        yield
    finally:
        _WINDOWS.reset(token)


class Recipient:
    """A user as the dispatcher reads them for its kinds: plain values (the fields the
    kinds read: id, name, email, language, time zone) and their reminder preferences.
    Building a User model instance per learner was a quarter of a pass where nobody is
    due; the kinds take a Recipient or a User alike (tests and pages pass Users)."""

    __slots__ = (
        "_reminder_preference",
        "_reminders_progress",
        "email",
        "language",
        "name",
        "pk",
        "timezone",
        "tzinfo",
    )

    def __init__(
        self,
        *,
        pk: int,
        email: str,
        name: str,
        language: str,
        timezone: str,
        tzinfo: ZoneInfo,
        preference: ReminderPreference,
    ) -> None:
        self.pk = pk
        self.email = email
        self.name = name
        self.language = language
        self.timezone = timezone
        self.tzinfo = tzinfo
        self._reminder_preference = preference

    @property
    def id(self) -> int:
        return self.pk

    def __str__(self) -> str:  # as User's
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<Recipient {self.pk}>"

    def __eq__(self, other: object) -> bool:
        """Equal to the User (or Recipient) of the same id, as model instances compare."""
        from tracker.accounts.models import User

        if isinstance(other, Recipient | User):
            return self.pk == other.pk
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pk)


def recipients(*, after: int, limit: int) -> list[Recipient]:
    """The next `limit` active users after the id `after`, in id order, with their
    preferences (a LEFT JOIN): one query, in SQL (the ORM's queryset building cost more
    than the database's answer), as plain values. A user without a preferences row gets
    the defaults (one unsaved row shared by the batch, only ever read); users with the same
    preferences share one row object likewise."""
    sql = (
        "SELECT u.id, u.email, u.name, u.language, u.timezone, p.digest_weekday,"
        " p.digest_hour, p.retake_interval_weeks"
        " FROM accounts_user u LEFT JOIN reminders_reminderpreference p ON p.user_id = u.id"
        " WHERE u.is_active = %s AND u.id > %s ORDER BY u.id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [True, after, limit])
        rows = cursor.fetchall()
    defaults = ReminderPreference()
    preferences: dict[tuple, ReminderPreference] = {}
    zones: dict[str, ZoneInfo] = {}
    result = []
    for pk, email, name, language, zone, weekday, hour, weeks in rows:
        if weekday is None:
            preference = defaults
        elif (preference := preferences.get((weekday, hour, weeks))) is None:
            preference = preferences[(weekday, hour, weeks)] = ReminderPreference(
                digest_weekday=weekday, digest_hour=hour, retake_interval_weeks=weeks
            )
        if (tzinfo := zones.get(zone)) is None:
            tzinfo = zones[zone] = ZoneInfo(zone)
        result.append(
            Recipient(
                pk=pk,
                email=email,
                name=name,
                language=language,
                timezone=zone,
                tzinfo=tzinfo,
                preference=preference,
            )
        )
    return result


def preference_of(user: User | Recipient) -> ReminderPreference:
    """The user's preferences (kept on a dispatcher's Recipient), or the defaults."""
    kept = getattr(user, "_reminder_preference", None)
    if kept is not None:
        return kept
    try:
        return user.reminder_preference
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(user=user)


def ids_in(ids: Iterable[int]) -> RawSQL | list[int]:
    """Ids read from the database (a batch's users), as the right-hand side of an `__in`
    filter that Django passes to the database as they are.

    A plain list is prepared id by id (normalized, converted by the foreign key's target
    field, then by the column's): about 10 ms for a batch of 1,000 ids, and a pass where
    nobody is due has a dozen such filters per batch, most of its time. Primary keys need
    no preparing; RawSQL with only placeholders is `IN (%s, %s, ...)` with the ids as
    parameters. An empty list stays a list: Django then skips the query."""
    ids = list(ids)
    if not ids:
        return ids
    return RawSQL(placeholders(ids), ids)  # noqa: S611 - placeholders only


def user_ids(users: Iterable[User]) -> RawSQL | list[int]:
    """The ids of a batch, for its `__in` filters (ids_in)."""
    return ids_in(user.pk for user in users)


def iso_week_label(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weekly_slot_at(*, day_in_week: dt.date, weekday: int, hour: int, tz: ZoneInfo) -> dt.datetime:
    """The instant of `weekday` at `hour`:00 local time in the ISO week of `day_in_week`.

    zoneinfo applies the offset in force on that date, so 09:00 stays 09:00 local on
    both sides of a daylight saving change (07:00 UTC in summer, 08:00 UTC in winter
    for Paris). An hour that does not exist (02:00 on a spring-forward night) resolves
    to the instant an hour later in local terms, so it is never skipped."""
    year, week, _ = day_in_week.isocalendar()
    day = dt.date.fromisocalendar(year, week, weekday + 1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)


def latest_weekly_slot(
    *, now: dt.datetime, weekday: int, hour: int, tz: ZoneInfo
) -> tuple[str, dt.datetime] | None:
    """The most recent weekly slot at or before `now` (this ISO week's or last week's, in
    the user's time zone), if it is recent enough to still be worth sending.

    Selecting `<= now` rather than `== now` is what makes a missed pass catch up: a
    dispatcher down for a day still finds the slot it slept through."""
    local_today = now.astimezone(tz).date()
    window = dt.timedelta(hours=settings.REMINDERS_CATCH_UP_HOURS)
    for day in (local_today, local_today - dt.timedelta(days=7)):
        due_at = weekly_slot_at(day_in_week=day, weekday=weekday, hour=hour, tz=tz)
        if due_at <= now:
            if now - due_at <= window:
                return iso_week_label(day), due_at
            return None
    return None
