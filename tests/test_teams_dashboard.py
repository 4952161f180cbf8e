"""The team dashboard: its rows and statuses, filters and sort (htmx and plain GET), the
CSV export, the heatmap, members, the read-only member page, the API, query counts."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.csv_cells import FORMULA_CELLS
from tests.factories import make_competency, make_course, make_snapshot, make_target, make_user
from tests.progress_helpers import log_daily, make_track_with_options
from tracker.accounts.models import Membership
from tracker.assessments.models import ManagerRating
from tracker.progress import services as progress_services
from tracker.progress.models import TimeEntry
from tracker.teams import services
from tracker.teams.models import Invitation

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def assigned(personas):
    """The team's learner follows the assigned track; a second member has logged nothing."""
    track, p1, _p2, a, _b, _c = make_track_with_options()
    second = make_user("second@example.test", name="Zoé Second")
    Membership.objects.create(team=personas.team, user=second)
    services.assignment_assign(
        actor=personas.manager,
        team=personas.team,
        assignees=[personas.learner, second],
        track=track,
        due_in_days=60,
    )
    progress_services.phase_choose(user=personas.learner, phase=p1, course=a)
    log_daily(personas.learner, a, days=3, minutes=180, end=TODAY)
    return track, a, second


def team_url(personas, name="teams:detail", *args):
    return reverse(name, args=[personas.team.pk, *args])


def test_one_row_per_learner_with_hours_and_status(personas, assigned):
    response = personas.client_for("manager").get(team_url(personas))
    table = response.context["table"]
    rows = {row.member.email: row for row in table.rows}
    learner = rows["learner@example.test"]
    assert learner.total_hours == 9
    assert learner.percent == 90.0  # 9 h of the 10 h of the chosen option
    assert learner.status == "on_track"
    assert learner.last_activity == TODAY
    assert learner.due_date == TODAY + datetime.timedelta(days=60)
    assert rows["second@example.test"].total_hours == 0
    assert rows["second@example.test"].last_activity is None
    # The row as HTML: the edit link is a link, the name is escaped.
    [work] = learner.assignments
    edit = reverse("teams:assignment_edit", args=[personas.team.pk, work.pk])
    assert f'<td class="assigned">{work.label} <a href="{edit}" class="no-print"' in response.text


def test_filter_and_sort_by_get_params_and_htmx_partial(personas, assigned):
    client = personas.client_for("manager")
    response = client.get(team_url(personas), {"status": "on_track"})
    assert [r.member.email for r in response.context["table"].rows] == ["learner@example.test"]
    response = client.get(team_url(personas), {"sort": "total", "desc": "on"})
    assert response.context["table"].rows[0].member.email == "learner@example.test"
    partial = client.get(team_url(personas), {"q": "zoé"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "<html" not in body and 'id="team-table"' in body
    assert "Zoé Second" in body and "Léa Learner" not in body


def test_csv_export_has_a_bom_and_neutralises_formulas(personas, assigned):
    _track, _a, second = assigned
    second.name = '=HYPERLINK("http://evil.test","x")'
    second.save()
    response = personas.client_for("manager").get(team_url(personas, "teams:export"))
    assert response["Content-Type"].startswith("text/csv")
    raw = response.content.decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw[1:])))
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.test","x")' in names
    second.refresh_from_db()
    assert second.name.startswith("=")  # stored as typed, escaped only in the export


@pytest.mark.parametrize("name", FORMULA_CELLS)
def test_csv_export_neutralises_every_formula_trigger_as_the_personal_csv_does(
    personas, assigned, name
):
    _track, _a, second = assigned
    second.name = name
    second.save()
    response = personas.client_for("manager").get(team_url(personas, "teams:export"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:], newline="")))
    assert "'" + name in [row[0] for row in rows[1:]]


def test_csv_export_takes_a_dialect_and_the_page_offers_both(personas, assigned):
    client = personas.client_for("manager")
    url = team_url(personas, "teams:export")
    raw = client.get(url, {"dialect": "semicolon"}).content.decode("utf-8")[1:]
    rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert len(rows[0]) == 10 and rows[0][0] == "Nom"
    assert all("." not in row[4] and "," in row[4] for row in rows[1:])  # decimal comma
    raw = client.get(url).content.decode("utf-8")[1:]  # scripts: "," by default
    rows = list(csv.reader(io.StringIO(raw)))
    assert len(rows[0]) == 10 and all("." in row[4] for row in rows[1:])
    assert client.get(url, {"dialect": "excel"}).status_code == 400
    page = client.get(team_url(personas, "teams:detail")).text
    assert "export.csv?dialect=semicolon" in page and "export.csv?dialect=comma" in page


