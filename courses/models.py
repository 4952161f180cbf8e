"""The catalogue: tracks, phases, courses, modules and the competency framework.

Everything here is written by the importer (`courses.importing`) from markdown files; the
catalogue knows nothing of learners (the `tracker` apps point at it, never the reverse).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ID_PATTERN = r"^[A-Za-z0-9_-]+$"
id_validator = RegexValidator(ID_PATTERN, _("Use only letters, digits, '-' and '_'."))


def in_language(french: str, english: str) -> str:
    """The English text when the active language is English and there is one, else the
    French: the catalogue's first language."""
    if (get_language() or "fr").startswith("en") and english:
        return english
    return french


class Bilingual(models.Model):
    """French is the catalogue's first language; English is given beside it."""

    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_fr, self.name_en)


class CompetencyDomain(Bilingual):
    code = models.CharField(max_length=64, unique=True, validators=[id_validator])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("competency domain")
        verbose_name_plural = _("competency domains")


class Competency(Bilingual):
    LEVELS = range(1, 6)

    code = models.CharField(max_length=64, unique=True, validators=[id_validator])
    domain = models.ForeignKey(
        CompetencyDomain, on_delete=models.PROTECT, related_name="competencies"
    )
    description_fr = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    # Five descriptors, level 1 to 5: [{"fr": "...", "en": "..."}, ...]
    levels = models.JSONField(default=list)
    # Other names under which course files list this competency ("MLOps et déploiement").
    aliases = models.JSONField(default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["domain__order", "order", "code"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    @property
    def description(self) -> str:
        return in_language(self.description_fr, self.description_en)

    def descriptor(self, level: int) -> str:
        """The descriptor of a level (1-5) in the active language."""
        entry = self.levels[level - 1]
        return in_language(entry.get("fr", ""), entry.get("en", ""))


class Track(Bilingual):
    code = models.CharField(max_length=64, unique=True, validators=[id_validator])
    description_md = models.TextField(blank=True)
    description_html = models.TextField(blank=True)
    source_file = models.CharField(max_length=500, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    competencies = models.ManyToManyField(
        Competency, through="TrackTarget", related_name="tracks", blank=True
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")


class Phase(Bilingual):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="phases")
    code = models.CharField(max_length=16, validators=[RegexValidator(r"^P[1-9][0-9]*$")])
    order = models.PositiveSmallIntegerField()
    description_fr = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    # The courses to choose from: those of the track's folder whose id names this phase
    # (P2-A), and courses of other tracks that track.md lists under the phase's `options`
    # (a shorter track reusing them). The catalogue's many-to-many: a course can be an
    # option of phases of two tracks, and a learner's plan and hours stay one per course.
    options = models.ManyToManyField(
        "Course", through="PhaseOption", related_name="phases", blank=True
    )

    class Meta:
        ordering = ["track", "order"]
        constraints = [
            models.UniqueConstraint(fields=["track", "code"], name="courses_phase_unique_code")
        ]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    @property
    def description(self) -> str:
        return in_language(self.description_fr, self.description_en)


class PhaseOption(models.Model):
    """One course offered in one phase. `shared`: listed by the phase's track.md, the
    course's own file living with another track (its `Course.phase` is its home)."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="option_links")
    course = models.ForeignKey("Course", on_delete=models.CASCADE, related_name="phase_links")
    shared = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["phase", "course"], name="courses_phaseoption_unique")
        ]

    def __str__(self) -> str:
        return f"{self.phase_id} ← {self.course_id}"


class TrackTarget(models.Model):
    """The level the track aims for in one competency."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="targets")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="targets")
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["track", "competency"], name="courses_tracktarget_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="courses_tracktarget_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track_id}: {self.competency_id} → {self.level}"


class Course(models.Model):
    code = models.CharField(
        _("id"),
        max_length=64,
        unique=True,
        validators=[id_validator],
        help_text=_("P<n>-<letter> for option <letter> of phase P<n> of its folder's track."),
    )
    title = models.CharField(_("title"), max_length=300)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    effort_text = models.CharField(_("effort as written"), max_length=200)
    effort_hours = models.DecimalField(_("effort (hours)"), max_digits=7, decimal_places=2)
    weekly_hours = models.DecimalField(
        _("stated pace (hours a week)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    price = models.CharField(_("price"), max_length=200, blank=True)
    is_free = models.BooleanField(_("free"), default=False)
    prestige = models.PositiveSmallIntegerField(
        _("prestige"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    badge = models.CharField(_("badge"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=200, blank=True)
    track = models.ForeignKey(
        Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="courses"
    )
    # The home phase: the one its id (P<n>-<letter>) names in its folder's track.
    phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="home_options"
    )
    option = models.CharField(_("option"), max_length=8, blank=True)
    body_md = models.TextField(blank=True)
    description_html = models.TextField(blank=True)  # sanitised by the importer
    # The competency names exactly as the course file lists them, in order.
    competency_names = models.JSONField(default=list, blank=True)
    competencies = models.ManyToManyField(Competency, related_name="courses", blank=True)
    # Unknown frontmatter keys, kept rather than lost (and reported as warnings).
    metadata = models.JSONField(default=dict, blank=True)
    # The searchable fields folded (courses.search): written by the importer.
    search_text = models.TextField(blank=True, editable=False)
    source_file = models.CharField(max_length=500, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    is_active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effort_hours__gt=0), name="courses_course_effort_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    def refresh_search_text(self) -> None:
        """Fold the searchable fields into `search_text` (the caller saves)."""
        from .search import search_text

        self.search_text = search_text(
            code=self.code,
            title=self.title,
            provider=self.provider,
            body_md=self.body_md,
            competency_names=self.competency_names,
        )


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=300)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["course", "order"]
        constraints = [
            models.UniqueConstraint(fields=["course", "order"], name="courses_module_unique_order")
        ]

    def __str__(self) -> str:
        return self.title


class ImportRun(models.Model):
    """One run of the importer (command line or upload): who, when, and its report."""

    class Source(models.TextChoices):
        COMMAND = "command", _("command line")
        UPLOAD = "upload", _("browser upload")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("by"),
    )
    source = models.CharField(_("from"), max_length=16, choices=Source.choices)
    started = models.DateTimeField(_("started"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    dry_run = models.BooleanField(_("preview only"), default=False)
    ok = models.BooleanField(_("succeeded"), default=False)
    # The same shape as `import_catalogue --format json`.
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        # In the reader's time zone, like every other date the admin shows.
        if self.started is None:
            return str(self.get_source_display())
        when = date_format(timezone.localtime(self.started), "SHORT_DATETIME_FORMAT")
        return f"{self.get_source_display()} · {when}"


class StagedUpload(models.Model):
    """Files uploaded in the admin, kept between the dry-run preview and the confirm.

    In the database rather than a temp dir: web processes are stateless and may run on
    several machines, the content confirmed is exactly the content previewed (it never
    goes back through the browser), and the row is scoped to the user who uploaded it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created = models.DateTimeField(auto_now_add=True)
    # The accepted .md files, re-packed by the importer as a zip archive it trusts.
    archive = models.BinaryField()
    # The dry-run report shown in the preview (same shape as ImportRun.report).
    report = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("staged upload")
        verbose_name_plural = _("staged uploads")

    def __str__(self) -> str:
        return str(self.id)
