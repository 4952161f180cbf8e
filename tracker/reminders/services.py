"""Writes of the reminders app: the dispatcher pass, the sender, preferences, notifications.

Exactly once is the database's job: each reminder has a unique key (kind, user, subject,
period), so two passes, two beats or a catch-up insert it once; a sender claims a row
with a conditional UPDATE and acts only if it changed exactly one row. Celery is only the
messenger: a lost message (broker down at commit time, worker killed) is re-enqueued by
the sweeper, and a duplicate message finds the row already claimed or sent.

The one instant no database can cover: the mail server accepted the email and the worker
died before recording it. The row says `sending` from just before the hand-over to just
after it, so only such a row is ever sent twice, and its second email carries the same
Message-ID (derived from the reminder's key, emails.message_id), which mail clients merge.

One pass at a time: a pass holds a lease row in the database (it works with the broker
down, and a pass that died lets go when the lease expires); a pass that starts while
another runs skips.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
import logging
import smtplib
import socket
import uuid
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.constants import OnConflict
from django.utils import timezone, translation

from tracker.accounts.models import User

from . import kinds as registry
from .emails import build_email
from .kinds import Due, Kind, Recipient
from .models import KindOptOut, Lease, Notification, Reminder, ReminderPreference
from .pauses import PauseCalendar

log = logging.getLogger(__name__)

# Users per batch: each batch costs a fixed number of queries (tests/test_reminders.py),
# so a bigger batch costs fewer per learner (1,000: 17 queries per 1,000 learners where
# nobody is due; 2,000: 10). An IN list of 2,000 ids stays far below the parameter limits
# (SQLite 32,766, PostgreSQL 65,535); inserts go row by row through executemany.
BATCH_SIZE = 2000
# A sender holds the row in these states; one whose claim is older than the timeout is
# presumed dead, and the row is taken up again.
IN_HAND = [Reminder.State.CLAIMED, Reminder.State.SENDING]


# --- Dispatcher ---------------------------------------------------------------------------


@dataclass
class DispatchReport:
    created: int = 0
    enqueued: int = 0
    swept: int = 0
    # Publishes that failed: at most one per pass, since a pass stops publishing at the
    # first failure (a broker that is down would make each further try wait its timeout).
    enqueue_failures: int = 0
    # Sends not handed to the broker by this pass: the sweeper of a later pass does it.
    left_to_sweeper: int = 0
    # Another pass held the lease: this one did nothing.
    skipped: bool = False
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def broker_down(self) -> bool:
        return self.enqueue_failures > 0


DISPATCH_LEASE = "reminders.dispatch"


def lease_acquire(*, name: str, seconds: float) -> str | None:
    """Takes the lease `name` for `seconds` if nobody holds it (or its holder's time is
    up); returns the holder token to renew and release it with, or None."""
    now = timezone.now()
    # The row exists once; then taking it is one conditional UPDATE, atomic on both
    # databases (healthchecks' claim pattern).
    Lease.objects.bulk_create([Lease(name=name, expires_at=now)], ignore_conflicts=True)
    holder = uuid.uuid4().hex
    taken = Lease.objects.filter(name=name, expires_at__lte=now).update(
        holder=holder, expires_at=now + dt.timedelta(seconds=seconds)
    )
    return holder if taken == 1 else None


def lease_renew(*, name: str, holder: str, seconds: float) -> bool:
    """Extends a lease still held by `holder`; False if it expired and was taken."""
    expires_at = timezone.now() + dt.timedelta(seconds=seconds)
    return Lease.objects.filter(name=name, holder=holder).update(expires_at=expires_at) == 1


def lease_release(*, name: str, holder: str) -> None:
    Lease.objects.filter(name=name, holder=holder).update(holder="", expires_at=timezone.now())


def dispatch(now: dt.datetime | None = None) -> DispatchReport:
    """One pass: re-enqueue what was lost, then create every reminder due at `now`.

    The beat task and `manage.py dispatch_reminders` both call this. While another pass
    runs, it skips (report.skipped): the unique keys would keep the two from doubling
    anything, but two passes at once would only share the same work, and with the broker
    down they would pile up."""
    now = now or timezone.now()
    report = DispatchReport()
    seconds = settings.REMINDERS_DISPATCH_LEASE_SECONDS
    holder = lease_acquire(name=DISPATCH_LEASE, seconds=seconds)
    if holder is None:
        report.skipped = True
        return report
    try:
        with _long_lived_objects_frozen():
            report.swept = sweep(report=report)
            kinds = registry.all_kinds()
            last_pk = 0
            while True:
                # Query 1 per batch: the users, with their preferences (a LEFT JOIN).
                users = registry.recipients(after=last_pk, limit=BATCH_SIZE)
                if not users:
                    break
                last_pk = users[-1].pk
                _dispatch_batch(now=now, users=users, kinds=kinds, report=report)
                # A pass longer than the lease keeps it; one whose lease was taken (it was
                # stalled longer than the lease) stops, the other pass does the rest.
                if not lease_renew(name=DISPATCH_LEASE, holder=holder, seconds=seconds):
                    log.warning("reminders: the dispatch lease was lost; stopping this pass")
                    break
    finally:
        lease_release(name=DISPATCH_LEASE, holder=holder)
    return report


@contextlib.contextmanager
def _long_lived_objects_frozen() -> Iterator[None]:
    """The objects that exist before the pass (Django's and the app's, some 150,000) kept
    out of the garbage collector's full collections while it runs (gc.freeze). A pass
    makes and drops dozens of objects per learner, so that the collector runs a dozen
    full collections over 100,000 learners, and each went through all of those objects
    too: a tenth of a pass where everyone is due. Left alone if something else froze
    objects already (a server that does before forking)."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _dispatch_batch(
    *, now: dt.datetime, users: list[Recipient], kinds: list[Kind], report: DispatchReport
) -> None:
    # Query 2 per batch: who switched which kind off.
    opted_out: dict[str, set[int]] = {}
    for user_id, name in KindOptOut.objects.filter(
        user_id__in=registry.user_ids(users)
    ).values_list("user_id", "kind"):
        opted_out.setdefault(name, set()).add(user_id)
    # Query 3 per batch: the learners' pauses around today (pauses.py).
    paused = PauseCalendar(users=users, now=now)
    for kind in kinds:
        off = opted_out.get(kind.name)
        wanted = paused.wanted(kind, [u for u in users if u.pk not in off] if off else list(users))
        if not wanted:
            continue
        with registry.catch_up_windows(paused.windows(kind, wanted)):
            due = paused.keep(kind, list(kind.due(now=now, users=wanted)))
        if due:
            created = _create_reminders(kind=kind, due=due, report=report)
            report.by_kind[kind.name] = report.by_kind.get(kind.name, 0) + created


