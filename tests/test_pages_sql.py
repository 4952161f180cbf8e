"""The dashboard's selectors written in SQL (Manager.raw, ARCHITECTURE.md "Hand-written
SQL") answer what the ORM's querysets they replaced answer, column for column, on data
with each case they read: tracks and courses or none, assigners deleted, certificates
with and without a course and an expiry, teams with invited members, a running timer,
several snapshots. The same tests run on PostgreSQL (`make test`)."""

import datetime

import pytest
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from courses.models import Track
from tests.factories import (
    make_competency,
    make_course,
    make_snapshot,
    make_team,
    make_track,
    make_user,
)
from tracker.accounts.models import Membership, Team
from tracker.assessments import selectors as assessments
from tracker.assessments.models import Assessment
from tracker.certificates import selectors as certificates
from tracker.certificates.models import Certificate
from tracker.progress import timers
from tracker.progress.models import Enrolment, StudyTimer
from tracker.teams import selectors as teams
from tracker.teams.models import Assignment

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def world(personas):
    """Two tracks, courses, assignments of both kinds (one whose assigner left), and
    certificates of every shape for the learner; another learner's, which must not show."""
    learner, manager = personas.learner, personas.manager
    first, second = make_track("alpha"), make_track("beta")
    course, other = make_course("C-1", title="Zeta course"), make_course("C-2", title="Alpha")
    gone = make_user("gone@example.test", name="Gone Manager")
    team = personas.team
    for due, values in [
        (TODAY + datetime.timedelta(days=30), {"track": first, "note": "by the summer"}),
        (TODAY + datetime.timedelta(days=3), {"course": course, "assigned_by": gone}),
        (TODAY + datetime.timedelta(days=3), {"course": other, "assigned_by": manager}),
    ]:
        Assignment.objects.create(team=team, assignee=learner, due_date=due, **values)
    gone.delete()  # SET_NULL: the assignment stays, without an assigner
    Assignment.objects.create(
        team=personas.other_team, assignee=personas.other_learner, course=course, due_date=TODAY
    )
    for values in [
        {"title": "Scrum", "expires_on": TODAY + datetime.timedelta(days=10)},
        {"title": "scrum", "expires_on": TODAY + datetime.timedelta(days=400)},  # renews it
        {"title": "Duke", "course": course, "expires_on": TODAY - datetime.timedelta(days=1)},
        {"title": "Duke again", "course": course, "expires_on": None},
        {"title": "Other", "course": other, "expires_on": TODAY - datetime.timedelta(days=9)},
        {"title": "No expiry", "expires_on": None},
    ]:
        Certificate.objects.create(user=learner, issued_on=datetime.date(2024, 1, 1), **values)
    Certificate.objects.create(
        user=personas.other_learner, title="Theirs", issued_on=datetime.date(2024, 1, 1)
    )
    Enrolment.objects.create(user=learner, track=first, joined_at=timezone.now())
    Enrolment.objects.create(
        user=learner, track=second, joined_at=timezone.now() - datetime.timedelta(days=3)
    )
    return {"learner": learner, "course": course, "tracks": (first, second)}


def assignment_columns(assignment):
    return (
        assignment.pk,
        assignment.team_id,
        assignment.due_date,
        assignment.note,
        assignment.track and (assignment.track.code, assignment.track.name),
        assignment.course and (assignment.course.code, assignment.course.title),
        assignment.assigned_by and assignment.assigned_by.get_full_name(),
    )


def test_assignments_for_learner_match_the_orm(world):
    learner = world["learner"]
    orm = (
        Assignment.objects.filter(assignee=learner)
        .select_related("track", "course", "assigned_by")
        .order_by("due_date", "id")
    )
    raw = teams.assignments_for_learner(user=learner)
    assert [assignment_columns(a) for a in raw] == [assignment_columns(a) for a in orm]
    assert len(raw) == 3 and raw[0].assigned_by is None  # the assigner who left


def test_a_managed_team_matches_the_orm(personas):
    """teams.team_get_for_manager's SQL answers what teams_managed_by's queryset does:
    the team for its managers and for admins, 404 for anyone else."""
    from django.http import Http404

    admin = make_user("root@example.test", is_staff=True, is_superuser=True)
    second = make_team("Another", managers=[personas.manager, personas.other_manager])
    everyone = [personas.manager, personas.other_manager, personas.learner, admin]
    for team in (personas.team, personas.other_team, second):
        for user in everyone:
            expected = teams.teams_managed_by(user=user).filter(pk=team.pk).first()
            try:
                found = teams.team_get_for_manager(user=user, team_id=team.pk)
            except Http404:
                found = None
            assert found == expected, (team.name, user.email)
            if found is not None:
                assert (found.name, found.created) == (expected.name, expected.created)
    with pytest.raises(Http404):
        teams.team_get_for_manager(user=admin, team_id=999999)


