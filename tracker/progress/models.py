"""A learner's path and effort: tracks joined, options chosen, plans, time logged.

Time entries are summarised per learner, course and ISO week (StudyWeek) and per learner
and course (StudyTotal), in the same transaction as every write of an entry (services.py):
pages read those rows, one per learner and course and a few recent weeks, instead of
summing a year of entries (summaries.py).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

EARLIEST_DATE = datetime.date(2000, 1, 1)
MAX_MINUTES_PER_DAY = 24 * 60
NOTE_MAX_LENGTH = 2000


class Enrolment(models.Model):
    """A learner following a track."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    track = models.ForeignKey("courses.Track", on_delete=models.CASCADE, related_name="enrolments")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "track"], name="progress_enrolment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.track}"


class PhaseChoice(models.Model):
    """The option a learner chose for one phase: one per phase, changeable.

    Changing it moves nothing: the hours already logged belong to their course.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phase_choices"
    )
    phase = models.ForeignKey("courses.Phase", on_delete=models.CASCADE, related_name="choices")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="choices")
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("phase choice")
        verbose_name_plural = _("phase choices")
        constraints = [
            models.UniqueConstraint(fields=["user", "phase"], name="progress_phasechoice_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.phase} → {self.course}"


class Plan(models.Model):
    """One learner's plan for one course: when, how fast, by when, and how far.

    The target date is the learner's own, always: a manager's due date stays on the
    assignment (tracker/teams), where the progress model reads it (verdicts.py).
    A plan is done when `done_on` is set: by the learner ("self") or by a certificate.
    """

    class DoneSource(models.TextChoices):
        SELF = "self", _("marked by me")
        CERTIFICATE = "certificate", _("certificate")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans"
    )
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="plans")
    start_date = models.DateField(_("start date"))
    weekly_hours = models.DecimalField(_("weekly pace (hours)"), max_digits=4, decimal_places=1)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_source = models.CharField(
        _("marked done by"), max_length=16, choices=DoneSource.choices, blank=True
    )
    modules_done = models.ManyToManyField(
        "courses.Module", related_name="done_in_plans", blank=True, verbose_name=_("modules done")
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="progress_plan_unique"),
            models.CheckConstraint(
                condition=models.Q(weekly_hours__gt=0, weekly_hours__lte=80),
                name="progress_plan_weekly_hours_range",
            ),
            models.CheckConstraint(
                condition=models.Q(target_date__isnull=True)
                | models.Q(target_date__gte=models.F("start_date")),
                name="progress_plan_target_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.course}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class TimeEntry(models.Model):
    """Minutes a learner studied a course on one day (their own calendar day)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_entries"
    )
    # PROTECT: hours logged must not vanish because a course left the catalogue.
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="time_entries"
    )
    module = models.ForeignKey(
        "courses.Module",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="time_entries",
        verbose_name=_("module"),
    )
    date = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("minutes"))
    note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        indexes = [
            models.Index(fields=["user", "date"], name="progress_entry_user_date"),
            models.Index(fields=["user", "course", "date"], name="progress_entry_user_course"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0, minutes__lte=MAX_MINUTES_PER_DAY),
                name="progress_timeentry_minutes_range",
            ),
            models.CheckConstraint(
                condition=models.Q(date__gte=EARLIEST_DATE), name="progress_timeentry_date_min"
            ),
            models.CheckConstraint(
                condition=models.Q(LessThanOrEqual(Length("note"), NOTE_MAX_LENGTH)),
                name="progress_timeentry_note_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.course_id} · {self.date} · {self.minutes} min"

    @property
    def hours(self) -> float:
        return self.minutes / 60


class StudyWeek(models.Model):
    """The minutes a learner logged on one course in one ISO week (Monday `week_start`),
    with the first and last day of that week that has an entry.

    Written only by services.study_weeks_refresh / study_weeks_rebuild, in the transaction
    that writes the entries, so it always equals SUM(entries) (`manage.py check_summaries`
    proves it). A row exists only while its week has entries. The all-time figures of a
    course are StudyTotal's: readers ask for the recent weeks only (the pace reads nine),
    and summing every week of a year per course cost a team page more than the rest of
    its reads together.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # CASCADE is never reached with rows left: TimeEntry.course is PROTECT, so a course
    # with entries cannot be deleted, and a course without entries has no summary rows.
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    minutes = models.PositiveIntegerField()
    first_date = models.DateField()
    last_date = models.DateField()

    class Meta:
        verbose_name = _("study week")
        verbose_name_plural = _("study weeks")
        indexes = [
            # Learners' recent weeks, read from the index alone: a team's hours per week
            # (summaries.weekly_minutes: its members over 12 weeks; 3.2 ms -> 0.5 ms of
            # SQLite for 200) and each course's recent weeks (study_figures' `since`: the
            # weeks after it only, not every week of each course filtered).
            models.Index(
                fields=["user", "week_start", "course", "minutes"],
                name="progress_sw_user_week_course",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course", "week_start"], name="progress_studyweek_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0), name="progress_studyweek_minutes_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    first_date__gte=models.F("week_start"),
                    last_date__gte=models.F("first_date"),
                ),
                name="progress_studyweek_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.course_id} · {self.week_start} · {self.minutes} min"


class StudyTotal(models.Model):
    """All the minutes a learner logged on one course, with the first and last day that
    has an entry: the sum of the course's StudyWeek rows.

    Written only by services.study_weeks_refresh / study_weeks_rebuild, with the weeks,
    in the transaction that writes the entries (`manage.py check_summaries` proves it
    equals SUM, MIN and MAX over the entries). One row per learner and course whatever
    the history: the progress model reads every course's total for fifty learners on a
    team page and for one learner on each dashboard view. A row exists only while the
    course has entries of the learner.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # CASCADE is never reached with rows left, as for StudyWeek.course.
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    minutes = models.PositiveIntegerField()
    first_date = models.DateField()
    last_date = models.DateField()

    class Meta:
        verbose_name = _("study total")
        verbose_name_plural = _("study totals")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="progress_studytotal_unique"),
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0), name="progress_studytotal_minutes_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(last_date__gte=models.F("first_date")),
                name="progress_studytotal_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.course_id} · {self.minutes} min"


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s ISO week."""
    return day - datetime.timedelta(days=day.weekday())


class StudyTimer(models.Model):
    """The learner's running study timer: at most one (the user is the primary key).

    Only the start instant is kept, on the server, so the timer survives reloads, closed
    tabs and a second device; stopping it logs time entries and deletes the row.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="study_timer",
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="+", verbose_name=_("course")
    )
    started_at = models.DateTimeField(_("started at"))

    class Meta:
        verbose_name = _("study timer")
        verbose_name_plural = _("study timers")

    def __str__(self) -> str:
        when = timezone.localtime(self.started_at)  # the reader's zone, like the admin's fields
        return f"{self.user} · {self.course_id} · {when:%Y-%m-%d %H:%M}"


