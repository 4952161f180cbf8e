"""Assignments: services, the assign page, POST /api/assignments, the audit log, plans."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_course, make_user
from tests.progress_helpers import make_track_with_options
from tracker.accounts.models import Membership
from tracker.progress import services as progress_services
from tracker.progress.models import Enrolment, Plan
from tracker.progress.verdicts import learner_progress
from tracker.teams import services
from tracker.teams.models import Assignment, AssignmentLog

pytestmark = pytest.mark.django_db

# The learner-side services use the real date (plans start today), so do the tests.
TODAY = timezone.localdate()


@pytest.fixture
def track():
    return make_track_with_options()


@pytest.fixture
def second_member(personas):
    user = make_user("second@example.test", name="Sam Second")
    Membership.objects.create(team=personas.team, user=user)
    return user


def assign(personas, members, **kwargs):
    kwargs.setdefault("due_date", TODAY + datetime.timedelta(days=30))
    return services.assignment_assign(
        actor=personas.manager, team=personas.team, assignees=members, today=TODAY, **kwargs
    )


def progress_version(user):
    return type(user).objects.values_list("progress_version", flat=True).get(pk=user.pk)


def due_of(user, course):
    """The due date the progress model reads for the learner's plan of `course`."""
    row = next(r for r in learner_progress(user=user).rows if r.plan.course_id == course.pk)
    return row.verdict.due_date


def test_assigning_a_track_enrols_and_the_chosen_options_take_the_due_date(personas, track):
    tr, p1, _p2, a, _b, _c = track
    due = TODAY + datetime.timedelta(days=30)
    [assignment] = assign(personas, [personas.learner], track=tr, due_date=due)
    assert Enrolment.objects.filter(user=personas.learner, track=tr).exists()
    # The learner still chooses the option of each phase; its verdict reads the due date
    # from the assignment, and the plan's target stays the learner's own.
    progress_services.phase_choose(user=personas.learner, phase=p1, course=a)
    plan = Plan.objects.get(user=personas.learner, course=a)
    assert plan.target_date is None
    assert due_of(personas.learner, a) == due
    assert assignment.due_overridden is False


def test_the_learner_editing_their_target_keeps_the_due_date(personas, track):
    tr, p1, _p2, a, _b, _c = track
    due = TODAY + datetime.timedelta(days=30)
    assign(personas, [personas.learner], track=tr, due_date=due)
    progress_services.phase_choose(user=personas.learner, phase=p1, course=a)
    plan = Plan.objects.get(user=personas.learner, course=a)
    own = TODAY + datetime.timedelta(days=200)
    progress_services.plan_update(
        plan=plan, start_date=plan.start_date, weekly_hours=plan.weekly_hours, target_date=own
    )
    row = next(r for r in learner_progress(user=personas.learner).rows if r.plan == plan)
    assert (row.verdict.due_date, row.verdict.target_date) == (due, own)


def test_assigning_again_updates_rather_than_duplicates(personas, track):
    tr = track[0]
    assign(personas, [personas.learner], track=tr, note="first")
    later = TODAY + datetime.timedelta(days=60)
    assign(personas, [personas.learner], track=tr, due_date=later, note="second")
    assignment = Assignment.objects.get()
    assert (assignment.due_date, assignment.note) == (later, "second")
    log = AssignmentLog.objects.filter(action="updated").get()
    assert log.changes["due_date"] == [
        (TODAY + datetime.timedelta(days=30)).isoformat(),
        later.isoformat(),
    ]
    assert log.actor == personas.manager


def test_a_team_wide_change_spares_an_individually_set_date(personas, track, second_member):
    tr = track[0]
    first, second = assign(personas, [personas.learner, second_member], track=tr)
    own = TODAY + datetime.timedelta(days=90)
    services.assignment_set_individual_due_date(
        actor=personas.manager, assignment=second, due_date=own, today=TODAY
    )
    new = TODAY + datetime.timedelta(days=45)
    assign(personas, [personas.learner, second_member], track=tr, due_date=new)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.due_date == new
    assert second.due_date == own and second.due_overridden


