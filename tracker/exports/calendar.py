"""The learner's calendar feed (RFC 5545, written by the `icalendar` package, which does
the escaping and the line folding).

Events come from sources: functions that take the learner and yield CalendarEvents. This
app registers the plans' target dates and the certificates' expiry dates; another app
(assignments' due dates) adds its own with `register_event_source` in its AppConfig.ready.
Each event has a UID made of its kind and its row id, so calendar apps update an event in
place when its date moves instead of adding a copy.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from tracker.accounts.models import User
from tracker.certificates.models import Certificate
from tracker.progress.models import Plan, StudyBlock

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


EventSource = Callable[[User], Iterable[CalendarEvent]]
EVENT_SOURCES: list[EventSource] = []


def register_event_source(source: EventSource) -> EventSource:
    if source not in EVENT_SOURCES:
        EVENT_SOURCES.append(source)
    return source


@register_event_source
def plan_target_dates(user: User) -> Iterable[CalendarEvent]:
    """The learner's own targets (an assignment's due date is the teams app's source: plans
    never hold a copy of it)."""
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


@register_event_source
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
    return [
        *(event for source in EVENT_SOURCES for event in source(user)),
        *study_block_events(user),  # called here, not registered (issue 15: no registry)
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
