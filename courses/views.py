"""Catalogue pages: the list, a course, a track and the comparison of a phase's options.

Views stay short: reads go through `courses.selectors`. Every page needs a login; any
logged-in user may read the whole catalogue. Each page's context is a function of its
own (`course_context`...), so that a page composed above the catalogue (the project's
learner pages, tracker/pages) shows the same catalogue with more beside it; these views
are the plain pages, with no learner data.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from . import selectors
from .forms import CatalogueFilterForm

PAGE_SIZE = 25
DEFAULT_WEEKLY_HOURS = Decimal(5)


def catalogue_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """login_required that, on an htmx request from an expired session, sends the whole
    browser to the login page instead of swapping the login form into a fragment."""

    protected = login_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated and request.htmx:
            current = request.htmx.current_url_abs_path or request.get_full_path()
            return HttpResponseClientRedirect(redirect_to_login(current).url)
        return protected(request, *args, **kwargs)

    return wrapper


def wants_fragment(request: HttpRequest) -> bool:
    # A history restore (back button after a cache miss) needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def catalogue_context(request: HttpRequest) -> dict:
    """The filtered, paginated list; each row (course, its competencies, mark), where a
    mark is what a composing page says of the course ("done"...), here None."""
    form = CatalogueFilterForm(request.GET)
    courses = selectors.course_rows(filters=form.filters())
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "page": page,
        "rows": [(course, selectors.competency_tags(course), None) for course in page],
        "query": query.urlencode(),
    }


def catalogue_template(request: HttpRequest) -> str:
    """The page, or only its results when htmx swaps them in (filters, pagination)."""
    return "courses/catalogue.html#results" if wants_fragment(request) else "courses/catalogue.html"


@require_GET
@catalogue_login_required
@vary_on_headers("HX-Request")
def catalogue(request: HttpRequest) -> HttpResponse:
    return render(request, catalogue_template(request), catalogue_context(request))


def course_context(code: str) -> dict:
    course = selectors.course_page_get(code=code)
    modules = list(course.modules.all())
    return {
        "course": course,
        "modules": modules,
        "modules_shortfall": selectors.modules_shortfall(course, modules),
        "competency_links": selectors.competency_tags(course),
    }


@require_GET
@catalogue_login_required
def course_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "courses/course_detail.html", course_context(code))


@require_GET
@catalogue_login_required
def track_list(request: HttpRequest) -> HttpResponse:
    # The learner's pace (their profile's weekly hours; the catalogue reads it off the
    # user without knowing the accounts app), else the usual 5 h a week.
    pace = getattr(request.user, "weekly_hours_available", None) or DEFAULT_WEEKLY_HOURS
    summaries = selectors.track_summaries(weekly_hours=Decimal(pace))
    return render(
        request, "courses/track_list.html", {"summaries": summaries, "weekly_hours": pace}
    )


def track_context(code: str) -> dict:
    track = selectors.track_get(code=code)
    phases = list(track.phases.all())
    return {
        "track": track,
        "phases": phases,
        "targets": list(track.targets.all()),
        # Per-phase bounds come from the database; a track's range is their sum.
        "min_hours": sum(p.min_hours for p in phases if p.min_hours is not None),
        "max_hours": sum(p.max_hours for p in phases if p.max_hours is not None),
    }


@require_GET
@catalogue_login_required
def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "courses/track_detail.html", track_context(code))


def compare_context(code: str, phase_code: str) -> dict:
    phase = selectors.phase_get(track_code=code, phase_code=phase_code)
    options = list(phase.options.all())
    return {
        "track": phase.track,
        "phase": phase,
        "options": options,
        "coverage": selectors.phase_coverage(options),
    }


@require_GET
@catalogue_login_required
def phase_compare(request: HttpRequest, code: str, phase_code: str) -> HttpResponse:
    return render(request, "courses/phase_compare.html", compare_context(code, phase_code))
