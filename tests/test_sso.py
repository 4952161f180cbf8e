"""Single sign-on with OpenID Connect, end to end against a real provider on loopback
(tests/oidc_provider.py): the authorization code flow with PKCE, account creation and
linking, the email_verified rule, the groups claim, and the product unchanged when
nothing is configured."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import oidc_provider_mock
import pytest
import requests
from django.urls import reverse

from tests.factories import PASSWORD, make_team, make_user
from tests.oidc_provider import running_provider
from tracker.accounts.models import Membership, User
from tracker.reminders.models import Notification

BACKENDS = ["django.contrib.auth.backends.ModelBackend", "tracker.sso.auth.CompanyAccountBackend"]


def claims(email: str, **extra) -> dict:
    return {"email": email, "email_verified": True, "name": "Ana Lima", **extra}


@pytest.fixture
def provider(live_server, transactional_db, settings):
    users = [
        oidc_provider_mock.User(sub="ana", claims=claims("ana@corp.test", groups=["Data", "VPN"])),
        oidc_provider_mock.User(
            sub="mallory", claims=claims("bob@corp.test", email_verified=False)
        ),
        oidc_provider_mock.User(sub="bob", claims=claims("bob@corp.test", name="Bob B")),
        oidc_provider_mock.User(sub="nomail", claims={"name": "No Mail"}),
    ]
    with running_provider(users) as running:
        settings.PARCOURS_OIDC_ISSUER = running.issuer
        settings.PARCOURS_OIDC_CLIENT_ID = "parcours"
        settings.PARCOURS_OIDC_CLIENT_SECRET = "parcours-secret"
        settings.AUTHENTICATION_BACKENDS = BACKENDS
        # `requests` sends no Secure cookie over plain HTTP (Chromium does, to localhost).
        settings.SESSION_COOKIE_SECURE = False
        yield running


def sign_in(live_server, sub: str) -> tuple[requests.Session, requests.Response]:
    """Walk the flow as a browser would: our login link, the provider's page (pick the
    subject), back to our callback. Returns the session and the last response."""
    browser = requests.Session()
    start = browser.get(live_server.url + reverse("sso:login"), allow_redirects=False)
    assert start.status_code == 302
    authorize = start.headers["Location"]
    assert "code_challenge=" in authorize and "code_challenge_method=S256" in authorize
    assert browser.get(authorize).status_code == 200  # the provider's sign-in page
    consent = browser.post(authorize, data={"sub": sub}, allow_redirects=False)
    assert consent.status_code == 302
    back = browser.get(consent.headers["Location"], allow_redirects=False)
    return browser, back


def landed_on(live_server, browser, response) -> str:
    location = urljoin(live_server.url, response.headers["Location"])
    return browser.get(location).text


def test_first_company_sign_in_creates_the_account_with_pkce_and_joins_named_teams(
    live_server, provider
):
    team = make_team("Data")
    browser, back = sign_in(live_server, "ana")
    assert back.status_code == 302
    assert back.headers["Location"] == reverse("dashboard")
    user = User.objects.get(email="ana@corp.test")
    assert user.name == "Ana Lima" and not user.has_usable_password()
    assert provider.pkce.verified  # the code was exchanged with a verifier that matched
    assert browser.get(live_server.url + reverse("profile")).status_code == 200
    assert Membership.objects.filter(team=team, user=user).exists()
    assert Notification.objects.filter(user=user, kind="team_joined").count() == 1
    # "VPN" is a group of the provider, not a team: nothing is created for it.
    assert list(user.teams.values_list("name", flat=True)) == ["Data"]

    _browser, back = sign_in(live_server, "ana")  # again: the same account, not told twice
    assert back.headers["Location"] == reverse("dashboard")
    assert User.objects.filter(email="ana@corp.test").count() == 1
    assert Notification.objects.filter(user=user, kind="team_joined").count() == 1


def test_an_existing_account_is_linked_only_on_a_verified_email(live_server, provider):
    bob = make_user("bob@corp.test", name="Bob")
    browser, back = sign_in(live_server, "mallory")  # claims bob's address, unverified
    assert back.headers["Location"] == reverse("login")
    page = landed_on(live_server, browser, back)
    assert "ne confirme pas" in page
    assert (
        browser.get(live_server.url + reverse("profile"), allow_redirects=False).status_code == 302
    )

    browser, back = sign_in(live_server, "bob")  # the same address, verified
    assert back.headers["Location"] == reverse("dashboard")
    assert User.objects.filter(email="bob@corp.test").count() == 1
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)  # the password still works too


def test_a_deactivated_account_cannot_sign_in_with_the_company_account(live_server, provider):
    make_user("bob@corp.test", is_active=False)
    browser, back = sign_in(live_server, "bob")
    assert back.headers["Location"] == reverse("login")
    assert "désactivé" in landed_on(live_server, browser, back)


def test_no_email_claim_is_refused_with_a_message(live_server, provider):
    browser, back = sign_in(live_server, "nomail")
    assert back.headers["Location"] == reverse("login")
    assert "adresse e-mail" in landed_on(live_server, browser, back)
    assert not User.objects.filter(name="No Mail").exists()


def test_the_login_page_offers_the_company_sign_in_only_when_configured(client, settings):
    settings.PARCOURS_OIDC_ISSUER = ""
    page = client.get(reverse("login")).content.decode()
    assert reverse("sso:login") not in page
    assert client.get(reverse("sso:login")).status_code == 404
    assert client.get(reverse("sso:callback")).status_code == 404
    settings.PARCOURS_OIDC_ISSUER = "https://id.corp.test"
    page = client.get(reverse("login") + "?next=/catalogue/").content.decode()
    assert re.search(r'href="/accounts/oidc/login/\?next=/catalogue/"', page)
    assert "Se connecter avec le compte de votre entreprise" in page


def test_a_provider_that_is_down_gives_a_message_not_an_error(client, settings, db):
    settings.PARCOURS_OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    settings.PARCOURS_OIDC_CLIENT_ID = "x"
    response = client.get(reverse("sso:login"), follow=True)
    assert response.status_code == 200
    assert "indisponible" in response.content.decode()
