"""Assignments: a manager gives a track or a course to members of a team, with a due date.

One row per assignee and target (a track or a course): assigning again updates the row.
The due date of a row follows the team-wide changes of its target unless it was set for
that learner alone (`due_overridden`). Every change is written to `AssignmentLog`.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Track, in_language
from tracker.accounts.models import Team

NOTE_MAX_LENGTH = 2000


class Assignment(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="assignments")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    track = models.ForeignKey(
        Track, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments"
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments"
    )
    due_date = models.DateField(_("due date"))
    due_overridden = models.BooleanField(_("date set for this learner"), default=False)
    note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(track__isnull=True, course__isnull=False)
                | models.Q(track__isnull=False, course__isnull=True),
                name="teams_assignment_one_target",
            ),
            models.UniqueConstraint(
                fields=["assignee", "track"],
                condition=models.Q(track__isnull=False),
                name="teams_assignment_unique_track",
            ),
            models.UniqueConstraint(
                fields=["assignee", "course"],
                condition=models.Q(course__isnull=False),
                name="teams_assignment_unique_course",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignee} · {self.target} · {self.due_date}"

    @property
    def target(self) -> Track | Course:
        return self.track if self.track_id else self.course  # type: ignore[return-value]

    @property
    def target_code(self) -> str:
        return self.target.code


class AssignmentLog(models.Model):
    """Who changed which assignment, when, and what changed ({field: [before, after]})."""

    class Action(models.TextChoices):
        CREATED = "created", _("assigned")
        UPDATED = "updated", _("changed")
        REMOVED = "removed", _("removed")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="assignment_logs")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="logs"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    target = models.CharField(_("target"), max_length=64)
    # The track's or course's kind and names when the row was written ({"kind": "track",
    # "fr": ..., "en": ...}): renaming or deleting it later keeps the history's text.
    target_names = models.JSONField(_("target's names"), default=dict, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=dict)
    created = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("assignment change")
        verbose_name_plural = _("assignment changes")
        indexes = [
            # A team's latest changes (the dashboard's history): read in order, no sort.
            models.Index(fields=["team", "-created", "-id"], name="teams_log_team_created"),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.created)  # the reader's zone, like the admin's fields
        return f"{when:%Y-%m-%d %H:%M} {self.actor}: {self.action} {self.target}"

    # The names `changes` records (services._snapshot), as people read them.
    CHANGE_LABELS = {
        "due_date": _("due date"),
        "note": _("note"),
        "due_overridden": _("own due date"),
    }

    @property
    def change_rows(self) -> list[tuple[str, object, object]]:
        """(label, before, after) for each recorded change, dates in the UI's format."""
        return [
            (str(self.CHANGE_LABELS.get(name, name)), _shown(before), _shown(after))
            for name, (before, after) in self.changes.items()
        ]

    @property
    def target_name(self) -> str:
        """The name of the work as it was when the row was written (the code for rows
        written before names were kept)."""
        names = self.target_names or {}
        return in_language(names.get("fr", ""), names.get("en", "")) or self.target


def target_names_of(work: Track | Course) -> dict:
    """What AssignmentLog.target_names keeps of a track or a course."""
    if isinstance(work, Track):
        return {"kind": "track", "fr": work.name_fr, "en": work.name_en}
    return {"kind": "course", "fr": work.title, "en": ""}


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, str) and len(value) == 10:
        try:
            return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            pass
    return str(value)


INVITATION_VALID_DAYS = 14


def hash_invitation_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        """Not answered, not cancelled (expired ones included: they can be sent again)."""
        return self.filter(status=Invitation.Status.PENDING)

    def open(self, *, now: datetime.datetime | None = None) -> InvitationQuerySet:
        """Pending and not expired: the ones the person can still answer."""
        return self.pending().filter(expires_at__gt=now or timezone.now())

    def addressed_to(self, user) -> InvitationQuerySet:
        """Sent to this account, or to its address before the account existed."""
        return self.filter(models.Q(user=user) | models.Q(email__iexact=user.email))


class Invitation(models.Model):
    """A manager asks someone to join their team. Until the person accepts, the team sees
    only the address it typed ("invited: ..."): a Membership row is written on acceptance,
    so every read of members shows only people who said yes (or whom an admin, a roster
    or the company directory added, and who were told).

    The link's token is in the email only; the row keeps its SHA-256 (like API tokens).
    Sending again makes a new token and a new expiry."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        CANCELLED = "cancelled", _("cancelled")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    email = models.EmailField(_("email address"))
    # The account the address belonged to when it was sent (None: unknown address).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="team_invitations",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    expires_at = models.DateTimeField(_("expires"))
    created = models.DateTimeField(_("sent"), default=timezone.now)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "email"],
                condition=models.Q(status="pending"),
                name="teams_invitation_one_pending_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.team} ({self.status})"

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING and not self.is_expired

    def new_token(self) -> str:
        """A fresh token and expiry (the previous link stops working); returns the raw
        token, for the email only."""
        raw = secrets.token_urlsafe(32)
        self.token_hash = hash_invitation_token(raw)
        self.created = timezone.now()
        self.expires_at = self.created + datetime.timedelta(days=INVITATION_VALID_DAYS)
        return raw


class TeamWeekSnapshot(models.Model):
    """How many of a team's members had each status (on track, behind, overdue...) in one
    ISO week (Monday `week_start`), as the team table judged them when the beat task
    (trends.snapshot_current_week) last ran that week: the team's trend of statuses.

    One row per team and week: the task rewrites the week's row while the week lasts, so
    the row of a past week keeps how the team stood at its end."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="week_snapshots")
    week_start = models.DateField(_("week"))
    members = models.PositiveIntegerField(_("members"), default=0)
    status_counts = models.JSONField(_("statuses"), default=dict)  # {status: count}
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)

    class Meta:
        ordering = ["team", "-week_start"]
        verbose_name = _("team week snapshot")
        verbose_name_plural = _("team week snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "week_start"], name="teams_week_snapshot_one_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.week_start}"