def test_heatmap_shows_level_manager_rating_and_target_with_symbols(personas, assigned):
    track = assigned[0]
    comp = make_competency("mlops", name_en="MLOps")
    make_target(track, comp, 3)
    make_snapshot(personas.learner, {"mlops": 2}, track=track)
    ManagerRating.objects.create(
        team=personas.team,
        manager=personas.manager,
        member=personas.learner,
        competency=comp,
        competency_code="mlops",
        level=4,
    )
    personas.manager.language = "en"
    personas.manager.save(update_fields=["language"])
    response = personas.client_for("manager").get(team_url(personas))
    heatmap = response.context["heatmap"]
    cells = {row.member.email: row.cells for row in heatmap.rows}
    cell = cells["learner@example.test"][0]
    assert (cell.level, cell.manager_level, cell.target, cell.state) == (2, 4, 3, "gap1")
    assert cells["second@example.test"][0].state == "unrated"
    body = response.content.decode()
    assert "▼ 2 \u22121 (4)" in body and "1 level below target" in body
    # The team row: the median of the levels given, how many are below the target.
    [team_cell] = heatmap.team
    assert (team_cell.median, team_cell.below, team_cell.rated) == (2, 1, 1)
    assert "median 2" in body and "1 below target" in body
    # The competency leads to the catalogue's courses that build it.
    assert f'href="{reverse("courses:catalogue")}?competency=mlops"' in body


def test_heatmap_is_cached_and_follows_each_new_assessment(personas, assigned):
    """The team row's counts and the shown learners' levels are cached under the latest
    assessments' ids (a submitted assessment never changes): a later page reads neither,
    and a newly submitted assessment (a new latest one) shows at once."""
    track, _course, second = assigned
    make_target(track, make_competency("mlops"), 3)
    make_snapshot(personas.learner, {"mlops": 2}, track=track)
    client = personas.client_for("manager")

    def heatmap():
        with CaptureQueriesContext(connection) as queries:
            shown = client.get(team_url(personas)).context["heatmap"]
        [cell] = shown.team
        levels = {row.member.pk: row.cells[0].level for row in shown.rows}
        ratings = [q for q in queries if 'FROM "assessments_rating"' in q["sql"]]
        return (cell.median, cell.below, cell.rated), levels[personas.learner.pk], len(ratings)

    assert heatmap() == ((2, 1, 1), 2, 2)
    assert heatmap() == ((2, 1, 1), 2, 0)  # both cached
    make_snapshot(second, {"mlops": 4}, track=track)
    assert heatmap() == ((3, 1, 2), 2, 2)
    make_snapshot(personas.learner, {"mlops": 3}, track=track)  # their latest replaces 2
    assert heatmap() == ((3.5, 0, 2), 3, 2)


def test_heatmap_columns_follow_a_new_assignment_when_cached(personas, assigned):
    """The competencies and targets are cached under the members' progress versions: a
    track assigned later (which bumps its learner's version) brings its columns at once."""
    track, _course, second = assigned
    make_target(track, make_competency("mlops"), 3)
    other = make_track_with_options("other")[0]
    make_target(other, make_competency("ethics"), 4)
    client = personas.client_for("manager")

    def columns():
        heatmap = client.get(team_url(personas)).context["heatmap"]
        return [c.code for c in heatmap.competencies], heatmap.targets

    assert columns() == (["mlops"], {"mlops": 3})
    assert columns() == (["mlops"], {"mlops": 3})  # cached
    services.assignment_assign(
        actor=personas.manager, team=personas.team, assignees=[second], track=other, due_in_days=30
    )
    codes, targets = columns()
    assert sorted(codes) == ["ethics", "mlops"] and targets == {"mlops": 3, "ethics": 4}


