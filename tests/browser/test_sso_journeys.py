"""Single sign-on in a real browser: the login page's company button, the provider's page
(oidc-provider-mock on loopback), back on the dashboard signed in."""

from __future__ import annotations

import re

import oidc_provider_mock
import pytest
from playwright.sync_api import expect

from tests.browser.checks import assert_accessible
from tests.factories import make_team
from tests.oidc_provider import running_provider
from tracker.accounts.models import User

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(live_server, settings):
    ana = oidc_provider_mock.User(
        sub="ana",
        claims={
            "email": "ana@corp.test",
            "email_verified": True,
            "name": "Ana Lima",
            "groups": ["Data"],
        },
    )
    with running_provider([ana]) as running:
        settings.PARCOURS_OIDC_ISSUER = running.issuer
        settings.PARCOURS_OIDC_CLIENT_ID = "parcours"
        settings.PARCOURS_OIDC_CLIENT_SECRET = "parcours-secret"
        settings.AUTHENTICATION_BACKENDS = [
            "django.contrib.auth.backends.ModelBackend",
            "tracker.sso.auth.CompanyAccountBackend",
        ]
        yield running


def test_signing_in_with_the_company_account(page, live_server, provider):
    make_team("Data")
    page.goto("/accounts/login/")
    button = page.get_by_role("link", name="Se connecter avec le compte de votre entreprise")
    expect(button).to_be_visible()
    assert_accessible(page)
    ours_so_far = len(page.problems)
    button.click()
    expect(page).to_have_url(re.compile(re.escape(provider.issuer) + r"/oauth2/authorize"))
    page.get_by_role("button", name="Authorize as ana").click()
    expect(page).to_have_url(f"{live_server.url}/")
    # The mock provider's own page asks a CDN for its stylesheet (no network here) and has
    # no favicon: those errors are its own. Parcours' pages stay checked before and after.
    del page.problems[ours_so_far:]
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Ana")
    user = User.objects.get(email="ana@corp.test")
    assert list(user.teams.values_list("name", flat=True)) == ["Data"]
    assert provider.pkce.verified
