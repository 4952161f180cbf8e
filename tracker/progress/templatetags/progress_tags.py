"""Template tags that decorate the catalogue's pages (through its hook templates) and
format progress figures. The catalogue passes its objects; the learner comes from the
request, so a hook shows only the signed-in learner's own data.
"""

from __future__ import annotations

import datetime
import functools

from django import template
from django.http import HttpRequest
from django.middleware import csrf
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Phase, Track

from .. import selectors, timers
from ..durations import format_hours, format_minutes
from ..forms import ModulesForm, TimeEntryForm
from ..verdicts import AT_RISK, BEHIND, DONE, NOT_STARTED, ON_TRACK, OVERDUE, PAUSED

register = template.Library()

STATUS_LABELS = {
    ON_TRACK: _("on track"),
    BEHIND: _("behind"),
    AT_RISK: _("at risk"),
    OVERDUE: _("overdue"),
    DONE: _("done"),
    NOT_STARTED: _("not started"),
    PAUSED: _("paused"),
}


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@register.filter
def lateness(days: int) -> str:
    """A delay in days, in weeks from two weeks on ("3 days", "2 weeks")."""
    days = int(days or 0)
    if days >= 14:
        weeks = round(days / 7)
        return ngettext("%(count)d week", "%(count)d weeks", weeks) % {"count": weeks}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


@register.filter
def hours(value) -> str:
    """Hours with at most one decimal, in the active language."""
    return format_hours(value)


@register.filter
def duration(minutes) -> str:
    return format_minutes(minutes) if minutes else ""


@register.filter
def clock(seconds) -> str:
    """Seconds as a running clock: `1:05:09`."""
    minutes, second = divmod(max(int(seconds or 0), 0), 60)
    hour, minute = divmod(minutes, 60)
    return f"{hour}:{minute:02d}:{second:02d}"


@register.filter
def short_date(value: datetime.date | None) -> str:
    """`{{ day|date:"SHORT_DATE_FORMAT" }}`, remembered per day and language: a table
    shows the same few days on every row, and Django parses the format on every call."""
    return _short_date(value, get_language()) if value else ""


@functools.lru_cache(maxsize=2048)
def _short_date(value: datetime.date, language: str) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@register.filter
def progress_value(value) -> str:
    """A <progress> value cannot exceed its max: the text beside it tells the rest.

    A string with a dot whatever the language: it is an attribute, not text to read.
    """
    return f"{min(float(value or 0), 100.0):.1f}"


def _user(context) -> object | None:
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def course_panel_context(request: HttpRequest, course: Course, *, form=None) -> dict:
    today = request.user.local_today()
    panel = selectors.course_panel(user=request.user, course=course, today=today)
    if form is None:
        form = TimeEntryForm(initial={"date": today, "course": course.code}, course=course)
    return {
        "request": request,
        "csrf_token": csrf.get_token(request),
        "panel": panel,
        "course": course,
        "form": form,
        "modules_form": ModulesForm(
            initial={"modules": list(panel.done_module_ids)}, course=course
        ),
    } | timer_context(request, panel="course", page_course=course)


def timer_context(
    request: HttpRequest,
    *,
    panel: str,
    page_course: Course | None = None,
    stop_form=None,
    start_form=None,
) -> dict:
    """What the timer partial (progress/_timer.html) draws: the running timer (one query)
    and, once stopped, the stop form with the days the session covers."""
    timer = timers.timer_get(user=request.user)
    if page_course is not None:
        timer_next = reverse("courses:course", args=[page_course.code])
        query = urlencode({"panel": panel, "page": page_course.code})
    else:
        timer_next, query = reverse("dashboard"), urlencode({"panel": panel})
    context = {
        "timer": timer,
        "timer_next": timer_next,
        "timer_query": query,
        "timer_panel": panel,
        "timer_page_course": page_course,
        "timer_start_form": start_form,
        "timer_stop_form": stop_form,
    }
    if timer is not None:
        now = timezone.now()
        elapsed = timers.elapsed_minutes(timer=timer, now=now)
        context |= {
            "timer_seconds": int((now - timer.started_at).total_seconds()),
            "timer_elapsed": elapsed,
            "timer_long": elapsed > timers.LONG_SESSION_MINUTES,
            "timer_days": timers.session_days(
                start=timer.started_at, minutes=elapsed, tz=request.user.tzinfo
            ),
        }
    return context


@register.inclusion_tag("progress/course_panel.html", takes_context=True)
def progress_course_panel(context, course: Course) -> dict:
    if _user(context) is None or not isinstance(course, Course):
        return {"panel": None}
    return course_panel_context(context["request"], course)


@register.inclusion_tag("progress/track_panel.html", takes_context=True)
def progress_track_panel(context, track: Track) -> dict:
    if _user(context) is None or not isinstance(track, Track):
        return {"state": None}
    request = context["request"]
    state = selectors.track_state(user=request.user, track=track)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "track": track,
        "state": state,
        "phase_rows": [(p, state["choices"].get(p.pk)) for p in track.phases.all()],
    }


@register.inclusion_tag("progress/option_actions.html", takes_context=True)
def progress_option_actions(context) -> dict:
    """The "choose this option" button; the learner's choices are read once per request.

    The compare page names the option being drawn `option` or `course`.
    """
    course = next(
        (context.get(n) for n in ("option", "course") if isinstance(context.get(n), Course)), None
    )
    user = _user(context)
    phase = context.get("phase")
    phase = phase if isinstance(phase, Phase) else None
    if user is None or not isinstance(course, Course) or (course.phase_id is None and not phase):
        return {"course": None}
    request = context["request"]
    if not hasattr(request, "_progress_chosen_ids"):
        request._progress_chosen_ids = selectors.chosen_options(user=user)
    chosen = request._progress_chosen_ids
    return {
        "request": request,
        "course": course,
        "phase": phase,
        "chosen": (phase.pk, course.pk) in chosen
        if phase
        else any(course_id == course.pk for _phase_id, course_id in chosen),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("progress/course_marks.html", takes_context=True)
def progress_course_marks(context, course: Course) -> dict:
    """ "Done", "Chosen" or "In my plan" on a catalogue card; the learner's marks are read
    once per request (one query), whatever the number of cards."""
    user = _user(context)
    if user is None or not isinstance(course, Course):
        return {"mark": None}
    request = context["request"]
    if not hasattr(request, "_progress_course_marks"):
        request._progress_course_marks = selectors.course_marks(user=user)
    return {"mark": request._progress_course_marks.get(course.pk)}
