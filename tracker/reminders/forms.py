"""The reminder preferences form: it validates; services.preferences_update writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import Team, User

from .models import WEEKDAYS, ManagerMessage


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


class TeamReminderForm(forms.Form):
    """The team page's reminder: the ticked learners (members of the team only), the
    text, the form's one-time token."""

    learners = forms.ModelMultipleChoiceField(
        label=_("Learners"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one learner in the table.")},
    )
    message = forms.CharField(
        label=_("Reminder (up to 500 characters)"),
        max_length=ManagerMessage.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the reminder.")},
    )
    token = forms.CharField(min_length=16, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, team: Team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learners"].queryset = team.members.order_by("name", "email")
