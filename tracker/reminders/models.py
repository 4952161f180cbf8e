"""Reminders (one row per reminder, unique per kind/user/subject/period), in-app
notifications, and each user's reminder preferences."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class ReminderPreference(models.Model):
    """When the weekly reminders go out, in the user's own time zone (User.timezone).

    A user without a row gets the defaults below: the dispatcher never needs a row."""

    DEFAULT_WEEKDAY = 0
    DEFAULT_HOUR = 9
    DEFAULT_RETAKE_WEEKS = 4

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    digest_weekday = models.PositiveSmallIntegerField(
        _("day of the week"), choices=WEEKDAYS, default=DEFAULT_WEEKDAY
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("hour"), default=DEFAULT_HOUR, validators=[MaxValueValidator(23)]
    )
    retake_interval_weeks = models.PositiveSmallIntegerField(
        _("self-assessment retake every (weeks)"),
        default=DEFAULT_RETAKE_WEEKS,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.digest_weekday} {self.digest_hour}h"


class KindOptOut(models.Model):
    """A user switched one kind of reminder off (preferences page or unsubscribe link).

    Kept as rows rather than one boolean per kind so that a new kind needs no migration."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_opt_outs"
    )
    kind = models.CharField(max_length=40)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="reminders_optout_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} opted out of {self.kind}"


class Reminder(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        # Taken by a sender that is preparing the email: nothing has left yet.
        CLAIMED = "claimed", _("being prepared")
        # Handed to the mail server: it may have accepted the email even if the worker
        # died before marking it sent (then it goes again, with the same Message-ID).
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped (switched off)")

    kind = models.CharField(_("kind"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("person"),
    )
    # What the reminder is about ("" for a user-wide one, a course code, a team id...).
    subject = models.CharField(_("about"), max_length=64, blank=True, default="")
    # The period it belongs to, e.g. the ISO week "2026-W14" in the user's time zone.
    period = models.CharField(_("period"), max_length=32)
    # What the email renders, computed once by the dispatcher.
    context = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created = models.DateTimeField(_("created"), default=timezone.now)
    # The sweeper re-enqueues a pending row once this instant is past (lost enqueue,
    # or a retry whose message was lost).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            # The guarantee that two passes, two beats or a catch-up never double one.
            models.UniqueConstraint(
                fields=["kind", "user", "subject", "period"], name="reminders_reminder_unique_key"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id} {self.subject} {self.period} ({self.state})"


class Notification(models.Model):
    """An in-app notification: the copy of a reminder, recorded at once by the
    dispatcher with its text, or a notice (tracker/reminders/notices.py) stored as a
    kind plus `params` and worded when read, in the reader's language."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("person"),
    )
    reminder = models.OneToOneField(
        Reminder, null=True, blank=True, on_delete=models.CASCADE, related_name="notification"
    )
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(default=dict, blank=True)
    # Stored text: reminders and rows made before notices; empty for a notice.
    title = models.CharField(_("title"), max_length=200, blank=True, default="")
    body = models.TextField(blank=True, default="")
    url = models.CharField(max_length=300, blank=True, default="")
    created = models.DateTimeField(_("created"), default=timezone.now)
    read = models.BooleanField(_("read"), default=False)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read"]), models.Index(fields=["user", "-created"])]

    def __str__(self) -> str:
        return self.shown_title

    @cached_property
    def _shown(self) -> tuple[str, str, str]:
        from .notices import render  # notices import this module

        return render(self)

    @property
    def shown_title(self) -> str:
        return self._shown[0]

    @property
    def shown_body(self) -> str:
        return self._shown[1]

    @property
    def shown_url(self) -> str:
        return self._shown[2]


class Lease(models.Model):
    """A named lock that lives in the database, so it works with the broker (Redis) down:
    held by whoever moved `expires_at` into the future with a conditional UPDATE, until
    they release it or it expires (a holder that died lets go by itself)."""

    name = models.CharField(max_length=40, unique=True)
    holder = models.CharField(max_length=64, blank=True, default="")
    expires_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} held by {self.holder or 'nobody'} until {self.expires_at}"
