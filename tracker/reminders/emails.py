"""Reminder emails: HTML and text in the user's language, with one-click unsubscribe
headers (RFC 2369 List-Unsubscribe, RFC 8058 List-Unsubscribe-Post)."""

from __future__ import annotations

import email.policy
import hashlib
from email.utils import parseaddr
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .kinds import Kind
from .models import Reminder
from .tokens import unsubscribe_token


class ReminderEmail(EmailMultiAlternatives):
    """Headers up to RFC 5322's 998-character line limit stay as they are.

    With the default 78, Python turns a long unbreakable header (our List-Unsubscribe
    URL with its signed token) into an RFC 2047 encoded word, which mail clients do not
    read as a List-Unsubscribe URL: the one-click button would not show."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    token = unsubscribe_token(user_id=user_id, kind=kind)
    return settings.SITE_URL.rstrip("/") + reverse("reminders:unsubscribe", args=[token])


def message_id(reminder: Reminder) -> str:
    """The same Message-ID every time this reminder is sent: derived from its unique key
    (not from the moment or the worker), so that a resend after a worker died between the
    mail server's acceptance and the `sent` mark is merged by mail clients. Hashed: the
    key holds ids and codes that have no business in a header."""
    key = "\0".join([reminder.kind, str(reminder.user_id), reminder.subject, reminder.period])
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "parcours.invalid"
    return f"<reminder.{digest}@{domain}>"


def build_email(*, reminder: Reminder, kind: Kind) -> ReminderEmail:
    user = reminder.user
    link = unsubscribe_url(user_id=user.pk, kind=kind.name)
    mailto = (
        f"mailto:{settings.REMINDERS_UNSUBSCRIBE_MAILTO}"
        f"?subject={quote('unsubscribe ' + kind.name)}"
    )
    with translation.override(user.language), timezone.override(user.tzinfo):
        context = {
            "user": user,
            "kind": kind,
            "reminder": reminder,
            "data": reminder.context,
            "title": kind.title(user=user, context=reminder.context),
            "body": kind.body(user=user, context=reminder.context),
            "url": settings.SITE_URL.rstrip("/") + kind.url(context=reminder.context),
            "site_url": settings.SITE_URL.rstrip("/"),
            "preferences_url": settings.SITE_URL.rstrip("/") + reverse("reminders:preferences"),
            "unsubscribe_url": link,
        }
        text = render_to_string(f"{kind.email_template}.txt", context)
        html = render_to_string(f"{kind.email_template}.html", context)
        subject = context["title"]
    message = ReminderEmail(
        subject=subject,
        body=text,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{link}>, <{mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # Lets the test mail backends, and anyone reading a mailbox, match the row.
            "X-Parcours-Reminder": str(reminder.pk),
            "Message-ID": message_id(reminder),
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