def test_due_in_days_counts_from_today(personas):
    course = make_course("SOLO", hours="5")
    [assignment] = assign(
        personas, [personas.learner], course=course, due_date=None, due_in_days=10
    )
    assert assignment.due_date == TODAY + datetime.timedelta(days=10)
    assert due_of(personas.learner, course) == TODAY + datetime.timedelta(days=10)


def test_a_due_date_in_the_past_is_refused(personas, track):
    with pytest.raises(ValidationError) as error:
        assign(personas, [personas.learner], track=track[0], due_date=TODAY - datetime.timedelta(1))
    assert "due_date" in error.value.message_dict
    assert not Assignment.objects.exists()


def test_assigning_someone_outside_the_team_is_refused(personas, track):
    with pytest.raises(ValidationError) as error:
        assign(personas, [personas.other_learner], track=track[0])
    assert "other@example.test" in error.value.message_dict["assignees"][0]
    assert not Assignment.objects.exists()


def test_assign_page_assigns_the_whole_team_when_nobody_is_ticked(personas, track, second_member):
    client = personas.client_for("manager")
    due = personas.manager.local_today() + datetime.timedelta(days=20)
    response = client.post(
        reverse("teams:assign", args=[personas.team.pk]),
        {"track": track[0].code, "due_date": due.isoformat(), "note": "Go"},
    )
    assert response.status_code == 302
    assert set(Assignment.objects.values_list("assignee__email", flat=True)) == {
        "learner@example.test",
        "second@example.test",
    }


def test_assign_page_shows_a_past_date_error_at_the_field(personas, track):
    personas.manager.language = "en"
    personas.manager.save(update_fields=["language"])
    client = personas.client_for("manager")
    past = personas.manager.local_today() - datetime.timedelta(days=1)
    response = client.post(
        reverse("teams:assign", args=[personas.team.pk]),
        {"track": track[0].code, "due_date": past.isoformat()},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["due_date"] == ["The due date cannot be in the past."]


def test_assign_page_of_another_team_is_404(personas):
    client = personas.client_for("manager")
    assert client.get(reverse("teams:assign", args=[personas.other_team.pk])).status_code == 404


def test_an_individual_date_in_the_past_is_refused_at_the_field(personas, track):
    [assignment] = assign(
        personas, [personas.learner], track=track[0], due_date=None, due_in_days=5
    )
    client = personas.client_for("manager")
    url = reverse("teams:assignment_edit", args=[personas.team.pk, assignment.pk])
    response = client.post(url, {"due_date": "2001-01-01"})
    assert response.status_code == 422
    assert "due_date" in response.context["form"].errors


def api_post(client, payload):
    return client.post("/api/assignments", json.dumps(payload), content_type="application/json")


def test_api_assigns_and_answers_the_assignments(personas, track):
    client = personas.client_for("manager")
    due = (personas.manager.local_today() + datetime.timedelta(days=14)).isoformat()
    response = api_post(client, {"team": personas.team.pk, "track": track[0].code, "due_date": due})
    assert response.status_code == 200, response.content
    [body] = response.json()
    assert body["email"] == "learner@example.test" and body["due_date"] == due


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"track": "nope", "due_in_days": 3}, 404),
        ({"track": "ai-po", "due_date": "2001-01-01"}, 422),
        ({"track": "ai-po"}, 422),
        ({"track": "ai-po", "due_in_days": 3, "learners": [999999]}, 422),
        ({"due_in_days": 3}, 422),
        ({"track": "ai-po", "due_in_days": -1}, 422),
    ],
)
def test_api_refuses_bad_input_with_json(personas, track, payload, status):
    client = personas.client_for("manager")
    response = api_post(client, {"team": personas.team.pk, **payload})
    assert response.status_code == status
    assert "detail" in response.json()
    assert not Assignment.objects.exists()


def test_api_refuses_a_learner_of_another_team(personas, track):
    client = personas.client_for("manager")
    payload = {
        "team": personas.team.pk,
        "track": "ai-po",
        "due_in_days": 3,
        "learners": [personas.other_learner.pk],
    }
    response = api_post(client, payload)
    assert response.status_code == 422
    body = json.dumps(response.json())
    assert str(personas.other_learner.pk) in body
    assert "other@example.test" not in body  # an id outside the team reveals nothing


