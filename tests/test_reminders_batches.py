"""The dispatcher's cost per batch of users: a pass where everyone is due and a pass where
nobody is (every reminder sent already) each cost the same queries per batch whatever the
number of batches, and the pass where nobody is due reads nobody's progress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_course, make_team, make_user
from tests.test_reminders_progress import MONDAY_10_PARIS, TODAY, log, plan
from tracker.progress import verdicts
from tracker.reminders import services
from tracker.reminders.models import Notification, Reminder

BATCH = 4


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", BATCH)
    monkeypatch.setattr(services, "enqueue_send", lambda *, reminder_id: True)


@pytest.fixture
def progress_reads(monkeypatch):
    """The learners whose progress a pass computes."""
    read: list[int] = []
    original = verdicts.learners_progress

    def counting(*, users, today_of=None):
        read.extend(u.pk for u in users)
        return original(users=users, today_of=today_of)

    monkeypatch.setattr(verdicts, "learners_progress", counting)
    return read


def _learners(n: int, course) -> list:
    users = [make_user() for _ in range(n)]
    for user in users:
        plan(user, course, target=TODAY + dt.timedelta(weeks=4))  # behind pace
        log(user, course, days_ago=2, minutes=60)
    return users


def _pass(django_capture_on_commit_callbacks) -> tuple[int, services.DispatchReport]:
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = services.dispatch(MONDAY_10_PARIS)
    return len(queries), report


@pytest.mark.django_db
def test_queries_per_batch_do_not_depend_on_the_number_of_batches(
    small_batches, django_capture_on_commit_callbacks
):
    """Everyone due, then nobody due, at two sizes (2 and 4 batches of learners): the
    queries grow by the same number per batch, so a pass over 100,000 learners costs
    the same per 1,000 as one over 10,000."""
    course = make_course(hours="100")
    counts = {}
    for batches in (2, 4):
        Reminder.objects.all().delete()
        # Each size on its own learners: deactivate the previous ones.
        from tracker.accounts.models import User

        User.objects.update(is_active=False)
        users = _learners(batches * BATCH, course)
        make_team(managers=[make_user()], members=users[:2])
        everyone, report = _pass(django_capture_on_commit_callbacks)
        # weekly digest and behind-pace nudge for each; the manager's team summary
        assert report.created == 2 * len(users) + 1
        assert Notification.objects.filter(reminder__user__in=users).count() == 2 * len(users)
        nobody, again = _pass(django_capture_on_commit_callbacks)
        assert again.created == 0
        counts[batches] = (everyone, nobody)
    # The manager is one more user: 9 and 17 users make 3 and 5 batches.
    per_batch_everyone = (counts[4][0] - counts[2][0]) / 2
    per_batch_nobody = (counts[4][1] - counts[2][1]) / 2
    assert per_batch_everyone == int(per_batch_everyone)
    assert per_batch_nobody == int(per_batch_nobody)
    # A batch where nobody is due reads the users, their opt-outs, their pauses, each
    # kind's one narrowing query (weekly digest: who has no digest of the week yet;
    # behind pace: which open plans have no nudge of the week yet; retake, team summary,
    # due soon, overdue, overdue to managers, certificates), then renews the lease.
    assert per_batch_nobody == 12
    assert per_batch_everyone > per_batch_nobody


@pytest.mark.django_db
def test_a_pass_where_nobody_is_due_reads_no_progress(
    small_batches, progress_reads, django_capture_on_commit_callbacks
):
    course = make_course(hours="100")
    users = _learners(6, course)
    _pass(django_capture_on_commit_callbacks)
    assert set(progress_reads) >= {u.pk for u in users}
    progress_reads.clear()
    _nobody, report = _pass(django_capture_on_commit_callbacks)
    assert report.created == 0
    assert progress_reads == []


@pytest.mark.django_db
def test_a_new_plan_behind_pace_is_still_nudged_the_same_week(
    small_batches, django_capture_on_commit_callbacks
):
    """The narrowing keeps a learner whose other course was nudged already this week."""
    first, second = make_course("ONE", hours="100"), make_course("TWO", hours="100")
    (user,) = _learners(1, first)
    _pass(django_capture_on_commit_callbacks)
    assert list(Reminder.objects.filter(kind="behind_pace").values_list("subject", flat=True)) == [
        "ONE"
    ]
    plan(user, second, target=TODAY + dt.timedelta(weeks=4))
    log(user, second, days_ago=2, minutes=60)
    _pass(django_capture_on_commit_callbacks)
    assert sorted(
        Reminder.objects.filter(kind="behind_pace").values_list("subject", flat=True)
    ) == ["ONE", "TWO"]


@pytest.mark.django_db
def test_the_nudge_narrowing_reads_each_learners_own_week(
    small_batches, django_capture_on_commit_callbacks
):
    """At 00:00 UTC on Monday 6 April, Auckland's week is 2026-W15 and Los Angeles' still
    2026-W14, both after their hour. Each learner was nudged in W14 already: the one whose
    week has turned is nudged again, the other not, though both are in one batch."""
    course = make_course("ONE", hours="100")
    auckland, los_angeles = (
        make_user(timezone="Pacific/Auckland"),
        make_user(timezone="America/Los_Angeles"),
    )
    for user in (auckland, los_angeles):
        plan(user, course, target=TODAY + dt.timedelta(weeks=4))
        log(user, course, days_ago=3, minutes=60)
        Reminder.objects.create(kind="behind_pace", user=user, subject="ONE", period="2026-W14")
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch(dt.datetime(2026, 4, 6, 0, 0, tzinfo=dt.UTC))
    nudges = Reminder.objects.filter(kind="behind_pace").values_list("user_id", "period")
    assert sorted(nudges) == sorted(
        [(auckland.pk, "2026-W14"), (los_angeles.pk, "2026-W14"), (auckland.pk, "2026-W15")]
    )


@pytest.mark.django_db
def test_a_pass_unfreezes_what_it_froze_and_leaves_an_earlier_freeze_alone(
    small_batches, django_capture_on_commit_callbacks
):
    """The pass keeps the objects that existed before it out of the collector's way
    (gc.freeze) and gives them back at its end; a freeze made by someone else before the
    pass (a server before forking) stays."""
    import gc

    _learners(2, make_course(hours="100"))
    seen = []
    original = services._dispatch_batch

    def batch(**kwargs):
        seen.append(gc.get_freeze_count())
        return original(**kwargs)

    services._dispatch_batch = batch
    try:
        _pass(django_capture_on_commit_callbacks)
        assert seen and all(count > 0 for count in seen)
        assert gc.get_freeze_count() == 0
        gc.freeze()
        _pass(django_capture_on_commit_callbacks)
        assert gc.get_freeze_count() > 0  # still frozen (fewer: some were freed since)
    finally:
        services._dispatch_batch = original
        gc.unfreeze()
