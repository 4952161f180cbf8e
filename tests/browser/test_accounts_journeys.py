"""Account journeys in a real browser: sign up, log in and out, language, keyboard, axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import (
    account_menu,
    assert_accessible,
    assert_focus_visible,
    follow_sign_up_link,
)
from tests.factories import PASSWORD, make_user
from tracker.accounts.models import User

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-new-long-passphrase-42"


def _log_in(page, email: str, password: str = PASSWORD, *, succeeds: bool = True) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main button[type=submit]").click()
    if succeeds:  # wait for the redirect, so the next goto() does not cancel the login
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_sign_up_confirms_the_address_then_lands_on_the_dashboard(page, live_server):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Créer un compte", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    page.get_by_label("Adresse e-mail").fill("nina@example.test")
    page.locator("#id_name").fill("Nina New")
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.get_by_label("Fuseau horaire").select_option("America/Toronto")
    page.get_by_role("button", name="Créer un compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez vos e-mails")
    assert_accessible(page)
    follow_sign_up_link(page)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Nina")
    assert User.objects.get().timezone == "America/Toronto"


def test_sign_up_preselects_the_browsers_time_zone(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, timezone_id="Asia/Tokyo")
    try:
        page = context.new_page()
        page.goto("/accounts/signup/")
        expect(page.locator("#id_timezone")).to_have_value("Asia/Tokyo")
    finally:
        context.close()


def test_sign_up_errors_show_at_their_field(page):
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill("not-an-address")
    page.locator("#id_name").fill("Someone")
    page.locator("#id_password1").fill("password")
    page.locator("#id_password2").fill("password")
    page.get_by_role("button", name="Créer un compte").click()
    expect(page.locator("#id_email_error")).to_contain_text("adresse e-mail valide")
    expect(page.locator("#id_password2_error")).to_contain_text("trop courant")
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_log_in_then_log_out(page, live_server):
    make_user("ana@example.test", name="Ana")
    _log_in(page, "ana@example.test")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Ana")
    assert_accessible(page)  # the signed-in layout: navigation, language switch
    account_menu(page).get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


def test_wrong_password_says_so(page):
    make_user("ana@example.test")
    _log_in(page, "ana@example.test", "wrong-password", succeeds=False)
    expect(page.get_by_role("alert")).to_contain_text("Adresse e-mail ou mot de passe incorrect")


def test_language_switch_for_a_visitor_and_a_signed_in_user(page, live_server):
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")

    user = make_user("ana@example.test", name="Ana", language="fr")
    _log_in(page, "ana@example.test")
    # The profile language wins once signed in...
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    # ...and the switch (in the account menu once signed in) changes it.
    account_menu(page).get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Ana")
    user.refresh_from_db()
    assert user.language == "en"
    page.goto("/accounts/profile/")
    expect(page.get_by_label("Language")).to_have_value("en")


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.className")


def _tab_until(page, key: str, target: str, *, max_stops: int = 10) -> None:
    for _ in range(max_stops):
        page.keyboard.press(key)
        assert_focus_visible(page)
        if _focused_id(page) == target:
            return
    pytest.fail(f"{key} never reached {target}")


def test_keyboard_only_login_with_visible_focus(page, live_server):
    make_user("ana@example.test", name="Ana")
    page.goto("/accounts/login/")
    # The email field has the focus on arrival.
    assert _focused_id(page) == "id_username"
    assert_focus_visible(page)
    # Shift+Tab walks back through the header to the skip link, Tab forward to the email
    # field again; every stop shows its focus.
    _tab_until(page, "Shift+Tab", "skip-link")
    _tab_until(page, "Tab", "id_username")
    page.keyboard.type("ana@example.test")
    page.keyboard.press("Tab")
    assert _focused_id(page) == "id_password"
    assert_focus_visible(page)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Ana")


def test_skip_link_shows_on_focus_and_leads_to_the_content(page):
    make_user("ana@example.test", name="Ana")
    _log_in(page, "ana@example.test")  # the dashboard has no autofocus field
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Ana")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_attribute("href", "#main")
    expect(skip).to_be_in_viewport()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_public_account_pages_pass_axe(page, url, language):
    page.goto(url, wait_until="load")
    if language == "en":
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)


def test_profile_and_tokens_pass_axe_and_show_a_new_token_once(page):
    make_user("ana@example.test", name="Ana")
    _log_in(page, "ana@example.test")
    page.goto("/accounts/profile/")
    assert_accessible(page)
    page.goto("/accounts/tokens/")
    page.get_by_label("Nom du jeton").fill("laptop")
    page.get_by_role("button", name="Créer", exact=True).click()
    raw = page.get_by_label("Jeton", exact=True).input_value()
    assert raw.startswith("pat_")
    assert_accessible(page)
    page.reload()
    expect(page.get_by_label("Jeton", exact=True)).to_have_count(0)
    expect(page.get_by_role("row")).to_have_count(2)  # the header and the one token
    # A destructive action asks first, naming what it does; dismissed, nothing happens.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Révoquer le jeton laptop").click()
    expect(page.get_by_role("row")).to_have_count(2)
    assert asked == ["Confirmer\u00a0: Révoquer le jeton laptop\u00a0?"]
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Révoquer le jeton laptop").click()
    expect(page.get_by_text("Le jeton « laptop » est révoqué.")).to_be_visible()


def test_admin_works_under_the_strict_policy(page):
    """Django 6.1's admin runs without inline scripts: the fixture fails on any CSP
    violation the browser reports."""
    make_user("admin@example.test", is_staff=True, is_superuser=True)
    make_user("learner@example.test", name="Léa")
    _log_in(page, "admin@example.test")
    page.goto("/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto("/admin/accounts/user/")
    expect(page.get_by_role("link", name="learner@example.test")).to_be_visible()
    page.get_by_role("link", name="learner@example.test").click()
    expect(page.locator("#id_name")).to_have_value("Léa")
    # The admin creates an account.
    page.goto("/admin/accounts/user/add/")
    page.locator("#id_email").fill("new.learner@example.test")
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("new.learner@example.test")
    assert User.objects.get(email="new.learner@example.test").check_password(NEW_PASSWORD)
    # The admin's JavaScript runs: the two-pane selector of a team's managers is built
    # by SelectFilter2.js (a script blocked by the policy would leave a plain <select>).
    page.goto("/admin/accounts/team/add/")
    expect(page.locator("#id_managers_input")).to_be_visible()


def test_forgotten_password_reset_by_email(page, live_server):
    from django.core import mail

    make_user("ana@example.test", name="Ana")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.get_by_label("Adresse e-mail").fill("ana@example.test")
    page.get_by_role("button", name="Envoyer le lien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez vos e-mails")

    [email] = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/\S+", email.body).group(0)
    page.goto(link)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    assert_accessible(page)
    page.get_by_role("button", name="Changer mon mot de passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe changé")
    _log_in(page, "ana@example.test", NEW_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")


def test_api_docs_render_under_the_strict_policy(page):
    """Swagger UI (vendored by django-ninja) runs with no CSP violation and lists /api/me."""
    make_user("ana@example.test")
    _log_in(page, "ana@example.test")
    page.goto("/api/docs")
    expect(page.get_by_text("/api/me").first).to_be_visible()
