"""Users (who log in with their email), teams and personal API tokens."""

from __future__ import annotations

import hashlib
import logging
import secrets
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import DatabaseError, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email: str) -> User:
        # Emails are compared case-insensitively: "Ana@X.test" logs in as "ana@x.test".
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=timezone_choices, default=settings.TIME_ZONE
    )
    weekly_hours_available = models.DecimalField(
        _("weekly hours available"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("5.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("80"))],
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=dj_timezone.now)
    # Bumped by every write to the person's progress (entries, plans, choices, certificates,
    # assignments): what is computed from those rows is cached under it
    # (tracker/progress/cache.py), so a write makes the next read recompute.
    progress_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return (self.name.split(" ")[0] if self.name else "") or self.email

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local_today(self):
        """Today's date in the user's own time zone."""
        return dj_timezone.localtime(timezone=self.tzinfo).date()

    @property
    def is_admin(self) -> bool:
        return self.is_staff or self.is_superuser


class Team(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="managed_teams",
        blank=True,
        verbose_name=_("managers"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="teams",
        blank=True,
        verbose_name=_("members"),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    added_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="accounts_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal access token. Only its SHA-256 is stored: the token is shown once."""

    PREFIX = "pat_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token and return it with its raw value, which is never stored."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, token_hash=hash_token(raw), hint=raw[:8])
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        token = (
            cls.objects.active()
            .select_related("user")
            .filter(token_hash=hash_token(raw), user__is_active=True)
            .first()
        )
        if token is None:
            return None
        now = dj_timezone.now()
        # Writing on every request would turn reads into writes; once a minute is enough.
        if token.last_used is None or (now - token.last_used).total_seconds() > 60:
            try:
                # Bookkeeping, not the request's work: a write lock it cannot get in time
                # (SQLite busy under load) loses one timestamp, never the request (a 500).
                with transaction.atomic():
                    cls.objects.filter(pk=token.pk).update(last_used=now)
            except DatabaseError as exc:
                logger.warning("API token %s: last use not recorded (%s)", token.pk, exc)
        return token.user

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = dj_timezone.now()
            self.save(update_fields=["revoked_at"])


class AuditEvent(models.Model):
    """Who did what to whom, when: team memberships (shown in the team's history beside
    the assignment changes) and a person's own account events (API tokens, certificates:
    team=None, readable by that person and by admins only). Written by
    tracker.accounts.audit.record, never edited."""

    class Action(models.TextChoices):
        INVITED = "invited", _("invited")
        INVITATION_RESENT = "invitation_resent", _("invitation sent again")
        INVITATION_CANCELLED = "invitation_cancelled", _("invitation cancelled")
        ACCEPTED = "accepted", _("accepted the invitation")
        DECLINED = "declined", _("declined the invitation")
        LEFT = "left", _("left the team")
        REMOVED = "removed", _("removed from the team")
        ADDED_BY_ADMIN = "added_by_admin", _("added by an administrator")
        ADDED_BY_ROSTER = "added_by_roster", _("added by a roster import")
        ADDED_BY_DIRECTORY = "added_by_directory", _("added by the company directory")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        CERTIFICATE_RECORDED = "certificate_recorded", _("certificate recorded")
        CERTIFICATE_CHANGED = "certificate_changed", _("certificate changed")
        CERTIFICATE_DELETED = "certificate_deleted", _("certificate deleted")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Whom: the account, when it may be named (not for an invitation not yet answered:
    # naming the account would tell the manager that the address has one).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("whom"),
    )
    email = models.EmailField(_("email address"), blank=True)  # as the manager typed it
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created = models.DateTimeField(_("when"), default=dj_timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["team", "-created"]),
            models.Index(fields=["user", "-created"]),
        ]

    def __str__(self) -> str:
        when = dj_timezone.localtime(self.created)  # the reader's zone, like the admin's fields
        return f"{when:%Y-%m-%d %H:%M} {self.actor}: {self.action} {self.whom}"

    @property
    def whom(self) -> str:
        return str(self.user) if self.user_id else self.email

    # Shown by the team history beside AssignmentLog rows (teams/_logs.html).
    @property
    def assignee(self) -> str:
        return self.whom

    @property
    def target(self) -> str:
        return self.details.get("name", "") or self.details.get("title", "")

    @property
    def change_rows(self) -> list:
        return []
