"""The admin reads in the product's words, in French too: import runs' columns, the
reminders' names, a run's title and its times in the reader's time zone."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from courses.importing.service import import_catalogue
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_admin() -> Client:
    admin = make_user("admin@example.test", is_staff=True, is_superuser=True, language="fr")
    client = Client()
    client.force_login(admin)
    client.admin = admin
    return client


def text_of(response) -> str:
    html = re.sub(r"<script.*?</script>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_import_runs_list_has_french_columns(french_admin):
    import_catalogue([], dry_run=True, user=french_admin.admin)
    text = text_of(french_admin.get(reverse("admin:courses_importrun_changelist")))
    for english in ("Started", "Finished", "Dry run", " Ok ", " User "):
        assert english not in text, english
    for french in ("Commencé", "Depuis", "Par", "Aperçu seulement", "Réussi"):
        assert french in text, french


def test_a_run_is_titled_in_french_with_its_local_time_only(french_admin, settings):
    settings.TIME_ZONE = "Europe/Paris"
    report = import_catalogue([], dry_run=True, user=french_admin.admin)
    response = french_admin.get(reverse("admin:courses_importrun_change", args=[report.run_id]))
    text = text_of(response)
    assert "Affichage de import" not in text
    assert "Import du catalogue, ligne de commande" in text
    from django.utils import timezone

    from courses.models import ImportRun

    started = ImportRun.objects.get(pk=report.run_id).started
    utc = started.strftime("%H:%M")
    local = timezone.localtime(started).strftime("%H:%M")
    assert utc != local  # Paris is never at UTC
    assert local in text and utc not in text


def test_the_reminders_are_named_in_french(french_admin):
    text = text_of(french_admin.get(reverse("admin:index")))
    assert "Reminders" not in text
    assert "Rappels" in text
    from tracker.reminders.models import Reminder

    Reminder.objects.create(kind="weekly_digest", user=french_admin.admin, period="2026-W01")
    page = text_of(french_admin.get(reverse("admin:reminders_reminder_changelist")))
    for french in ("Type", "Personne", "Objet", "Période", "État", "Tentatives", "Envoyé"):
        assert french in page, french


def test_records_name_their_time_in_the_readers_zone_not_utc(settings):
    import datetime

    from tracker.accounts.models import AuditEvent

    settings.TIME_ZONE = "Europe/Paris"
    noon_utc = datetime.datetime(2026, 1, 15, 12, 0, tzinfo=datetime.UTC)
    event = AuditEvent(action=AuditEvent.Action.LEFT, created=noon_utc)
    assert str(event).startswith("2026-01-15 13:00")
    from courses.models import ImportRun

    assert str(ImportRun(source="command", started=noon_utc)).endswith("13:00")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_admin_is_named_for_the_product(french_admin, language):
    french_admin.admin.language = language
    french_admin.admin.save(update_fields=["language"])
    text = text_of(french_admin.get(reverse("admin:index")))
    assert "Django" not in text
    expected = {
        "fr": ("Administration de Parcours", "Catalogue, personnes et équipes"),
        "en": ("Parcours administration", "Catalogue, people and teams"),
    }[language]
    for words in expected:
        assert words in text, words
