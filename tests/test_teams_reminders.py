"""A manager reminds the learners they tick on the team page: once per click, at most one
a day to a learner, never to one who switched messages from managers off, as an in-app
notice and an email, recorded in the team's history."""

from __future__ import annotations

import secrets

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import make_user
from tracker.accounts.models import AuditEvent, Membership
from tracker.reminders import services as reminder_services
from tracker.reminders.manager_messages import KIND
from tracker.reminders.models import KindOptOut, Notification, Reminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(personas):
    user = make_user("second@example.test", name="Zoé Second", language="en")
    Membership.objects.create(team=personas.team, user=user)
    return user


def remind(personas, learners, text="Please log your hours", token=None, who="manager"):
    client = personas.client_for(who)
    return client.post(
        reverse("reminders:team_remind", args=[personas.team.pk]),
        {
            "learners": [u.pk for u in learners],
            "message": text,
            "token": token or secrets.token_urlsafe(16),
        },
    )


def test_the_ticked_learners_get_a_notice_an_email_and_the_history_says_so(
    personas, second, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = remind(personas, [personas.learner, second])
    assert response.status_code == 302
    assert response.url == reverse("teams:detail", args=[personas.team.pk])
    assert callbacks  # the emails are handed to the sender once committed
    notices = Notification.objects.filter(kind=KIND)
    assert {n.user_id for n in notices} == {personas.learner.pk, second.pk}
    notice = notices.get(user=second)
    assert "Mia Manager" in notice.shown_title and notice.shown_body == "Please log your hours"
    events = AuditEvent.objects.filter(team=personas.team, action=AuditEvent.Action.REMINDED)
    assert {e.user_id for e in events} == {personas.learner.pk, second.pk}
    assert events.first().target == "Please log your hours"  # what the history shows
    # The email, through the reminder sender (exactly once, in the learner's language).
    row = Reminder.objects.get(kind=KIND, user=second)
    assert reminder_services.reminder_send(reminder_id=row.pk) == "sent"
    [email] = mail.outbox
    assert email.to == [second.email] and "Please log your hours" in email.body
    page = personas.client_for("manager").get(reverse("teams:detail", args=[personas.team.pk]))
    assert "Please log your hours" in page.text  # the team page's latest changes


def test_a_second_submit_of_the_same_form_sends_nothing(personas, second):
    token = secrets.token_urlsafe(16)
    remind(personas, [second], token=token)
    again = remind(personas, [second], token=token)
    assert again.status_code == 302
    assert Notification.objects.filter(kind=KIND).count() == 1
    assert Reminder.objects.filter(kind=KIND).count() == 1


def test_at_most_one_reminder_a_day_to_a_learner(personas, second):
    remind(personas, [second], text="First")
    response = remind(personas, [second, personas.learner], text="Second")
    assert response.status_code == 302
    texts = list(
        Notification.objects.filter(kind=KIND, user=second).values_list("params__text", flat=True)
    )
    assert texts == ["First"]
    assert Notification.objects.filter(kind=KIND, user=personas.learner).count() == 1
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Zoé Second" in m for m in messages)


def test_a_learner_who_switched_manager_messages_off_gets_nothing(personas, second):
    KindOptOut.objects.create(user=second, kind=KIND)
    response = remind(personas, [second, personas.learner])
    assert response.status_code == 302
    assert not Notification.objects.filter(kind=KIND, user=second).exists()
    assert not Reminder.objects.filter(kind=KIND, user=second).exists()
    assert Notification.objects.filter(kind=KIND, user=personas.learner).exists()
    # The switch is on the learner's preferences page.
    page = personas.client_for("learner").get(reverse("reminders:preferences"))
    assert f'value="{KIND}"' in page.text


def test_the_text_is_escaped_where_the_learner_reads_it(personas):
    remind(personas, [personas.learner], text='<script>alert("x")</script>')
    page = personas.client_for("learner").get(reverse("reminders:notifications"))
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text


@pytest.mark.parametrize(
    ("learners", "text", "field"),
    [
        (lambda p: [], "Hello", "learners"),
        (lambda p: [p.learner], "", "message"),
        (lambda p: [p.learner], "x" * 501, "message"),
        (lambda p: [p.other_learner], "Hello", "learners"),  # not in the team
    ],
)
def test_a_bad_reminder_is_shown_again_with_the_message_at_the_field(
    personas, learners, text, field
):
    response = remind(personas, learners(personas), text=text)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.text  # the message at its field
    assert not Notification.objects.filter(kind=KIND).exists()


def test_500_characters_are_enough(personas):
    assert remind(personas, [personas.learner], text="x" * 500).status_code == 302


def test_only_the_teams_managers_remind(personas):
    for who in ("other_manager", "learner"):
        assert remind(personas, [personas.learner], who=who).status_code == 404
    assert not Notification.objects.filter(kind=KIND).exists()
