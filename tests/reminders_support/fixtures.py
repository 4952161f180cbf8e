"""Fixtures shared by the reminder tests (imported by their modules)."""

from __future__ import annotations

import pytest

from .kind import register_ping, unregister_ping


@pytest.fixture
def ping_kind():
    register_ping()
    yield "ping"
    unregister_ping()


@pytest.fixture
def locmem_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    from django.core import mail

    mail.outbox = []
    return mail.outbox


@pytest.fixture
def dispatch(monkeypatch, django_capture_on_commit_callbacks):
    """Runs dispatcher passes with their after-commit steps as a real commit would, the
    sends handed to nobody (the broker is the fault tests' business)."""
    from tracker.reminders import services

    monkeypatch.setattr(services, "enqueue_send", lambda *, reminder_id: True)

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return services.dispatch(now)

    return run
