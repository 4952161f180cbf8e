"""Assignments' due dates in the learner's calendar feed (tracker.exports.calendar)."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from tracker.accounts.models import User
from tracker.exports.calendar import CalendarEvent

from .selectors import assignments_done, assignments_for_learner


def assignment_due_dates(user: User) -> Iterable[CalendarEvent]:
    """One all-day event per assignment still to do, on its due date (the UID follows the
    assignment: a moved due date moves the event). Done work leaves the calendar."""
    assignments = assignments_for_learner(user=user)
    done = assignments_done(assignments=assignments)
    for assignment in assignments:
        if assignment.pk in done:
            continue
        if assignment.track_id:
            name = assignment.track.name
            path = reverse("courses:track", args=[assignment.track.code])
        else:
            name = assignment.course.title
            path = reverse("courses:course", args=[assignment.course.code])
        by = assignment.assigned_by.get_full_name() if assignment.assigned_by else ""
        description = _("Assigned by %(name)s.") % {"name": by} if by else ""
        if assignment.note:
            description = f"{description}\n{assignment.note}".strip()
        yield CalendarEvent(
            kind="assignment",
            object_id=assignment.pk,
            day=assignment.due_date,
            summary=_("Due: %(target)s") % {"target": name},
            description=description,
            path=path,
        )
