"""Forms of the team pages. They check shapes; the rules live in services."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Track
from tracker.accounts.models import Team, User
from tracker.certificates.models import EXPIRY_WARNING_DAYS
from tracker.progress.labels import status_label
from tracker.progress.verdicts import STATUSES

from .models import NOTE_MAX_LENGTH
from .roster import MAX_BYTES as MAX_ROSTER_BYTES
from .selectors import SORT_KEYS
from .services import MAX_DUE_IN_DAYS


class ServiceErrorsMixin:
    def add_service_error(self, error: ValidationError) -> None:
        """A service's refusal ({field: messages}) shown at its field."""
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class AssignmentForm(ServiceErrorsMixin, forms.Form):
    assignees = forms.ModelMultipleChoiceField(
        label=_("Learners"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    whole_team = forms.BooleanField(label=_("The whole team"), required=False)
    track = forms.ModelChoiceField(
        label=_("Track"), queryset=Track.objects.all(), required=False, to_field_name="code"
    )
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.filter(is_active=True).only("code", "title"),
        required=False,
        to_field_name="code",
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_in_days = forms.IntegerField(
        label=_("or N days after today"), required=False, min_value=0, max_value=MAX_DUE_IN_DAYS
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea
    )

    def __init__(self, *args, team: Team, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.team = team
        self.today = today
        self.fields["assignees"].queryset = team.members.order_by("name", "email")

    def clean_due_date(self) -> datetime.date | None:
        due = self.cleaned_data.get("due_date")
        if due is not None and due < self.today:
            raise ValidationError(_("The due date cannot be in the past."))
        return due

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("assignees") and not data.get("whole_team"):
            if "assignees" not in self.errors:
                # Ticking nobody never means the whole team: that is said on purpose.
                self.add_error("assignees", _("Tick learners, or “The whole team”."))
        elif data.get("assignees") and data.get("whole_team"):
            self.add_error("whole_team", _("Tick learners or the whole team, not both."))
        if bool(data.get("track")) == bool(data.get("course")):
            self.add_error("track", _("Choose a track or a course (one of them)."))
        if data.get("due_date") is None and data.get("due_in_days") is None:
            if "due_date" not in self.errors and "due_in_days" not in self.errors:
                self.add_error("due_date", _("Give a due date or a number of days."))
        elif data.get("due_date") is not None and data.get("due_in_days") is not None:
            self.add_error("due_in_days", _("Give a date or a number of days, not both."))
        return data

    def assignees_or_team(self) -> list[User]:
        if self.cleaned_data["whole_team"]:
            return list(self.fields["assignees"].queryset)
        return list(self.cleaned_data["assignees"])


class DueDateForm(forms.Form):
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_due_date(self) -> datetime.date:
        due = self.cleaned_data["due_date"]
        if due < self.today:
            raise ValidationError(_("The due date cannot be in the past."))
        return due


# The team page's filters and invitation field, rendered on every view of it: through
# Django's widget templates (an include per option and per attribute) they took 3 ms,
# more than the table's 50 rows. These widgets build the same markup in Python from the
# same context (Widget.get_context): the names, values, labels and attributes escaped.


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickInput:
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        return mark_safe(  # every part escaped
            f'<input type="{escape(widget["type"])}" name="{escape(name)}"{shown}'
            f"{_attrs(widget['attrs'])}>"
        )


class QuickTextInput(QuickInput, forms.TextInput):
    pass


class QuickCheckboxInput(QuickInput, forms.CheckboxInput):
    pass


class QuickEmailInput(QuickInput, forms.EmailInput):
    pass


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group for group, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)  # option groups: the template
        options = "".join(
            f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
            f"{escape(option['label'])}</option>"
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        )
        return mark_safe(  # every part escaped
            f'<select name="{escape(name)}"{_attrs(widget["attrs"])}>{options}\n</select>'
        )


class MemberAddForm(ServiceErrorsMixin, forms.Form):
    """Invite someone by email (they join once they accept)."""

    email = forms.EmailField(label=_("Email address"), widget=QuickEmailInput)


class TeamFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=QuickTextInput)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + [(s, s) for s in STATUSES],  # labelled in __init__
        widget=QuickSelect,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(k, k) for k in SORT_KEYS],
        widget=QuickSelect,
    )
    desc = forms.BooleanField(label=_("Descending"), required=False, widget=QuickCheckboxInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + [(s, status_label(s)) for s in STATUSES]
        self.fields["sort"].choices = [
            ("name", _("Name")),
            ("week", _("Hours this week")),
            ("total", _("Total hours")),
            ("percent", _("Percent")),
            ("due", _("Due date")),
            ("status", _("Status")),
            ("activity", _("Last activity")),
            ("gap", _("Largest competency gap")),
        ]

    def criteria(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "query": data.get("q") or "",
            "status": data.get("status") or None,
            "sort": data.get("sort") or "name",
            "descending": bool(data.get("desc")),
        }


class ReadinessFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("Certificates"),
        required=False,
        choices=[(s, s) for s in ("", "expired", "expiring", "valid")],  # labelled in __init__
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            ("", _("All")),
            ("expired", _("With an expired certificate")),
            (
                "expiring",
                _("With one expiring within %(days)s days") % {"days": EXPIRY_WARNING_DAYS},
            ),
            ("valid", _("With a valid certificate")),
        ]

    def criteria(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"query": data.get("q") or "", "state": data.get("state") or None}


class RosterForm(forms.Form):
    file = forms.FileField(
        label=_("Roster (CSV)"),
        required=False,
        help_text=_("Columns: email, name, team, manager email; a header line is optional."),
    )
    text = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_ROSTER_BYTES:
                self.add_error("file", _("The file is larger than 5 MiB."))
                return data
            data["text"] = upload.read().decode("utf-8-sig", errors="replace")
        if not data.get("text"):
            self.add_error("file", _("Choose a CSV file."))
        return data

    def roster_text(self) -> str:
        return self.cleaned_data.get("text", "") if hasattr(self, "cleaned_data") else ""
