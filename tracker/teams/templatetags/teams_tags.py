"""Filters and tags of the team page's table and heatmap (formatting only: no database
query)."""

from __future__ import annotations

import functools
import html
from typing import TYPE_CHECKING
from urllib.parse import quote

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from tracker.progress.durations import format_hours
from tracker.progress.templatetags.progress_tags import progress_value, short_date, status_label

if TYPE_CHECKING:  # types only: these format, they read nothing
    from tracker.accounts.models import Team

    from ..selectors import HeatCell, HeatRow, MemberRow, TeamCell

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
    most of the page's time. Each different cell is built once (_heat_cell). Safe by
    construction: the state is one of six fixed words, what a cell shows is made of
    integers and fixed symbols (HeatCell), and the translated phrases are escaped.
    """
    language = get_language()
    return mark_safe(  # every part escaped in _heat_cell
        "".join([_heat_cell(c.state, c.shown, c.manager_level, language) for c in cells])
    )


@register.simple_tag
def heat_rows(rows: list[HeatRow]) -> SafeString:
    """The heatmap's rows: each learner's name, then their cells (heat_cells). One tag
    rather than a template loop, for the reason of team_rows (the same markup)."""
    return mark_safe(  # the name escaped, the cells by heat_cells
        "".join(
            [
                f'\n        <tr>\n          <th scope="row" class="sticky-col">'
                f"{_esc(row.member.get_full_name())}</th>\n          {heat_cells(row.cells)}"
                "\n        </tr>\n        "
                for row in rows
            ]
        )
    )


@functools.lru_cache(maxsize=4096)
def _heat_cell(state: str, shown: str, manager_level: int | None, language: str) -> str:
    """One cell's markup: a few dozen different ones in a language, whatever the team."""
    spoken = _heat_words(language).get(state, "")
    if manager_level:
        rating = escape(gettext("manager's rating %(level)s"))
        spoken += (", " if spoken else "") + rating % {"level": int(manager_level)}
    spoken = f'<span class="visually-hidden"> {spoken}</span>' if spoken else ""
    return f'<td class="heat heat-{state}">{shown}{spoken}</td>'


@register.simple_tag
def heat_head(heatmap, catalogue_url: str) -> SafeString:
    """The heatmap's header cells: each competency's name, a link to the catalogue's
    courses that build it (built like heat_cells: 16 columns through template tags,
    a blocktranslate in each, cost a millisecond). The names are escaped."""
    words = escape(gettext("Courses that build %(name)s"))
    url = _esc(catalogue_url)
    cells = []
    for competency in heatmap.competencies:
        name = _esc(competency.name)
        code = _esc(quote(competency.code))  # the urlencode filter's
        cells.append(
            f'<th scope="col"><a href="{url}?competency={code}" '
            f'aria-label="{words % {"name": name}}">{name}</a></th>'
        )
    return mark_safe("".join(cells))  # every part escaped


