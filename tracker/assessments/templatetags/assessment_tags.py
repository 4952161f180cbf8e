"""Tags for the extension points this app fills on pages it does not own (the phase
comparison page and the dashboard): they read what they need from the context."""

from __future__ import annotations

from django import template

from courses.models import Phase

from .. import selectors

register = template.Library()


def _user(context):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return user if user is not None and user.is_authenticated else None


@register.simple_tag(takes_context=True)
def phase_ranking(context, phase: Phase | None = None) -> dict:
    """The phase's options ranked by the learner's gaps:
    {"gaps": [...], "ranked": [...], "has_snapshot": bool}."""
    phase = phase or context.get("phase")
    user = _user(context)
    if phase is None or user is None:
        return {"gaps": [], "ranked": [], "has_snapshot": False}
    gaps, ranked = selectors.ranked_phase_options(user=user, phase=phase)
    has_snapshot = bool(gaps) or selectors.snapshots_exist(user=user)
    return {"gaps": gaps, "ranked": ranked if gaps else [], "has_snapshot": has_snapshot}


@register.simple_tag(takes_context=True)
def assessment_summary(context) -> dict:
    """The dashboard's summary: largest gaps, and the best option of each phase."""
    user = _user(context)
    if user is None:
        return {}
    request = context.get("request")
    track = context.get("track") or selectors.track_for_learner(
        user=user, track_code=request.GET.get("track") if request else None
    )
    gaps, phases = selectors.ranked_track_options(user=user, track=track)
    has_snapshot = bool(gaps) or selectors.snapshots_exist(user=user)
    best = [(phase, ranked[0]) for phase, ranked in phases if ranked and ranked[0].score > 0]
    return {"track": track, "gaps": gaps[:3], "best": best, "has_snapshot": has_snapshot}
