"""Filters of the team page's heatmap (formatting only: no database query)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

if TYPE_CHECKING:  # a type only: a filter formats, it reads nothing
    from ..selectors import HeatCell

register = template.Library()


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


@register.filter
def trend_status(status: str) -> str:
    from ..trends import trend_status_label

    return trend_status_label(status)
