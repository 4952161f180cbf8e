"""Roster import: preview with errors per line, confirm, bulk writes for 10,000 lines."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tracker.accounts.models import Team, User
from tracker.teams import roster

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


GOOD = (
    "email,name,team,manager email\n"
    "ana@example.test,Ana,Data,boss@example.test\n"
    "ben@example.test,Ben,Data,boss@example.test\n"
    "boss@example.test,Bea Boss,Leads,\n"
)


def test_a_clean_roster_creates_people_teams_and_managers(db):
    report = roster.roster_parse(GOOD)
    assert report.ok and report.new_users == 3 and report.new_teams == ["Data", "Leads"]
    roster.roster_apply(report)
    data = Team.objects.get(name="Data")
    assert set(data.members.values_list("email", flat=True)) == {
        "ana@example.test",
        "ben@example.test",
    }
    assert list(data.managers.values_list("email", flat=True)) == ["boss@example.test"]
    assert not User.objects.get(email="ana@example.test").has_usable_password()
    # Importing again changes nothing and duplicates nothing.
    roster.roster_apply(roster.roster_parse(GOOD))
    assert User.objects.count() == 3 and data.members.count() == 2


def test_broken_lines_and_duplicates_are_named_by_line(db):
    text = (
        "ana@example.test,Ana,Data,\n"
        "not-an-email,X,Data,\n"
        "too,few\n"
        "ANA@example.test,Ana again,Data,\n"
        "cy@example.test,Cy,,\n"
        "dee@example.test,Dee,Data,ghost@example.test\n"
    )
    report = roster.roster_parse(text)
    lines = {line for line, _message in report.errors}
    assert lines == {2, 3, 4, 5, 6}
    messages = dict(report.errors)
    assert "already on line 1" in messages[4]
    assert "found 2" in messages[3]
    assert "ghost@example.test" in messages[6]
    assert not report.ok


def test_formula_names_are_stored_as_typed(db):
    report = roster.roster_parse("eve@example.test,\"=cmd|' /C calc'!A0\",Data,\n")
    roster.roster_apply(report)
    assert User.objects.get(email="eve@example.test").name == "=cmd|' /C calc'!A0"


def test_the_page_previews_then_confirms_and_is_for_admins_only(personas):
    url = reverse("teams:roster")
    assert personas.client_for("manager").get(url).status_code == 404
    client = personas.client_for("admin")
    upload = SimpleUploadedFile("roster.csv", ("\ufeff" + GOOD).encode(), "text/csv")
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200
    assert "Confirm" in preview.content.decode() or "Confirmer" in preview.content.decode()
    assert not Team.objects.filter(name="Data").exists()
    done = client.post(url, {"text": GOOD, "confirm": "1"})
    assert done.status_code == 302
    assert Team.objects.get(name="Data").members.count() == 2


def test_the_page_shows_errors_and_writes_nothing(personas):
    client = personas.client_for("admin")
    response = client.post(reverse("teams:roster"), {"text": "bad,line\n", "confirm": "1"})
    assert response.status_code == 422
    assert response.context["report"].errors[0][0] == 1
    assert User.objects.count() == 5


def test_a_10000_line_roster_runs_in_bulk(db):
    lines = [
        f"user{n}@example.test,User {n},Team {n % 20},lead{n % 20}@example.test"
        for n in range(10_000)
    ]
    lines += [f"lead{n}@example.test,Lead {n},Leads," for n in range(20)]
    text = "\n".join(lines)
    started = time.perf_counter()
    report = roster.roster_parse(text)
    assert report.ok, report.errors[:3]
    with CaptureQueriesContext(connection) as queries:
        roster.roster_apply(report)
    elapsed = time.perf_counter() - started
    assert User.objects.count() == 10_020
    assert Team.objects.get(name="Team 7").members.count() == 500
    # A few queries per batch of 500, not per line.
    assert len(queries) < 10_020 / roster.BATCH * 8 + 20
    assert elapsed < 60


def _run_tasks_at_once(monkeypatch):
    """The invitation tasks run in the test instead of going to the broker."""
    from tracker.accounts import tasks

    monkeypatch.setattr(
        tasks.send_invitations, "apply_async", lambda args, **kw: tasks.send_invitations(*args)
    )


def test_confirming_invites_the_new_people_to_choose_a_password(personas, monkeypatch):
    import re

    from django.core import mail

    _run_tasks_at_once(monkeypatch)
    User.objects.create_user(email="boss@example.test", password="x" * 12)  # has an account
    User.objects.filter(email="boss@example.test").update(language="en")
    client = personas.client_for("admin")
    done = client.post(reverse("teams:roster"), {"text": GOOD, "confirm": "1", "invite": "1"})
    assert done.status_code == 302
    assert sorted(email.to[0] for email in mail.outbox) == ["ana@example.test", "ben@example.test"]
    email = next(e for e in mail.outbox if e.to == ["ana@example.test"])
    assert email.subject == "Vous êtes invité·e sur Parcours"  # the new person's language
    assert "Ada Admin" in email.body
    # The link lets them choose a password, then log in.
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+)", email.body).group(1)
    visitor = Client()
    page = visitor.get(link, follow=True)
    assert page.context["validlink"]
    password = "Un mot de passe assez long"
    set_url = page.redirect_chain[-1][0]
    visitor.post(set_url, {"new_password1": password, "new_password2": password})
    assert visitor.login(username="ana@example.test", password=password)
    # Once they chose a password, a second invitation is not sent.
    mail.outbox.clear()
    from tracker.accounts import services

    ana, ben = User.objects.filter(email__in=["ana@example.test", "ben@example.test"]).order_by(
        "email"
    )
    assert services.invitations_send(user_ids=[ana.pk, ben.pk]) == 1
    assert [email.to for email in mail.outbox] == [["ben@example.test"]]


def test_the_admin_can_import_without_inviting(personas, monkeypatch):
    from django.core import mail

    _run_tasks_at_once(monkeypatch)
    client = personas.client_for("admin")
    client.post(reverse("teams:roster"), {"text": GOOD, "confirm": "1"})
    assert User.objects.filter(email="ana@example.test").exists()
    assert mail.outbox == []


def test_with_the_broker_down_the_roster_is_imported_and_the_admin_told(personas, monkeypatch):
    from tracker.accounts import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.send_invitations, "apply_async", broker_down)
    client = personas.client_for("admin")
    done = client.post(
        reverse("teams:roster"), {"text": GOOD, "confirm": "1", "invite": "1"}, follow=True
    )
    assert User.objects.filter(email="ana@example.test").exists()
    assert "pas pu être envoyées" in done.content.decode()  # the admin reads French


def test_someone_added_without_a_password_can_ask_for_a_link(client):
    from django.core import mail

    roster.roster_apply(roster.roster_parse(GOOD))
    client.post(reverse("password_reset"), {"email": "ana@example.test"})
    assert [email.to for email in mail.outbox] == [["ana@example.test"]]


# --- The French header, the template, a manager-only line ---------------------------------


@pytest.mark.parametrize(
    "header", ["email,nom,equipe,email_manager", "Email,Nom,Équipe,Email_Manager"]
)
def test_the_french_header_row_is_skipped(db, header):
    report = roster.roster_parse(header + "\nana@example.test,Ana,Data,\n")
    assert report.ok, report.errors
    assert [line.email for line in report.lines] == ["ana@example.test"]


def test_the_template_is_a_roster_that_imports_cleanly(personas):
    response = personas.client_for("admin").get(reverse("teams:roster_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="roster-template.csv"'
    report = roster.roster_parse(response.content)
    assert report.ok, report.errors
    assert len(report.lines) == 3 and report.new_users == 3
    page = personas.client_for("admin").get(reverse("teams:roster")).content.decode()
    assert reverse("teams:roster_template") in page
    assert "email,nom,equipe,email_manager" in page


def test_a_line_without_email_makes_a_manager_who_is_not_a_learner(db):
    text = (
        "email,name,team,manager email\n"
        "ana@example.test,Ana,Data,mia@example.test\n"
        ",Mia Manager,Data,mia@example.test\n"
        ",Mia Manager,Leads,mia@example.test\n"
    )
    report = roster.roster_parse(text)
    assert report.ok, report.errors
    assert report.new_users == 2 and report.new_teams == ["Data", "Leads"]
    roster.roster_apply(report)
    mia = User.objects.get(email="mia@example.test")
    assert mia.name == "Mia Manager"
    data, leads = Team.objects.get(name="Data"), Team.objects.get(name="Leads")
    assert set(data.managers.all()) == {mia} and set(leads.managers.all()) == {mia}
    assert list(data.members.values_list("email", flat=True)) == ["ana@example.test"]
    assert not leads.members.exists()


def test_a_line_without_email_nor_manager_is_an_error_at_its_line(db):
    report = roster.roster_parse("email,name,team,manager email\n,Nobody,Data,\n")
    assert not report.ok
    assert report.errors[0][0] == 2
    assert "a line without one names a manager" in report.errors[0][1]
