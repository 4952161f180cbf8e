"""Pauses and rest days (issue 20): paused days count neither in the pace nor in the hours
expected; the forecast moves past them; due dates never move and `overdue` is never
hidden; the learner's page and API refuse bad input field by field."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_course, make_team, make_user
from tests.progress_helpers import figures_from_days, log_daily
from tests.test_progress_forecasts import TODAY, plan, verdict, week
from tracker.progress import services, verdicts
from tracker.progress.models import Pause, StudyPreference
from tracker.progress.verdicts import Pauses
from tracker.teams import services as team_services

D = datetime.date
DAY = datetime.timedelta(days=1)


def span(first: D, last: D) -> Pauses:
    return Pauses(((first, last),))


# --- The rules on plain numbers ------------------------------------------------------------


def test_paused_and_active_days_count_both_ends():
    pauses = Pauses(((D(2026, 3, 10), D(2026, 3, 12)), (D(2026, 3, 20), D(2026, 3, 20))))
    assert pauses.paused_days(D(2026, 3, 1), D(2026, 3, 31)) == 4
    assert pauses.paused_days(D(2026, 3, 11), D(2026, 3, 11)) == 1
    assert pauses.active_days(D(2026, 3, 10), D(2026, 3, 12)) == 0
    assert pauses.active_days(D(2026, 3, 9), D(2026, 3, 13)) == 2
    assert pauses.until(D(2026, 3, 11)) == D(2026, 3, 12)
    assert pauses.until(D(2026, 3, 13)) is None


def test_shift_skips_every_paused_day_ahead_including_chained_pauses():
    # Ten days of work from the 1st end on the 11th; a pause of 5 days (5th-9th) inside
    # pushes the end to the 16th, which reaches a second pause (15th-16th): the 18th.
    pauses = Pauses(((D(2026, 3, 5), D(2026, 3, 9)), (D(2026, 3, 15), D(2026, 3, 16))))
    assert pauses.shift(D(2026, 3, 1), 10) == D(2026, 3, 18)
    assert Pauses().shift(D(2026, 3, 1), 10) == D(2026, 3, 11)
    # A pause that began before `begin` counts only from `begin` on.
    assert span(D(2026, 2, 20), D(2026, 3, 2)).shift(D(2026, 3, 1), 10) == D(2026, 3, 13)


def test_a_pause_ahead_moves_the_forecast_by_its_length_and_not_the_pace():
    f = figures_from_days({week(n): 120 for n in range(1, 9)})
    before = verdict(f=f)
    two_weeks = span(TODAY + 3 * DAY, TODAY + 16 * DAY)
    after = verdict(f=f, pauses=two_weeks)
    assert after.pace == before.pace == 2
    assert after.projected_finish == before.projected_finish + datetime.timedelta(days=14)


def test_a_wholly_paused_week_does_not_drag_the_pace_down():
    # Two hours every week but last week, which was paused (nothing logged).
    f = figures_from_days({week(n): 120 for n in range(2, 9)})
    unpaused = verdict(f=f)
    paused = verdict(f=f, pauses=span(week(1), week(1) + 6 * DAY))
    assert unpaused.pace < 2  # the empty week counted as a week of nothing...
    # ...while paused it is no history at all: seven weeks of 2 h, blended with 5 h planned.
    assert paused.pace == pytest.approx(2 * 7 / 8 + 5 / 8, abs=0.01)


def test_a_partly_paused_week_counts_for_its_days_not_paused():
    f = figures_from_days({week(n): 120 for n in range(1, 9)} | {week(1): 60})
    # Last week (1 h, Monday to Wednesday; Thursday to Sunday paused) counts for 3 days.
    paused = verdict(f=f, pauses=span(week(1) + 3 * DAY, week(1) + 6 * DAY))
    unpaused = verdict(f=f)
    assert paused.pace > unpaused.pace


def test_hours_expected_and_needed_skip_the_paused_days():
    p = plan(start_date=TODAY - 13 * DAY, target_date=TODAY + 14 * DAY, effort=28)
    f = figures_from_days({TODAY - 13 * DAY: 60})
    plain = verdict(p, f)
    # 28 days from start to target, 14 elapsed (today included): 14 h expected, 1 h done.
    assert plain.hours_behind == 13
    # The first week was paused: 7 of 21 active days elapsed, 28 h x 7/21 = 9.3 h expected.
    paused = verdict(p, f, pauses=span(TODAY - 13 * DAY, TODAY - 7 * DAY))
    assert paused.hours_behind == pytest.approx(28 * 7 / 21 - 1, abs=0.05)
    # Needed: 27 h over the 15 days left (today and target included) vs the same minus a
    # pause of 5 of them.
    ahead = verdict(p, f, pauses=span(TODAY + 2 * DAY, TODAY + 6 * DAY))
    assert plain.weekly_hours_needed == round(27 / (15 / 7), 1)
    assert ahead.weekly_hours_needed == round(27 / (10 / 7), 1)


def test_a_pause_never_hides_overdue_nor_moves_the_due_date():
    due = TODAY - 2 * DAY
    f = figures_from_days({week(1): 120})
    result = verdict(f=f, due=due, pauses=span(TODAY - 10 * DAY, TODAY + 10 * DAY))
    assert result.status == verdicts.OVERDUE
    assert result.due_date == due


# --- Through the database ----------------------------------------------------------------


def _plan(user, course, **kwargs):
    from tracker.progress.models import Plan

    return Plan.objects.update_or_create(
        user=user,
        course=course,
        defaults={"start_date": TODAY - 70 * DAY, "weekly_hours": Decimal(5)} | kwargs,
    )[0]


@pytest.mark.django_db
def test_the_model_reads_pauses_in_one_more_query_and_the_forecast_follows(
    django_assert_num_queries,
):
    user = make_user("pause@example.test")
    course = make_course("PAUSE-1", hours="40")
    _plan(user, course)
    with time_machine.travel(datetime.datetime(2026, 3, 4, 12, tzinfo=datetime.UTC), tick=False):
        log_daily(user, course, days=30, minutes=30, end=TODAY - DAY)
        before = verdicts.learner_progress(user=user, today=TODAY)
        services.pause_create(user=user, start=TODAY + 2 * DAY, end=TODAY + 15 * DAY)
        # Plans, enrolments, assignments, choices, the figures (two), the pauses.
        with django_assert_num_queries(7):
            after = verdicts.learner_progress(user=user, today=TODAY)
    assert after.rows[0].verdict.projected_finish == (
        before.rows[0].verdict.projected_finish + datetime.timedelta(days=14)
    )
    assert after.paused_until is None
    assert verdicts.learner_progress(user=user, today=TODAY + 3 * DAY).paused_until == (
        TODAY + 15 * DAY
    )


@pytest.mark.django_db
def test_a_pause_changes_the_learners_progress_version():
    user = make_user("pause@example.test")
    version = user.progress_version
    pause = services.pause_create(user=user, start=TODAY, end=TODAY + DAY)
    user.refresh_from_db()
    assert user.progress_version == version + 1
    services.pause_delete(pause=pause)
    user.refresh_from_db()
    assert user.progress_version == version + 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (D(2026, 3, 10), D(2026, 3, 9), "end"),  # end before start
        (D(1999, 12, 30), D(2000, 1, 2), "start"),
        (D(2026, 1, 1), D(2027, 1, 5), "end"),  # more than a year
        (D(2026, 3, 5), D(2026, 3, 25), "start"),  # overlaps 2026-03-20..2026-03-30
        (D(2026, 3, 30), D(2026, 4, 2), "start"),  # touches its last day
    ],
)
def test_the_service_refuses_bad_pauses_at_their_field(start, end, field):
    from django.core.exceptions import ValidationError

    user = make_user("pause@example.test")
    services.pause_create(user=user, start=D(2026, 3, 20), end=D(2026, 3, 30))
    with pytest.raises(ValidationError) as refused:
        services.pause_create(user=user, start=start, end=end)
    assert field in refused.value.message_dict
    assert Pause.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_another_learners_pause_does_not_clash():
    services.pause_create(user=make_user("a@example.test"), start=TODAY, end=TODAY + DAY)
    services.pause_create(user=make_user("b@example.test"), start=TODAY, end=TODAY + DAY)
    assert Pause.objects.count() == 2


@pytest.mark.django_db
def test_rest_days_are_days_of_the_week_and_leave_one_open():
    from django.core.exceptions import ValidationError

    user = make_user("rest@example.test")
    assert services.rest_days_set(user=user, days=[6, 5, 5]).rest_days == [5, 6]
    for bad in ([7], list(range(7))):
        with pytest.raises(ValidationError):
            services.rest_days_set(user=user, days=bad)
    assert StudyPreference.objects.get(user=user).rest_days == [5, 6]


# --- The API -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_pauses_create_list_refuse_and_delete(client):
    user = make_user("api-pause@example.test")
    client.force_login(user)
    url = "/api/me/pauses"

    def post(body):
        return client.post(url, json.dumps(body), content_type="application/json")

    created = post({"start": "2026-07-01", "end": "2026-07-14", "reason": "holiday"})
    assert created.status_code == 201
    body = created.json()
    assert body | {"id": 0} == {
        "id": 0,
        "start": "2026-07-01",
        "end": "2026-07-14",
        "reason": "holiday",
    }
    assert client.get(url).json() == [body]
    backwards = post({"start": "2026-08-10", "end": "2026-08-01"})
    assert backwards.status_code == 422
    assert backwards.json()["detail"][0]["loc"][-1] == "end"
    overlap = post({"start": "2026-07-14", "end": "2026-07-20"})
    assert overlap.status_code == 422 and overlap.json()["detail"][0]["loc"][-1] == "start"
    assert post({"start": "not a date", "end": "2026-07-20"}).status_code == 422
    assert post({"end": "2026-07-20"}).status_code == 422
    assert (
        post({"start": "2026-09-01", "end": "2026-09-02", "reason": "x" * 201}).status_code == 422
    )
    assert client.delete(f"{url}/{body['id']}").status_code == 204
    assert client.get(url).json() == []
    assert client.delete(f"{url}/{body['id']}").status_code == 404


# --- The pages ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_lists_saves_and_refuses_at_the_field(client):
    user = make_user("page-pause@example.test", language="en")
    client.force_login(user)
    url = reverse("progress:pauses")
    saved = client.post(url, {"start": "2026-07-01", "end": "2026-07-14", "reason": "Holiday"})
    assert saved.status_code == 302
    page = client.get(url).content.decode()
    assert "Holiday" in page
    refused = client.post(url, {"start": "2026-07-20", "end": "2026-07-10"})
    assert refused.status_code == 422
    assert 'id="id_end_error"' in refused.content.decode()
    assert "cannot be before its start" in refused.content.decode()
    overlap = client.post(url, {"start": "2026-07-10", "end": "2026-07-12"})
    assert overlap.status_code == 422 and 'id="id_start_error"' in overlap.content.decode()
    assert Pause.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_deleting_asks_first_then_deletes(client):
    user = make_user("page-pause@example.test", language="en")
    pause = services.pause_create(user=user, start=D(2026, 7, 1), end=D(2026, 7, 14))
    client.force_login(user)
    url = reverse("progress:pause_delete", args=[pause.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Delete the pause" in confirm.content.decode()
    assert Pause.objects.filter(pk=pause.pk).exists()
    assert client.post(url).status_code == 302
    assert not Pause.objects.filter(pk=pause.pk).exists()


@pytest.mark.django_db
def test_rest_days_form_saves_and_refuses_every_day(client):
    user = make_user("rest-page@example.test", language="en")
    client.force_login(user)
    url = reverse("progress:rest_days")
    assert client.post(url, {"rest_days": ["5", "6"]}).status_code == 302
    assert StudyPreference.objects.get(user=user).rest_days == [5, 6]
    refused = client.post(url, {"rest_days": [str(d) for d in range(7)]})
    assert refused.status_code == 422
    assert "at least one day" in refused.content.decode()


@pytest.mark.django_db
def test_the_dashboard_says_paused_until(client):
    user = make_user("dash-pause@example.test", language="en")
    _plan(user, make_course("PAUSE-D", hours="40"))
    today = user.local_today()
    services.pause_create(user=user, start=today - DAY, end=today + 9 * DAY)
    client.force_login(user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Paused until" in page


@pytest.mark.django_db
def test_the_manager_sees_paused_until_beside_an_overdue_status(client):
    manager = make_user("boss@example.test", language="fr")
    learner = make_user("paused@example.test")
    team = make_team("Pausers", managers=[manager], members=[learner])
    course = make_course("PAUSE-T", hours="40")
    today = learner.local_today()
    [assignment] = team_services.assignment_assign(
        actor=manager, team=team, assignees=[learner], course=course, due_in_days=1
    )
    assignment.due_date = today - 2 * DAY  # past: overdue, paused or not
    assignment.save(update_fields=["due_date"])
    services.pause_create(user=learner, start=today - 5 * DAY, end=today + 9 * DAY)
    client.force_login(manager)
    page = client.get(reverse("teams:detail", args=[team.pk])).content.decode()
    assert "status-overdue" in page
    assert "en pause jusqu\u2019au" in page
    [member] = client.get(f"/api/teams/{team.pk}/progress").json()["members"]
    assert member["status"] == "overdue"
    assert member["paused_until"] == (today + 9 * DAY).isoformat()
    assignment.refresh_from_db()
    assert assignment.due_date == today - 2 * DAY