def _create_reminders(*, kind: Kind, due: list[Due], report: DispatchReport) -> int:
    user_ids = {d.user.pk for d in due}
    periods = {d.period for d in due}
    existing = set(
        Reminder.objects.filter(
            kind=kind.name, user_id__in=registry.ids_in(user_ids), period__in=periods
        ).values_list("user_id", "subject", "period")
    )
    fresh = [d for d in due if d.key not in existing]
    if not fresh:
        return 0
    by_key = {d.key: d for d in fresh}
    with transaction.atomic():
        # Ignoring conflicts: a concurrent pass may insert the same keys first; the unique
        # constraint keeps one row and this insert skips it without failing the batch.
        # The field's own conversion (JSONField.get_db_prep_save) without its layers of
        # checks for expressions, which a dict never is: about 4 microseconds a row less.
        encoder = Reminder._meta.get_field("context").encoder
        as_json = connection.ops.adapt_json_value
        _insert_ignoring_conflicts(
            Reminder,
            ["kind", "user", "subject", "period", "context"],
            [
                (
                    kind.name,
                    d.user.pk,
                    d.subject,
                    d.period,
                    as_json(d.context, encoder),
                )
                for d in fresh
            ],
        )
        # The rows without a notification are the ones inserted by this pass (or by a
        # concurrent pass that has not recorded its notifications yet: the unique
        # reminder link on Notification keeps that race to one notification). Tuples,
        # not model instances: a pass where everyone is due reads thousands.
        rows = [
            (pk, by_key[(user_id, subject, period)])
            for pk, user_id, subject, period in Reminder.objects.filter(
                kind=kind.name,
                user_id__in=registry.ids_in({d.user.pk for d in fresh}),
                period__in={d.period for d in fresh},
                notification__isnull=True,
            ).values_list("id", "user_id", "subject", "period")
            if (user_id, subject, period) in by_key
        ]
        # Worded in each user's language and time zone: switched once per pair.
        rows.sort(key=lambda row: (row[1].user.language, row[1].user.timezone))
        notifications = []
        memos: dict[str, dict] = {}  # what the wording remembers, per language
        for (language, zone), group in itertools.groupby(
            rows, key=lambda row: (row[1].user.language, row[1].user.timezone)
        ):
            with (
                translation.override(language),
                timezone.override(zone),
                registry.remembering(memos.setdefault(language, {})),
            ):
                for pk, d in group:
                    notifications.append((
                        d.user.pk,
                        pk,
                        kind.name,
                        str(kind.title(user=d.user, context=d.context))[:200],
                        str(kind.body(user=d.user, context=d.context)),
                        kind.url(context=d.context),
                    ))  # fmt: skip
        _insert_ignoring_conflicts(
            Notification, ["user", "reminder", "kind", "title", "body", "url"], notifications
        )
        ids = [pk for pk, _due in rows]
        transaction.on_commit(lambda: _enqueue_many(ids, report))
    report.created += len(rows)
    return len(rows)


