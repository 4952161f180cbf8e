"""Weekly study summaries (StudyWeek): equal to SUM(entries) after every write path, and
read by study_figures in one query."""

from __future__ import annotations

import datetime
import threading
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError
from django.urls import reverse

from tests.factories import make_course, make_user
from tests.progress_helpers import log_daily, make_track_with_options
from tracker.accounts.models import User
from tracker.progress import services
from tracker.progress.models import StudyTotal, StudyWeek, TimeEntry
from tracker.progress.summaries import EMPTY, StudyFigures, study_figures

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)
WEDNESDAY = MONDAY + datetime.timedelta(days=2)
SUNDAY = MONDAY + datetime.timedelta(days=6)
NEXT_MONDAY = MONDAY + datetime.timedelta(weeks=1)


def figures_from_entries() -> dict[tuple[int, int], StudyFigures]:
    """What study_figures must answer, computed the slow way from every entry."""
    gathered: dict[tuple[int, int], list[TimeEntry]] = {}
    for entry in TimeEntry.objects.order_by("date"):
        gathered.setdefault((entry.user_id, entry.course_id), []).append(entry)
    result = {}
    for key, entries in gathered.items():
        weekly: dict[datetime.date, int] = {}
        for entry in entries:
            monday = entry.date - datetime.timedelta(days=entry.date.weekday())
            weekly[monday] = weekly.get(monday, 0) + entry.minutes
        result[key] = StudyFigures(
            sum(e.minutes for e in entries), weekly, entries[-1].date, entries[0].date
        )
    return result


def assert_summaries_equal_entries() -> None:
    call_command("check_summaries", verbosity=0)  # raises CommandError on any difference
    every_user = User.objects.values_list("pk", flat=True)
    assert study_figures(every_user) == figures_from_entries()


@pytest.fixture
def learner():
    return make_user("summaries@example.test", timezone="Europe/Paris")


@pytest.fixture
def course():
    return make_course("SUM-1", hours="40")


def create(user, course, day, minutes):
    return services.time_entry_create(user=user, course=course, date=day, minutes=minutes)


# --- Every write path -----------------------------------------------------------------


def test_creating_entries_adds_to_the_week_and_its_first_and_last_day(learner, course):
    create(learner, course, WEDNESDAY, 30)
    create(learner, course, MONDAY, 45)
    create(learner, course, SUNDAY, 60)
    create(learner, course, NEXT_MONDAY, 15)
    assert_summaries_equal_entries()
    figures = study_figures([learner.pk])[(learner.pk, course.pk)]
    assert figures == StudyFigures(150, {MONDAY: 135, NEXT_MONDAY: 15}, NEXT_MONDAY, MONDAY)
    week = StudyWeek.objects.get(week_start=MONDAY)
    assert (week.minutes, week.first_date, week.last_date) == (135, MONDAY, SUNDAY)


def test_updating_an_entry_moves_its_minutes_between_weeks_and_courses(learner, course):
    other = make_course("SUM-2")
    entry = create(learner, course, SUNDAY, 60)
    create(learner, course, WEDNESDAY, 30)
    services.time_entry_update(entry=entry, course=course, date=SUNDAY, minutes=90)
    assert_summaries_equal_entries()
    services.time_entry_update(entry=entry, course=other, date=NEXT_MONDAY, minutes=90)
    assert_summaries_equal_entries()
    week = StudyWeek.objects.get(course=course)
    # The week's last day went back to Wednesday when Sunday's entry left it.
    assert (week.minutes, week.first_date, week.last_date) == (30, WEDNESDAY, WEDNESDAY)
    assert StudyWeek.objects.get(course=other).week_start == NEXT_MONDAY