@register.simple_tag
def heat_targets(heatmap) -> SafeString:
    """The heatmap's row of targets, a dash where a competency has none."""
    return mark_safe(  # integers and a fixed dash
        "".join(
            f"<td>{_esc(heatmap.targets.get(competency.code) or '—')}</td>"
            for competency in heatmap.competencies
        )
    )


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
    50 rows of nine cells through template tags cost more than the rest of the page.

    Plain f-strings over escaped parts rather than format_html (which escapes each of a
    row's dozen arguments again), the URLs reversed once per page (_url_pattern), and
    what repeats across rows (dates, statuses, percents) formatted once (_Cells). Every
    text is escaped (`_esc`, the standard library's html.escape, which Django's escape
    calls); numbers and fixed words need none."""
    cells = _Cells(team.pk)
    return mark_safe("".join([cells.row(row) for row in rows]))  # every part escaped


def _esc(text) -> str:
    return html.escape(str(text))


def _url_pattern(name: str, team_id: int) -> tuple[str, str]:
    """The URL of `name` for this team and any second id, as what comes before and after
    that id: one reverse() a page instead of one a row (ids are integers: no escaping)."""
    head, _, tail = reverse(name, args=[team_id, _SENTINEL]).rpartition(str(_SENTINEL))
    return head, tail


_SENTINEL = 987654321


class _Cells:
    """One page's formatting of team rows: the words, URL patterns and memos it shares."""

    def __init__(self, team_id: int) -> None:
        self.team_id = team_id
        self.member_url = _url_pattern("teams:member", team_id)
        self.edit_url = _url_pattern("teams:assignment_edit", team_id)
        self.select = _esc(gettext("Select"))
        self.change = _esc(gettext("Change the due date"))
        self.late = _esc(gettext("after the due date"))
        self.never = _esc(gettext("never"))
        self.deactivated = (
            f' <span class="status status-not_started">({_esc(gettext("deactivated"))})</span>'
        )
        self.dates: dict = {}
        self.shorts: dict = {}
        self.statuses: dict[str, str] = {}
        self.percents: dict[float, tuple[str, str]] = {}

    def short(self, day) -> str:
        """A date in the short format, escaped."""
        if (text := self.shorts.get(day)) is None:
            text = self.shorts[day] = _esc(short_date(day))
        return text

    def date(self, day) -> str:
        """A date cell's <time>, or a dash."""
        if day is None:
            return "—"
        if (cell := self.dates.get(day)) is None:
            cell = self.dates[day] = f'<time datetime="{day.isoformat()}">{self.short(day)}</time>'
        return cell

    def status(self, status: str) -> str:
        if (cell := self.statuses.get(status)) is None:
            cell = self.statuses[status] = (
                f'<span class="status status-{_esc(status)}">{_esc(status_label(status))}</span>'
            )
        return cell

    def percent(self, value: float) -> tuple[str, str]:
        """(the <progress> value, the percent shown)."""
        if (pair := self.percents.get(value)) is None:
            pair = self.percents[value] = (progress_value(value), _esc(floatformat(value, 0)))
        return pair

    def row(self, row: MemberRow) -> str:
        member, verdict = row.member, row.verdict
        name = _esc(member.get_full_name())
        (edit, edit_tail), (page, page_tail) = self.edit_url, self.member_url
        parts = [
            f'{_esc(work.label)} <a href="{edit}{work.pk}{edit_tail}" class="no-print" '
            f'aria-label="{self.change}: {name}">✎</a>'
            if work.team_id == self.team_id
            else _esc(work.label)
            for work in row.assignments
        ]
        assigned = "<br>".join(parts) if parts else "—"
        if verdict is None:
            percent = status = "—"
        else:
            value, shown = self.percent(verdict.percent)
            percent = (
                f'<progress max="100" value="{value}" aria-label="{name}: {shown}%"></progress>'
                f" {shown}%"
            )
            status = self.status(verdict.status)
        if row.paused_until:
            paused = gettext("paused until %(date)s") % {"date": short_date(row.paused_until)}
            status = f'{status} <small class="paused">{_esc(paused)}</small>'
        finish = row.projected_finish
        if finish is None:
            finish_cell = "—"
        elif row.late:
            late = f'<span class="status status-behind">({self.late})</span>'
            finish_cell = f"{self.short(finish)} {late}"
        else:
            finish_cell = self.short(finish)
        inactive = "" if member.is_active else self.deactivated
        activity = self.date(row.last_activity) if row.last_activity else self.never
        return (
            f'<tr><th scope="row" class="sticky-col"><input type="checkbox" name="learners" '
            f'value="{member.pk}" form="team-act" class="no-print" '
            f'aria-label="{self.select}: {name}"> '
            f'<a href="{page}{member.pk}{page_tail}">{name}</a>{inactive}</th>'
            f'<td class="assigned">{assigned}</td><td>{self.date(row.due_date)}</td>'
            f"<td>{_esc(format_hours(row.week_hours))} h</td>"
            f"<td>{_esc(format_hours(row.total_hours))} h</td>"
            f"<td>{percent}</td><td>{finish_cell}</td><td>{status}</td>"
            f"<td>{activity}</td></tr>\n"
        )


@register.simple_tag
def history_rows(rows) -> SafeString:
    """The latest changes' rows (teams/_logs.html): when, as a <time>, and the sentence.
    Built here like the table's rows (ten rows through template filters cost 1 ms); the
    date format looked up once (history.when's)."""
    from ..history import sentence

    pattern = get_format("SHORT_DATETIME_FORMAT")
    return mark_safe(  # escaped
        "".join(
            f'\n    <tr><td><time datetime="{_esc(row.created.isoformat())}">'
            f"{_esc(dateformat.format(timezone.localtime(row.created), pattern))}</time></td>"
            f"<td>{_esc(sentence(row))}</td></tr>"
            for row in rows
        )
    )


@register.filter
def trend_status(status: str) -> str:
    from ..trends import trend_status_label

    return trend_status_label(status)


# --- The trends' charts and tables (teams/_trends.html) ---------------------------------
# Their loops, built here like the table's rows: twelve weeks of bars, segments and
# table rows through template tags cost a millisecond a view. The same markup; numbers
# as `{% localize off %}` writes them (str), texts escaped.


@register.simple_tag
def chart_ticks(ticks: list[tuple[float, str]], left: int, width: int) -> SafeString:
    """A chart's horizontal grid lines with their values at the left."""
    return mark_safe(  # numbers and escaped labels
        "".join(
            f'<line x1="{left}" x2="{width}" y1="{y}" y2="{y}" class="grid-line"/>'
            f'<text x="{left - 4}" y="{y}" class="axis-label" text-anchor="end">'
            f"{_esc(value)}</text>"
            for y, value in ticks
        )
    )


@register.simple_tag
def chart_segments(bars) -> SafeString:
    """The stacked bars of statuses per week, a segment per status."""
    return mark_safe(  # numbers, fixed status words and escaped labels
        "".join(
            f'<rect x="{bar.x}" y="{segment.y}" width="{bar.width}" '
            f'height="{segment.height}" class="segment segment-{_esc(segment.status)}">'
            f"<title>{_esc(segment.label)}</title></rect>"
            for bar in bars
            for segment in bar.segments
        )
    )


@register.simple_tag
def status_rows(rows: list[dict]) -> SafeString:
    """The table of statuses per week: the counts, then the members (— without a
    snapshot)."""
    return mark_safe(  # escaped dates, integers
        "".join(
            f"<tr><td>{_esc(row['week'])}</td>"
            + "".join(f'<td class="num">{int(n)}</td>' for n in row["counts"])
            + '<td class="num">'
            + ("—" if row["members"] is None else str(int(row["members"])))
            + "</td></tr>"
            for row in rows
        )
    )