def test_api_another_team_answers_404(personas, track):
    client = personas.client_for("manager")
    payload = {"team": personas.other_team.pk, "track": "ai-po", "due_in_days": 3}
    assert api_post(client, payload).status_code == 404
    assert api_post(personas.client_for("learner"), payload).status_code == 404


def test_learner_sees_their_assignments_on_the_dashboard(personas, track):
    assign(personas, [personas.learner], track=track[0], note="Before summer")
    response = personas.client_for("learner").get("/")
    assert "Before summer" in response.content.decode()
    assert "Before summer" not in personas.client_for("other_learner").get("/").content.decode()


def test_the_audit_log_shows_on_the_team_page_and_in_the_admin(personas, track):
    assign(personas, [personas.learner], track=track[0])
    page = personas.client_for("manager").get(reverse("teams:detail", args=[personas.team.pk]))
    html = page.content.decode()
    # A sentence, with the track's name as it was (teams/history.py), not code names.
    assert "Mia Manager a assigné le parcours «\u00a0" in html
    assert "à Léa Learner, pour le " in html
    assert "due_date" not in html
    admin = personas.client_for("admin")
    assert admin.get(reverse("admin:teams_assignmentlog_changelist")).status_code == 200
    assert admin.get(reverse("admin:teams_assignment_changelist")).status_code == 200
    log = AssignmentLog.objects.get()
    assert admin.get(reverse("admin:teams_assignmentlog_change", args=[log.pk])).status_code == 200


def test_removing_an_assignment_is_logged_and_the_learners_own_target_judges_again(personas):
    course = make_course("SOLO", hours="5")
    [assignment] = assign(personas, [personas.learner], course=course)
    assert due_of(personas.learner, course) == assignment.due_date
    services.assignment_remove(actor=personas.manager, assignment=assignment)
    assert AssignmentLog.objects.filter(action="removed").exists()
    assert due_of(personas.learner, course) is None


def test_the_team_page_shows_the_latest_changes_and_the_history_page_all_of_them(personas):
    courses = [make_course(f"LOG{n:02d}", hours="5") for n in range(12)]
    for course in courses:
        assign(personas, [personas.learner], course=course)
    manager = personas.client_for("manager")
    page = manager.get(reverse("teams:detail", args=[personas.team.pk])).content.decode()
    history_url = reverse("teams:history", args=[personas.team.pk])
    log_section = page.split('id="log-title"')[1]
    shown = [course.code for course in courses if f"{course.code}\u00a0»" in log_section]
    assert shown == [course.code for course in courses[2:]]  # the 10 latest
    assert history_url in log_section
    history = manager.get(history_url).content.decode()
    assert all(f"{course.code}\u00a0»" in history for course in courses)


@pytest.mark.parametrize("target", ["track", "course"])
def test_assigning_to_a_whole_team_costs_the_same_queries_for_5_and_50(personas, track, target):
    """In bulk: assigning (then re-assigning) to 50 learners costs what it costs for 5,
    and each one's chosen option is judged on the due date."""
    tr, p1, _p2, a, _b, _c = track
    kwargs = {"track": tr} if target == "track" else {"course": a}
    counts = {}
    for size in (5, 50):
        users = [make_user(f"bulk{size}-{n}@example.test") for n in range(size)]
        Membership.objects.bulk_create(Membership(team=personas.team, user=u) for u in users)
        for user in users:
            progress_services.phase_choose(user=user, phase=p1, course=a)
        runs = []
        for days in (30, 40):  # assign, then assign again with another date
            with CaptureQueriesContext(connection) as queries:
                assign(personas, users, due_date=TODAY + datetime.timedelta(days=days), **kwargs)
            runs.append(len(queries))
        counts[size] = runs
        due = TODAY + datetime.timedelta(days=40)
        assert {due_of(user, a) for user in users[:3]} == {due}
        assert AssignmentLog.objects.filter(assignee__in=users).count() == 2 * size
    assert counts[5] == counts[50]
    assert max(counts[50]) <= 12