class Pause(models.Model):
    """Days a learner does not study (holiday, sick leave, crunch), `start` to `end`
    included, in their own calendar. Paused days count neither in the pace nor in the
    hours expected by a date (verdicts.py); they never move a due date nor hide `overdue`.
    A learner's pauses never overlap (services.pause_create)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pauses"
    )
    start = models.DateField(pgettext_lazy("pause", "from"))
    end = models.DateField(pgettext_lazy("pause", "to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        indexes = [models.Index(fields=["user", "end"], name="progress_pause_user_end")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="progress_pause_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.start} → {self.end}"

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


class StudyPreference(models.Model):
    """How a learner's week is shaped: their weekly rest days (0 = Monday ... 6 = Sunday),
    on which no study block is proposed. At most one row (the user is the primary key);
    no row: no rest day."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="study_preference",
    )
    rest_days = models.JSONField(_("weekly rest days"), default=list, blank=True)
    block_hour = models.PositiveSmallIntegerField(
        _("study blocks start at (hour)"),
        default=18,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
    )
    block_minutes = models.PositiveSmallIntegerField(
        _("length of a study block (minutes)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
    )

    class Meta:
        verbose_name = _("study preference")
        verbose_name_plural = _("study preferences")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.rest_days}"


class StudyBlock(models.Model):
    """A study block of the plan the learner accepted: a course, a day and a local start
    time (in the learner's time zone), so the feed writes it as a timed event with its
    TZID. Blocks move only when the learner accepts a new plan (services.blocks_accept):
    the block keeps its row (its calendar UID) and its `sequence` goes up."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_blocks"
    )
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    start = models.TimeField(_("start"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    sequence = models.PositiveIntegerField(default=0)
    ticked = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["day", "start", "id"]
        verbose_name = _("study block")
        verbose_name_plural = _("study blocks")
        indexes = [models.Index(fields=["user", "day"], name="progress_block_user_day")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.course_id} · {self.day} {self.start}"