def _insert_ignoring_conflicts(model, names: list[str], rows: list[tuple]) -> None:
    """INSERT of `rows` (values of the fields `names`, ready for the database; every other
    field gets its default) that skips a row whose unique key exists already.

    bulk_create(ignore_conflicts=True) does the same, but prepares each field of each row
    through the field's methods and builds one model instance per row: in a pass where
    everyone is due that was a third of the pass (two rows per learner, a dozen fields
    each). Here the defaults are prepared once and the rows go to executemany as they are
    (tests/test_reminders.py checks the rows get what the models would give them)."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    defaults = [f for f in model._meta.concrete_fields if f not in fields and not f.primary_key]
    # Defaults computed once for all the rows: they share one `created` instant, where
    # bulk_create gave each row its own, microseconds apart.
    constant = tuple(f.get_db_prep_save(f.get_default(), connection) for f in defaults)
    columns = [f.column for f in fields + defaults]
    ops = connection.ops
    sql = "{} {} ({}) VALUES ({}) {}".format(
        ops.insert_statement(on_conflict=OnConflict.IGNORE),
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
        ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [row + constant for row in rows])


def _enqueue_many(reminder_ids: Iterable[int], report: DispatchReport) -> None:
    """Publishes the sends, until the broker fails once: the rest (and the one that
    failed) stay pending for a later pass's sweeper, rather than each waiting for its
    own timeout against a broker that is down."""
    ids = list(reminder_ids)
    if report.broker_down:
        report.left_to_sweeper += len(ids)
        return
    with _impatient_broker_connection():
        for done, reminder_id in enumerate(ids):
            if enqueue_send(reminder_id=reminder_id):
                report.enqueued += 1
                continue
            report.enqueue_failures += 1
            report.left_to_sweeper += len(ids) - done
            return


# The connection enqueue_send publishes on, when a batch set one (else Celery's pool).
_publish_connection: ContextVar = ContextVar("reminders_publish_connection", default=None)


@contextlib.contextmanager
def _impatient_broker_connection() -> Iterator[None]:
    """One broker connection for a batch of publishes, that gives up at the first refusal
    or after a short connect timeout. Celery's defaults retry the connection for about
    6 s per message (kombu's failover loop), so a pass of 431 reminders with Redis down
    ran for over 16 minutes."""
    from tracker.celery import app

    timeout = settings.REMINDERS_BROKER_CONNECT_TIMEOUT_SECONDS
    connection = app.connection_for_write(
        connect_timeout=timeout,
        transport_options={"max_retries": 0, "socket_connect_timeout": timeout},
    )
    token = _publish_connection.set(connection)
    try:
        yield
    finally:
        _publish_connection.reset(token)
        with contextlib.suppress(Exception):  # closing a connection that never opened
            connection.release()


def enqueue_send(*, reminder_id: int) -> bool:
    """Hands one send to Celery. A broker that is down must never break the caller (a
    page, the dispatcher): log it and leave the row pending; the sweeper tries again."""
    from .tasks import send_reminder

    try:
        # No publish retries: a dead broker answers at once instead of stalling a pass.
        send_reminder.apply_async((reminder_id,), retry=False, connection=_publish_connection.get())
    except Exception:  # kombu raises OperationalError, socket and redis errors alike
        log.warning("could not enqueue reminder %s; the sweeper will retry", reminder_id)
        return False
    return True


def sweep(*, report: DispatchReport | None = None) -> int:
    """Re-enqueues pending rows whose message was lost (broker down at commit time, a
    retry that could not be published) and claims left by workers that died mid-send."""
    now = timezone.now()
    grace = dt.timedelta(seconds=settings.REMINDERS_SWEEP_GRACE_SECONDS)
    stale_claim = now - dt.timedelta(seconds=settings.REMINDERS_CLAIM_TIMEOUT_SECONDS)
    ids = list(
        Reminder.objects.filter(
            Q(state=Reminder.State.PENDING, next_attempt_at__lte=now - grace)
            | Q(state__in=IN_HAND, claimed_at__lt=stale_claim)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[: settings.REMINDERS_SWEEP_LIMIT]
    )
    if ids:
        # Push the next sweep of these rows back, so a slow queue is not flooded with
        # copies (a copy is harmless: the claim lets one through).
        Reminder.objects.filter(pk__in=ids, state=Reminder.State.PENDING).update(
            next_attempt_at=now + grace
        )
        _enqueue_many(ids, report or DispatchReport())
    return len(ids)


# --- Sender -------------------------------------------------------------------------------


class TemporaryMailError(Exception):
    """The send failed in a way worth retrying; `retry_in` seconds from now."""

    def __init__(self, message: str, *, retry_in: float):
        super().__init__(message)
        self.retry_in = retry_in


def is_temporary(exc: BaseException) -> bool:
    """SMTP 4xx, a dropped or refused connection, a timeout: try again later. A 5xx (a
    refused recipient, a rejected message) will fail the same way every time."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(
        exc, smtplib.SMTPServerDisconnected | ConnectionError | TimeoutError | socket.timeout
    )


