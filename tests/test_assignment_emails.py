"""Assignment emails (issue 18): a learner is emailed, as their preferences say, when a
manager assigns them work, moves its due date or takes it back; in their language; all
of one bulk assignment in one task, after the commit."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user
from tests.progress_helpers import make_track_with_options
from tracker.accounts.models import Membership
from tracker.reminders import notice_emails
from tracker.reminders.models import KindOptOut
from tracker.teams import services

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def inline_tasks(monkeypatch):
    """The task runs in the test, as a worker would after the commit; counts the tasks."""
    calls = []

    def enqueue(*, notification_ids):
        calls.append(list(notification_ids))
        notice_emails.send_notice_emails(notification_ids=notification_ids)

    monkeypatch.setattr(notice_emails, "enqueue", enqueue)
    return calls


def _assign(personas, members, track, days=30):
    return services.assignment_assign(
        actor=personas.manager,
        team=personas.team,
        assignees=members,
        track=track,
        due_date=TODAY + datetime.timedelta(days=days),
        today=TODAY,
    )


def test_assign_move_and_take_back_each_email_the_learner_in_their_language(
    personas, locmem_mail, inline_tasks, django_capture_on_commit_callbacks
):
    track, *_ = make_track_with_options()
    learner = personas.learner
    learner.language = "en"
    learner.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        [assignment] = _assign(personas, [learner], track)
    [new] = locmem_mail
    assert new.to == [learner.email]
    assert new.subject.startswith("Mia Manager assigned you ")
    assert track.name_en in new.subject
    assert "List-Unsubscribe" in new.extra_headers
    assert reverse("dashboard") in new.body

    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_set_individual_due_date(
            actor=personas.manager,
            assignment=assignment,
            due_date=TODAY + datetime.timedelta(days=60),
        )
    assert "is now due" in locmem_mail[-1].subject

    learner.language = "fr"
    learner.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_remove(actor=personas.manager, assignment=assignment)
    assert "ne vous est plus affecté" in locmem_mail[-1].subject
    assert len(locmem_mail) == 3


def test_nothing_is_emailed_when_the_transaction_rolls_back(
    personas, locmem_mail, inline_tasks, django_capture_on_commit_callbacks
):
    track, *_ = make_track_with_options()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _assign(personas, [personas.learner], track)
    assert callbacks  # queued for after the commit...
    assert locmem_mail == []  # ...and not sent before it


def test_a_learner_who_switched_them_off_gets_no_email_but_still_the_notice(
    personas, locmem_mail, inline_tasks, django_capture_on_commit_callbacks
):
    from tracker.reminders.models import Notification

    track, *_ = make_track_with_options()
    KindOptOut.objects.create(user=personas.learner, kind=notice_emails.EMAIL_PREFERENCE)
    with django_capture_on_commit_callbacks(execute=True):
        _assign(personas, [personas.learner], track)
    assert locmem_mail == []
    assert Notification.objects.filter(user=personas.learner, kind="assignment_new").exists()


def test_a_bulk_assignment_sends_its_emails_in_one_task_with_a_fixed_number_of_queries(
    personas,
    locmem_mail,
    inline_tasks,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    track, *_ = make_track_with_options()
    members = [make_user(f"m{i}@example.test") for i in range(30)]
    Membership.objects.bulk_create(Membership(team=personas.team, user=u) for u in members)
    KindOptOut.objects.create(user=members[0], kind=notice_emails.EMAIL_PREFERENCE)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _assign(personas, members, track)
    with django_assert_max_num_queries(2):  # the notices with their people; the opt-outs
        for callback in callbacks:
            callback()
    assert len(inline_tasks) == 1 and len(inline_tasks[0]) == 30
    assert len(locmem_mail) == 29


def test_with_the_broker_down_the_emails_go_at_once(personas, locmem_mail, monkeypatch):
    from tracker.reminders import tasks
    from tracker.reminders.notices import notify

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(tasks.send_notice_emails_task, "apply_async", broker_down)
    notice = notify(personas.learner, "assignment_removed", name_fr="Parcours", actor="Mia")
    notice_emails.enqueue(notification_ids=[notice.pk])
    assert len(locmem_mail) == 1


def test_other_notices_are_not_emailed(personas, locmem_mail, inline_tasks):
    from tracker.reminders.notices import notify

    notice = notify(personas.learner, "team_removed", team="Data", actor="Mia")
    assert notice_emails.send_notice_emails(notification_ids=[notice.pk]) == 0
