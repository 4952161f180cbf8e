"""Consent before a team sees anyone (issue 11): invitations, answering them, leaving,
direct additions that tell the person, the audit trail, notices worded when read."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import make_team, make_user
from tests.progress_helpers import make_track_with_options
from tracker.accounts import throttle
from tracker.accounts.models import AuditEvent, Membership
from tracker.reminders.models import Notification
from tracker.reminders.notices import notify
from tracker.teams import roster, services
from tracker.teams.models import Invitation

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def invite(client, personas, email: str):
    return client.post(reverse("teams:member_add", args=[personas.team.pk]), {"email": email})


@pytest.fixture
def invited(personas):
    """An account invited to Team A that has not answered."""
    person = make_user("ines@example.test", name="Inès Invited")
    invitation, _sent = services.invitation_create(
        team=personas.team, inviter=personas.manager, email="Ines@Example.test"
    )
    mail.outbox.clear()
    return person, invitation


# --- Inviting: the same answer whatever the address ---------------------------------------


def test_inviting_an_account_and_an_unknown_address_answers_the_same(personas):
    make_user("known@example.test", name="Known Person")
    client = personas.client_for("manager")
    known = invite(client, personas, "KNOWN@example.test")
    unknown = invite(client, personas, "nobody@example.test")
    assert known.status_code == unknown.status_code == 302
    page = client.get(reverse("teams:detail", args=[personas.team.pk])).content.decode()
    assert "known@example.test" in page and "nobody@example.test" in page
    assert "Known Person" not in page  # the account is not named: only the typed address
    assert not Membership.objects.filter(user__email="known@example.test").exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["known@example.test", "nobody@example.test"]
    # The history says "invited" with the address only, for both.
    events = AuditEvent.objects.filter(action=Action.INVITED)
    assert {(e.email, e.user_id) for e in events} == {
        ("known@example.test", None),
        ("nobody@example.test", None),
    }


def test_an_account_is_told_in_the_app_and_by_email(personas):
    person = make_user("known@example.test", language="en")
    invite(personas.client_for("manager"), personas, "known@example.test")
    [notice] = Notification.objects.filter(user=person)
    assert notice.kind == "team_invitation"
    invitation = Invitation.objects.get()
    with translation.override("en"):
        assert notice.shown_title == "Mia Manager invites you to join the team Team A"
        assert notice.shown_url == reverse("teams:invitation", args=[invitation.pk])
    [message] = mail.outbox
    assert "Mia Manager invites you to join the team Team A" in message.subject
    assert f"/invitations/{invitation.pk}/" in message.body
    assert "Mia Manager" in message.body  # who will see their progress


def test_a_bad_address_or_a_member_is_refused_at_the_field(personas):
    client = personas.client_for("manager")
    response = invite(client, personas, "not-an-address")
    assert response.status_code == 422
    assert response.context["member_form"].errors["email"]
    response = invite(client, personas, personas.learner.email)
    assert response.status_code == 422
    assert response.context["member_form"].errors["email"] == [
        "Cette personne est déjà membre de l\u2019équipe."
    ]
    assert not Invitation.objects.exists()


def test_invitations_are_limited_per_manager(personas):
    client = personas.client_for("manager")
    for n in range(throttle.INVITATION_MANAGER_LIMIT):
        assert invite(client, personas, f"p{n}@example.test").status_code == 302
    response = invite(client, personas, "one-more@example.test")
    assert response.status_code == 422
    assert "invitations" in response.context["member_form"].errors["email"][0]
    assert len(mail.outbox) == throttle.INVITATION_MANAGER_LIMIT
    # Another manager has their own count.
    other = make_team("Team C", managers=[personas.other_manager])
    services.invitation_create(team=other, inviter=personas.other_manager, email="x@example.test")


def test_only_the_teams_managers_invite(personas):
    response = personas.client_for("other_manager").post(
        reverse("teams:member_add", args=[personas.team.pk]), {"email": "x@example.test"}
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


# --- Invisible until they accept --------------------------------------------------------


def test_an_invited_person_is_in_no_view_export_or_api_of_the_team(personas, invited):
    """The repro of issue 11: before, adding by email showed everything at once."""
    person, _invitation = invited
    track, *_rest = make_track_with_options()
    manager = personas.client_for("manager")
    team = personas.team.pk
    page = manager.get(reverse("teams:detail", args=[team]))
    assert [row.member for row in page.context["table"].rows] == [personas.learner]
    assert person not in [row.member for row in page.context["heatmap"].rows]
    assert "ines@example.test" in page.content.decode()  # "invited: ines@..." only
    csv = manager.get(reverse("teams:export", args=[team])).content.decode()
    assert "ines@example.test" not in csv and "Inès" not in csv
    api = manager.get(f"/api/teams/{team}/progress").json()
    assert [m["email"] for m in api["members"]] == [personas.learner.email]
    for url in (
        reverse("teams:member", args=[team, person.pk]),
        reverse("assessments:member", args=[team, person.pk]),
        f"/api/teams/{team}/members/{person.pk}/ratings",
    ):
        assert manager.get(url).status_code == 404, url
    refused = manager.post(
        "/api/assignments",
        {"team": team, "track": track.code, "due_in_days": 10, "learners": [person.pk]},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assign = manager.get(reverse("teams:assign", args=[team]))
    assert person not in assign.context["form"].fields["assignees"].queryset
    assert "(1 membre)" in manager.get("/").content.decode()  # the dashboard's count


def test_the_team_summary_email_counts_accepted_members_only(personas, invited):
    from tracker.reminders.progress_kinds import TeamSummary

    person, _invitation = invited
    monday_10_paris = dt.datetime.fromisoformat("2026-04-06T10:00+02:00")
    [due] = TeamSummary().due(now=monday_10_paris, users=[personas.manager])
    assert due.context["members"] == 1
    assert person.get_full_name() not in str(due.context)


# --- Answering ---------------------------------------------------------------------------


def test_accepting_makes_the_person_a_member_and_tells_the_inviter(personas, invited):
    person, invitation = invited
    client = personas.client_for(None)
    client.force_login(person)
    page = client.get(reverse("teams:invitation", args=[invitation.pk]))
    assert page.status_code == 200
    assert "Mia Manager" in page.content.decode()  # who would see them
    response = client.post(reverse("teams:invitation", args=[invitation.pk]), {"answer": "accept"})
    assert response.url == reverse("profile")
    assert personas.team.members.filter(pk=person.pk).exists()
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.decided_at is not None
    told = Notification.objects.get(user=personas.manager)
    assert told.kind == "team_invitation_accepted"
    assert AuditEvent.objects.filter(action=Action.ACCEPTED, user=person, actor=person).exists()
    table = personas.client_for("manager").get(reverse("teams:detail", args=[personas.team.pk]))
    assert person in [row.member for row in table.context["table"].rows]
    # Answered: a second answer changes nothing.
    client.post(reverse("teams:invitation", args=[invitation.pk]), {"answer": "decline"})
    assert personas.team.members.filter(pk=person.pk).exists()


def test_declining_leaves_the_team_blind_and_tells_the_inviter(personas, invited):
    person, invitation = invited
    client = personas.client_for(None)
    client.force_login(person)
    client.post(reverse("teams:invitation", args=[invitation.pk]), {"answer": "decline"})
    assert not personas.team.members.filter(pk=person.pk).exists()
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert Notification.objects.get(user=personas.manager).kind == "team_invitation_declined"
    page = personas.client_for("manager").get(reverse("teams:detail", args=[personas.team.pk]))
    assert page.context["invitations"] == []


def test_someone_else_cannot_see_or_answer_an_invitation(personas, invited):
    _person, invitation = invited
    for who in ("learner", "manager", "admin"):
        client = personas.client_for(who)
        url = reverse("teams:invitation", args=[invitation.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"answer": "accept"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_an_expired_invitation_cannot_be_accepted_but_can_be_sent_again(personas, invited):
    person, invitation = invited
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client = personas.client_for(None)
    client.force_login(person)
    url = reverse("teams:invitation", args=[invitation.pk])
    client.post(url, {"answer": "accept"})
    assert not personas.team.members.filter(pk=person.pk).exists()
    manager = personas.client_for("manager")
    page = manager.get(reverse("teams:detail", args=[personas.team.pk])).content.decode()
    assert "expirée" in page
    manager.post(reverse("teams:invitation_resend", args=[personas.team.pk, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + dt.timedelta(days=13)
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action=Action.INVITATION_RESENT).count() == 1
    client.post(url, {"answer": "accept"})
    assert personas.team.members.filter(pk=person.pk).exists()


def test_a_cancelled_invitation_cannot_be_accepted(personas, invited):
    person, invitation = invited
    manager = personas.client_for("manager")
    manager.post(reverse("teams:invitation_cancel", args=[personas.team.pk, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == "cancelled"
    client = personas.client_for(None)
    client.force_login(person)
    client.post(reverse("teams:invitation", args=[invitation.pk]), {"answer": "accept"})
    assert not personas.team.members.filter(pk=person.pk).exists()
    assert AuditEvent.objects.filter(action=Action.INVITATION_CANCELLED).exists()


def test_an_unknown_address_signs_up_from_the_link_then_accepts(personas, client):
    invite(personas.client_for("manager"), personas, "newbie@example.test")
    [message] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/invitations/join/\S+/)", message.body).group(1)
    page = client.get(link)
    assert page.status_code == 200 and "email" not in page.context["form"].fields
    response = client.post(
        link,
        {
            "name": "Nouveau",
            "password1": "a-long-pass-phrase-1",
            "password2": "a-long-pass-phrase-1",
        },
    )
    invitation = Invitation.objects.get()
    assert response.url == reverse("teams:invitation", args=[invitation.pk])
    user = get_user_model().objects.get(email="newbie@example.test")
    assert user.is_active  # the link proves the address
    assert not personas.team.members.filter(pk=user.pk).exists()  # not before answering
    client.post(response.url, {"answer": "accept"})
    assert personas.team.members.filter(pk=user.pk).exists()
    # The link is spent once answered.
    client.logout()
    assert client.get(link).status_code == 404


def test_a_sign_up_link_with_a_wrong_token_shows_nothing(client):
    response = client.get(reverse("teams:invitation_signup", args=["nope"]))
    assert response.status_code == 404


# --- Leaving, being removed ------------------------------------------------------------


def test_a_member_sees_who_sees_them_and_leaves_after_confirming(personas):
    client = personas.client_for("learner")
    profile = client.get(reverse("profile")).content.decode()
    assert "Team A" in profile and "Mia Manager" in profile
    leave = reverse("teams:leave", args=[personas.team.pk])
    assert client.get(leave).status_code == 200  # asks first
    assert personas.team.members.filter(pk=personas.learner.pk).exists()
    assert client.post(leave).url == reverse("profile")
    assert not personas.team.members.filter(pk=personas.learner.pk).exists()
    table = personas.client_for("manager").get(reverse("teams:detail", args=[personas.team.pk]))
    assert table.context["table"].rows == []
    told = Notification.objects.get(user=personas.manager)
    with translation.override("en"):
        assert told.shown_title == "Léa Learner left the team Team A"
    assert AuditEvent.objects.get(action=Action.LEFT).actor == personas.learner
    # Out of the team: leaving again is a 404.
    assert client.post(leave).status_code == 404


def test_a_removed_member_is_told(personas):
    manager = personas.client_for("manager")
    manager.post(reverse("teams:member_remove", args=[personas.team.pk, personas.learner.pk]))
    assert Notification.objects.get(user=personas.learner).kind == "team_removed"
    event = AuditEvent.objects.get(action=Action.REMOVED)
    assert (event.actor, event.user) == (personas.manager, personas.learner)


# --- Added directly: told -----------------------------------------------------------------


def test_a_roster_import_adds_directly_and_tells_each_person(personas):
    known = make_user("known@example.test")
    report = roster.roster_parse(
        "email,name,team,manager email\nknown@example.test,Known,Team A,manager@example.test\n"
        "fresh@example.test,Fresh,Data,manager@example.test\n"
    )
    roster.roster_apply(report, actor=personas.admin)
    assert personas.team.members.filter(pk=known.pk).exists()
    joined = Notification.objects.filter(kind="team_joined")
    assert joined.count() == 2
    with translation.override("en"):
        body = joined.get(user=known).shown_body
    assert "by importing a roster" in body and "Mia Manager" in body
    assert AuditEvent.objects.filter(action=Action.ADDED_BY_ROSTER).count() == 2
    # Again: nobody is told twice.
    roster.roster_apply(report, actor=personas.admin)
    assert Notification.objects.filter(kind="team_joined").count() == 2


def test_the_admin_adds_directly_and_the_person_is_told(personas):
    newcomer = make_user("newcomer@example.test")
    admin = personas.client_for("admin")
    url = reverse("admin:accounts_team_change", args=[personas.team.pk])
    membership = Membership.objects.get(team=personas.team)
    data = {
        "name": "Team A",
        "managers": [personas.manager.pk],
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": membership.pk,
        "memberships-0-team": personas.team.pk,
        "memberships-0-user": personas.learner.pk,
        "memberships-0-added_at_0": "2026-01-01",
        "memberships-0-added_at_1": "10:00:00",
        "memberships-1-team": personas.team.pk,
        "memberships-1-user": newcomer.pk,
        "memberships-1-added_at_0": "2026-01-01",
        "memberships-1-added_at_1": "10:00:00",
    }
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert personas.team.members.filter(pk=newcomer.pk).exists()
    assert Notification.objects.get(user=newcomer).kind == "team_joined"
    event = AuditEvent.objects.get(action=Action.ADDED_BY_ADMIN)
    assert (event.actor, event.user) == (personas.admin, newcomer)


# --- The audit trail ----------------------------------------------------------------------


def test_the_team_history_shows_membership_events_beside_assignments(personas, invited):
    track, *_rest = make_track_with_options()
    services.assignment_assign(
        actor=personas.manager,
        team=personas.team,
        assignees=[personas.learner],
        track=track,
        due_in_days=20,
    )
    history = personas.client_for("manager").get(reverse("teams:history", args=[personas.team.pk]))
    rows = list(history.context["page"].object_list)
    assert [type(row).__name__ for row in rows] == ["AssignmentLog", "AuditEvent"]
    html = history.content.decode()
    assert "invitation" in html and "ines@example.test" in html
    assert "Inès" not in html  # not named before answering


def test_token_and_certificate_events_are_for_the_person_and_admins_only(personas):
    from tracker.certificates.services import CertificateInput, certificate_record

    learner = personas.client_for("learner")
    learner.post(reverse("api_tokens"), {"name": "laptop"})
    token = personas.learner.api_tokens.get()
    learner.post(reverse("api_token_revoke", args=[token.pk]))
    certificate_record(
        user=personas.learner,
        data=CertificateInput(title="Cert ML", issued_on=personas.learner.local_today()),
    )
    actions = list(
        AuditEvent.objects.filter(user=personas.learner).values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(
        [Action.TOKEN_CREATED, Action.TOKEN_REVOKED, Action.CERTIFICATE_RECORDED]
    )
    profile = learner.get(reverse("profile")).content.decode()
    assert "laptop" in profile and "Cert ML" in profile
    # Not in the team's history (managers), nor on someone else's profile.
    manager = personas.client_for("manager")
    history = manager.get(reverse("teams:history", args=[personas.team.pk])).content.decode()
    assert "laptop" not in history and "Cert ML" not in history
    assert "laptop" not in manager.get(reverse("profile")).content.decode()
    assert (
        personas.client_for("admin")
        .get(reverse("admin:accounts_auditevent_changelist"))
        .status_code
        == 200
    )


# --- Notices: a kind and parameters, worded when read ------------------------------------


def test_a_notice_is_worded_in_the_readers_language_when_read(personas):
    notice = notify(personas.learner, "team_removed", team="Data", actor="Mia")
    assert notice.title == "" and notice.params == {"team": "Data", "actor": "Mia"}
    client = personas.client_for("learner")
    assert (
        "Vous ne faites plus partie de l\u2019équipe Data"
        in client.get("/notifications/").content.decode()
    )
    personas.learner.language = "en"
    personas.learner.save(update_fields=["language"])
    assert "You are no longer in the team Data" in client.get("/notifications/").content.decode()
    api = client.get("/api/me/notifications").json()
    assert api[0]["title"] == "You are no longer in the team Data"


def test_rows_with_stored_text_still_show_it(personas):
    Notification.objects.create(user=personas.learner, kind="team_removed", title="Old words")
    assert "Old words" in personas.client_for("learner").get("/notifications/").content.decode()


def test_an_unknown_notice_kind_is_refused():
    with pytest.raises(ValueError):
        notify(1, "no_such_kind")


# --- The data migration -----------------------------------------------------------------


def test_the_migration_tells_each_existing_member_once_which_teams_see_them(personas):
    make_team("Team C", managers=[personas.other_manager], members=[personas.learner])
    migration = importlib.import_module(
        "tracker.teams.migrations.0003_tell_members_which_teams_see_them"
    )
    migration.tell_members(apps, None)
    notices = Notification.objects.filter(kind="team_visibility")
    assert sorted(n.user_id for n in notices) == sorted(
        [personas.learner.pk, personas.other_learner.pk]
    )
    with translation.override("en"):
        body = notices.get(user=personas.learner).shown_body
    assert "Team A, managed by Mia Manager" in body
    assert "Team C, managed by Oscar Othermanager" in body
    # Memberships are untouched.
    assert Membership.objects.count() == 3


def test_members_who_joined_before_the_readiness_board_are_told_it_shows_certificates(
    personas,
):
    """They accepted a text that did not name certificates: each is told once, in the
    app and in their language, which teams' managers now see them (issue 20)."""
    make_team("Team C", managers=[personas.other_manager], members=[personas.learner])
    migration = importlib.import_module(
        "tracker.teams.migrations.0005_tell_members_managers_see_certificates"
    )
    migration.tell_members(apps, None)
    notices = Notification.objects.filter(kind="team_certificates_visible")
    assert sorted(n.user_id for n in notices) == sorted(
        [personas.learner.pk, personas.other_learner.pk]
    )
    assert not Notification.objects.filter(kind="team_visibility").exists()
    notice = notices.get(user=personas.learner)
    with translation.override("en"):
        assert "now see your certificates" in notice.shown_title
        assert "Team C, managed by Oscar Othermanager" in notice.shown_body
    with translation.override("fr"):
        notice = notices.get(user=personas.learner)  # shown_* are worded once per read
        assert "voient désormais vos certificats" in notice.shown_title
    migration.forget(apps, None)
    assert not Notification.objects.filter(kind="team_certificates_visible").exists()