def test_member_page_is_read_only_and_scoped(personas, assigned):
    client = personas.client_for("manager")
    response = client.get(team_url(personas, "teams:member", personas.learner.pk))
    assert response.status_code == 200
    body = response.content.decode().split("<main", 1)[-1].split("</main>")[0]
    # Read only: nothing posts to the learner's progress; the one form removes the member.
    assert 'action="/progress/' not in body and "hx-post" not in body
    assert body.count('method="post"') == 1 and "/remove/" in body
    other = reverse("teams:member", args=[personas.team.pk, personas.other_learner.pk])
    assert client.get(other).status_code == 404
    theirs = reverse("teams:member", args=[personas.other_team.pk, personas.other_learner.pk])
    assert client.get(theirs).status_code == 404


def test_managers_invite_by_email_and_remove_members(personas):
    """Adding by email used to make anyone a member at once and said "Nobody has this
    email address" otherwise (issue 11): now it invites, with one answer for every
    address, and the person joins when they accept (tests/test_teams_consent.py)."""
    client = personas.client_for("manager")
    newcomer = make_user("New@Example.test")
    client.post(team_url(personas, "teams:member_add"), {"email": "new@example.TEST"})
    assert not personas.team.members.filter(pk=newcomer.pk).exists()
    services.invitation_accept(invitation=Invitation.objects.get(), user=newcomer)
    assert personas.team.members.filter(pk=newcomer.pk).exists()
    # A person may belong to several teams.
    Membership.objects.create(team=personas.other_team, user=newcomer)
    client.post(team_url(personas, "teams:member_remove", newcomer.pk))
    assert not personas.team.members.filter(pk=newcomer.pk).exists()
    assert personas.other_team.members.filter(pk=newcomer.pk).exists()
    known = client.post(team_url(personas, "teams:member_add"), {"email": "other@example.test"})
    unknown = client.post(team_url(personas, "teams:member_add"), {"email": "nobody@x.test"})
    assert known.status_code == unknown.status_code == 302


def test_manager_sees_their_teams_on_the_dashboard(personas):
    body = personas.client_for("manager").get("/").content.decode()
    assert reverse("teams:detail", args=[personas.team.pk]) in body
    assert reverse("teams:detail", args=[personas.other_team.pk]) not in body


def test_api_team_progress(personas, assigned):
    client = personas.client_for("manager")
    response = client.get(f"/api/teams/{personas.team.pk}/progress")
    assert response.status_code == 200
    members = {m["email"]: m for m in response.json()["members"]}
    assert members["learner@example.test"]["total_hours"] == 9
    assert members["learner@example.test"]["status"] == "on_track"
    assert client.get(f"/api/teams/{personas.other_team.pk}/progress").status_code == 404
    assert (
        personas.client_for("learner").get(f"/api/teams/{personas.team.pk}/progress").status_code
        == 404
    )


def _grow_team(personas, size: int, course, track) -> None:
    users = [make_user(f"bulk{size}-{n}@example.test") for n in range(size)]
    Membership.objects.bulk_create(Membership(team=personas.team, user=u) for u in users)
    progress_services.time_entries_bulk_create(
        entries=[
            TimeEntry(user=user, course=course, date=TODAY, minutes=30 + n)
            for n, user in enumerate(users)
        ]
    )
    services.assignment_assign(
        actor=personas.manager, team=personas.team, assignees=users, track=track, due_in_days=30
    )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_team_page_runs_the_same_queries_for_20_and_200_learners(personas):
    """Pinned both ways: with no figure cached (every row computed by the progress model:
    six queries more)
    and with every figure cached (tracker/progress/cache.py)."""
    track, _p1, _p2, _a, _b, _c = make_track_with_options()
    make_target(track, make_competency("c1"), 3)
    course = make_course("SOLO")
    client = personas.client_for("manager")
    url = team_url(personas)
    counts = {}
    for size, grow in ((21, 20), (201, 180)):
        _grow_team(personas, grow, course, track)
        assert personas.team.members.count() == size
        cache.clear()
        cold = _count(client, url)
        counts[size] = (cold, _count(client, url))
    # session, user, team, members, catalogue version, (the progress model's 8 queries when
    # computing: plans, enrolments, assignments, phases with their tracks, choices, the
    # study summaries' weeks and totals, pauses), 5 heatmap queries, the log, the hooks,
    # (when computing: the team's hours per week, the heatmap's tracks and targets; cached
    # under the members' versions)...
    assert counts[21] == counts[201]
    cold, warm = counts[201]
    assert (cold, warm) == (23, 12)
    assert cold == warm + 8 + 1 + 2
    # The CSV has every learner: the page computed the figures of its 50 rows only.
    csv_url = team_url(personas, "teams:export")
    csv_cold, csv_warm = _count(client, csv_url), _count(client, csv_url)
    assert csv_cold == csv_warm + 8 and csv_warm <= 5


