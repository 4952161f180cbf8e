"""Security headers on every response, and the strict CSP on the pages we own."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ANONYMOUS_URLS = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/sent/",
    "/",  # a redirect to the login page
    "/healthz",
    "/api/me",  # 401 JSON
    "/api/openapi.json",
    "/admin/login/",
    "/no-such-page/",  # 404
]
SIGNED_IN_URLS = ["/", "/accounts/profile/", "/accounts/tokens/", "/accounts/password/change/"]


def _assert_security_headers(response) -> None:
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", ANONYMOUS_URLS)
def test_every_anonymous_response_carries_the_security_headers(client, url):
    _assert_security_headers(client.get(url))


@pytest.mark.parametrize("url", SIGNED_IN_URLS)
def test_every_signed_in_response_carries_the_security_headers(learner_client, url):
    response = learner_client.get(url)
    assert response.status_code == 200
    _assert_security_headers(response)


def test_a_post_response_carries_the_security_headers(client):
    _assert_security_headers(client.post(reverse("login"), {"username": "x", "password": "y"}))


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/", "/accounts/profile/"])
def test_our_pages_have_no_inline_script_or_style(personas, url):
    client = personas.client_for("learner" if "profile" in url else None)
    response = client.get(url)
    html = response.text
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    # Every <script> is external (src) and carries this response's nonce; no style= or
    # on*= attributes.
    tags = re.findall(r"<script\b[^>]*>", html)
    assert tags
    for tag in tags:
        assert "src=" in tag and f'nonce="{nonce}"' in tag, tag
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "hx-on" not in html


def test_session_and_csrf_cookies_are_http_only_where_they_can_be(client, password):
    from tests.factories import make_user

    make_user("ana@example.test")
    response = client.post(reverse("login"), {"username": "ana@example.test", "password": password})
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


def test_production_settings_secure_the_cookies_and_https():
    """Read in a fresh interpreter: the test run itself is not production."""
    import subprocess
    import sys

    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='tracker.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0, s.SESSION_COOKIE_HTTPONLY, s.DEBUG)"
    )
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SECRET_KEY": "x" * 60}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["True", "True", "True", "True", "True", "False"]


def test_admin_login_is_served_under_the_strict_policy(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "script-src 'self' 'nonce-" in response.headers["Content-Security-Policy"]


def test_csrf_cookie_is_http_only(client):
    response = client.get(reverse("login"))
    assert response.cookies["csrftoken"]["httponly"]
