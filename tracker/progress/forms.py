"""Forms read and clean what people type; the rules themselves live in services.py."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Module

from .durations import format_minutes, parse_duration
from .models import NOTE_MAX_LENGTH, Plan, TimeEntry


class DurationField(forms.CharField):
    """A duration typed as people type it; cleans to whole minutes."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return parse_duration(value)


class TimeEntryForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.filter(is_active=True).only("code", "title"),
        to_field_name="code",
        error_messages={"invalid_choice": _("This course does not exist.")},
    )
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a real date (YYYY-MM-DD).")},
    )
    duration = DurationField(
        label=_("Duration"),
        help_text=_("1h30, 1:30, 90 (minutes), 1,5 (hours), 45 min"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": 32}),
    )
    module = forms.ModelChoiceField(
        label=_("Module"),
        queryset=Module.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("This module does not exist.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, course: Course | None = None, plan_course_ids=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_course = course
        self.plan_course_ids = set(plan_course_ids)
        # The courses listed, when the caller has them (the dashboard caches them); else
        # the field's queryset is read.
        self.offered_courses: list[Course] | None = None
        if course is not None:
            # On a course page the course is given: only its modules are offered.
            self.fields["course"].widget = forms.HiddenInput()
            self.fields["module"].queryset = course.modules.all()

    @classmethod
    def for_entry(cls, entry: TimeEntry, data=None) -> TimeEntryForm:
        initial = {
            "course": entry.course.code,
            "date": entry.date,
            "duration": format_minutes(entry.minutes),
            "module": entry.module_id,
            "note": entry.note,
        }
        form = cls(data, initial=initial, prefix=f"entry-{entry.pk}")
        form.fields["module"].queryset = Module.objects.filter(course_id=entry.course_id)
        return form

    def entry_values(self) -> dict:
        """The cleaned values as the time-entry services' arguments (a duration in minutes)."""
        data = self.cleaned_data
        return {
            "course": data["course"],
            "date": data["date"],
            "minutes": data["duration"],
            "module": data["module"],
            "note": data["note"],
        }

    @cached_property
    def course_groups(self) -> list[tuple[str, list[Course]]]:
        """The courses offered, the learner's plan first (one query, read once)."""
        courses = (
            self.offered_courses
            if self.offered_courses is not None
            else list(self.fields["course"].queryset)
        )
        planned = [course for course in courses if course.pk in self.plan_course_ids]
        if not planned:
            return [("", courses)]
        others = [course for course in courses if course.pk not in self.plan_course_ids]
        return [(_("My plan"), planned), (_("Other courses"), others)]

    @cached_property
    def course_options(self) -> SafeString:
        """The course list's <option>s, grouped as course_groups, the field's value
        selected: built once, here, as the quick log and the timer's start form both list
        them (a template loop over every course, twice, cost a tenth of the dashboard)."""
        selected = self["course"].value()
        selected = "" if selected is None else selected
        html = []
        for label, courses in self.course_groups:
            options = format_html_join(
                "",
                '<option value="{}"{}>{} · {}</option>',
                (
                    (c.code, mark_safe(" selected") if c.code == selected else "", c.code, c.title)
                    for c in courses
                ),
            )
            if label:
                options = format_html('<optgroup label="{}">{}</optgroup>', label, options)
            html.append(options)
        return SafeString("".join(html))

    def add_service_error(self, error: ValidationError) -> None:
        add_service_error(self, error)


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal at the field it names ("minutes" is "duration" here)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = {"minutes": "duration"}.get(name, name)
        form.add_error(field if field in form.fields else None, errors)


class TimerStopForm(forms.Form):
    """Stopping the timer: the time elapsed, to the minute, which the learner may correct."""

    duration = DurationField(
        label=_("Duration"),
        help_text=_("1h30, 1:30, 90 (minutes), 1,5 (hours), 45 min"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": 32}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(label=_("Yes, I studied that long"), required=False)

    def add_service_error(self, error: ValidationError) -> None:
        add_service_error(self, error)


class TimerStartForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.filter(is_active=True).only("code", "title"),
        to_field_name="code",
        error_messages={
            "required": _("Choose the course you study."),
            "invalid_choice": _("This course does not exist."),
        },
    )


class EntryFilterForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.all().only("code", "title"),
        to_field_name="code",
        required=False,
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["start_date", "weekly_hours", "target_date"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def _post_clean(self):
        # The service validates and saves; skip the model's own full_clean on the instance.
        pass


class ModulesForm(forms.Form):
    modules = forms.ModelMultipleChoiceField(
        label=_("Modules done"),
        queryset=Module.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modules"].queryset = course.modules.all()


# --- The first-run guide (start.py) -----------------------------------------------------


class StartTrackForm(forms.Form):
    track = forms.ModelChoiceField(
        label=_("Your track"),
        queryset=None,
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose a track."),
            "invalid_choice": _("This track does not exist."),
        },
    )

    def __init__(self, *args, tracks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = tracks


class StartPaceForm(forms.Form):
    weekly_hours = forms.DecimalField(
        label=_("Hours a week you can give to learning"),
        help_text=_("From 0.5 to 80. Your plans and projected finish dates start from it."),
        min_value=Decimal("0.5"),
        max_value=Decimal("80"),
        max_digits=4,
        decimal_places=1,
        localize=True,
    )


class StartOptionsForm(forms.Form):
    """One choice per phase of the track: one of its options, or later."""

    def __init__(self, *args, phases, chosen: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.phases = phases
        for phase in phases:
            options = [
                (c.code, f"{c.title} · {c.provider}" if c.provider else c.title)
                for c in phase.options.all()
            ]
            self.fields[phase.code] = forms.ChoiceField(
                label=f"{phase.code} · {phase.name}",
                choices=[*options, ("", _("I will decide later"))],
                required=False,
                widget=forms.RadioSelect,
                initial=chosen.get(phase.pk, ""),
            )

    def choices(self) -> list[tuple]:
        """(phase, course code) for each phase given an option."""
        return [
            (p, self.cleaned_data[p.code]) for p in self.phases if self.cleaned_data.get(p.code)
        ]


class PauseForm(forms.Form):
    """A pause: from, to (both included), an optional reason. The rules (order, overlap,
    length) are services.pause_create's; the view puts its messages at their fields."""

    start = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a real date (YYYY-MM-DD).")},
    )
    end = forms.DateField(
        label=_("To (included)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a real date (YYYY-MM-DD).")},
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=200,
        help_text=_("Holiday, sick leave, a busy stretch at work…: only you see it."),
    )


class RestDaysForm(forms.Form):
    rest_days = forms.TypedMultipleChoiceField(
        label=_("Weekly rest days"),
        choices=sorted(WEEKDAYS.items()),  # Django's names, translated by Django
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("No study block is proposed on these days."),
    )


class BlockSettingsForm(forms.Form):
    block_hour = forms.TypedChoiceField(
        label=_("Study blocks start at"),
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        coerce=int,
    )
    block_minutes = forms.IntegerField(
        label=_("Length of a block (minutes)"), min_value=15, max_value=240
    )
