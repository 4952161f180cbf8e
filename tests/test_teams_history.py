"""The team history reads as people speak: names kept when written, dates in the UI's
format, membership events, filters by learner and period, a CSV export."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_course, make_user
from tracker.accounts.models import AuditEvent, Membership
from tracker.teams import services
from tracker.teams.models import AssignmentLog

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english(personas):
    """The manager reads the UI in English (their profile language wins over headers)."""
    personas.manager.language = "en"
    personas.manager.save(update_fields=["language"])


def assign_course(personas, course, learners=None, days=30):
    return services.assignment_assign(
        actor=personas.manager,
        team=personas.team,
        assignees=learners or [personas.learner],
        course=course,
        due_date=TODAY + datetime.timedelta(days=days),
    )


def history_html(personas, **params) -> str:
    url = reverse("teams:history", args=[personas.team.pk])
    response = personas.client_for("manager").get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_history_is_a_sentence_with_the_name_kept_after_a_rename_and_a_deletion(personas):
    course = make_course("PY101", title="Python basics")
    (assignment,) = assign_course(personas, course, days=30)
    due = assignment.due_date
    course.title = "Renamed later"
    course.save()
    html = history_html(personas)
    day = f"{due.day} {due.strftime('%b')} {due.year}"  # the UI's "1 Dec 2026"
    assert f"Mia Manager assigned the course “Python basics” to Léa Learner, due {day}." in html
    assert "Renamed later" not in html
    course.delete()  # the assignment goes with it; its history stays readable
    html = history_html(personas)
    assert "the course “Python basics”" in html


def test_a_due_date_change_reads_in_the_ui_date_format(personas):
    course = make_course("PY102", title="Python more")
    (assignment,) = assign_course(personas, course, days=30)
    services.assignment_set_individual_due_date(
        actor=personas.manager, assignment=assignment, due_date=TODAY + datetime.timedelta(40)
    )
    html = history_html(personas)
    after = TODAY + datetime.timedelta(40)
    assert f"→ {after.day} {after.strftime('%b')} {after.year}" in html
    assert after.isoformat() not in html.replace(f'datetime="{after.isoformat()}', "")


def test_the_history_is_in_french_too(personas):
    course = make_course("PY103", title="Python en bref")
    assign_course(personas, course)
    personas.manager.language = "fr"
    personas.manager.save(update_fields=["language"])
    html = history_html(personas)
    assert "Mia Manager a assigné le cours «\u00a0Python en bref\u00a0» à Léa Learner" in html


def test_membership_events_read_as_sentences(personas):
    newcomer = make_user("new@example.test", name="Noé Newcomer")
    invitation, _sent = services.invitation_create(
        team=personas.team, inviter=personas.manager, email="new@example.test"
    )
    services.invitation_accept(invitation=invitation, user=newcomer)
    services.member_remove(team=personas.team, user=newcomer, actor=personas.manager)
    services.membership_leave(team=personas.team, user=personas.learner)
    html = history_html(personas)
    assert "Mia Manager invited Noé Newcomer." in html or "Mia Manager invited new@" in html
    assert "Noé Newcomer accepted the invitation and joined." in html
    assert "Mia Manager removed Noé Newcomer from the team." in html
    assert "Léa Learner left the team." in html


def test_filters_by_learner_and_period(personas):
    second = make_user("second@example.test", name="Sam Second")
    Membership.objects.create(team=personas.team, user=second)
    old, new = make_course("OLD1", title="Old course"), make_course("NEW1", title="New course")
    assign_course(personas, old, learners=[personas.learner, second])
    assign_course(personas, new, learners=[second])
    AssignmentLog.objects.filter(target="OLD1").update(
        created=timezone.now() - datetime.timedelta(days=60)
    )
    only_sam = history_html(personas, learner=second.pk)
    assert "Sam Second" in only_sam and "to Léa Learner" not in only_sam
    recent = history_html(personas, since=(TODAY - datetime.timedelta(days=7)).isoformat())
    assert "New course" in recent and "Old course" not in recent
    older = history_html(
        personas,
        since=(TODAY - datetime.timedelta(days=90)).isoformat(),
        until=(TODAY - datetime.timedelta(days=30)).isoformat(),
    )
    assert "Old course" in older and "New course" not in older
    both = history_html(
        personas, learner=personas.learner.pk, since=(TODAY - timezone.timedelta(90)).isoformat()
    )
    assert "Old course" in both and "New course" not in both


def test_a_period_that_ends_before_it_starts_is_told_at_the_field(personas):
    html = history_html(personas, since=TODAY.isoformat(), until="2000-01-01")
    assert "The end of the period cannot be before its start." in html


def test_a_learner_of_another_team_is_not_a_choice(personas):
    response = personas.client_for("manager").get(
        reverse("teams:history", args=[personas.team.pk]),
        {"learner": personas.other_learner.pk},
    )
    assert response.status_code == 200
    assert "Omar Other" not in response.content.decode()
    assert response.context["filters"].errors["learner"]


def test_the_csv_has_the_sentences_filtered_and_is_safe(personas):
    evil = make_course("EVIL", title="=HYPERLINK(1)")
    assign_course(personas, evil)
    second = make_user("second@example.test", name="Sam Second")
    Membership.objects.create(team=personas.team, user=second)
    assign_course(personas, make_course("PY104", title="Python"), learners=[second])
    url = reverse("teams:history_export", args=[personas.team.pk])
    client = personas.client_for("manager")
    response = client.get(url, {"dialect": "semicolon", "learner": personas.learner.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["When", "Who", "Learner", "What"]
    assert len(rows) == 2  # Sam's row filtered out
    assert rows[1][1:3] == ["Mia Manager", "Léa Learner"]
    assert rows[1][3].startswith("Mia Manager assigned the course “=HYPERLINK(1)”")
    assert client.get(url, {"dialect": "tab"}).status_code == 400


def test_a_csv_cell_starting_with_a_formula_is_made_inert(personas):
    person = make_user("evil@example.test", name="=cmd|x")
    Membership.objects.create(team=personas.team, user=person)
    AuditEvent.objects.create(
        action=AuditEvent.Action.LEFT, actor=person, user=person, team=personas.team
    )
    response = personas.client_for("manager").get(
        reverse("teams:history_export", args=[personas.team.pk])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[1][1] == "'=cmd|x" and rows[1][3].startswith("'=cmd|x")


def test_the_history_page_costs_the_same_queries_for_5_and_40_rows(
    personas, django_assert_max_num_queries
):
    url = reverse("teams:history", args=[personas.team.pk])
    client = personas.client_for("manager")
    client.get(url)
    counts = []
    for n in (5, 40):
        for i in range(n):
            assign_course(personas, make_course(f"Q{n}X{i}", title=f"Course {i}"))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"learner": personas.learner.pk}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 12


def test_the_event_count_is_french_for_every_plural_form():
    from django.utils import translation

    with translation.override("fr"):
        for n in (0, 1, 2, 21, 1_000_000):
            text = translation.ngettext("%(counter)s event", "%(counter)s events", n)
            assert "événement" in text, n


def test_a_learner_who_left_can_still_be_chosen(personas):
    course = make_course("GONE1", title="Gone course")
    assign_course(personas, course)
    second = make_user("second@example.test", name="Sam Second")
    Membership.objects.create(team=personas.team, user=second)
    assign_course(personas, make_course("STAY1", title="Stay course"), learners=[second])
    services.membership_leave(team=personas.team, user=personas.learner)
    response = personas.client_for("manager").get(
        reverse("teams:history", args=[personas.team.pk]), {"learner": personas.learner.pk}
    )
    assert response.context["filters"].is_valid()
    html = response.content.decode()
    assert "Léa Learner left the team." in html and "Gone course" in html
    assert "Stay course" not in html


def test_the_dashboard_shows_the_history_pages_latest_rows_in_the_same_words(personas):
    """The dashboard reads its latest changes with hand-written SQL (selectors.team_logs):
    the same rows, order and sentences as the history page's, the people who wrote them
    deleted or not, an invitation to an address with no account yet."""
    from django.utils import translation

    from tracker.teams import history, selectors

    course = make_course("PY101", title="Python basics")
    (assignment,) = assign_course(personas, course, days=30)
    services.assignment_set_individual_due_date(
        actor=personas.manager, assignment=assignment, due_date=TODAY + datetime.timedelta(days=40)
    )
    newcomer = make_user("new@example.test", name="Noé Newcomer")
    invitation, _sent = services.invitation_create(
        team=personas.team, inviter=personas.manager, email="new@example.test"
    )
    services.invitation_accept(invitation=invitation, user=newcomer)
    services.invitation_create(
        team=personas.team, inviter=personas.manager, email="nobody-yet@example.test"
    )
    gone = make_user("gone@example.test", name="Gus Gone")
    AssignmentLog.objects.create(
        team=personas.team,
        actor=gone,
        assignee=personas.learner,
        target="OLD1",
        action=AssignmentLog.Action.REMOVED,
    )
    gone.delete()
    everything = list(selectors.team_logs_all(team=personas.team))
    assert len(everything) >= 5
    for limit in (3, len(everything) + 1):
        latest = selectors.team_logs(team=personas.team, limit=limit)
        expected = everything[:limit]
        assert [(type(r), r.pk) for r in latest] == [(type(r), r.pk) for r in expected]
        assert [history.sentence(r) for r in latest] == [history.sentence(r) for r in expected]
        assert [history.when(r) for r in latest] == [history.when(r) for r in expected]
    with translation.override("en"):
        assert history.sentence(latest[0]) == (
            "someone whose account was deleted took “OLD1” back from Léa Learner."
        )


def test_the_dashboard_says_when_nothing_changed_yet_and_shows_the_latest_rows(personas):
    url = reverse("teams:detail", args=[personas.team.pk])
    client = personas.client_for("manager")
    assert "No change yet." in client.get(url).content.decode()
    assign_course(personas, make_course("PY103", title="Python <3"))
    body = client.get(url).content.decode()
    assert "No change yet." not in body
    assert "Mia Manager assigned the course “Python &lt;3” to Léa Learner, due" in body
    log = AssignmentLog.objects.get()
    assert f'<time datetime="{log.created.isoformat()}">' in body