def test_teams_led_match_the_orm(personas):
    manager = personas.manager
    second = make_team("Another", managers=[manager], members=[personas.other_learner])
    Membership.objects.create(team=second, user=make_user())
    make_team("Not theirs", managers=[personas.other_manager], members=[manager])
    orm = Team.objects.filter(managers=manager).annotate(member_count=Count("memberships"))
    raw = teams.teams_led(user=manager)
    # The ORM's GROUP BY dropped Meta.ordering: the SQL orders by name, as the page shows.
    assert sorted((t.pk, t.name, t.created, t.member_count) for t in raw) == sorted(
        (t.pk, t.name, t.created, t.member_count) for t in orm
    )
    assert [t.name for t in raw] == ["Another", "Team A"]
    assert teams.teams_led(user=personas.learner) == []


def test_readiness_matches_the_orm(world, personas):
    learner = world["learner"]
    orm = (
        Certificate.objects.filter(user=learner)
        .select_related("course")
        .order_by(F("expires_on").asc(nulls_last=True), "title", "id")
    )
    expected = certificates.latest_validities(orm)
    readiness = certificates.readiness_by_user(users=[learner, personas.other_learner], today=TODAY)
    mine = readiness[learner.pk]
    shown = mine.expired + mine.expiring + mine.valid
    assert sorted(c.pk for c in shown) == sorted(c.pk for c in expected)
    assert [c.title for c in mine.expired] == ["Other"]  # Duke is renewed by "Duke again"
    assert [(c.title, c.course.code) for c in mine.valid if c.course_id] == [("Duke again", "C-1")]
    assert [c.title for c in readiness[personas.other_learner.pk].valid] == ["Theirs"]
    assert certificates.readiness_by_user(users=[], today=TODAY) == {}


def test_track_for_learner_matches_the_orm(world, personas):
    def orm(user):  # the queryset it replaced
        return (
            Track.objects.annotate(
                joined=Max("enrolments__joined_at", filter=Q(enrolments__user=user))
            )
            .order_by(F("joined").desc(nulls_last=True), "code")
            .first()
        )

    first, _second = world["tracks"]
    assert assessments.track_for_learner(user=world["learner"]) == orm(world["learner"]) == first
    newcomer = personas.other_learner  # joined nothing: the first track by code
    assert assessments.track_for_learner(user=newcomer) == orm(newcomer) == first  # by code
    assert assessments.track_for_learner(user=newcomer, track_code="beta").code == "beta"


def test_latest_snapshot_matches_the_orm(personas):
    learner = personas.learner
    assert assessments.latest_snapshot(user=learner) is None
    make_competency("a"), make_competency("b")
    make_snapshot(learner, {"a": 2})
    newest = make_snapshot(learner, {"a": 3, "b": 1})
    Assessment.objects.create(user=learner, status=Assessment.Status.DRAFT)
    latest = assessments.latest_snapshot(user=learner)
    orm = Assessment.objects.submitted().filter(user=learner).order_by("-submitted_at", "-id")
    assert latest == orm.first() == newest
    assert [(r.competency_code, r.level) for r in latest.ratings.all()] == [
        (r.competency_code, r.level) for r in newest.ratings.all()
    ]
    assert assessments.latest_snapshot(user=personas.other_learner) is None


def test_timer_get_matches_the_orm(world, personas):
    learner = world["learner"]
    assert timers.timer_get(user=learner) is None
    started = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=42)
    StudyTimer.objects.create(user=learner, course=world["course"], started_at=started)
    timer = timers.timer_get(user=learner)
    orm = StudyTimer.objects.select_related("course").get(user=learner)
    assert (timer.started_at, timer.course.code, timer.course.title) == (
        orm.started_at,
        orm.course.code,
        orm.course.title,
    )
    assert timezone.is_aware(timer.started_at)
    assert timers.timer_get(user=personas.other_learner) is None


