"""The learner's calendar feed (RFC 5545, written by the `icalendar` package, which does
the escaping and the line folding).

Events come from sources: functions that take the learner and yield CalendarEvents, one
per kind of date (plans' targets, certificates' expiry dates, assignments' due dates).
`calendar_events` calls each of them by name: this app sits above the apps whose dates it
shows and reads their selectors; a new kind of event (study blocks) is one more source and
one more line there, not a registry. Each event has a UID made of its kind and its row id,
so calendar apps update an event in place when its date moves instead of adding a copy.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from tracker.accounts.models import User
from tracker.certificates.models import Certificate
from tracker.progress.models import Plan, StudyBlock
from tracker.teams.selectors import assignments_done, assignments_for_learner

UID_DOMAIN = "parcours"
PRODID = "-//Parcours//Learning paths//EN"


@dataclass(frozen=True)
class CalendarEvent:
    kind: str  # plan, certificate, assignment...: the UID's prefix
    object_id: int
    day: datetime.date
    summary: str
    description: str = ""
    path: str = ""  # a page of the site about the event, absolute path
    # A timed event (a study block): its local start, with its time zone, and length.
    start: datetime.datetime | None = None
    minutes: int = 0
    sequence: int = 0  # goes up each time the event moves (RFC 5545 SEQUENCE)

    @property
    def uid(self) -> str:
        return f"{self.kind}-{self.object_id}@{UID_DOMAIN}"


def plan_target_dates(user: User) -> Iterable[CalendarEvent]:
    """The learner's own targets (an assignment's due date is `assignment_due_dates`' event:
    plans never hold a copy of it)."""
    plans = (
        Plan.objects.filter(user=user, target_date__isnull=False, done_on__isnull=True)
        .select_related("course")
        .only("target_date", "course__code", "course__title")
        .order_by("target_date", "id")
    )
    for plan in plans:
        yield CalendarEvent(
            kind="plan",
            object_id=plan.pk,
            day=plan.target_date,
            summary=_("Target: finish %(course)s") % {"course": plan.course.title},
            path=reverse("progress:plan", args=[plan.course.code]),
        )


def certificate_expiry_dates(user: User) -> Iterable[CalendarEvent]:
    certificates = Certificate.objects.filter(user=user, expires_on__isnull=False).only(
        "title", "expires_on"
    )
    for certificate in certificates:
        yield CalendarEvent(
            kind="certificate",
            object_id=certificate.pk,
            day=certificate.expires_on,
            summary=_("Certificate expires: %(title)s") % {"title": certificate.title},
            path=reverse("certificates:list"),
        )


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


def study_block_events(user: User) -> Iterable[CalendarEvent]:
    """The study blocks of the plans the learner accepted: timed, in their time zone."""
    blocks = (
        StudyBlock.objects.filter(user=user)
        .select_related("course")
        .only("day", "start", "minutes", "sequence", "course__title")
        .order_by("day", "start", "id")
    )
    tz = user.tzinfo
    for block in blocks:
        yield CalendarEvent(
            kind="block",
            object_id=block.pk,
            day=block.day,
            summary=_("Study: %(course)s") % {"course": block.course.title},
            path=reverse("progress:blocks"),
            start=datetime.datetime.combine(block.day, block.start, tzinfo=tz),
            minutes=block.minutes,
            sequence=block.sequence,
        )


def calendar_events(*, user: User) -> list[CalendarEvent]:
    """Every event of the feed, source by source (a new kind of event: one more line)."""
    return [
        *plan_target_dates(user),
        *certificate_expiry_dates(user),
        *assignment_due_dates(user),
        *study_block_events(user),
    ]


def calendar_ics(*, user: User, base_url: str) -> bytes:
    """The whole feed; `base_url` (scheme and host) makes the events' links absolute."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Parcours: %(name)s") % {"name": user.get_full_name()})
    stamp = timezone.now().replace(microsecond=0)
    for item in calendar_events(user=user):
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        if item.start is not None:  # timed, with its TZID (a VTIMEZONE is added below)
            event.add("dtstart", item.start)
            event.add("dtend", item.start + datetime.timedelta(minutes=item.minutes))
            event.add("sequence", item.sequence)
        else:
            event.add("dtstart", item.day)  # a DATE: an all-day event
            event.add("dtend", item.day + datetime.timedelta(days=1))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.path:
            event.add("url", base_url + item.path)
        event.add("transp", "OPAQUE" if item.start is not None else "TRANSPARENT")
        calendar.add_component(event)
    calendar.add_missing_timezones()  # one VTIMEZONE per TZID the events name
    return calendar.to_ical()
