"""Assessment pages. Views stay short: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import Competency

from . import selectors, services
from .forms import CompetencyRatingForm, ManagerRatingForm


@require_GET
@login_required
def history(request: HttpRequest) -> HttpResponse:
    track = selectors.track_for_learner(user=request.user, track_code=request.GET.get("track"))
    overview = selectors.assessment_overview(user=request.user, track=track)
    context = {"overview": overview, "tracks": selectors.tracks_to_compare()}
    return render(request, "assessments/history.html", context)


def _sections(draft, data=None, start_from=None) -> list[tuple[str, list[CompetencyRatingForm]]]:
    """The framework by domain, one form per competency, filled from the draft; a
    competency the draft has no answer for yet starts from the snapshot `start_from` (a
    retake begins with the last answers)."""
    ratings = {r.competency_code: r for r in start_from.ratings.all()} if start_from else {}
    ratings |= {r.competency_code: r for r in draft.ratings.all()}
    sections: dict = {}
    for competency in selectors.framework_competencies():
        if data is not None:
            form = CompetencyRatingForm(data, competency=competency)
        else:
            form = CompetencyRatingForm.for_rating(competency, ratings.get(competency.code))
        sections.setdefault(competency.domain, []).append(form)
    return list(sections.items())


@require_GET
@login_required
def take(request: HttpRequest) -> HttpResponse:
    track = selectors.track_for_learner(user=request.user, track_code=request.GET.get("track"))
    draft = services.assessment_draft_get_or_create(user=request.user, track=track)
    latest = selectors.latest_snapshot(user=request.user)
    context = {"draft": draft, "sections": _sections(draft, start_from=latest), "latest": latest}
    return render(request, "assessments/take.html", context)


@require_POST
@login_required
def save(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """htmx: save the one competency whose block changed and answer that block with a
    "saved" status; errors come back at the field, nothing else is lost."""
    draft = selectors.draft_get_for_user(user=request.user, assessment_id=assessment_id)
    competency = get_object_or_404(
        Competency, code=request.POST.get("competency", ""), is_active=True
    )
    form = CompetencyRatingForm(request.POST, competency=competency)
    saved_at = None
    if form.is_valid():
        services.assessment_rating_save(
            assessment=draft, competency=competency, rating=form.to_input()
        )
        saved_at = timezone.now()
    context = {"draft": draft, "form": form, "saved_at": saved_at, "oob_status": True}
    if not request.htmx:
        # Without JavaScript the whole form goes to `submit`; a plain POST here (a
        # script, a lost htmx header) has saved its one answer and goes back to the form.
        return redirect("assessments:take")
    return render(request, "assessments/take.html#competency", context)


@require_POST
@login_required
def submit(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Save every posted rating, then turn the draft into a snapshot. A second submit of
    the same draft goes to the snapshot the first one made."""
    assessment = selectors.assessment_get_for_user(user=request.user, assessment_id=assessment_id)
    if not assessment.is_draft:
        return redirect("assessments:detail", assessment_id=assessment.pk)
    sections = _sections(assessment, data=request.POST)
    forms = [form for _domain, domain_forms in sections for form in domain_forms]
    if not all(form.is_valid() for form in forms):
        messages.error(request, _("Some answers need fixing; nothing was submitted."))
        return render(request, "assessments/take.html", {"draft": assessment, "sections": sections})
    for form in forms:
        services.assessment_rating_save(
            assessment=assessment, competency=form.competency, rating=form.to_input()
        )
    if not any(form.cleaned_data["level"] for form in forms):
        messages.error(request, _("Rate at least one competency before submitting."))
        return render(request, "assessments/take.html", {"draft": assessment, "sections": sections})
    snapshot, _created = services.assessment_submit(assessment=assessment)
    messages.success(request, _("Assessment submitted. It is kept in your history."))
    return redirect("assessments:detail", assessment_id=snapshot.pk)


@require_GET
@login_required
def detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """One snapshot, read only from its own copies (not from today's framework)."""
    snapshot = selectors.snapshot_get_for_user(user=request.user, assessment_id=assessment_id)
    changes = selectors.snapshot_changes(snapshot=snapshot)
    return render(request, "assessments/detail.html", {"snapshot": snapshot, "changes": changes})


@require_http_methods(["GET", "POST"])
@login_required
def member(request: HttpRequest, team_id: int, user_id: int) -> HttpResponse:
    """A manager's view of a team member: self-ratings and their own, side by side."""
    team, member = selectors.team_member_for_manager(
        manager=request.user, team_id=team_id, user_id=user_id
    )
    form = ManagerRatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.manager_rating_create(
            team=team, manager=request.user, member=member, **form.cleaned_data
        )
        messages.success(request, _("Your rating was added."))
        return redirect("assessments:member", team_id=team.pk, user_id=member.pk)
    track = selectors.track_for_learner(user=member, track_code=request.GET.get("track"))
    overview = selectors.assessment_overview(user=member, track=track, with_draft=False)
    context = {"team": team, "member": member, "overview": overview, "form": form}
    return render(request, "assessments/member.html", context)
