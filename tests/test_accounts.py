"""Accounts: sign-up, login, logout, password reset and change, profile, language."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, make_user
from tracker.accounts.models import User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-long-passphrase-42"


def _signup_data(**overrides) -> dict[str, str]:
    data = {
        "email": "new@example.test",
        "name": "Nina New",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "language": "",
        "timezone": "",
    }
    return data | overrides


# --- sign up ---------------------------------------------------------------------------


def _confirm_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+/)", message.body).group(1)


def test_signup_sends_a_link_that_opens_the_account_and_logs_in(client):
    response = client.post(
        reverse("signup"), _signup_data(email="Nina@Example.TEST", timezone="America/Toronto")
    )
    assert response.url == reverse("signup_sent")
    user = User.objects.get()
    assert (user.email, user.name, user.timezone) == (
        "nina@example.test",
        "Nina New",
        "America/Toronto",
    )
    assert user.language == "fr"  # the language the page was read in
    assert not user.is_active  # not until the owner of the address says so
    assert client.get(reverse("dashboard")).status_code == 302
    [message] = mail.outbox
    assert message.to == ["nina@example.test"]
    link = _confirm_link(message)
    assert client.get(link).status_code == 200  # a GET (a mail scanner) only asks
    assert not User.objects.get().is_active
    response = client.post(link)
    assert response.url == reverse("dashboard")
    user.refresh_from_db()
    assert user.is_active and user.check_password(NEW_PASSWORD)
    assert client.get(reverse("dashboard")).status_code == 200
    # Spent: the link opens nothing a second time.
    client.logout()
    assert client.post(link).status_code == 400


def test_signup_without_timezone_uses_the_default_and_keeps_the_chosen_language(client):
    client.post(reverse("signup"), _signup_data(language="en"))
    user = User.objects.get()
    assert (user.language, user.timezone) == ("en", "Europe/Paris")
    response = client.post(_confirm_link(mail.outbox[0]))
    assert client.cookies["django_language"].value == "en"
    assert response.url == reverse("dashboard")


def test_signup_with_an_address_that_has_an_account_answers_the_same(client):
    """No oracle: the page is the one a new address gets; the owner gets an email."""
    make_user("taken@example.test", name="Taken")
    new = client.post(reverse("signup"), _signup_data(email="fresh@example.test"))
    taken = client.post(reverse("signup"), _signup_data(email="TAKEN@example.test"))
    assert (new.status_code, new.url) == (taken.status_code, taken.url)
    assert client.get(taken.url).status_code == 200
    assert User.objects.filter(email="taken@example.test").get().check_password(PASSWORD)
    known = mail.outbox[1]
    assert known.to == ["taken@example.test"]
    assert "/accounts/login/" in known.body and "/accounts/password/reset/" in known.body
    assert "/accounts/signup/confirm/" not in known.body


def test_signup_again_before_confirming_replaces_the_pending_one(client):
    """Someone who signed up with another's address cannot keep it: the owner signs up
    again and only their link (with their password) works."""
    client.post(
        reverse("signup"), _signup_data(password1="squatter-pass-42", password2="squatter-pass-42")
    )
    first_link = _confirm_link(mail.outbox[0])
    client.post(reverse("signup"), _signup_data(name="Real Owner"))
    assert client.post(first_link).status_code == 400
    client.post(_confirm_link(mail.outbox[1]))
    user = User.objects.get()
    assert user.is_active and user.name == "Real Owner" and user.check_password(NEW_PASSWORD)


def test_signup_emails_are_limited_like_the_reset_form(client):
    for _attempt in range(5):
        client.post(reverse("signup"), _signup_data())
    assert len(mail.outbox) == 3


def test_signup_refuses_two_different_passwords_at_the_second_field(client):
    response = client.post(reverse("signup"), _signup_data(password2="something-else-42"))
    assert "password2" in response.context["form"].errors
    assert not User.objects.exists()


def test_signup_applies_the_password_validators(client):
    data = _signup_data(password1="password", password2="password")
    response = client.post(reverse("signup"), data)
    errors = response.context["form"].errors["password2"]
    assert any("trop courant" in error for error in errors), errors
    assert not User.objects.exists()


def test_signup_requires_a_name_and_a_valid_email(client):
    response = client.post(reverse("signup"), _signup_data(email="not-an-email", name=""))
    assert set(response.context["form"].errors) == {"email", "name"}


def test_signup_refuses_an_unknown_timezone(client):
    response = client.post(reverse("signup"), _signup_data(timezone="Mars/Olympus"))
    assert "timezone" in response.context["form"].errors


def test_signed_in_user_visiting_signup_goes_to_the_dashboard(learner_client):
    assert learner_client.get(reverse("signup")).url == reverse("dashboard")


# --- log in, log out -------------------------------------------------------------------


def test_login_page_links_to_signup_and_password_reset(client):
    html = client.get(reverse("login")).text
    assert reverse("signup") in html
    assert reverse("password_reset") in html


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "http://evil.example/x"]
)
def test_login_ignores_a_next_to_another_site(client, target):
    make_user("ana@example.test")
    response = client.post(
        reverse("login") + f"?next={target}",
        {"username": "ana@example.test", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_login_follows_a_next_on_this_site(client):
    make_user("ana@example.test")
    response = client.post(
        reverse("login"),
        {"username": "ana@example.test", "password": PASSWORD, "next": "/catalogue/"},
    )
    assert response.url == "/catalogue/"


def test_logout_needs_a_post(learner_client):
    assert learner_client.get(reverse("logout")).status_code == 405
    response = learner_client.post(reverse("logout"))
    assert response.url == reverse("login")
    assert learner_client.get(reverse("dashboard")).status_code == 302


# --- password reset and change ---------------------------------------------------------


def test_password_reset_sends_a_link_in_the_account_language_that_sets_a_new_password(client):
    make_user("ana@example.test", language="en")
    response = client.post(reverse("password_reset"), {"email": "ANA@example.test"})
    assert response.url == reverse("password_reset_done")
    [email] = mail.outbox
    assert email.to == ["ana@example.test"]
    assert email.subject == "Reset your Parcours password"
    assert "choose a new password" in email.body

    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+)", email.body).group(1)
    page = client.get(link, follow=True)
    assert page.context["validlink"]
    set_url = page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.url == reverse("password_reset_complete")
    assert User.objects.get().check_password(NEW_PASSWORD)


def test_password_reset_email_is_french_for_a_french_account(client):
    make_user("ana@example.test", language="fr")
    client.post(
        reverse("password_reset"), {"email": "ana@example.test"}, headers={"accept-language": "en"}
    )
    [email] = mail.outbox
    assert email.subject == "Réinitialisez votre mot de passe Parcours"
    assert "nouveau mot de passe" in email.body


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.test"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_reset_link_cannot_be_used_twice(client):
    make_user("ana@example.test")
    client.post(reverse("password_reset"), {"email": "ana@example.test"})
    link = re.search(r"(/accounts/password/reset/\S+)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = client.get(link, follow=True)
    assert not again.context["validlink"]


def test_password_change_needs_the_old_password(client):
    user = make_user("ana@example.test")
    client.force_login(user)
    url = reverse("password_change")
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post(url, {"old_password": "wrong", **data})
    assert "old_password" in response.context["form"].errors
    response = client.post(url, {"old_password": PASSWORD, **data})
    assert response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


# --- profile and language --------------------------------------------------------------


def test_profile_saves_and_switches_the_ui_language_at_once(client):
    user = make_user(language="fr")
    client.force_login(user)
    response = client.post(
        reverse("profile"),
        {
            "name": "Léa L.",
            "language": "en",
            "timezone": "Asia/Tokyo",
            "weekly_hours_available": "7.5",
        },
        follow=True,
    )
    assert 'lang="en"' in response.text
    assert "Your profile is saved." in response.text
    user.refresh_from_db()
    assert (user.name, user.language, user.timezone) == ("Léa L.", "en", "Asia/Tokyo")
    assert user.weekly_hours_available == Decimal("7.5")


def test_profile_offers_the_iana_time_zones(learner_client):
    html = learner_client.get(reverse("profile")).text
    assert '<option value="America/Argentina/Buenos_Aires"' in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("weekly_hours_available", "0"),
        ("weekly_hours_available", "81"),
        ("weekly_hours_available", "NaN"),
        ("weekly_hours_available", "abc"),
        ("timezone", "Europe/Atlantis"),
        ("language", "de"),
    ],
)
def test_profile_shows_a_bad_value_at_its_field_and_saves_nothing(client, field, value):
    user = make_user(name="Before")
    client.force_login(user)
    data = {"name": "After", "language": "fr", "timezone": "Europe/Paris"}
    data["weekly_hours_available"] = "5"
    data[field] = value
    response = client.post(reverse("profile"), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert f'id="id_{field}_error"' in response.text
    user.refresh_from_db()
    assert user.name == "Before"


def test_profile_needs_login(client):
    response = client.get(reverse("profile"))
    assert response.url.startswith(reverse("login"))


def test_language_switch_saves_a_signed_in_users_profile(client):
    user = make_user(language="fr")
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.url == "/"
    user.refresh_from_db()
    assert user.language == "en"
    assert 'lang="en"' in client.get(reverse("dashboard")).text


def test_language_switch_for_a_visitor_sets_the_cookie_only(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert 'lang="en"' in client.get(reverse("login")).text


def test_language_switch_ignores_an_unknown_language(client):
    user = make_user(language="fr")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "fr"


def test_language_switch_ignores_a_next_to_another_site(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert "evil.example" not in response.get("Location", "")


def test_an_htmx_request_after_the_session_expired_reloads_the_login_page(client):
    response = client.get(reverse("profile"), headers={"hx-request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/accounts/profile/"


def test_a_plain_request_after_the_session_expired_is_redirected(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
