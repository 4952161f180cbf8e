"""The learner's pages that show several apps' data: the dashboard and the catalogue's
pages (the list, a course, a track, a phase's comparison), at the URLs they always had.

Each view reads what its page shows by calling each app's selectors or panel contexts,
in the order the page shows them, and renders one template: nothing is read from a
template (no template tag queries the database, no app overrides another's template).
The catalogue's part of a page is the catalogue's own context (courses/views.py) and
template, which the page's template extends (`{% block learner_panel %}`...).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from courses import views as courses
from courses.selectors import catalogue_version
from courses.views import catalogue_login_required
from tracker.assessments import selectors as assessments
from tracker.assessments import views as assessments_views
from tracker.certificates import selectors as certificates
from tracker.progress import panels as progress
from tracker.progress import selectors as progress_selectors
from tracker.teams import selectors as teams


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Where I stand and the board (progress), my teams and assigned training (teams),
    certificates to renew (certificates), my competency gaps (assessments)."""
    user = request.user
    teams_led = teams.teams_led(user=user)
    catalogue = catalogue_version()  # a key of the progress and competency panels' caches
    context = progress.dashboard_context(request, catalogue=catalogue) | {
        "teams_led": teams_led,
        "manager_summary": teams.manager_summary(user=user, teams=teams_led),
        "assignments": teams.assignments_for_learner(user=user),
        "readiness": certificates.readiness_for_user(user=user, today=user.local_today()),
        "summary": assessments.dashboard_summary(
            user=user, track_code=request.GET.get("track"), catalogue=catalogue
        ),
    }
    return render(request, "pages/dashboard.html", context)


@require_GET
@catalogue_login_required
@vary_on_headers("HX-Request")
def catalogue(request: HttpRequest) -> HttpResponse:
    """The catalogue, each course marked with where it stands for the learner ("done",
    "chosen option", "in my plan"): the same template, its rows carrying the mark."""
    context = courses.catalogue_context(request)
    if context["rows"]:
        marks = progress.course_marks(user=request.user)
        context["rows"] = [
            (course, links, marks.get(course.pk)) for course, links, _none in context["rows"]
        ]
    return render(request, courses.catalogue_template(request), context)


@require_GET
@catalogue_login_required
def course_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The course, with my progress on it: plan, verdict, modules, quick log, timer."""
    context = courses.course_context(code)
    context |= progress.course_panel_context(request, context["course"])
    return render(request, "pages/course_detail.html", context)


@require_GET
@catalogue_login_required
def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The track, with my path on it: joined or not, the option chosen in each phase."""
    context = courses.track_context(code)
    context |= progress.track_panel_context(
        user=request.user, track=context["track"], phases=context["phases"]
    )
    return render(request, "pages/track_detail.html", context)


@require_GET
@catalogue_login_required
def phase_compare(request: HttpRequest, code: str, phase_code: str) -> HttpResponse:
    """The phase's options side by side, ranked by my gaps (assessments), each with what
    choosing it would do, the track's verdict (progress) and the gaps it closes
    (assessments), and a "choose this option" button unless it is my choice (progress)."""
    context = courses.compare_context(code, phase_code)
    user = request.user
    phase, options = context["phase"], context["options"]
    ranking = assessments.phase_ranking(user=user, phase=phase)
    verdicts = progress_selectors.track_if_chosen(user=user, phase=phase, options=options)
    closed = assessments.gaps_closed(gaps=ranking["gaps"], options=options)
    context |= {
        "ranking": ranking,
        # One cell a column, in the options' order: (verdict, gaps closed; None: no assessment).
        "if_chosen": [
            (verdicts[course.pk], closed[course.pk] if ranking["has_snapshot"] else None)
            for course in options
        ],
        # A course two tracks share is "chosen" only in the phase where it was chosen.
        "chosen_ids": (
            {
                course_id
                for phase_id, course_id in progress_selectors.chosen_options(user=user)
                if phase_id == context["phase"].pk
            }
            if context["options"]
            else set()
        ),
    }
    return render(request, "pages/phase_compare.html", context)


@require_GET
@login_required
def competencies(request: HttpRequest) -> HttpResponse:
    """My competency profile and assessments (assessments), with the competencies that
    rest on an expired certificate (certificates): a course once done stays done, its
    certificate may lapse."""
    user = request.user
    context = assessments_views.history_context(request) | {
        "lapsed_competencies": certificates.competencies_on_expired_certificates(
            user=user, today=user.local_today()
        ),
    }
    return render(request, "pages/competencies.html", context)
