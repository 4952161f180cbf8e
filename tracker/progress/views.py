"""Learner pages: the dashboard, time entries, plans, track joining and phase choices.

Views stay short: they read with selectors, write with services, and render one template
(or one of its partials when htmx asks). Every object is fetched for request.user, so
another learner's id answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.models import Course, Track
from courses.selectors import catalogue_version
from tracker.accounts.models import User

from . import cache as progress_cache
from . import charts, selectors, services
from .forms import EntryFilterForm, ModulesForm, PlanForm, TimeEntryForm
from .templatetags.progress_tags import course_panel_context

ENTRIES_PER_PAGE = 50


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go after a POST: a safe `next` from the form, else `default`."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _quicklog_form(request: HttpRequest, *, course: Course | None = None, data=None):
    initial = {"date": request.user.local_today()}
    if course is not None:
        initial["course"] = course.code
    return TimeEntryForm(data, initial=initial, course=course)


# --- Dashboard ------------------------------------------------------------------------


def dashboard_context(request: HttpRequest, *, form: TimeEntryForm | None = None) -> dict:
    user, today = request.user, request.user.local_today()

    def compute() -> dict:
        overview = selectors.progress_overview(user=user, today=today)
        return {
            "overview": overview,
            "weekly_chart": charts.weekly_chart(overview=overview),
            "burnup_chart": charts.burnup_chart(overview=overview),
            "recent": selectors.recent_entries(user=user),
        }

    # The version is read again: this request may have just written (the quick-log).
    version = User.objects.values_list("progress_version", flat=True).get(pk=user.pk)
    key = progress_cache.key(
        "dashboard", user.pk, version, today, catalogue_version(), get_language()
    )
    context = progress_cache.get_or_compute(key, user.pk, compute)
    return context | {"form": form or _quicklog_form(request), "today": today}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "progress/dashboard.html", dashboard_context(request))


# --- Time entries ---------------------------------------------------------------------


def _course_panel_response(request: HttpRequest, course: Course, form=None) -> HttpResponse:
    context = course_panel_context(request, course, form=form)
    return render(request, "progress/course_panel.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest) -> HttpResponse:
    """The quick-log form: from the dashboard, a course page, or its own page."""
    panel = request.POST.get("panel") or request.GET.get("panel", "")
    course = None
    if panel == "course":
        course = get_object_or_404(Course, code=request.POST.get("course", ""))
    if request.method == "GET":
        return render(request, "progress/entry_form.html", {"form": _quicklog_form(request)})

    form = _quicklog_form(request, course=course, data=request.POST)
    entry = None
    if form.is_valid():
        try:
            entry = services.time_entry_create(
                user=request.user,
                course=form.cleaned_data["course"],
                date=form.cleaned_data["date"],
                minutes=form.cleaned_data["duration"],
                module=form.cleaned_data["module"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_service_error(error)
    if entry is not None:
        form = None  # a fresh form for the next entry
        if not request.htmx:
            messages.success(request, _("Time logged."))
            return redirect(_next_url(request, reverse("dashboard")))
    if request.htmx and panel == "course":
        return _course_panel_response(request, course, form=form)
    if request.htmx:
        context = dashboard_context(request, form=form)
        context["logged"] = entry
        return render(request, "progress/dashboard.html#board", context)
    return render(request, "progress/entry_form.html", {"form": form}, status=422)


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    filters = EntryFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    entries = selectors.entries_for_user(
        user=request.user,
        course=criteria.get("course"),
        date_from=criteria.get("date_from"),
        date_to=criteria.get("date_to"),
    )
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "progress/entries.html",
        {"filters": filters, "page": page, "query": query.urlencode()},
    )


@login_required
def entry_row(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, entry_id=pk)
    return render(request, "progress/entries.html#row", {"entry": entry})


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, entry_id=pk)
    form = TimeEntryForm.for_entry(entry, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.time_entry_update(
                entry=entry,
                course=form.cleaned_data["course"],
                date=form.cleaned_data["date"],
                minutes=form.cleaned_data["duration"],
                module=form.cleaned_data["module"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if request.htmx:
                return render(request, "progress/entries.html#row", {"entry": entry})
            messages.success(request, _("Entry saved."))
            return redirect("progress:entries")
    status = 422 if form.is_bound else 200
    template = "progress/entries.html#edit_row" if request.htmx else "progress/entry_edit.html"
    return render(request, template, {"entry": entry, "form": form}, status=status)


@login_required
@require_POST
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, entry_id=pk)
    services.time_entry_delete(entry=entry)
    if request.htmx:
        return HttpResponse("")  # the row is swapped out
    messages.success(request, _("Entry deleted."))
    return redirect(_next_url(request, reverse("progress:entries")))


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
        return _course_panel_response(request, plan.course)
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
    """Choose the course `code` as the option of its phase (from the compare page)."""
    course = get_object_or_404(
        Course.objects.select_related("phase__track"), code=code, phase__isnull=False
    )
    services.phase_choose(user=request.user, phase=course.phase, course=course)
    messages.success(
        request,
        _("%(course)s is your choice for %(phase)s.")
        % {"course": course.title, "phase": course.phase.name},
    )
    return HttpResponseRedirect(_next_url(request, reverse("dashboard")))
