"""Emails for the in-app notices a person should also get in their mailbox: a manager
assigned them something, moved a due date or took an assignment back.

The notice row is written with the change (notices.notify / notify_many); the emails go
after the commit, all of one change in one task and over one mail connection, so a bulk
assignment to a whole team adds no query to its transaction. Whether a person gets them is
their reminder preference `assignment_changes` (a kind registered below, so it shows on the
preferences page and has a one-click unsubscribe link like every reminder).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import User

from .emails import ReminderEmail, unsubscribe_url
from .kinds import Due, Kind, register
from .models import KindOptOut, Notification

log = logging.getLogger(__name__)

EMAIL_PREFERENCE = "assignment_changes"
EMAILED_KINDS = frozenset({"assignment_new", "assignment_due_changed", "assignment_removed"})


@register
class AssignmentChanges(Kind):
    """Not scheduled: the emails are sent when the change happens (send_notice_emails).
    Registered so that people can switch them off like any reminder."""

    name = EMAIL_PREFERENCE
    label = _("Email me when a manager assigns me work, moves a due date or takes it back")
    audience = "members"

    def due(self, *, now: dt.datetime, users: Sequence[User]) -> Iterable[Due]:
        return []

    def title(self, *, user: User, context: dict) -> str:  # never a Reminder row
        return str(self.label)


def queue(notifications: Iterable[Notification]) -> None:
    """After the caller's transaction commits, email the notices that are emailed."""
    ids = [n.pk for n in notifications if n.kind in EMAILED_KINDS and n.pk is not None]
    if ids:
        transaction.on_commit(lambda: enqueue(notification_ids=ids))


def enqueue(*, notification_ids: list[int]) -> None:
    """One Celery task for the whole change. With the broker down the emails go from
    here, at once: the person must not miss them because Redis was away."""
    from .services import _impatient_broker_connection, _publish_connection
    from .tasks import send_notice_emails_task

    with _impatient_broker_connection():
        try:
            send_notice_emails_task.apply_async(
                (notification_ids,), retry=False, connection=_publish_connection.get()
            )
            return
        except Exception:  # kombu, socket and redis errors alike
            log.warning(
                "could not enqueue %s notice emails; sending them now", len(notification_ids)
            )
    send_notice_emails(notification_ids=notification_ids)


def _message(notification: Notification) -> ReminderEmail:
    user = notification.user
    site = settings.SITE_URL.rstrip("/")
    with translation.override(user.language), timezone.override(user.tzinfo):
        title, body, url = notification.shown_title, notification.shown_body, notification.shown_url
        context = {
            "user": user,
            "title": title,
            "body": body,
            "url": site + (url or reverse("reminders:notifications")),
            "preferences_url": site + reverse("reminders:preferences"),
            "unsubscribe_url": unsubscribe_url(user_id=user.pk, kind=EMAIL_PREFERENCE),
        }
        text = render_to_string("reminders/email/base.txt", context)
        html = render_to_string("reminders/email/base.html", context)
    message = ReminderEmail(
        subject=title,
        body=text,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Parcours-Notice": str(notification.pk),
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send_notice_emails(*, notification_ids: list[int]) -> int:
    """Email these notices to the people who want them: two queries and one mail
    connection for any number. Returns the number of emails sent."""
    notices = list(
        Notification.objects.filter(
            pk__in=notification_ids, kind__in=EMAILED_KINDS, user__is_active=True
        ).select_related("user")
    )
    off = set(
        KindOptOut.objects.filter(
            user_id__in={n.user_id for n in notices}, kind=EMAIL_PREFERENCE
        ).values_list("user_id", flat=True)
    )
    messages = [_message(n) for n in notices if n.user_id not in off and n.user.email]
    if not messages:
        return 0
    return mailers.default.send_messages(messages) or 0
