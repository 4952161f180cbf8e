"""SCIM 2.0 provisioning (/scim/v2/): what a company directory does to accounts and teams."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_course, make_team, make_user
from tests.test_foundation import _settings_error
from tracker.accounts.models import ApiToken, AuditEvent, Membership, Team, User
from tracker.progress import services as progress_services
from tracker.progress.models import TimeEntry
from tracker.reminders.models import Notification

pytestmark = pytest.mark.django_db

TOKEN = "directory-secret"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


@pytest.fixture
def scim(settings) -> Client:
    settings.PARCOURS_SCIM_TOKEN = TOKEN
    return Client(headers={"Authorization": f"Bearer {TOKEN}"})


def send(client: Client, method: str, path: str, body: dict | None = None):
    return getattr(client, method)(
        "/scim/v2/" + path,
        json.dumps(body) if body is not None else None,
        content_type="application/scim+json",
    )


def new_user(client: Client, email: str = "ana@corp.test", **extra) -> dict:
    body = {
        "schemas": [USER_SCHEMA],
        "userName": email,
        "name": {"givenName": "Ana", "familyName": "Lima"},
        "emails": [{"value": email, "primary": True, "type": "work"}],
        "active": True,
        **extra,
    }
    response = send(client, "post", "Users", body)
    assert response.status_code == 201, response.content
    return response.json()


def patch_active(client: Client, user_id: str, active: bool):
    # Okta's way: a replace without a path.
    body = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": active}}]}
    return send(client, "patch", f"Users/{user_id}", body)


def test_without_a_token_configured_every_scim_url_is_404(settings, personas):
    settings.PARCOURS_SCIM_TOKEN = ""
    for path in ("Users", "Groups", "ServiceProviderConfig", "Schemas", "nope"):
        response = Client(headers={"Authorization": "Bearer "}).get("/scim/v2/" + path)
        assert response.status_code == 404
    admin = personas.client_for("admin")
    assert admin.get("/scim/v2/Users").status_code == 404


def test_a_session_or_a_wrong_token_is_refused_with_a_scim_401(scim, personas):
    for client in (
        personas.client_for("admin"),
        Client(headers={"Authorization": "Bearer wrong"}),
        Client(headers={"Authorization": f"Basic {TOKEN}"}),
    ):
        response = client.get("/scim/v2/Users")
        assert response.status_code == 401
        assert response["Content-Type"] == "application/scim+json"
        assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


def test_creating_a_user_makes_an_account_without_a_password(scim):
    created = new_user(scim)
    user = User.objects.get(pk=created["id"])
    assert (user.email, user.name, user.is_active) == ("ana@corp.test", "Ana Lima", True)
    assert not user.has_usable_password()
    assert created["userName"] == "ana@corp.test"
    assert created["meta"]["location"].endswith(f"/scim/v2/Users/{user.pk}")
    again = send(
        scim,
        "post",
        "Users",
        {
            "schemas": [USER_SCHEMA],
            "userName": "ana@corp.test",
            "emails": [{"value": "ana@corp.test"}],
        },
    )
    assert again.status_code == 409
    assert again.json()["scimType"] == "uniqueness"


def test_filters_find_existing_accounts_by_user_name_so_a_directory_can_link_them(scim):
    make_user("Bob@Corp.test", name="Bob")
    make_user("carla@corp.test", name="Carla")
    response = scim.get("/scim/v2/Users", {"filter": 'userName eq "bob@corp.test"'})
    body = response.json()
    assert body["totalResults"] == 1
    assert body["Resources"][0]["emails"][0]["value"] == "bob@corp.test"
    response = scim.get("/scim/v2/Users", {"filter": 'emails[value sw "carla"] and active eq true'})
    assert [r["userName"] for r in response.json()["Resources"]] == ["carla@corp.test"]
    response = scim.get("/scim/v2/Users", {"filter": 'not (userName co "corp")'})
    assert response.json()["totalResults"] == 0


@pytest.mark.parametrize(
    "expression",
    ["userName eq", 'nickName eq "x"', 'active eq "yes"', 'userName eq "a" and'],
)
def test_a_bad_filter_is_a_400_invalid_filter(scim, expression):
    response = scim.get("/scim/v2/Users", {"filter": expression})
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidFilter"


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        json.dumps({"schemas": [USER_SCHEMA], "userName": "x"}),  # no email
        json.dumps({"schemas": [USER_SCHEMA], "userName": "x", "emails": [{"value": "nope"}]}),
        json.dumps(
            {
                "schemas": [USER_SCHEMA],
                "userName": "x@corp.test",
                "emails": [{"value": "x@corp.test"}],
                "displayName": "x" * 151,
            }
        ),
    ],
)
def test_bad_user_payloads_are_400_scim_errors_and_write_nothing(scim, body):
    response = scim.post("/scim/v2/Users", body, content_type="application/scim+json")
    assert response.status_code == 400, response.content
    assert response.json()["status"] == "400"
    assert not User.objects.exists()


def test_deactivation_stops_sign_in_and_tokens_keeps_history_and_reactivation_restores(scim):
    created = new_user(scim)
    user = User.objects.get(pk=created["id"])
    user.set_password(PASSWORD)
    user.save()
    course = make_course("C1")
    progress_services.time_entry_create(
        user=user, course=course, date=user.local_today(), minutes=45
    )
    team = make_team("Data", members=[user])
    _token, raw = ApiToken.issue(user=user, name="cli")
    session = Client()
    session.force_login(user)

    response = patch_active(scim, created["id"], False)
    assert response.status_code == 200
    assert response.json()["active"] is False
    user.refresh_from_db()
    assert not user.is_active
    assert not Client().login(email="ana@corp.test", password=PASSWORD)
    assert session.get(reverse("dashboard")).status_code == 302  # the session is over
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/me").status_code == 401
    assert TimeEntry.objects.filter(user=user).count() == 1  # history stays
    assert Membership.objects.filter(team=team, user=user).exists()

    assert patch_active(scim, created["id"], True).json()["active"] is True
    assert Client().login(email="ana@corp.test", password=PASSWORD)
    assert api.get("/api/me").status_code == 200
    assert Membership.objects.filter(team=team, user=user).exists()


def test_delete_deactivates_hides_the_resource_and_creating_again_brings_it_back(scim):
    created = new_user(scim, externalId="00u1")
    user_id = created["id"]
    assert send(scim, "delete", f"Users/{user_id}").status_code == 204
    user = User.objects.get(pk=user_id)  # never erased
    assert not user.is_active
    assert scim.get(f"/scim/v2/Users/{user_id}").status_code == 404
    assert (
        scim.get("/scim/v2/Users", {"filter": 'userName eq "ana@corp.test"'}).json()["totalResults"]
        == 0
    )
    again = new_user(scim)
    assert again["id"] == user_id
    user.refresh_from_db()
    assert user.is_active


def test_the_team_table_shows_a_deactivated_member(scim, personas):
    learner = personas.learner
    patch_active(scim, str(learner.pk), False)
    page = personas.client_for("manager").get(reverse("teams:detail", args=[personas.team.pk]))
    assert page.status_code == 200
    assert "(désactivé)" in page.content.decode()


def test_put_replaces_the_name_and_email(scim):
    created = new_user(scim)
    body = {
        "schemas": [USER_SCHEMA],
        "userName": "ana.lima@corp.test",
        "name": {"formatted": "Ana M. Lima"},
        "emails": [{"value": "ana.lima@corp.test", "primary": True}],
    }
    response = send(scim, "put", f"Users/{created['id']}", body)
    assert response.status_code == 200, response.content
    user = User.objects.get(pk=created["id"])
    assert (user.email, user.name, user.is_active) == ("ana.lima@corp.test", "Ana M. Lima", True)


def test_groups_are_teams_members_are_added_directly_and_told(scim):
    ana = new_user(scim)["id"]
    bob = new_user(scim, "bob@corp.test")["id"]
    response = send(
        scim,
        "post",
        "Groups",
        {"schemas": [GROUP_SCHEMA], "displayName": "Data", "members": [{"value": ana}]},
    )
    assert response.status_code == 201, response.content
    group_id = response.json()["id"]
    team = Team.objects.get(pk=group_id, name="Data")
    assert list(team.members.values_list("pk", flat=True)) == [int(ana)]
    [note] = Notification.objects.filter(user_id=ana)
    assert note.kind == "team_joined" and "Data" in note.shown_title

    add = {
        "schemas": [PATCH],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": bob}]}],
    }
    assert send(scim, "patch", f"Groups/{group_id}", add).status_code == 200
    assert Notification.objects.filter(user_id=bob, kind="team_joined").count() == 1
    # Entra's way of removing one member.
    remove = {
        "schemas": [PATCH],
        "Operations": [{"op": "remove", "path": f'members[value eq "{ana}"]'}],
    }
    assert send(scim, "patch", f"Groups/{group_id}", remove).status_code == 200
    assert sorted(team.members.values_list("pk", flat=True)) == [int(bob)]
    # Ana is told that the directory took her out; the team's history says so too.
    gone = Notification.objects.get(user_id=ana, kind="team_removed_by_directory")
    assert "Data" in gone.shown_title and "annuaire" in gone.shown_body  # in her language
    assert AuditEvent.objects.filter(user_id=ana, team=team, action="removed").exists()
    listed = scim.get("/scim/v2/Groups", {"filter": f'members.value eq "{bob}"'}).json()
    assert [g["displayName"] for g in listed["Resources"]] == ["Data"]
    assert Notification.objects.filter(user_id=bob).count() == 1  # not told twice


def test_a_group_with_an_unknown_member_is_refused_whole(scim):
    body = {"schemas": [GROUP_SCHEMA], "displayName": "Data", "members": [{"value": "999"}]}
    response = send(scim, "post", "Groups", body)
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"
    assert not Team.objects.filter(name="Data").exists()


def test_deleting_a_group_keeps_the_team_for_an_admin(scim, personas):
    team = personas.team
    assert send(scim, "delete", f"Groups/{team.pk}").status_code == 204
    assert scim.get(f"/scim/v2/Groups/{team.pk}").status_code == 404
    assert Team.objects.filter(pk=team.pk, members=personas.learner).exists()


def test_listing_users_costs_two_queries_however_many(scim, django_assert_num_queries):
    for n in range(5):
        new_user(scim, f"p{n}@corp.test")
    with django_assert_num_queries(2):  # the count, the page (with the directory's rows)
        body = scim.get("/scim/v2/Users", {"count": 3, "startIndex": 2}).json()
    assert (body["totalResults"], body["itemsPerPage"], body["startIndex"]) == (5, 3, 2)


def test_listing_groups_costs_three_queries(scim, personas, django_assert_num_queries):
    make_team("Extra", members=[personas.admin, personas.manager])
    with django_assert_num_queries(3):  # the count, the teams, their members
        body = scim.get("/scim/v2/Groups").json()
    assert body["totalResults"] == 3


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PARCOURS_SCIM_TOKEN": "short"}, "PARCOURS_SCIM_TOKEN must be at least 32"),
        ({"PARCOURS_OIDC_ISSUER": "https://id.corp.example"}, "needs PARCOURS_OIDC_CLIENT_ID"),
        ({"PARCOURS_OIDC_ISSUER": "id.corp.example"}, "PARCOURS_OIDC_ISSUER must be an https"),
        ({"PARCOURS_XAPI_ENDPOINT": "lrs.corp.example"}, "PARCOURS_XAPI_ENDPOINT must be an"),
    ],
)
def test_settings_refuse_a_half_configured_integration(env, message):
    assert message in _settings_error({"DJANGO_SECRET_KEY": "x"} | env)


def test_the_directory_cannot_deactivate_the_last_administrator(scim):
    """Deactivating (PATCH, PUT or DELETE) the last active administrator is refused with
    a SCIM 403 and changes nothing: nobody could sign in to /admin/ to undo it. With
    another active administrator, the directory deactivates them like anyone."""
    created = new_user(scim, email="boss@corp.test")
    boss = User.objects.get(pk=created["id"])
    boss.is_staff = boss.is_superuser = True
    boss.save()
    response = patch_active(scim, created["id"], False)
    assert response.status_code == 403
    assert (
        response.json()["status"] == "403"
        and "last active administrator" in (response.json()["detail"])
    )
    body = {
        "schemas": [USER_SCHEMA],
        "userName": "boss@corp.test",
        "emails": [{"value": "boss-renamed@corp.test", "primary": True}],
        "active": False,
    }
    assert send(scim, "put", f"Users/{created['id']}", body).status_code == 403
    assert send(scim, "delete", f"Users/{created['id']}").status_code == 403
    boss.refresh_from_db()
    assert boss.is_active and boss.email == "boss@corp.test"  # nothing written

    make_user("second-admin@corp.test", is_staff=True, is_superuser=True)
    assert patch_active(scim, created["id"], False).status_code == 200
    boss.refresh_from_db()
    assert not boss.is_active
