"""Tags for the dashboard hooks (the learner's assignments, the manager's teams) and the
team page's heatmap."""

from __future__ import annotations

from django import template
from django.db.models import Count
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from tracker.accounts.models import Team

from .. import selectors
from ..selectors import HeatCell

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


@register.filter
def heat_cells(cells: list[HeatCell]) -> SafeString:
    """A heatmap row's cells, with what a screen reader hears after the level.

    Joined here rather than with a loop of tags: a team page has a cell per learner and
    competency (800 with 50 learners and 16 competencies), and the template loop took
    most of the page's time. Safe by construction: the state is one of four fixed words,
    the levels are integers, and the translated phrases are escaped once, below.
    """
    said = {
        "met": " " + escape(gettext("target met")),
        "below": " " + escape(gettext("below target")),
        "unrated": " " + escape(gettext("not rated")),
    }
    rating = escape(gettext("manager's rating %(level)s"))
    parts = []
    for cell in cells:
        state = cell.state
        spoken = said.get(state, "")
        if cell.manager_level:
            spoken += (", " if spoken else " ") + rating % {"level": int(cell.manager_level)}
        parts.append(
            f'<td class="heat heat-{state}">{escape(cell.shown)}'
            f'<span class="visually-hidden">{spoken}</span></td>'
        )
    return mark_safe("".join(parts))  # every part escaped above


@register.filter
def history_sentence(row) -> str:
    """A history row (assignment change or membership event) as a sentence."""
    from ..history import sentence

    return sentence(row)


@register.filter
def history_when(row) -> str:
    from ..history import when

    return when(row)


@register.simple_tag
def team_trends_of(team: Team):
    """The team page's trends (three queries). A tag because the team view is another
    change's; the view may pass `trends` itself (teams/_trends.html takes either)."""
    from ..trends import team_trends

    return team_trends(team)


@register.filter
def trend_status(status: str) -> str:
    from ..trends import trend_status_label

    return trend_status_label(status)