def reminder_claim(*, reminder_id: int) -> bool:
    """Takes the row for this worker: pending, or a claim old enough that its worker is
    presumed dead. True only if exactly one row changed, so only one sender acts."""
    return _claim(reminder_id) is not None


def _claim(reminder_id: int) -> dt.datetime | None:
    """reminder_claim; returns the claim's instant, which tells this claim from a later
    one by another worker (None: not claimed)."""
    now = timezone.now()
    stale_claim = now - dt.timedelta(seconds=settings.REMINDERS_CLAIM_TIMEOUT_SECONDS)
    claim = {"state": Reminder.State.CLAIMED, "claimed_at": now, "attempts": F("attempts") + 1}
    rows = Reminder.objects.filter(pk=reminder_id)
    if rows.filter(state=Reminder.State.PENDING).update(**claim) == 1:
        return now
    if rows.filter(state=Reminder.State.SENDING, claimed_at__lt=stale_claim).update(**claim):
        log.warning(
            "reminder %s: its sender died while handing it to the mail server; it goes "
            "again, with the same Message-ID",
            reminder_id,
        )
        return now
    stale = rows.filter(state=Reminder.State.CLAIMED, claimed_at__lt=stale_claim)
    return now if stale.update(**claim) == 1 else None


def reminder_send(*, reminder_id: int) -> str:
    """Claims, sends and marks one reminder; returns what happened.

    Raises TemporaryMailError (the task retries with backoff) on a temporary failure."""
    claimed_at = _claim(reminder_id)
    if claimed_at is None:
        return "not-claimed"
    reminder = Reminder.objects.select_related("user").get(pk=reminder_id)
    kind = registry.get_kind(reminder.kind)
    user = reminder.user
    if (
        kind is None
        or not user.is_active
        or KindOptOut.objects.filter(user=user, kind=reminder.kind).exists()
    ):
        _finish(reminder_id, state=Reminder.State.SKIPPED, error="switched off or unknown kind")
        return "skipped"
    message = build_email(reminder=reminder, kind=kind)
    # The last instant at which nothing has left. From the hand-over to the mail server
    # until it is marked sent, a dead worker's row may have gone out: only a `sending`
    # row is ever sent twice, with the same Message-ID.
    ours = Reminder.objects.filter(
        pk=reminder_id, state=Reminder.State.CLAIMED, claimed_at=claimed_at
    )
    if not ours.update(state=Reminder.State.SENDING, claimed_at=timezone.now()):
        return "not-claimed"  # this worker was so slow that its claim was taken up again
    try:
        message.send(using="default")
    except Exception as exc:
        error = f"{exc.__class__.__name__}: {exc}"[:2000]
        if not is_temporary(exc):
            log.warning("reminder %s failed for good: %s", reminder_id, error)
            _finish(reminder_id, state=Reminder.State.FAILED, error=error)
            return "failed"
        if reminder.attempts >= settings.REMINDERS_MAX_ATTEMPTS:
            log.warning("reminder %s gave up after %s attempts", reminder_id, reminder.attempts)
            _finish(reminder_id, state=Reminder.State.FAILED, error=error)
            return "failed"
        retry_in = settings.REMINDERS_RETRY_BACKOFF_SECONDS * 2 ** (reminder.attempts - 1)
        # Back to pending, so the claim does not block the retry; the sweeper picks it up
        # after next_attempt_at if the retry message itself is lost.
        Reminder.objects.filter(pk=reminder_id, state__in=IN_HAND).update(
            state=Reminder.State.PENDING,
            claimed_at=None,
            last_error=error,
            next_attempt_at=timezone.now() + dt.timedelta(seconds=retry_in),
        )
        raise TemporaryMailError(error, retry_in=retry_in) from exc
    _finish(reminder_id, state=Reminder.State.SENT, error="")
    return "sent"