def test_the_page_computes_the_figures_of_the_rows_it_shows_only(personas, settings):
    """Sorted by name (the default), a team of 60 computes its first page's 50 learners;
    sorted by a figure, all of them."""
    from unittest import mock

    from tracker.teams import selectors

    users = [make_user(f"m{n:02d}@example.test", name=f"M {n:02d}") for n in range(60)]
    Membership.objects.bulk_create(Membership(team=personas.team, user=u) for u in users)
    client = personas.client_for("manager")
    settings.PARCOURS_PROGRESS_CACHE_SECONDS = 0
    with mock.patch.object(selectors, "member_figures", wraps=selectors.member_figures) as computed:
        client.get(team_url(personas))
        assert len(computed.call_args.kwargs["members"]) == 50
        client.get(team_url(personas), {"sort": "total"})
        assert len(computed.call_args.kwargs["members"]) == personas.team.members.count()


def test_an_assigned_learner_who_chose_nothing_is_not_started(personas, assigned):
    table = personas.client_for("manager").get(team_url(personas)).context["table"]
    second = next(row for row in table.rows if row.member.email == "second@example.test")
    assert second.status == "not_started"
    assert second.projected_finish is None and second.percent == 0


def test_heat_cells_markup_for_each_state():
    from django.utils import translation

    from tracker.teams.selectors import HeatCell
    from tracker.teams.templatetags.teams_tags import heat_cells

    cells = [
        HeatCell(level=3, manager_level=None, target=3),
        HeatCell(level=2, manager_level=None, target=3),
        HeatCell(level=1, manager_level=2, target=3),
        HeatCell(level=1, manager_level=None, target=5),
        HeatCell(level=None, manager_level=None, target=3),
        HeatCell(level=4, manager_level=5, target=None),
    ]
    with translation.override("en"):
        html = str(heat_cells(cells))
    assert html == (
        '<td class="heat heat-met">✓ 3<span class="visually-hidden"> target met</span></td>'
        '<td class="heat heat-gap1">▼ 2 \u22121<span class="visually-hidden"> 1 level below '
        "target</span></td>"
        '<td class="heat heat-gap2">▼▼ 1 \u22122 (2)<span class="visually-hidden"> 2 levels '
        "below target, manager&#x27;s rating 2</span></td>"
        '<td class="heat heat-gap3">▼▼▼ 1 \u22124<span class="visually-hidden"> 3 or more '
        "levels below target</span></td>"
        '<td class="heat heat-unrated">\u2013<span class="visually-hidden"> not rated</span></td>'
        '<td class="heat heat-no_target">4 (5)<span class="visually-hidden"> '
        "manager&#x27;s rating 5</span></td>"
    )


def test_the_team_row_takes_the_median_and_counts_who_is_below():
    from tracker.teams.selectors import _team_cell

    assert _team_cell({}, 3) == _team_cell({}, None)
    cell = _team_cell({1: 1, 2: 2, 4: 1}, 3)  # levels 1, 2, 2, 4
    assert (cell.median, cell.below, cell.rated) == (2, 3, 4)
    cell = _team_cell({1: 1, 4: 1}, 3)  # levels 1, 4
    assert (cell.median, cell.below, cell.rated) == (2.5, 1, 2)
    assert _team_cell({5: 3}, None).below == 0


