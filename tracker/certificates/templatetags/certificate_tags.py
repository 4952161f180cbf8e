"""The dashboard's certificates panel reads what it needs itself (the hook stands alone)."""

from __future__ import annotations

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def certificates_needing_renewal(context) -> list[tuple]:
    """[(certificate, expiry)] for the signed-in learner: expired or expiring soon (1 query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    today = user.local_today()
    return [
        (c, c.expiry(today)) for c in selectors.certificates_needing_renewal(user=user, today=today)
    ]