def test_deleting_entries_shrinks_then_removes_the_week(learner, course):
    first = create(learner, course, MONDAY, 30)
    last = create(learner, course, WEDNESDAY, 45)
    services.time_entry_delete(entry=first)
    assert_summaries_equal_entries()
    week = StudyWeek.objects.get()
    assert (week.minutes, week.first_date, week.last_date) == (45, WEDNESDAY, WEDNESDAY)
    services.time_entry_delete(entry=last)
    assert_summaries_equal_entries()
    assert not StudyWeek.objects.exists()
    assert study_figures([learner.pk]).get((learner.pk, course.pk), EMPTY) == EMPTY


def test_the_api_and_the_pages_write_through_the_summaries(client, learner, course):
    client.force_login(learner)
    response = client.post(
        "/api/me/time-entries",
        {"course": course.code, "date": WEDNESDAY.isoformat(), "minutes": 50},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert StudyWeek.objects.get().minutes == 50
    entry_id = response.json()["id"]
    assert client.delete(f"/api/me/time-entries/{entry_id}").status_code in (200, 204)
    assert_summaries_equal_entries()
    assert not StudyWeek.objects.exists()


def test_a_refused_entry_writes_no_summary(learner, course):
    create(learner, course, WEDNESDAY, 23 * 60)
    with pytest.raises(ValidationError):
        create(learner, course, WEDNESDAY, 2 * 60)
    assert_summaries_equal_entries()
    assert StudyWeek.objects.get().minutes == 23 * 60


def test_bulk_created_entries_rebuild_their_learners_summaries(learner, course):
    log_daily(learner, course, days=40, minutes=25, end=SUNDAY)
    assert_summaries_equal_entries()
    assert StudyWeek.objects.count() == 6  # 40 days ending on a Sunday: 5 weeks and 5 days


def test_deleting_a_learner_deletes_their_summaries(learner, course):
    other = make_user()
    create(learner, course, WEDNESDAY, 30)
    create(other, course, WEDNESDAY, 40)
    learner.delete()
    assert_summaries_equal_entries()
    assert list(StudyWeek.objects.values_list("user_id", flat=True)) == [other.pk]


def test_deleting_learners_in_the_admin_deletes_their_summaries(client, learner, course):
    admin = make_user("root@example.test", is_staff=True, is_superuser=True)
    other, kept = make_user(), make_user()
    for user in (learner, other, kept):
        create(user, course, WEDNESDAY, 30)
    client.force_login(admin)
    # The change list's bulk "delete selected" action, confirmed...
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [learner.pk], "post": "yes"},
    )
    assert response.status_code == 302
    # ...and one user's delete page.
    response = client.post(reverse("admin:accounts_user_delete", args=[other.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert_summaries_equal_entries()
    assert list(StudyWeek.objects.values_list("user_id", flat=True)) == [kept.pk]


def test_a_course_with_entries_cannot_be_deleted_so_its_summaries_stay(learner, course):
    create(learner, course, WEDNESDAY, 30)
    with pytest.raises(ProtectedError):
        course.delete()
    assert_summaries_equal_entries()
    assert StudyWeek.objects.filter(course=course).exists()


def test_seed_demo_writes_the_summaries_of_its_entries(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_track_with_options("ai-product-owner")
    call_command("seed_demo", learners=3, days=45, verbosity=0)
    assert TimeEntry.objects.exists()
    assert_summaries_equal_entries()
    call_command("seed_demo", learners=4, days=60, verbosity=0)  # again, with more
    assert_summaries_equal_entries()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_of_one_learner_keep_the_week_exact(learner, course):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database server that runs the transactions concurrently")
    errors: list[BaseException] = []

    def run(barrier, write):
        try:
            barrier.wait()
            write()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    # Two entries added and one deleted at once, in five weeks one after the other (a
    # race shows in some rounds only).
    for round_ in range(5):
        monday = MONDAY + datetime.timedelta(weeks=round_)
        doomed = create(learner, course, monday, 20)
        barrier = threading.Barrier(3)
        writes = [
            partial(create, learner, course, monday + datetime.timedelta(days=2), 30),
            partial(create, learner, course, monday + datetime.timedelta(days=6), 45),
            partial(services.time_entry_delete, entry=doomed),
        ]
        threads = [threading.Thread(target=run, args=(barrier, write)) for write in writes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        week = StudyWeek.objects.get(week_start=monday)
        assert (week.minutes, week.first_date, week.last_date) == (
            75,
            monday + datetime.timedelta(days=2),
            monday + datetime.timedelta(days=6),
        )
    assert_summaries_equal_entries()


# --- The check ------------------------------------------------------------------------


def test_check_summaries_finds_and_fixes_drift(learner, course, capsys):
    create(learner, course, WEDNESDAY, 30)
    call_command("check_summaries")
    assert "equal the time entries" in capsys.readouterr().out
    # Writes made behind the services' back: a changed summary, an entry without one.
    StudyWeek.objects.update(minutes=31)
    TimeEntry.objects.create(user=learner, course=course, date=NEXT_MONDAY, minutes=10)
    with pytest.raises(CommandError, match="2 weeks and 1 course totals differ"):
        call_command("check_summaries")
    out = capsys.readouterr().out
    assert f"week of {MONDAY}: entries 30 min from {WEDNESDAY} to {WEDNESDAY}" in out
    assert f"week of {NEXT_MONDAY}: entries 10 min" in out and "summary none" in out
    # the course's total: the new entry counted, not the changed week
    assert (
        f"in all: entries 40 min from {WEDNESDAY} to {NEXT_MONDAY},"
        f" summary 30 min from {WEDNESDAY} to {WEDNESDAY}"
    ) in out
    call_command("check_summaries", "--fix")
    assert "Rebuilt the summaries of 1 learners" in capsys.readouterr().out
    assert_summaries_equal_entries()


def test_check_summaries_finds_a_summary_without_entries(learner, course):
    create(learner, course, WEDNESDAY, 30)
    TimeEntry.objects.all().delete()  # behind the services' back
    with pytest.raises(CommandError, match="1 weeks and 1 course totals differ"):
        call_command("check_summaries")
    call_command("check_summaries", "--fix", verbosity=0)
    assert not StudyWeek.objects.exists()
    assert not StudyTotal.objects.exists()


def test_check_summaries_finds_a_wrong_course_total(learner, course, capsys):
    other = make_course("SUM-2")
    create(learner, course, WEDNESDAY, 30)
    create(learner, other, SUNDAY, 20)
    StudyTotal.objects.filter(course=course).update(minutes=99, last_date=SUNDAY)
    StudyTotal.objects.filter(course=other).delete()
    with pytest.raises(CommandError, match="0 weeks and 2 course totals differ"):
        call_command("check_summaries")
    out = capsys.readouterr().out
    assert (
        f"course {course.pk}, in all: entries 30 min from {WEDNESDAY} to {WEDNESDAY},"
        f" summary 99 min from {WEDNESDAY} to {SUNDAY}"
    ) in out
    missing = f"course {other.pk}, in all: entries 20 min from {SUNDAY} to {SUNDAY}, summary none"
    assert missing in out
    call_command("check_summaries", "--fix", verbosity=0)
    assert_summaries_equal_entries()


def test_a_course_total_follows_its_weeks_when_entries_move_and_leave(learner, course):
    """The totals are recomputed from the weeks a write touched: an entry moved to another
    course, to another week, then deleted leaves each course's total (and its first and
    last day) right, and a course without entries any more without a total."""
    other = make_course("SUM-2")
    create(learner, course, MONDAY, 30)
    moved = create(learner, course, NEXT_MONDAY, 45)
    assert StudyTotal.objects.get(course=course).last_date == NEXT_MONDAY
    services.time_entry_update(entry=moved, course=other, date=SUNDAY, minutes=45)
    assert_summaries_equal_entries()
    total = StudyTotal.objects.get(course=course)
    assert (total.minutes, total.first_date, total.last_date) == (30, MONDAY, MONDAY)
    services.time_entry_delete(entry=moved)
    assert_summaries_equal_entries()
    assert not StudyTotal.objects.filter(course=other).exists()


# --- The reader -----------------------------------------------------------------------


def test_study_figures_reads_many_learners_in_two_queries(
    learner, course, django_assert_num_queries
):
    other_course = make_course("SUM-3")
    users = [learner, *(make_user() for _ in range(4))]
    for n, user in enumerate(users):
        log_daily(user, course, days=30 + n, minutes=20, end=SUNDAY)
    create(learner, other_course, WEDNESDAY, 15)
    with django_assert_num_queries(2):  # the weeks; the totals, first and last days
        figures = study_figures([u.pk for u in users])
    assert figures == figures_from_entries()
    assert list(figures[(learner.pk, course.pk)].weekly) == sorted(
        figures[(learner.pk, course.pk)].weekly
    )
    with django_assert_num_queries(2):
        only = study_figures([learner.pk], [other_course.pk])
    assert only == {
        (learner.pk, other_course.pk): StudyFigures(15, {MONDAY: 15}, WEDNESDAY, WEDNESDAY)
    }


# --- The data migration -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_summaries_of_entries_logged_before_it():
    before, after = [("progress", "0001_initial")], [("progress", "0002_study_weeks")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    # Users, courses and entries are as they were then (only the summaries are new).
    user, course = make_user("old@example.test"), make_course("OLD-1")
    for day, minutes in ((MONDAY, 30), (SUNDAY, 40), (NEXT_MONDAY, 50)):
        TimeEntry.objects.create(user=user, course=course, date=day, minutes=minutes)
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert_summaries_equal_entries()
    assert study_figures([user.pk])[(user.pk, course.pk)] == StudyFigures(
        120, {MONDAY: 70, NEXT_MONDAY: 50}, NEXT_MONDAY, MONDAY
    )


def test_study_figures_since_keeps_recent_weeks_and_all_time_totals(learner, course):
    log_daily(learner, course, days=21, minutes=10, end=SUNDAY)  # three weeks
    old_course = make_course("SUM-OLD")
    create(learner, old_course, MONDAY - datetime.timedelta(weeks=10), 40)
    figures = study_figures([learner.pk], since=WEDNESDAY)  # from WEDNESDAY's week on
    assert figures[(learner.pk, course.pk)] == StudyFigures(
        210, {MONDAY: 70}, SUNDAY, MONDAY - datetime.timedelta(weeks=2)
    )
    old_monday = MONDAY - datetime.timedelta(weeks=10)
    assert figures[(learner.pk, old_course.pk)] == StudyFigures(40, {}, old_monday, old_monday)


def test_weekly_minutes_sums_the_learners_weeks_in_the_period(django_db_setup, db):
    """A team's hours per week (summaries.weekly_minutes, in SQL): the learners' minutes
    of each week from `since`'s to `until`'s, all courses together; others' not counted;
    the same given ids or a queryset of them."""
    from tracker.progress.summaries import weekly_minutes

    first, second, outsider = (make_user() for _ in range(3))
    course, other = make_course("WM1"), make_course("WM2")
    monday = datetime.date(2026, 3, 2)
    for user, minutes in ((first, 30), (second, 45), (outsider, 500)):
        log_daily(user, course, days=10, minutes=minutes, end=monday + datetime.timedelta(days=8))
    log_daily(first, other, days=1, minutes=15, end=monday)
    ids = [first.pk, second.pk]
    expected = {
        monday - datetime.timedelta(weeks=1): 30 + 45,  # the Sunday before
        monday: 7 * (30 + 45) + 15,
        monday + datetime.timedelta(weeks=1): 2 * (30 + 45),  # Monday and Tuesday
    }
    since, until = monday - datetime.timedelta(days=3), monday + datetime.timedelta(weeks=1)
    assert weekly_minutes(ids, since=since, until=until) == expected
    queryset = User.objects.filter(pk__in=ids).values("pk")
    assert weekly_minutes(queryset, since=since, until=until) == expected
    assert weekly_minutes(ids, since=monday, until=monday) == {monday: expected[monday]}
    assert weekly_minutes([], since=since, until=until) == {}