def test_the_managers_home_says_who_is_overdue_or_behind_and_what_is_due_next(personas):
    """The dashboard's "My teams": per managed team, the overdue and behind learners and
    the next due dates of unfinished work (teams/_manager_summary.html)."""
    from tracker.teams.models import Assignment
    from tracker.teams.selectors import manager_summary

    track, p1, _p2, a, _b, _c = make_track_with_options()
    late = make_user("late@example.test", name="Luc Late")
    idle = make_user("idle@example.test", name="Ivo Idle")
    for user in (late, idle):
        Membership.objects.create(team=personas.team, user=user)
    services.assignment_assign(
        actor=personas.manager, team=personas.team, assignees=[idle], track=track, due_in_days=5
    )
    services.assignment_assign(
        actor=personas.manager, team=personas.team, assignees=[late], track=track, due_in_days=1
    )
    # Past its due date, not done: overdue.
    Assignment.objects.filter(assignee=late).update(due_date=TODAY - datetime.timedelta(days=3))
    progress_services.phase_choose(user=idle, phase=p1, course=a)
    [summary] = manager_summary(user=personas.manager)
    assert summary.team == personas.team and summary.members == 3
    assert [row.member for row in summary.overdue] == [late]
    assert [(row.member, work.due_date) for row, work in summary.due_next] == [
        (idle, TODAY + datetime.timedelta(days=5))
    ]
    personas.manager.language = "en"
    personas.manager.save(update_fields=["language"])
    body = personas.client_for("manager").get("/").text
    assert "1 overdue:" in body and "Luc Late" in body and "Due next" in body
    assert reverse("teams:member", args=[personas.team.pk, late.pk]) in body
    # Another manager's home says nothing of this team.
    assert manager_summary(user=personas.other_manager)[0].team == personas.other_team


def test_a_manager_with_nothing_planned_sees_their_teams_first(personas):
    """A manager who plans no course of their own comes to the dashboard for their
    teams: "My teams" opens the page, before the learner's first steps and summary. Once
    they plan a course, where they stand comes first again."""
    personas.manager.language = "en"
    personas.manager.save(update_fields=["language"])
    client = personas.client_for("manager")
    body = client.get("/").text
    assert body.count('id="my-teams-title"') == 1
    assert body.index('id="my-teams-title"') < body.index('id="standing-title"')
    course = make_course("MGR-1", hours="10")
    progress_services.plan_add(user=personas.manager, course=course)
    body = client.get("/").text
    assert body.count('id="my-teams-title"') == 1
    assert body.index('id="standing-title"') < body.index('id="my-teams-title"')


def test_column_headers_sort_keeping_the_filters_and_say_the_order(personas, assigned):
    client = personas.client_for("manager")
    response = client.get(team_url(personas), {"q": "e", "sort": "total"})
    headers = {h.label: h for h in response.context["headers"]}
    total = headers["Total hours"] if "Total hours" in headers else headers["Heures au total"]
    assert total.aria_sort == "ascending"
    assert "q=e" in total.url and "sort=total" in total.url and "desc=on" in total.url
    others = [h for h in response.context["headers"] if h is not total and h.url]
    assert all(not h.aria_sort and "desc" not in h.url and "q=e" in h.url for h in others)
    assert 'aria-sort="ascending"' in response.text
    response = client.get(team_url(personas), {"sort": "total", "desc": "on"})
    assert 'aria-sort="descending"' in response.text


def test_sorting_by_the_largest_gap_puts_the_furthest_below_first(personas, assigned):
    track, _a, second = assigned
    comp = make_competency("mlops", name_en="MLOps")
    make_target(track, comp, 4)
    make_snapshot(personas.learner, {"mlops": 3}, track=track)
    make_snapshot(second, {"mlops": 1}, track=track)
    client = personas.client_for("manager")
    rows = client.get(team_url(personas), {"sort": "gap"}).context["table"].rows
    assert [row.member for row in rows] == [second, personas.learner]
    heatmap = client.get(team_url(personas), {"sort": "gap"}).context["heatmap"]
    assert [row.member for row in heatmap.rows] == [second, personas.learner]
    assert [row.largest_gap for row in heatmap.rows] == [3, 1]
    rows = client.get(team_url(personas), {"sort": "gap", "desc": "on"}).context["table"].rows
    assert [row.member for row in rows] == [personas.learner, second]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "data",
    [None, {}, {"q": 'a"<b&', "status": "behind", "sort": "week", "desc": "on"}, {"sort": "x"}],
)
def test_the_filters_render_as_djangos_own_widgets(data, language):
    """The filters' widgets build their markup in Python (teams/forms.py): the same as
    Django's widget templates (but the blank lines between options), values escaped."""
    from django import forms
    from django.utils import translation

    from tracker.teams.forms import MemberAddForm, TeamFilterForm

    standard = {"q": forms.TextInput, "status": forms.Select, "desc": forms.CheckboxInput}
    standard["sort"] = forms.Select
    with translation.override(language):
        form = TeamFilterForm(data)
        fields = [form[name] for name in standard]
        fields.append(
            MemberAddForm({"email": (data or {}).get("q", "")} if data else None)["email"]
        )
        standard["email"] = forms.EmailInput
        for field, widget_class in zip(fields, standard.values(), strict=True):
            name = field.name
            quick = field.field.widget
            widget = widget_class(attrs=quick.attrs)
            widget.choices, widget.is_required = getattr(quick, "choices", ()), quick.is_required
            expected = field.as_widget(widget=widget)
            assert str(field) == expected.replace("\n\n", "\n"), name
    if data and data.get("q"):
        assert 'value="a&quot;&lt;b&amp;"' in str(form["q"])
        assert '<option value="behind" selected>' in str(form["status"])


