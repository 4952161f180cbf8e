"""Learner pages: time entries, plans, track joining and phase choices; the panels they
answer htmx with (the dashboard's board, a course page's panel: progress/panels.py).

Views stay short: they read with selectors, write with services, and render one template
(or one of its partials when htmx asks). Every object is fetched for request.user, so
another learner's id answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import retarget

from courses.models import Course, Phase, Track

from . import selectors, services, timers
from .durations import format_minutes
from .forms import (
    BlockSettingsForm,
    EntryFilterForm,
    ModulesForm,
    PauseForm,
    PlanForm,
    RestDaysForm,
    TimeEntryForm,
    TimerStartForm,
    TimerStopForm,
)
from .models import TimeEntry
from .panels import course_panel_context, dashboard_context, timer_context
from .panels import quicklog_form as _quicklog_form

ENTRIES_PER_PAGE = 50


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go after a POST: a safe `next` from the form, else `default`."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


# --- The panels that hold a quick log and a timer: the dashboard's and a course page's ---


def _panel(request: HttpRequest) -> tuple[str, Course | None]:
    """Which panel a form was sent from: the dashboard, or the course page of `page`."""
    data = request.POST if request.method == "POST" else request.GET
    if data.get("panel") == "course":
        # The course page's own quick log names the page's course as its course.
        code = data.get("page") or data.get("course", "")
        return "course", get_object_or_404(Course, code=code)
    return "dashboard", None


def _panel_response(
    request: HttpRequest, *, page_course: Course | None, form=None, **extra
) -> HttpResponse:
    """The panel again (an htmx swap), with what was just done or refused."""
    if page_course is not None:
        context = course_panel_context(request, page_course, form=form)
        return render(request, "progress/course_panel.html", context | extra)
    context = dashboard_context(request, form=form)
    # The summary above the board is swapped too (out of band): its week's hours moved.
    return render(request, "progress/_board.html", context | extra | {"oob": True})


# --- Time entries ---------------------------------------------------------------------


def _quicklog_save(
    request: HttpRequest, *, course: Course | None = None
) -> tuple[TimeEntryForm | None, TimeEntry | None, str | None]:
    """Validate a quick log's POST and write the entry. Returns the form (None once the
    entry is written: the next one gets a fresh form), the entry, and its duplicate
    warning."""
    form = _quicklog_form(request, course=course, data=request.POST)
    if not form.is_valid():
        return form, None, None
    try:
        entry = services.time_entry_create(user=request.user, **form.entry_values())
    except ValidationError as error:
        form.add_service_error(error)
        return form, None, None
    return None, entry, selectors.duplicate_warning(entry=entry)


def _quicklog_done(request: HttpRequest, *, warning: str | None, default: str) -> HttpResponse:
    """Without JavaScript: say so and go back (a safe `next`, else `default`)."""
    messages.success(request, _("Time logged."))
    if warning:
        messages.warning(request, warning)
    return redirect(_next_url(request, default))


def _quicklog_refused(request: HttpRequest, form: TimeEntryForm) -> HttpResponse:
    """Without JavaScript: the log page again, with the errors at their fields."""
    form.plan_course_ids = selectors.plan_course_ids(user=request.user)
    return render(request, "progress/entry_form.html", {"form": form}, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest) -> HttpResponse:
    """The log page's own form (linked from the entries list; no htmx)."""
    if request.method == "GET":
        form = _quicklog_form(
            request,
            plan_course_ids=selectors.plan_course_ids(user=request.user),
            last_course=selectors.last_logged_course_code(user=request.user),
        )
        if (block_id := request.GET.get("block", "")).isdigit():  # a study block ticked off
            block = selectors.block_get_for_user(user=request.user, block_id=int(block_id))
            form.initial |= {
                "course": block.course.code,
                "date": block.day,
                "duration": format_minutes(block.minutes),
            }
        return render(request, "progress/entry_form.html", {"form": form})
    form, entry, warning = _quicklog_save(request)
    if entry is None:
        return _quicklog_refused(request, form)
    return _quicklog_done(request, warning=warning, default=reverse("dashboard"))


@login_required
@require_POST
def entry_create_dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard's quick log: htmx swaps the board (and the summary above it)."""
    form, entry, warning = _quicklog_save(request)
    if request.htmx:
        return _panel_response(request, page_course=None, form=form, logged=entry, warning=warning)
    if entry is None:
        return _quicklog_refused(request, form)
    return _quicklog_done(request, warning=warning, default=reverse("dashboard"))