def _finish(reminder_id: int, *, state: str, error: str) -> None:
    changes: dict = {"state": state, "last_error": error}
    if state == Reminder.State.SENT:
        changes["sent_at"] = timezone.now()
    # From either state this worker holds: skipped before sending, sent or failed after.
    Reminder.objects.filter(pk=reminder_id, state__in=IN_HAND).update(**changes)


# --- Preferences ---------------------------------------------------------------------------


@transaction.atomic
def preferences_update(
    *,
    user: User,
    enabled_kinds: Iterable[str],
    digest_weekday: int,
    digest_hour: int,
    retake_interval_weeks: int,
    shown_kinds: Iterable[str] | None = None,
) -> ReminderPreference:
    """Save the weekly slot and which kinds are on. Only the `shown_kinds` (those the
    page offered; default every kind) are switched: a kind the person was not shown (a
    manager's, for someone managing no team) keeps its setting. The time zone is the
    profile's (accounts.services.user_update_profile)."""
    ReminderPreference.objects.update_or_create(
        user=user,
        defaults={
            "digest_weekday": digest_weekday,
            "digest_hour": digest_hour,
            "retake_interval_weeks": retake_interval_weeks,
        },
    )
    enabled = set(enabled_kinds)
    known = {kind.name for kind in registry.all_kinds()}
    if shown_kinds is not None:
        known &= set(shown_kinds)
        enabled &= known
    KindOptOut.objects.filter(user=user, kind__in=enabled).delete()
    for name in known - enabled:
        KindOptOut.objects.get_or_create(user=user, kind=name)
    return ReminderPreference.objects.get(user=user)


def kind_unsubscribe(*, user_id: int, kind: str) -> None:
    """Idempotent: unsubscribing twice (a scanner, then the person) is fine."""
    KindOptOut.objects.get_or_create(user_id=user_id, kind=kind)


# --- Notifications -------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification_id: int) -> int:
    return Notification.objects.filter(user=user, pk=notification_id, read=False).update(read=True)


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read=False).update(read=True)
