"""The team history as people read it: one sentence per row ("Marie Dupont assigned the
course “Python” to Léa Martin, due 3 Mar 2027."), filtered by learner and period, on the
page and as CSV.

The rows are AssignmentLog (the names of the work kept on the row when it was written)
and accounts.AuditEvent (invited, joined, left, removed...), merged by
selectors.TeamHistory.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.accounts.models import AuditEvent, Team, User
from tracker.exports.formats import COMMA, CsvDialect, spreadsheet_safe

from .models import AssignmentLog

MAX_CSV_ROWS = 50_000  # a bound on one download (a team's years of history fit)


class HistoryFilterForm(forms.Form):
    """GET filters of the history page and its CSV (no JavaScript needed)."""

    learner = forms.ModelChoiceField(
        label=gettext_lazy("Learner"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("Everyone"),
    )
    since = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, team: Team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The members, and those who left or were taken out (their past stays readable).
        self.fields["learner"].queryset = (
            User.objects.filter(
                Q(memberships__team=team)
                | Q(
                    audit_events__team=team,
                    audit_events__action__in=[AuditEvent.Action.LEFT, AuditEvent.Action.REMOVED],
                )
            )
            .distinct()
            .order_by("name", "email")
        )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period cannot be before its start."))
        return data

    def criteria(self) -> dict:
        """What selectors.team_logs_all takes; an invalid form filters nothing (its
        messages are shown at the fields)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "learner": data.get("learner"),
            "since": _day_start(data.get("since")),
            "until": _day_start(data["until"] + datetime.timedelta(days=1))
            if data.get("until")
            else None,
        }


def _day_start(day: datetime.date | None) -> datetime.datetime | None:
    """The first instant of a day in the reader's time zone."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _name(user: User | None, fallback: str = "") -> str:
    if user is None:
        return fallback or _("someone whose account was deleted")
    return user.get_full_name() or user.email


def _work(log: AssignmentLog) -> str:
    kind = (log.target_names or {}).get("kind")
    if kind == "track":
        return _("the track “%(name)s”") % {"name": log.target_name}
    if kind == "course":
        return _("the course “%(name)s”") % {"name": log.target_name}
    return f"“{log.target}”"  # a row written before names were kept


def _assignment_sentence(log: AssignmentLog) -> str:
    values = {"actor": _name(log.actor), "work": _work(log), "learner": _name(log.assignee)}
    if log.action == AssignmentLog.Action.CREATED:
        due = (log.changes.get("due_date") or [None, None])[1]
        if due:
            due = date_format(datetime.date.fromisoformat(due), "SHORT_DATE_FORMAT")
            return _("%(actor)s assigned %(work)s to %(learner)s, due %(due)s.") % (
                values | {"due": due}
            )
        return _("%(actor)s assigned %(work)s to %(learner)s.") % values
    if log.action == AssignmentLog.Action.REMOVED:
        return _("%(actor)s took %(work)s back from %(learner)s.") % values
    changes = "; ".join(f"{label} {before} → {after}" for label, before, after in log.change_rows)
    return _("%(actor)s changed %(work)s of %(learner)s: %(changes)s.") % (
        values | {"changes": changes}
    )


# An audit event's sentence by action: `actor` did it, to `whom` (a name, or the address
# typed while the invitation is unanswered).
EVENT_SENTENCES = {
    AuditEvent.Action.INVITED: gettext_lazy("%(actor)s invited %(whom)s."),
    AuditEvent.Action.INVITATION_RESENT: gettext_lazy("%(actor)s invited %(whom)s again."),
    AuditEvent.Action.INVITATION_CANCELLED: gettext_lazy(
        "%(actor)s cancelled the invitation of %(whom)s."
    ),
    AuditEvent.Action.ACCEPTED: gettext_lazy("%(whom)s accepted the invitation and joined."),
    AuditEvent.Action.DECLINED: gettext_lazy("%(whom)s declined the invitation."),
    AuditEvent.Action.LEFT: gettext_lazy("%(whom)s left the team."),
    AuditEvent.Action.REMOVED: gettext_lazy("%(actor)s removed %(whom)s from the team."),
    AuditEvent.Action.ADDED_BY_ADMIN: gettext_lazy(
        "%(actor)s, an administrator, added %(whom)s to the team."
    ),
    AuditEvent.Action.ADDED_BY_ROSTER: gettext_lazy(
        "%(whom)s joined the team through a roster import by %(actor)s."
    ),
    AuditEvent.Action.ADDED_BY_DIRECTORY: gettext_lazy(
        "The company directory added %(whom)s to the team."
    ),
}


def _event_sentence(event: AuditEvent) -> str:
    if event.action == AuditEvent.Action.REMOVED and event.actor_id is None:
        return _("The company directory removed %(whom)s from the team.") % {
            "whom": _name(event.user, event.email)
        }
    template = EVENT_SENTENCES.get(event.action)
    if template is None:
        return str(event.get_action_display())
    actor = _name(event.actor) if event.actor_id else _("the system")
    return str(template) % {"actor": actor, "whom": _name(event.user, event.email)}


def sentence(row: AssignmentLog | AuditEvent) -> str:
    """What happened, as a sentence in the active language."""
    if isinstance(row, AssignmentLog):
        return _assignment_sentence(row)
    return _event_sentence(row)


def learner_of(row: AssignmentLog | AuditEvent) -> str:
    if isinstance(row, AssignmentLog):
        return _name(row.assignee) if row.assignee_id else ""
    return _name(row.user, row.email)


def when(row: AssignmentLog | AuditEvent) -> str:
    return date_format(timezone.localtime(row.created), "SHORT_DATETIME_FORMAT")


def history_csv(*, rows: Iterable, dialect: CsvDialect = COMMA) -> str:
    """UTF-8 with a BOM, cells a spreadsheet would run made inert (like the team CSV)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=dialect.delimiter)
    writer.writerow([_("When"), _("Who"), _("Learner"), _("What")])
    for row in rows:
        writer.writerow(
            [
                timezone.localtime(row.created).strftime("%Y-%m-%d %H:%M"),
                spreadsheet_safe(_name(row.actor) if row.actor_id else ""),
                spreadsheet_safe(learner_of(row)),
                spreadsheet_safe(sentence(row)),
            ]
        )
    return out.getvalue()
