"""The words for the progress model's statuses, in the active language: the pages (the
`status_label` filter of progress_tags), the team's filter form and its CSV say them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .verdicts import AT_RISK, BEHIND, DONE, NOT_STARTED, ON_TRACK, OVERDUE, PAUSED

STATUS_LABELS = {
    ON_TRACK: _("on track"),
    BEHIND: _("behind"),
    AT_RISK: _("at risk"),
    OVERDUE: _("overdue"),
    DONE: _("done"),
    NOT_STARTED: _("not started"),
    PAUSED: _("paused"),
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)
