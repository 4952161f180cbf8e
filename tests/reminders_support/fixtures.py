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
