"""Competency self-assessments: a learner's draft, their submitted snapshots, and the
ratings a manager adds beside a team member's own.

A submitted assessment is a snapshot: each rating copies the competency's code, names,
domain, the chosen level's descriptor and the track's target at that moment, so a
framework changed by a later import (a competency renamed or removed) leaves old
snapshots readable. Nothing edits a snapshot: the services only write drafts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from courses.models import Competency, Track
from tracker.accounts.models import Team

LEVEL_CHOICES = [(level, str(level)) for level in range(1, 6)]


def _pick(fr: str, en: str) -> str:
    """The English text when the UI is in English and there is one, else the French."""
    if (get_language() or "fr").startswith("en") and en:
        return en
    return fr


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def drafts(self) -> AssessmentQuerySet:
        return self.filter(status=Assessment.Status.DRAFT)

    def submitted(self) -> AssessmentQuerySet:
        return self.filter(status=Assessment.Status.SUBMITTED)


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    # The track whose targets the snapshot was compared with; its code and names are
    # copied at submission so a track removed later still names itself.
    track = models.ForeignKey(
        Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    track_code = models.CharField(max_length=64, blank=True)
    track_name_fr = models.CharField(max_length=200, blank=True)
    track_name_en = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-created"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            # One open draft per learner: the "continue" button always means one thing.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="draft"),
                name="assessments_one_draft_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", submitted_at__isnull=True)
                | models.Q(status="submitted", submitted_at__isnull=False),
                name="assessments_submitted_has_date",
            ),
        ]
        indexes = [models.Index(fields=["user", "status", "-submitted_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_status_display()} · {self.submitted_at or self.created}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def track_name(self) -> str:
        return _pick(self.track_name_fr, self.track_name_en)


class Rating(models.Model):
    """One competency's self-rating in an assessment: a level 1-5, or none (not rated)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    # The live link; it goes null when the framework drops the competency, the copies
    # below keep the rating readable.
    competency = models.ForeignKey(
        Competency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    level = models.PositiveSmallIntegerField(
        _("level"), null=True, blank=True, choices=LEVEL_CHOICES
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    # Copied from the framework when the assessment is submitted.
    competency_code = models.CharField(max_length=64)
    competency_name_fr = models.CharField(max_length=200, blank=True)
    competency_name_en = models.CharField(max_length=200, blank=True)
    domain_code = models.CharField(max_length=64, blank=True)
    domain_name_fr = models.CharField(max_length=200, blank=True)
    domain_name_en = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    descriptor_fr = models.TextField(blank=True)
    descriptor_en = models.TextField(blank=True)
    target_level = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "position", "competency_code"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [
            # The team heatmap's counts by competency and level over the members' latest
            # assessments, read from the index alone (a rating row carries long texts).
            models.Index(
                fields=["assessment", "competency_code", "level"], name="assessments_rating_levels"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "competency_code"], name="assessments_rating_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__gte=1, level__lte=5),
                name="assessments_rating_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency_code}: {self.level or '-'}"

    @property
    def competency_name(self) -> str:
        return _pick(self.competency_name_fr, self.competency_name_en) or self.competency_code

    @property
    def domain_name(self) -> str:
        return _pick(self.domain_name_fr, self.domain_name_en) or self.domain_code

    @property
    def descriptor(self) -> str:
        return _pick(self.descriptor_fr, self.descriptor_en)


class ManagerRating(models.Model):
    """A manager's own rating of a team member in one competency, kept beside (never
    merged with) the member's self-rating. Every rating is kept; the latest one shows."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings_given"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="manager_ratings"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    competency_code = models.CharField(max_length=64)
    competency_name_fr = models.CharField(max_length=200, blank=True)
    competency_name_en = models.CharField(max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=LEVEL_CHOICES)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("manager rating")
        verbose_name_plural = _("manager ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5),
                name="assessments_managerrating_level_range",
            ),
        ]
        indexes = [models.Index(fields=["member", "competency_code", "-created"])]

    def __str__(self) -> str:
        return f"{self.manager} → {self.member}: {self.competency_code} {self.level}"

    @property
    def competency_name(self) -> str:
        return _pick(self.competency_name_fr, self.competency_name_en) or self.competency_code
