"""Login throttling: repeated failures lock an email address, then an IP, for a while."""

from __future__ import annotations

import time

import pytest
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse

from tests.factories import PASSWORD, make_user
from tracker.accounts import throttle

pytestmark = pytest.mark.django_db


def _login(client, email: str, password: str, ip: str = "203.0.113.7"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_after_too_many_failures_even_the_right_password_is_refused(client):
    make_user("ana@example.test")
    for _ in range(throttle.EMAIL_LIMIT):
        assert _login(client, "ana@example.test", "wrong").status_code == 200
    response = _login(client, "ANA@example.test", PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives échouées" in response.text
    assert "_auth_user_id" not in client.session


def test_the_lock_lifts_after_the_window(client, monkeypatch):
    # A one-second window and a real wait: the window is the counter's TTL, which Redis
    # counts on its own clock, out of time-machine's reach.
    monkeypatch.setattr(throttle, "WINDOW_SECONDS", 1)
    make_user("ana@example.test")
    for _ in range(throttle.EMAIL_LIMIT):
        _login(client, "ana@example.test", "wrong")
    assert _login(client, "ana@example.test", PASSWORD).status_code == 429
    time.sleep(1.1)
    assert _login(client, "ana@example.test", PASSWORD).status_code == 302


def test_a_few_failures_then_success_resets_the_email_counter(client):
    make_user("ana@example.test")
    for _ in range(throttle.EMAIL_LIMIT - 1):
        _login(client, "ana@example.test", "wrong")
    assert _login(client, "ana@example.test", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(throttle.EMAIL_LIMIT - 1):
        _login(client, "ana@example.test", "wrong")
    assert _login(client, "ana@example.test", PASSWORD).status_code == 302


def test_an_empty_password_does_not_reset_the_counter(client):
    make_user("ana@example.test")
    for _ in range(throttle.EMAIL_LIMIT - 1):
        _login(client, "ana@example.test", "wrong")
    assert "password" in _login(client, "ana@example.test", "").context["form"].errors
    _login(client, "ana@example.test", "wrong")
    assert _login(client, "ana@example.test", PASSWORD).status_code == 429


def test_one_locked_email_does_not_lock_another_account(client):
    make_user("ana@example.test")
    make_user("bob@example.test")
    for _ in range(throttle.EMAIL_LIMIT):
        _login(client, "ana@example.test", "wrong", ip="198.51.100.1")
    assert _login(client, "bob@example.test", PASSWORD, ip="198.51.100.2").status_code == 302


def test_one_ip_spraying_many_accounts_is_locked(client):
    make_user("victim@example.test")
    for n in range(throttle.IP_LIMIT):
        _login(client, f"guess{n}@example.test", "wrong", ip="192.0.2.9")
    assert _login(client, "victim@example.test", PASSWORD, ip="192.0.2.9").status_code == 429
    assert _login(client, "victim@example.test", PASSWORD, ip="192.0.2.10").status_code == 302


@pytest.mark.integration
def test_counters_are_shared_by_web_processes_through_redis(redis_url, monkeypatch):
    """Two caches on the same Redis stand for two gunicorn workers."""
    worker_a = RedisCache(redis_url, {"KEY_PREFIX": "throttle-test"})
    worker_b = RedisCache(redis_url, {"KEY_PREFIX": "throttle-test"})
    worker_a.clear()
    try:
        monkeypatch.setattr(throttle, "cache", worker_a)
        for _ in range(throttle.EMAIL_LIMIT - 1):
            throttle.login_failed(email="ana@example.test", ip="192.0.2.1")
        monkeypatch.setattr(throttle, "cache", worker_b)
        assert not throttle.login_is_throttled(email="ana@example.test", ip="192.0.2.1")
        throttle.login_failed(email="ana@example.test", ip="192.0.2.1")
        monkeypatch.setattr(throttle, "cache", worker_a)
        assert throttle.login_is_throttled(email="ana@example.test", ip="192.0.2.1")
    finally:
        worker_a.clear()


def test_password_reset_emails_are_limited_per_address_without_saying_so(client):
    from django.core import mail

    make_user("ana@example.test")
    for _ in range(throttle.RESET_EMAIL_LIMIT + 2):
        response = client.post(reverse("password_reset"), {"email": "ana@example.test"})
        assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == throttle.RESET_EMAIL_LIMIT


def _dead_cache(monkeypatch) -> None:
    """Redis down: nothing listens where the throttle's cache points."""
    dead = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    monkeypatch.setattr(throttle, "cache", dead)


def test_login_still_works_with_the_cache_down(client, monkeypatch):
    # Redis down: no 500, a wrong password is an error at the form, the right one logs in.
    _dead_cache(monkeypatch)
    make_user("down@example.test")
    wrong = client.post(reverse("login"), {"username": "down@example.test", "password": "x"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    right = client.post(reverse("login"), {"username": "down@example.test", "password": PASSWORD})
    assert right.status_code == 302


def test_the_throttle_still_limits_with_the_cache_down(client, monkeypatch):
    # Redis down: the failures are counted in the web process, which still says no.
    _dead_cache(monkeypatch)
    make_user("down@example.test")
    make_user("other@example.test")
    for _ in range(throttle.EMAIL_LIMIT):
        assert _login(client, "down@example.test", "wrong").status_code == 200
    response = _login(client, "down@example.test", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account, from another address, is not locked by it.
    assert _login(client, "other@example.test", PASSWORD, ip="198.51.100.3").status_code == 302


def test_an_ip_spray_is_still_limited_with_the_cache_down(client, monkeypatch):
    _dead_cache(monkeypatch)
    make_user("victim@example.test")
    for n in range(throttle.IP_LIMIT):
        _login(client, f"guess{n}@example.test", "wrong", ip="192.0.2.9")
    assert _login(client, "victim@example.test", PASSWORD, ip="192.0.2.9").status_code == 429


def test_password_reset_emails_are_still_limited_with_the_cache_down(client, monkeypatch):
    from django.core import mail

    _dead_cache(monkeypatch)
    make_user("ana@example.test")
    for _ in range(throttle.RESET_EMAIL_LIMIT + 2):
        client.post(reverse("password_reset"), {"email": "ana@example.test"})
    assert len(mail.outbox) == throttle.RESET_EMAIL_LIMIT
