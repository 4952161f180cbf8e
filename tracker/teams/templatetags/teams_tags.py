"""Tags for the dashboard hooks: the learner's assignments, the manager's teams."""

from __future__ import annotations

from django import template
from django.db.models import Count

from tracker.accounts.models import Team

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def my_assignments(context) -> list:
    return selectors.assignments_for_learner(user=context["request"].user)


@register.simple_tag(takes_context=True)
def my_teams(context) -> list[Team]:
    # Managed teams only, even for admins: the dashboard is the person's own page.
    user = context["request"].user
    return list(Team.objects.filter(managers=user).annotate(member_count=Count("memberships")))


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