def test_the_consent_texts_name_the_certificates(personas):
    """What a manager sees is what the invitation, the joined notice and the profile say."""
    services.invitation_create(team=personas.team, inviter=personas.manager, email="n@x.test")
    assert "certificat" in mail.outbox[-1].body  # "certificates" / "certificats"
    with translation.override("en"):
        joined = notify(personas.other_learner, "team_joined", team="A", managers=["Mia"])
        assert "your certificates with their validity dates" in joined.shown_body
    profile = personas.client_for("learner").get("/accounts/profile/").content.decode()
    assert "vos certificats et leurs dates de validité" in profile


def test_an_invitation_whose_email_fails_is_kept_and_the_manager_told(personas, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(services, "send_mail", refuse)
    manager = personas.client_for("manager")
    response = invite(manager, personas, "x@example.test")
    assert Invitation.objects.get().email == "x@example.test"
    page = manager.get(response.url)
    assert "n\u2019a pas pu partir" in page.content.decode()


def test_a_sign_up_link_for_an_address_that_has_an_account_now_asks_to_log_in(personas, client):
    invitation, _sent = services.invitation_create(
        team=personas.team, inviter=personas.manager, email="late@example.test"
    )
    raw = invitation.new_token()
    invitation.save()
    make_user("late@example.test")  # signed up another way since
    response = client.get(reverse("teams:invitation_signup", args=[raw]))
    answer = reverse("teams:invitation", args=[invitation.pk])
    assert response.url == f"{reverse('login')}?next={answer.replace('/', '%2F')}"


def test_the_profile_runs_the_same_queries_for_one_team_or_three(personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = personas.client_for("learner")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("profile")).status_code == 200
        return len(queries)

    one = count()
    for name in ("Team C", "Team D"):
        make_team(
            name, managers=[personas.manager, personas.other_manager], members=[personas.learner]
        )
    # session, user, the teams, their managers (one prefetch), the activity, the nav's
    # unread count and the hooks: none grows with the number of teams.
    assert count() == one
