"""Cached progress (tracker/progress/cache.py): every write through the services makes the
learner's cached figures stale, pages show a write at once, only stale learners are
recomputed, and the pages work with the cache down or switched off."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from courses.models import Course, ImportRun, Track
from courses.selectors import catalogue_version
from tests.factories import make_course
from tests.progress_helpers import make_track_with_options
from tracker.accounts.models import Membership, User
from tracker.certificates import services as certificate_services
from tracker.progress import services
from tracker.teams import selectors as team_selectors
from tracker.teams import services as team_services

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def version(user: User) -> int:
    return User.objects.values_list("progress_version", flat=True).get(pk=user.pk)


@pytest.fixture
def world(personas):
    """The learner follows a track (option A chosen) and has logged once; the track is
    assigned to them by their manager."""
    track, p1, p2, a, b, c = make_track_with_options()
    services.phase_choose(user=personas.learner, phase=p1, course=a)
    entry = services.time_entry_create(
        user=personas.learner, course=a, date=TODAY - datetime.timedelta(days=1), minutes=60
    )
    [assignment] = team_services.assignment_assign(
        actor=personas.manager,
        team=personas.team,
        assignees=[personas.learner],
        track=track,
        due_in_days=30,
    )
    return {
        "track": track,
        "p1": p1,
        "p2": p2,
        "a": a,
        "b": b,
        "c": c,
        "entry": entry,
        "assignment": assignment,
        "plan": personas.learner.plans.get(course=a),
    }


def _certificate(personas, w):
    return certificate_services.certificate_record(
        user=personas.learner,
        data=certificate_services.CertificateInput(title="", course=w["a"], issued_on=TODAY),
    )


# Every service that writes what the cached figures are computed from.
WRITES = {
    "log time": lambda p, w: services.time_entry_create(
        user=p.learner, course=w["a"], date=TODAY, minutes=30
    ),
    "edit an entry": lambda p, w: services.time_entry_update(
        entry=w["entry"], course=w["a"], date=w["entry"].date, minutes=90
    ),
    "delete an entry": lambda p, w: services.time_entry_delete(entry=w["entry"]),
    "choose another option": lambda p, w: services.phase_choose(
        user=p.learner, phase=w["p1"], course=w["b"]
    ),
    "join a track": lambda p, w: services.track_join(user=p.learner, track=make_other_track()),
    "leave the track": lambda p, w: services.track_leave(user=p.learner, track=w["track"]),
    "add a course": lambda p, w: services.plan_add(user=p.learner, course=make_course("SOLO")),
    "change a plan": lambda p, w: services.plan_update(
        plan=w["plan"],
        start_date=w["plan"].start_date,
        weekly_hours=w["plan"].weekly_hours + 1,
        target_date=None,
    ),
    "mark a plan done": lambda p, w: services.plan_mark_done(plan=w["plan"], done=True),
    "tick modules": lambda p, w: services.plan_set_modules(
        plan=w["plan"], module_ids=list(w["a"].modules.values_list("pk", flat=True))
    ),
    "remove a plan": lambda p, w: services.plan_remove(plan=w["plan"]),
    "record a certificate": _certificate,
    "assign": lambda p, w: team_services.assignment_assign(
        actor=p.manager,
        team=p.team,
        assignees=[p.learner],
        course=make_course("ASSIGNED"),
        due_in_days=10,
    ),
    "re-date one learner": lambda p, w: team_services.assignment_set_individual_due_date(
        actor=p.manager, assignment=w["assignment"], due_date=TODAY + datetime.timedelta(days=5)
    ),
    "take an assignment back": lambda p, w: team_services.assignment_remove(
        actor=p.manager, assignment=w["assignment"]
    ),
    "leave the team": lambda p, w: team_services.membership_leave(team=p.team, user=p.learner),
    "removed from the team": lambda p, w: team_services.member_remove(
        team=p.team, user=p.learner, actor=p.manager
    ),
}


def make_other_track():
    track, *_rest = make_track_with_options("other")
    return track


@pytest.mark.parametrize("write", WRITES)
def test_every_write_makes_the_learners_cached_figures_stale(personas, world, write):
    before = version(personas.learner)
    WRITES[write](personas, world)
    assert version(personas.learner) > before
    assert version(personas.other_learner) == 0  # nobody else's


def test_a_refused_write_changes_nothing(personas, world):
    before = version(personas.learner)
    with pytest.raises(Exception, match="24"):
        services.time_entry_create(
            user=personas.learner, course=world["a"], date=TODAY, minutes=1500
        )
    assert version(personas.learner) == before


def _row(personas):
    table = team_selectors.team_progress(team=personas.team, today=TODAY)
    return next(row for row in table.rows if row.member == personas.learner)


def test_the_team_table_shows_a_write_at_once(personas, world):
    assert _row(personas).total_hours == 1  # computed, then cached
    assert _row(personas).total_hours == 1  # from the cache
    services.time_entry_create(user=personas.learner, course=world["a"], date=TODAY, minutes=30)
    assert _row(personas).total_hours == 1.5
    assert _row(personas).week_hours == (1.5 if TODAY.weekday() > 0 else 0.5)


def test_the_learner_dashboard_shows_a_write_at_once(personas, world):
    client = personas.client_for("learner")
    assert client.get("/").context["overview"].overall.logged_hours == 1
    response = client.post(
        reverse("progress:entry_create"),
        {"course": world["a"].code, "date": TODAY.isoformat(), "duration": "2h"},
    )
    assert response.status_code == 302
    assert client.get("/").context["overview"].overall.logged_hours == 3


def test_only_stale_learners_are_recomputed(personas, world):
    Membership.objects.create(team=personas.team, user=personas.other_learner)
    _row(personas)
    with mock.patch.object(
        team_selectors, "member_figures", wraps=team_selectors.member_figures
    ) as compute:
        _row(personas)
        compute.assert_not_called()
        services.time_entry_create(user=personas.learner, course=world["a"], date=TODAY, minutes=30)
        _row(personas)
    compute.assert_called_once()
    assert [m.pk for m in compute.call_args.kwargs["members"]] == [personas.learner.pk]


def test_a_catalogue_change_makes_every_cached_figure_stale(personas, world):
    before = catalogue_version()
    course = Course.objects.get(pk=world["a"].pk)
    course.effort_hours = 20
    course.save()  # as the admin does
    after_edit = catalogue_version()
    assert after_edit != before
    running = ImportRun.objects.create(source="command", ok=True)
    assert catalogue_version() == after_edit  # a run still going changes nothing yet
    running.finished = timezone.now()
    running.save()
    after_run = catalogue_version()
    assert after_run != after_edit
    track = world["a"].track or Track.objects.create(code="t-version", name_fr="T")
    track.save()  # a track edited in the admin
    assert catalogue_version() != after_run
    assert _row(personas).verdict.effort_hours == 20


def test_a_competency_edited_in_the_admin_makes_the_cached_figures_stale(personas, world):
    """A competency's name shows in cached panels (the dashboard's gaps, the heatmap):
    the admin's save and delete of a competency or a domain change the catalogue's
    version, as a course's or a track's edit does."""
    from django.test import Client

    from courses.models import Competency, CompetencyDomain
    from tests.factories import make_user

    admin_user = make_user("root@example.test", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin_user)
    domain = CompetencyDomain.objects.create(code="d-admin", name_fr="D", order=1)
    competency = Competency.objects.create(code="c-admin", name_fr="Avant", domain=domain)
    before = catalogue_version()
    response = client.post(
        reverse("admin:courses_competency_change", args=[competency.pk]),
        {
            "code": "c-admin",
            "name_fr": "Après",
            "domain": domain.pk,
            "levels": '["a", "b", "c", "d", "e"]',
            "aliases": "[]",
            "order": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    after_edit = catalogue_version()
    assert after_edit != before
    response = client.post(
        reverse("admin:courses_competency_delete", args=[competency.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert catalogue_version() != after_edit


def test_pages_work_with_the_cache_down(personas, world, caplog):
    down = RedisConnectionError("Connection refused")
    with (
        mock.patch.object(cache, "get_many", side_effect=down),
        mock.patch.object(cache, "set_many", side_effect=down),
    ):
        assert _row(personas).total_hours == 1
        response = personas.client_for("learner").get("/")
    assert response.status_code == 200
    assert "progress cache unreachable" in caplog.text


def test_the_cache_can_be_switched_off(personas, world, settings):
    settings.PARCOURS_PROGRESS_CACHE_SECONDS = 0
    with mock.patch.object(cache, "get_many") as get_many:
        _row(personas)
    get_many.assert_not_called()


def _learner_row_html(client, personas) -> str:
    page = client.get(reverse("teams:detail", args=[personas.team.pk])).content.decode()
    start = page.index(f"/members/{personas.learner.pk}/")
    return page[start : page.index("</tr>", start)]


def test_the_team_page_rows_show_a_write_and_a_new_name_at_once(personas, world):
    manager = personas.client_for("manager")
    assert "<td>1 h</td>" in _learner_row_html(manager, personas)  # rendered, then cached
    assert "<td>1 h</td>" in _learner_row_html(manager, personas)
    services.time_entry_create(user=personas.learner, course=world["a"], date=TODAY, minutes=30)
    assert "<td>1,5 h</td>" in _learner_row_html(manager, personas)
    User.objects.filter(pk=personas.learner.pk).update(name="Léa Renamed")
    assert "Léa Renamed" in _learner_row_html(manager, personas)
    User.objects.filter(pk=personas.manager.pk).update(language="en")
    assert "<td>1.5 h</td>" in _learner_row_html(manager, personas)
