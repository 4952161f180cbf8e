"""The reminder preferences form: it validates; services.preferences_update writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import WEEKDAYS


class PreferencesForm(forms.Form):
    enabled_kinds = forms.MultipleChoiceField(
        label=_("Reminders I want"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    digest_weekday = forms.TypedChoiceField(
        label=_("Day of the week"), choices=WEEKDAYS, coerce=int
    )
    digest_hour = forms.IntegerField(
        label=_("Hour (0 to 23, your local time)"), min_value=0, max_value=23
    )
    retake_interval_weeks = forms.IntegerField(
        label=_("Remind me to retake the self-assessment every (weeks)"),
        min_value=1,
        max_value=52,
    )

    def __init__(self, *args, kinds, **kwargs):
        """`kinds`: the reminder kinds that concern this person (selectors.kinds_for)."""
        super().__init__(*args, **kwargs)
        self.fields["enabled_kinds"].choices = [(kind.name, kind.label) for kind in kinds]