def test_admin_edits_and_deletions_are_recorded_in_the_team_history(personas, track):
    tr, p1, _p2, a, _b, _c = track
    progress_services.phase_choose(user=personas.learner, phase=p1, course=a)
    [assignment] = assign(personas, [personas.learner], track=tr)
    admin = personas.client_for("admin")
    later = TODAY + datetime.timedelta(days=90)
    stale = progress_version(personas.learner)
    response = admin.post(
        reverse("admin:teams_assignment_change", args=[assignment.pk]),
        {
            "team": personas.team.pk,
            "assignee": personas.learner.pk,
            "track": tr.pk,
            "course": "",
            "due_date": later.isoformat(),
            "note": "",
            "assigned_by": personas.manager.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    log = AssignmentLog.objects.filter(action="updated").get()
    assert log.actor == personas.admin
    assert log.changes["due_date"] == [assignment.due_date.isoformat(), later.isoformat()]
    assert due_of(personas.learner, a) == later
    # The admin's save calls the teams service, which says the learner's cached figures
    # are stale (no signal receiver does it behind the admin's back).
    assert progress_version(personas.learner) > stale
    stale = progress_version(personas.learner)
    admin.post(reverse("admin:teams_assignment_delete", args=[assignment.pk]), {"post": "yes"})
    assert not Assignment.objects.exists()
    assert progress_version(personas.learner) > stale
    assert due_of(personas.learner, a) is None
    assert AssignmentLog.objects.filter(action="removed", actor=personas.admin).exists()


# --- The learner is told (issue 18) -------------------------------------------------------


def _notices(user):
    from tracker.reminders.models import Notification

    return list(Notification.objects.filter(user=user).order_by("id"))


def test_the_learner_is_told_of_an_assignment_a_new_date_and_its_withdrawal(
    personas, track, second_member
):
    """Assigning, moving the due date (for the team or one learner) and taking the
    assignment back each leave one notice per learner, worded in the reader's language."""
    from django.utils import translation

    from tracker.reminders.notices import render

    tr, *_ = track
    due = TODAY + datetime.timedelta(days=30)
    [first, _second] = assign(personas, [personas.learner, second_member], track=tr, due_date=due)
    [new] = _notices(personas.learner)
    assert new.kind == "assignment_new" and len(_notices(second_member)) == 1
    with translation.override("en"):
        title, _body, url = render(new)
        assert title.startswith(personas.manager.get_full_name() + " assigned you ")
        assert tr.name_en in title and url == reverse("dashboard")
    with translation.override("fr"):
        title, _body, _url = render(new)
        assert tr.name_fr in title and "vous a affecté" in title  # the reader's language

    # The same assignment again with the same date: nothing new to say.
    assign(personas, [personas.learner], track=tr, due_date=due)
    assert len(_notices(personas.learner)) == 1

    later = due + datetime.timedelta(days=14)
    assign(personas, [personas.learner, second_member], track=tr, due_date=later)
    changed = _notices(personas.learner)[-1]
    assert changed.kind == "assignment_due_changed"
    assert changed.params["before"] == due.isoformat()
    assert changed.params["due"] == later.isoformat()

    services.assignment_set_individual_due_date(
        actor=personas.manager, assignment=first, due_date=later + datetime.timedelta(days=7)
    )
    assert _notices(personas.learner)[-1].kind == "assignment_due_changed"
    assert len(_notices(second_member)) == 2  # only the one learner's date moved

    services.assignment_remove(actor=personas.manager, assignment=first)
    removed = _notices(personas.learner)[-1]
    assert removed.kind == "assignment_removed"
    with translation.override("en"):
        assert "no longer assigned to you" in render(removed)[0]


def test_the_notices_appear_on_the_learners_notifications_page(personas, track):
    tr, *_ = track
    assign(personas, [personas.learner], track=tr)
    page = personas.client_for("learner").get(reverse("reminders:notifications")).text
    assert personas.manager.get_full_name() in page


def test_the_dashboard_lists_an_assignment_with_its_note_in_french_typography(personas, track):
    """ "échéance le 31/03/2027 : note" (a non-breaking space before the colon), and the
    note only when there is one."""
    tr, *_ = track
    assign(personas, [personas.learner], track=tr, note="Avant l\u2019audit")
    personas.learner.language = "fr"
    personas.learner.save(update_fields=["language"])
    page = personas.client_for("learner").get(reverse("dashboard")).text
    due = (TODAY + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    assert f"échéance le {due}\u00a0: Avant l\u2019audit" in page