def test_heatmap_headers_link_each_competency_escaped(personas, assigned):
    track = assigned[0]
    make_target(track, make_competency("ml&ops", name_en='ML "ops" <1>'), 3)
    personas.manager.language = "en"
    personas.manager.save(update_fields=["language"])
    body = personas.client_for("manager").get(team_url(personas)).content.decode()
    assert (
        f'<th scope="col"><a href="{reverse("courses:catalogue")}?competency=ml%26ops" '
        'aria-label="Courses that build ML &quot;ops&quot; &lt;1&gt;">'
        "ML &quot;ops&quot; &lt;1&gt;</a></th>"
    ) in body


def test_team_members_are_users_by_name_as_the_orm_reads_them(personas, assigned):
    """selectors.team_members builds its User objects by hand (for speed): the same
    members in the same order as the ORM's, saved instances whose other fields load."""
    from tracker.teams.selectors import team_members

    inactive = make_user("inactive@example.test", name="Aline Inactive", is_active=False)
    unnamed = make_user("b@example.test", name="", timezone="Asia/Tokyo")
    for user in (inactive, unnamed):
        Membership.objects.create(team=personas.team, user=user)
    make_user("outsider@example.test")
    members = team_members(personas.team)
    expected = list(personas.team.members.order_by("name", "email"))
    assert members == expected and len(members) == 4
    assert [m.is_active for m in members].count(False) == 1
    for member, user in zip(members, expected, strict=True):
        assert (member.name, member.email, member.timezone, member.is_active) == (
            user.name,
            user.email,
            user.timezone,
            user.is_active,
        )
        assert member.progress_version == user.progress_version
        assert member.local_today() == user.local_today()
        assert member.language == user.language  # read when asked for, like .only()
        assert not member._state.adding


def test_the_invitation_field_is_form_fields_markup_and_shows_a_refusal(personas):
    """Unbound, the page writes the invitation's one field itself (without the form
    templates): the markup includes/form_fields.html gives, but the whitespace; a refused
    address comes back through form_fields.html, with its message."""
    import re

    from django.template.loader import render_to_string
    from django.utils import translation

    from tracker.teams.forms import MemberAddForm

    client = personas.client_for("manager")
    body = client.get(team_url(personas)).content.decode()
    with translation.override("fr"):
        expected = render_to_string("includes/form_fields.html", {"form": MemberAddForm()})

    def squeezed(html: str) -> str:
        return re.sub(r">\s+<", "><", html.strip())

    assert squeezed(expected) in squeezed(body)
    refused = client.post(team_url(personas, "teams:member_add"), {"email": "not an address"})
    assert refused.status_code == 422
    assert 'class="field-error"' in refused.content.decode() or "errorlist" in (
        refused.content.decode()
    )
    assert 'value="not an address"' in refused.content.decode()


def test_a_pages_figures_are_read_together_and_follow_one_learners_change(personas, assigned):
    """The rows' figures are cached one by one and, for a page, together (under all
    their keys): a page seen again computes nothing; after one learner's write, only
    that learner's figures are computed, and the page shows them."""
    from unittest import mock

    from tracker.teams import selectors

    _track, course, second = assigned
    client = personas.client_for("manager")
    cache.clear()
    client.get(team_url(personas))
    with mock.patch.object(selectors, "member_figures", wraps=selectors.member_figures) as computed:
        client.get(team_url(personas))
        assert not computed.called
        log_daily(second, course, days=1, minutes=90, end=TODAY)
        response = client.get(team_url(personas))
        assert [m.pk for m in computed.call_args.kwargs["members"]] == [second.pk]
    rows = {row.member.pk: row for row in response.context["page"].object_list}
    assert rows[second.pk].week_hours == 1.5
