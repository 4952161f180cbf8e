"""Data for the certificates' hook templates (the dashboard, the competency view): the
hooks stand alone, so these tags read what they need. The readiness partials themselves
take plain context (`readiness`, `lapsed_competencies`), so a view that composes a page
(issue 15's pages app) calls the selectors and includes them without these tags."""

from __future__ import annotations

from django import template

from .. import selectors

register = template.Library()


def _signed_in(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@register.simple_tag(takes_context=True)
def certificate_readiness(context) -> selectors.Readiness:
    """The signed-in learner's current certificates by state (1 query)."""
    user = _signed_in(context)
    if user is None:
        return selectors.Readiness()
    return selectors.readiness_for_user(user=user, today=user.local_today())


@register.simple_tag(takes_context=True)
def lapsed_competencies(context) -> list:
    """[(competency, expired certificates)] of the signed-in learner (1 or 2 queries)."""
    user = _signed_in(context)
    if user is None:
        return []
    return selectors.competencies_on_expired_certificates(user=user, today=user.local_today())
