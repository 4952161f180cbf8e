"""Reminders a manager writes, from the team page, to the learners they tick.

A message reaches each learner at most once a day (from any manager: the reminder's
unique key is the kind, the learner and their local date), never one who switched
"messages from my team's managers" off (a reminder kind, so the preferences page and the
emails' unsubscribe link offer it), as an in-app notice at once and an email through
the reminder sender (exactly once, in the learner's language). Each learner reached is
recorded in the team's history. The form's one-time token makes a second submit of the
same form send nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.accounts import audit
from tracker.accounts.models import AuditEvent, Team, User

from . import notices
from .kinds import Due, Kind, register, url_for
from .models import KindOptOut, ManagerMessage, Reminder
from .services import DispatchReport, _enqueue_many

KIND = "manager_message"


@register
class ManagerMessageKind(Kind):
    """Written by a manager and sent at once (manager_message_send): the dispatcher never
    finds one due. Registered so that learners can switch it off."""

    name = KIND
    label = _("Messages from my team's managers")
    help_text = _("Reminders a manager of your team writes to you (at most one a day).")

    def due(self, *, now: dt.datetime, users: Sequence[User]) -> Iterable[Due]:
        return ()

    def title(self, *, user: User, context: dict) -> str:
        return gettext("%(manager)s (team %(team)s) sent you a reminder") % context

    def body(self, *, user: User, context: dict) -> str:
        return context.get("text", "")

    def url(self, *, context: dict) -> str:
        return url_for("dashboard")


@dataclass
class MessageReport:
    sent: list[User] = field(default_factory=list)
    already_today: list[User] = field(default_factory=list)  # reminded today already
    switched_off: int = 0  # learners who do not take messages from managers
    duplicate: bool = False  # the form was submitted before: nothing sent


def manager_message_send(
    *, sender: User, team: Team, learners: Sequence[User], text: str, token: str
) -> MessageReport:
    """Send `text` to `learners` (members of `team`, checked by the caller's form)."""
    report = MessageReport()
    with transaction.atomic():
        try:
            with transaction.atomic():
                message = ManagerMessage.objects.create(
                    token=token, team=team, sender=sender, text=text
                )
        except IntegrityError:
            report.duplicate = True
            return report
        switched_off = set(
            KindOptOut.objects.filter(user__in=learners, kind=KIND).values_list(
                "user_id", flat=True
            )
        )
        wanted = [u for u in learners if u.pk not in switched_off and u.is_active]
        report.switched_off = sum(1 for u in learners if u.pk in switched_off)
        period = {u.pk: u.local_today().isoformat() for u in wanted}
        context = {
            "manager": sender.get_full_name(),
            "team": team.name,
            "text": text,
            "message": message.pk,
        }
        # The unique key (kind, learner, "", day) keeps one a day, even against a
        # concurrent send: the rows that carry this message's id are the ones written.
        Reminder.objects.bulk_create(
            [Reminder(kind=KIND, user=u, period=period[u.pk], context=context) for u in wanted],
            ignore_conflicts=True,
        )
        ours = {
            row.user_id: row.pk
            for row in Reminder.objects.filter(
                kind=KIND, user__in=wanted, period__in=set(period.values())
            ).only("id", "user_id", "context")
            if row.context.get("message") == message.pk
        }
        report.sent = [u for u in wanted if u.pk in ours]
        report.already_today = [u for u in wanted if u.pk not in ours]
        notices.notify_many(
            (u, KIND, {"manager": context["manager"], "team": team.name, "text": text})
            for u in report.sent
        )
        for learner in report.sent:
            audit.record(
                action=AuditEvent.Action.REMINDED,
                actor=sender,
                user=learner,
                team=team,
                title=text,
            )
        ids = list(ours.values())
        # The emails: the sender claims each row, skips it if the learner switched the
        # kind off meanwhile, and retries a mail server that is down.
        transaction.on_commit(lambda: _enqueue_many(ids, DispatchReport()))
    return report
