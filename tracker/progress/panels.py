"""What progress' panels draw, for the pages that show them: the dashboard's board, a
course page's "my progress" panel, the study timer, a track's path, the compare page's
"choose this option" buttons and the catalogue's marks.

Plain functions of the request's learner: progress' own views (the quick log, the timer,
the modules form answer htmx with a panel) and the pages composed in `tracker.pages`
call them. No template tag reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Phase, Track
from courses.selectors import catalogue_version
from tracker.accounts.models import User

from . import cache as progress_cache
from . import charts, selectors, timers
from .forms import ModulesForm, TimeEntryForm


def quicklog_form(
    request: HttpRequest,
    *,
    course: Course | None = None,
    data=None,
    plan_course_ids=(),
    last_course: str | None = None,
) -> TimeEntryForm:
    initial = {"date": request.user.local_today()}
    if course is not None or last_course:
        initial["course"] = course.code if course is not None else last_course
    return TimeEntryForm(data, initial=initial, course=course, plan_course_ids=plan_course_ids)


# --- The dashboard's board and summary (progress/_board.html, progress/_standing.html) ---


def dashboard_context(
    request: HttpRequest, *, form: TimeEntryForm | None = None, catalogue: str | None = None
) -> dict:
    """The board and summary; `catalogue`: the catalogue's version, when the page read it
    already (the dashboard: its other panels key their caches with it too)."""
    user, today = request.user, request.user.local_today()

    def compute() -> dict:
        overview = selectors.progress_overview(user=user, today=today)
        return {
            "overview": overview,
            # Drawn before they are cached: a warm view writes none of their SVG.
            "weekly_chart": charts.weekly_chart(overview=overview).drawn(),
            "burnup_chart": burnup.drawn()
            if (burnup := charts.burnup_chart(overview=overview))
            else None,
            "recent": selectors.recent_entries(user=user),
            "last_course": selectors.last_logged_course_code(user=user),
            # The quick log's and the timer's course list (the key has the catalogue's version).
            "offered_courses": offered_courses(),
        }

    # A read uses the version of the user this request loaded; a write (the quick log)
    # reads it again, as it has just bumped it.
    if request.method in ("GET", "HEAD"):
        version = user.progress_version
    else:
        version = User.objects.values_list("progress_version", flat=True).get(pk=user.pk)
    key = progress_cache.key(
        "dashboard", user.pk, version, today, catalogue or catalogue_version(), get_language()
    )
    context = progress_cache.get_or_compute(key, user.pk, compute)
    plan_course_ids = [row.plan.course_id for row in context["overview"].rows]
    if form is None:
        form = quicklog_form(
            request, plan_course_ids=plan_course_ids, last_course=context["last_course"]
        )
    else:
        form.plan_course_ids = set(plan_course_ids)
    form.offered_courses = context["offered_courses"]
    # Outside the cache: the profile's weekly goal is not part of the progress version.
    standing = selectors.standing(
        overview=context["overview"], weekly_goal=user.weekly_hours_available
    )
    return (
        context
        | {"form": form, "today": today, "standing": standing}
        | timer_context(request, panel="dashboard")
    )


def offered_courses() -> list[Course]:
    """The active courses the quick log offers, as its field lists them (code, title).
    In SQL (Manager.raw) for the reason of selectors.recent_entries; the field's queryset
    (`is_active`, by code) is what it replaces, tests/test_pages_sql.py compares them."""
    return list(
        Course.objects.raw(
            "SELECT id, code, title FROM courses_course WHERE is_active = %s ORDER BY code",
            [True],
        )
    )


# --- A course page's panel (progress/course_panel.html) and the timer (_timer.html) -----


def course_panel_context(request: HttpRequest, course: Course, *, form=None) -> dict:
    today = request.user.local_today()
    panel = selectors.course_panel(user=request.user, course=course, today=today)
    if form is None:
        form = TimeEntryForm(initial={"date": today, "course": course.code}, course=course)
    return {
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


# --- A track's path (progress/track_panel.html) -----------------------------------------


def track_panel_context(*, user: User, track: Track, phases: list[Phase]) -> dict:
    """Whether the learner follows the track, and the option chosen in each of `phases`
    (the track's, as the page already read them): two queries."""
    state = selectors.track_state(user=user, track=track)
    return {
        "track": track,
        "state": state,
        "phase_rows": [(phase, state["choices"].get(phase.pk)) for phase in phases],
    }


# --- The catalogue's marks ----------------------------------------------------------------


@dataclass(frozen=True)
class CourseMark:
    kind: str  # "done", "chosen" or "planned": the CSS class says it too (mark-done, ...)
    label: Promise


MARK_LABELS = {"done": _("Done"), "chosen": _("Chosen option"), "planned": _("In my plan")}


def course_marks(*, user: User) -> dict[int, CourseMark]:
    """Where each course the learner touched stands, by course id, ready to show on a
    catalogue card (one query)."""
    return {
        course_id: CourseMark(kind=kind, label=MARK_LABELS[kind])
        for course_id, kind in selectors.course_marks(user=user).items()
    }
