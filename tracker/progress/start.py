"""The first-run guide: a learner with no track picks one, sets a weekly pace, and
chooses each phase's option, in three steps (/start/). Each step is a plain form that
writes through the services and sends to the next; any step can be opened again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from courses import selectors as catalogue
from courses.models import Track
from tracker.accounts import services as account_services

from . import selectors, services
from .forms import StartOptionsForm, StartPaceForm, StartTrackForm

STEPS = ["track", "pace", "options"]


def _step_context(step: str, track: Track | None = None) -> dict:
    return {"step": step, "step_number": STEPS.index(step) + 1, "steps": len(STEPS), "track": track}


@login_required
@require_http_methods(["GET", "POST"])
def start_track(request):
    """Step 1: pick a track, the tracks compared side by side at the learner's pace."""
    tracks = Track.objects.order_by("code")
    form = StartTrackForm(request.POST or None, tracks=tracks)
    if request.method == "POST" and form.is_valid():
        track = form.cleaned_data["track"]
        services.track_join(user=request.user, track=track)
        return redirect("start_pace", code=track.code)
    pace = selectors.weekly_pace(user=request.user)
    context = _step_context("track") | {
        "form": form,
        "summaries": catalogue.track_summaries(weekly_hours=pace),
        "weekly_hours": pace,
    }
    return render(request, "progress/start/track.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def start_pace(request, code: str):
    """Step 2: the hours a week the learner can give (their profile's figure)."""
    track = get_object_or_404(Track, code=code)
    initial = {"weekly_hours": selectors.weekly_pace(user=request.user)}
    form = StartPaceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        account_services.user_set_weekly_hours(
            user=request.user, weekly_hours=form.cleaned_data["weekly_hours"]
        )
        return redirect("start_options", code=track.code)
    return render(
        request, "progress/start/pace.html", _step_context("pace", track) | {"form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def start_options(request, code: str):
    """Step 3: one option per phase (or later); then the dashboard."""
    track = catalogue.track_get(code=code)
    phases = list(track.phases.all())
    chosen = selectors.first_run_choices(user=request.user, track=track)
    form = StartOptionsForm(request.POST or None, phases=phases, chosen=chosen)
    if request.method == "POST" and form.is_valid():
        services.track_join(user=request.user, track=track)
        options = {c.code: c for p in phases for c in p.options.all()}
        for phase, course_code in form.choices():
            services.phase_choose(user=request.user, phase=phase, course=options[course_code])
        messages.success(
            request,
            _("Your plan for %(track)s is ready. Log your first hours when you start.")
            % {"track": track.name},
        )
        return redirect(reverse("dashboard"))
    context = _step_context("options", track) | {"form": form}
    return render(request, "progress/start/options.html", context)
