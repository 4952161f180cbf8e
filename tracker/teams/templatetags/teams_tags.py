"""Filters and tags of the team page's table and heatmap (formatting only: no database
query)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from tracker.progress.durations import format_hours
from tracker.progress.templatetags.progress_tags import progress_value, short_date, status_label

if TYPE_CHECKING:  # types only: these format, they read nothing
    from tracker.accounts.models import Team

    from ..selectors import HeatCell, MemberRow, TeamCell

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@functools.lru_cache(maxsize=8)
def _heat_words(language: str) -> dict[str, str]:
    """What a screen reader hears after a cell's level, in `language` (the active one)."""
    return {
        "met": escape(gettext("target met")),
        "gap1": escape(gettext("1 level below target")),
        "gap2": escape(gettext("2 levels below target")),
        "gap3": escape(gettext("3 or more levels below target")),
        "unrated": escape(gettext("not rated")),
    }


@register.filter
def heat_cells(cells: list[HeatCell]) -> SafeString:
    """A heatmap row's cells, with what a screen reader hears after the level.

    Joined here rather than with a loop of tags: a team page has a cell per learner and
    competency (800 with 50 learners and 16 competencies), and the template loop took
    most of the page's time. Safe by construction: the state is one of six fixed words,
    what a cell shows is made of integers and fixed symbols (HeatCell), and the
    translated phrases are escaped once, below.
    """
    said = _heat_words(get_language())
    rating = escape(gettext("manager's rating %(level)s"))
    parts = []
    for cell in cells:
        state = cell.state
        spoken = said.get(state, "")
        if cell.manager_level:
            spoken += (", " if spoken else "") + rating % {"level": int(cell.manager_level)}
        spoken = f'<span class="visually-hidden"> {spoken}</span>' if spoken else ""
        parts.append(f'<td class="heat heat-{state}">{cell.shown}{spoken}</td>')
    return mark_safe("".join(parts))  # every part escaped above


@register.filter
def team_cells(cells: list[TeamCell]) -> SafeString:
    """The heatmap's team row: each competency's median level and how many learners are
    below its target (built like heat_cells, for the same reason)."""
    median = escape(gettext("median %(level)s"))
    nobody = escape(gettext("nobody rated"))
    parts = []
    for cell in cells:
        below = escape(
            ngettext("%(count)d below target", "%(count)d below target", cell.below)
            % {"count": cell.below}
        )
        level = nobody if cell.median is None else median % {"level": floatformat(cell.median)}
        parts.append(f'<td class="heat-team">{level}<br>{below}</td>')
    return mark_safe("".join(parts))  # every part escaped above


@register.simple_tag
def team_rows(rows: list[MemberRow], team: Team) -> SafeString:
    """The team table's rows (teams/team.html), built here for the reason heat_cells is:
    50 rows of nine cells through template tags cost more than the rest of the page. Every
    text is escaped (`format_html`, `escape`); URLs come from `reverse`."""
    words = {
        "select": gettext("Select"),
        "change": gettext("Change the due date"),
        "late": gettext("after the due date"),
        "never": gettext("never"),
        "deactivated": gettext("deactivated"),
    }
    return mark_safe("".join(_team_row(row, team.pk, words) for row in rows))  # format_html


def _date_cell(day) -> SafeString:
    if day is None:
        return mark_safe("—")
    return format_html('<time datetime="{}">{}</time>', day.isoformat(), short_date(day))


def _team_row(row: MemberRow, team_id: int, words: dict[str, str]) -> SafeString:
    member, verdict = row.member, row.verdict
    name = member.get_full_name()
    parts = [
        format_html(
            '{} <a href="{}" class="no-print" aria-label="{}: {}">✎</a>',
            work.label,
            reverse("teams:assignment_edit", args=[team_id, work.pk]),
            words["change"],
            name,
        )
        if work.team_id == team_id
        else escape(work.label)
        for work in row.assignments
    ]
    # Every part is escaped above (a SafeString's join would return a plain str).
    assigned = mark_safe("<br>".join(parts)) if parts else mark_safe("—")
    if verdict is None:
        percent = status = mark_safe("—")
    else:
        shown = floatformat(verdict.percent, 0)
        percent = format_html(
            '<progress max="100" value="{}" aria-label="{}: {}%"></progress> {}%',
            progress_value(verdict.percent),
            name,
            shown,
            shown,
        )
        status = format_html(
            '<span class="status status-{}">{}</span>', verdict.status, status_label(verdict.status)
        )
    if row.paused_until:
        status = format_html(
            '{} <small class="paused">{}</small>',
            status,
            gettext("paused until %(date)s") % {"date": short_date(row.paused_until)},
        )
    finish = row.projected_finish
    if finish is None:
        finish_cell = mark_safe("—")
    elif row.late:
        finish_cell = format_html(
            '{} <span class="status status-behind">({})</span>', short_date(finish), words["late"]
        )
    else:
        finish_cell = escape(short_date(finish))
    inactive = (
        format_html(' <span class="status status-not_started">({})</span>', words["deactivated"])
        if not member.is_active
        else ""
    )
    return format_html(
        '<tr><th scope="row" class="sticky-col"><input type="checkbox" name="learners" '
        'value="{}" form="team-act" class="no-print" aria-label="{}: {}"> '
        '<a href="{}">{}</a>{}</th>'
        "<td>{}</td><td>{}</td><td>{} h</td><td>{} h</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td></tr>\n",
        member.pk,
        words["select"],
        name,
        reverse("teams:member", args=[team_id, member.pk]),
        name,
        inactive,
        assigned,
        _date_cell(row.due_date),
        format_hours(row.week_hours),
        format_hours(row.total_hours),
        percent,
        finish_cell,
        status,
        _date_cell(row.last_activity) if row.last_activity else words["never"],
    )


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