def test_recent_entries_and_last_course_match_the_orm(world):
    from tracker.progress import panels
    from tracker.progress import selectors as progress
    from tracker.progress.forms import TimeEntryForm
    from tracker.progress.models import TimeEntry

    learner, course = world["learner"], world["course"]
    assert progress.recent_entries(user=learner) == []
    assert progress.last_logged_course_code(user=learner) is None
    other = make_course("C-3", title="Third")
    for day, logged in [(3, course), (1, other), (2, course), (1, course)]:
        TimeEntry.objects.create(
            user=learner, course=logged, date=TODAY - datetime.timedelta(days=day), minutes=30
        )
    orm = progress.entries_for_user(user=learner)[:2]
    raw = progress.recent_entries(user=learner, limit=2)
    assert [(e.pk, e.date, e.minutes, e.note, e.course.code, e.course.title) for e in raw] == [
        (e.pk, e.date, e.minutes, e.note, e.course.code, e.course.title) for e in orm
    ]
    assert progress.last_logged_course_code(user=learner) == "C-1"  # recorded last
    from courses.models import Module

    module = Module.objects.create(course=course, order=1, title="Week 1")
    TimeEntry.objects.filter(course=course, date=TODAY - datetime.timedelta(days=2)).update(
        module=module
    )
    orm = progress.entries_for_user(user=learner, course=course)
    raw = progress.recent_entries(user=learner, course=course)
    assert [(e.pk, e.date, e.course.code, e.module and e.module.title) for e in raw] == [
        (e.pk, e.date, e.course.code, e.module and e.module.title) for e in orm
    ]
    assert [e.module and e.module.title for e in raw] == [None, "Week 1", None]
    make_course("C-0", title="Retired", is_active=False)
    assert [(c.pk, c.code, c.title) for c in panels.offered_courses()] == [
        (c.pk, c.code, c.title) for c in TimeEntryForm.base_fields["course"].queryset.all()
    ]


def test_course_marks_match_the_orm(personas):
    from django.db.models import Exists, OuterRef

    from courses.models import Course
    from tests.factories import make_option
    from tracker.progress import selectors as progress
    from tracker.progress import services
    from tracker.progress.models import PhaseChoice, Plan

    learner = personas.learner
    track = make_track("marks")
    chosen = make_option(track, "P1", "A")
    rival = make_option(track, "P1", "B")
    done = make_option(track, "P2", "A")
    make_option(track, "P2", "B")  # untouched: no mark
    services.phase_choose(user=learner, phase=chosen.phase, course=chosen)
    services.phase_choose(user=learner, phase=done.phase, course=done)
    Plan.objects.filter(user=learner, course=done).update(done_on=TODAY)
    planned = make_course("C-9")
    services.plan_add(user=learner, course=planned)
    services.phase_choose(user=personas.other_learner, phase=rival.phase, course=rival)

    plans = Plan.objects.filter(user=learner, course=OuterRef("pk"))
    orm = {
        pk: "done" if is_done else "chosen" if is_chosen else "planned"
        for pk, is_done, is_chosen in Course.objects.annotate(
            planned=Exists(plans),
            done=Exists(plans.filter(done_on__isnull=False)),
            chosen=Exists(PhaseChoice.objects.filter(user=learner, course=OuterRef("pk"))),
        )
        .filter(Q(planned=True) | Q(chosen=True))
        .values_list("pk", "done", "chosen")
    }
    marks = progress.course_marks(user=learner)
    assert marks == orm
    assert marks[chosen.pk] == "chosen" and marks[done.pk] == "done" and rival.pk not in marks
    assert marks[planned.pk] == "planned"


def test_the_models_tracks_and_phases_match_the_orm(world):
    from courses.models import Phase
    from tracker.progress import verdicts

    learner = world["learner"]
    first, second = world["tracks"]
    second.description_md = "Read **this**"
    second.save()
    inputs = verdicts.gather(users=[learner])[learner.pk]
    for track in (first, second):
        read = inputs["tracks"][track.pk]
        assert (read.pk, read.code, read.name_fr, read.name_en, read.name) == (
            track.pk,
            track.code,
            track.name_fr,
            track.name_en,
            track.name,
        )
        expected = list(Phase.objects.filter(track=track).order_by("order"))
        phases = inputs["phases"][track.pk]
        assert [(p.pk, p.code, p.order, p.name, p.track.code) for p in phases] == [
            (p.pk, p.code, p.order, p.name, p.track.code) for p in expected
        ]
    # What it does not read is read when asked for, never made up.
    assert inputs["tracks"][second.pk].description_md == "Read **this**"


def test_a_partly_read_row_reads_the_rest_when_asked_never_a_default(world):
    """The related rows the hand-written reads build carry the columns they read; a field
    they did not read is read from the database when asked (as with .only()), not left at
    its default (progress/sql.partial)."""
    course = world["course"]
    course.effort_hours = "42.5"
    course.save()
    assignments = teams.assignments_for_learner(user=world["learner"])
    (assignment,) = [a for a in assignments if a.course and a.course.code == course.code]
    assert assignment.course.get_deferred_fields() >= {"effort_hours"}
    assert str(assignment.course.effort_hours) == "42.50"