@login_required
@require_POST
def entry_create_course(request: HttpRequest, code: str) -> HttpResponse:
    """A course page's quick log (the page's course, its modules): htmx swaps the panel."""
    course = get_object_or_404(Course, code=code)
    form, entry, warning = _quicklog_save(request, course=course)
    if request.htmx:
        return _panel_response(
            request, page_course=course, form=form, logged=entry, warning=warning
        )
    if entry is None:
        return _quicklog_refused(request, form)
    default = reverse("courses:course", args=[course.code])
    return _quicklog_done(request, warning=warning, default=default)


def _entries_context(request: HttpRequest, query) -> dict:
    """The entries list for the filters and page in `query` (a QueryDict)."""
    filters = EntryFilterForm(query or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    entries = selectors.entries_for_user(
        user=request.user,
        course=criteria.get("course"),
        date_from=criteria.get("date_from"),
        date_to=criteria.get("date_to"),
    )
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(query.get("page"))
    filter_query = query.copy()
    filter_query.pop("page", None)
    return {
        "filters": filters,
        "page": page,
        "weeks": selectors.entries_by_week(entries=entries, page_entries=list(page)),
        "total": selectors.entries_total(entries=entries),
        "query": filter_query.urlencode(),
        "page_query": query.urlencode(),
    }


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    return render(request, "progress/entries.html", _entries_context(request, request.GET))


def _entries_list_response(request: HttpRequest, **extra) -> HttpResponse:
    """The list again after a change, for the filters and page it was showing."""
    context = _entries_context(request, QueryDict(request.POST.get("query", "")))
    return render(request, "progress/entries.html#list", context | extra)


@login_required
def entry_row(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, entry_id=pk)
    return render(
        request,
        "progress/entries.html#row",
        {"entry": entry, "page_query": request.GET.get("query", "")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, entry_id=pk)
    form = TimeEntryForm.for_entry(entry, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.time_entry_update(entry=entry, **form.entry_values())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            warning = selectors.duplicate_warning(entry=entry)
            if request.htmx:
                # Totals and weeks may have moved: the whole list is drawn again.
                # The focus goes back to the row's "Edit" (autofocus, which htmx honours).
                return _entries_list_response(request, warning=warning, saved_id=entry.pk)
            messages.success(request, _("Entry saved."))
            if warning:
                messages.warning(request, warning)
            return redirect("progress:entries")
    status = 422 if form.is_bound else 200
    query = request.POST.get("query") or request.GET.get("query", "")
    context = {"entry": entry, "form": form, "page_query": query}
    if request.htmx:
        # A refusal is shown in the row (the form's target is the whole list); htmx swaps
        # only 2xx answers, so it is a 200 here.
        response = render(request, "progress/entries.html#edit_row", context)
        return retarget(response, f"#entry-{entry.pk}") if form.is_bound else response
    return render(request, "progress/entry_edit.html", context, status=status)


@login_required
@require_POST
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an entry: from the entries list, or "undo" right after logging it."""
    entry = selectors.entry_get_for_user(user=request.user, entry_id=pk)
    services.time_entry_delete(entry=entry)
    if request.htmx and request.POST.get("panel"):
        _name, page_course = _panel(request)
        return _panel_response(request, page_course=page_course, undone=entry)
    if request.htmx:
        return _entries_list_response(request, deleted=entry)
    messages.success(request, _("Entry deleted."))
    return redirect(_next_url(request, reverse("progress:entries")))


# --- The study timer ----------------------------------------------------------------------


def _timer_response(request: HttpRequest, **kwargs) -> HttpResponse:
    panel, page_course = _panel(request)
    context = timer_context(request, panel=panel, page_course=page_course, **kwargs)
    # On its own page (under the page's h1) the timer's heading is an h2, also after a swap.
    shown_on = request.htmx.current_url_abs_path if request.htmx else request.path
    context["timer_on_its_page"] = (shown_on or "").split("?")[0] == reverse("progress:timer")
    if page_course is None and context["timer"] is None:  # the start form's courses
        context["form"] = _quicklog_form(
            request,
            plan_course_ids=selectors.plan_course_ids(user=request.user),
            last_course=request.POST.get("course")
            or selectors.last_logged_course_code(user=request.user),
        )
    if request.htmx:
        return render(request, "progress/_timer.html", context)
    refused = any(form is not None and form.errors for form in kwargs.values())
    return render(request, "progress/timer.html", context, status=422 if refused else 200)


@login_required
def timer(request: HttpRequest) -> HttpResponse:
    """The timer as it is (htmx: "keep running" after opening the stop form)."""
    return _timer_response(request)


@login_required
@require_POST
def timer_start(request: HttpRequest) -> HttpResponse:
    form = TimerStartForm(request.POST)
    if form.is_valid():
        try:
            timers.timer_start(user=request.user, course=form.cleaned_data["course"])
        except ValidationError as error:
            form.add_error("course", error)
    if form.errors:
        return _timer_response(request, start_form=form)
    if request.htmx:
        return _timer_response(request)
    messages.success(request, _("Timer started."))
    return redirect(_next_url(request, reverse("dashboard")))


@login_required
@require_http_methods(["GET", "POST"])
def timer_stop(request: HttpRequest) -> HttpResponse:
    """GET: the stop form, the time elapsed filled in. POST: log it, or discard it."""
    _name, page_course = _panel(request)
    timer = timers.timer_get(user=request.user)
    if timer is None:
        # Stopped meanwhile, on another device.
        if request.htmx:
            return _panel_response(
                request, page_course=page_course, timer_notice=_("No timer is running.")
            )
        messages.info(request, _("No timer is running."))
        return redirect(_next_url(request, reverse("dashboard")))
    if request.method == "GET":
        initial = {"duration": format_minutes(timers.elapsed_minutes(timer=timer))}
        return _timer_response(request, stop_form=TimerStopForm(initial=initial))

    if "discard" in request.POST:
        timers.timer_discard(user=request.user)
        notice = _("Timer stopped; nothing was logged.")
        if request.htmx:
            return _panel_response(request, page_course=page_course, timer_notice=notice)
        messages.info(request, notice)
        return redirect(_next_url(request, reverse("dashboard")))
    form = TimerStopForm(request.POST)
    stopped = None
    if form.is_valid():
        try:
            stopped = timers.timer_stop(
                user=request.user,
                minutes=form.cleaned_data["duration"],
                note=form.cleaned_data["note"],
                confirm_long=form.cleaned_data["confirm"],
            )
        except ValidationError as error:
            form.add_service_error(error)
    if stopped is None:
        if request.htmx:
            return _panel_response(
                request, page_course=page_course, **_stop_form_context(request, form)
            )
        return _timer_response(request, stop_form=form)
    if not request.htmx:
        messages.success(request, _("Time logged."))
        return redirect(_next_url(request, reverse("dashboard")))
    return _panel_response(request, page_course=page_course, timer_logged=stopped)


def _stop_form_context(request: HttpRequest, form: TimerStopForm) -> dict:
    panel, page_course = _panel(request)
    return timer_context(request, panel=panel, page_course=page_course, stop_form=form)


# --- Plans ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, course_code=code)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=plan,
                start_date=form.cleaned_data["start_date"],
                weekly_hours=form.cleaned_data["weekly_hours"],
                target_date=form.cleaned_data["target_date"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("progress:plan", code=code)
    today = request.user.local_today()
    row = selectors.plan_row(user=request.user, course=plan.course, today=today)
    return render(
        request,
        "progress/plan.html",
        {"plan": plan, "row": row, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def plan_add(request: HttpRequest, code: str) -> HttpResponse:
    course = get_object_or_404(Course, code=code, is_active=True)
    services.plan_add(user=request.user, course=course)
    messages.success(request, _("Added to your plan."))
    return redirect(_next_url(request, reverse("progress:plan", args=[code])))


@login_required
@require_POST
def plan_remove(request: HttpRequest, code: str) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, course_code=code)
    services.plan_remove(plan=plan)
    messages.success(request, _("Removed from your plan; the hours logged are kept."))
    return redirect(_next_url(request, reverse("dashboard")))


@login_required
@require_POST
def plan_done(request: HttpRequest, code: str) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, course_code=code)
    services.plan_mark_done(plan=plan, done=request.POST.get("done") == "1")
    return redirect(_next_url(request, reverse("progress:plan", args=[code])))


@login_required
@require_POST
def plan_modules(request: HttpRequest, code: str) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, course_code=code)
    form = ModulesForm(request.POST, course=plan.course)
    if form.is_valid():
        services.plan_set_modules(
            plan=plan, module_ids=[m.pk for m in form.cleaned_data["modules"]]
        )
        messages.success(request, _("Modules saved."))
    else:
        messages.error(request, _("Some modules are not part of this course."))
    if request.htmx:
        return _panel_response(request, page_course=plan.course)
    return redirect(_next_url(request, reverse("progress:plan", args=[code])))


# --- Tracks and choices ---------------------------------------------------------------


@login_required
@require_POST
def track_join(request: HttpRequest, code: str) -> HttpResponse:
    track = get_object_or_404(Track, code=code)
    services.track_join(user=request.user, track=track)
    messages.success(request, _("You joined the track."))
    return HttpResponseRedirect(_next_url(request, reverse("dashboard")))


@login_required
@require_POST
def track_leave(request: HttpRequest, code: str) -> HttpResponse:
    track = get_object_or_404(Track, code=code)
    services.track_leave(user=request.user, track=track)
    messages.success(request, _("You left the track; your plans and hours are kept."))
    return HttpResponseRedirect(_next_url(request, reverse("dashboard")))


@login_required
@require_POST
def phase_choose(request: HttpRequest, code: str) -> HttpResponse:
    """Choose the course `code` as the option of a phase (from the compare page): the
    phase posted (a course can be an option of phases of two tracks), else its home."""
    course = get_object_or_404(Course.objects.select_related("phase__track"), code=code)
    phase = course.phase
    if request.POST.get("phase", "").isdigit():
        phase = get_object_or_404(
            Phase.objects.select_related("track"), pk=request.POST["phase"], options=course
        )
    if phase is None:
        raise Http404
    services.phase_choose(user=request.user, phase=phase, course=course)
    messages.success(
        request,
        _("%(course)s is your choice for %(phase)s.")
        % {"course": course.title, "phase": phase.name},
    )
    return HttpResponseRedirect(_next_url(request, reverse("dashboard")))


# --- Pauses and rest days -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def pauses(request: HttpRequest) -> HttpResponse:
    """The learner's pauses (a form, the list) and their weekly rest days."""
    user = request.user
    form = PauseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pause_create(
                user=user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)  # a dict: each message at its field
        else:
            messages.success(request, _("Pause saved: your forecast skips those days."))
            return redirect("progress:pauses")
    return _pauses_page(request, form=form, status=422 if form.errors else 200)


def _pauses_page(
    request: HttpRequest, *, form=None, rest_form=None, status: int = 200
) -> HttpResponse:
    user = request.user
    rest = selectors.rest_days(user=user)
    return render(
        request,
        "progress/pauses.html",
        {
            "form": form or PauseForm(),
            "rest_form": rest_form or RestDaysForm(initial={"rest_days": rest}),
            "pauses": selectors.pauses_for_user(user=user),
            "today": user.local_today(),
        },
        status=status,
    )


@login_required
@require_POST
def rest_days(request: HttpRequest) -> HttpResponse:
    rest_form = RestDaysForm(request.POST)
    if rest_form.is_valid():
        try:
            services.rest_days_set(user=request.user, days=rest_form.cleaned_data["rest_days"])
        except ValidationError as error:
            rest_form.add_error(None, error)
        else:
            messages.success(request, _("Rest days saved."))
            return redirect("progress:pauses")
    return _pauses_page(request, rest_form=rest_form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def pause_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    pause = selectors.pause_get_for_user(user=request.user, pause_id=pk)
    if request.method == "POST":
        services.pause_delete(pause=pause)
        messages.success(request, _("Pause deleted."))
        return redirect("progress:pauses")
    return render(request, "progress/pause_delete.html", {"pause": pause})


# --- Study blocks -------------------------------------------------------------------------


@login_required
@require_GET
def study_blocks(request: HttpRequest) -> HttpResponse:
    return _blocks_page(request)


def _blocks_page(request: HttpRequest, *, settings_form=None, status: int = 200) -> HttpResponse:
    page = selectors.blocks_page(user=request.user)
    form = settings_form or BlockSettingsForm(
        initial={
            "block_hour": page.preference.block_hour,
            "block_minutes": page.preference.block_minutes,
        }
    )
    return render(
        request, "progress/blocks.html", {"page": page, "settings_form": form}, status=status
    )


@login_required
@require_POST
def study_blocks_accept(request: HttpRequest) -> HttpResponse:
    """Accept the plan proposed now (computed again here, never read from the form)."""
    user = request.user
    today = user.local_today()
    preference = selectors.study_preference(user=user)
    _progress, proposal = selectors.blocks_proposal(user=user, today=today, preference=preference)
    services.blocks_accept(user=user, proposal=proposal, today=today)
    messages.success(request, _("Study plan accepted: its blocks are in your calendar feed."))
    return redirect("progress:blocks")


@login_required
@require_POST
def study_block_settings(request: HttpRequest) -> HttpResponse:
    form = BlockSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.block_settings_set(
                user=request.user,
                hour=form.cleaned_data["block_hour"],
                minutes=form.cleaned_data["block_minutes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Study block settings saved."))
            return redirect("progress:blocks")
    return _blocks_page(request, settings_form=form, status=422)


@login_required
@require_POST
def study_block_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick a block off, then log it: the quick-log form comes pre-filled from the block."""
    block = selectors.block_get_for_user(user=request.user, block_id=pk)
    services.block_tick(block=block)
    return redirect(f"{reverse('progress:entry_create')}?block={block.pk}")
