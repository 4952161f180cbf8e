"""Reminder preferences show people only the kinds that concern them, and the time zone is
set in one place, the profile, with a picker: region first, grouped, no deprecated alias."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import make_user
from tracker.accounts.timezones import (
    countries_from_accept_language,
    offered_zones,
    timezone_choices_for,
)
from tracker.reminders.models import KindOptOut

pytestmark = pytest.mark.django_db


def _kinds_shown(client):
    form = client.get(reverse("reminders:preferences")).context["form"]
    return {name for name, _label in form.fields["enabled_kinds"].choices}


def test_a_learner_in_no_team_sees_neither_manager_nor_assignment_kinds(personas):
    loner = make_user("loner@example.test")
    client = personas.client_for(None)
    client.force_login(loner)
    shown = _kinds_shown(client)
    assert "weekly_digest" in shown and "retake" in shown
    assert not shown & {"overdue_manager", "team_summary", "due_soon", "assignment_changes"}


def test_a_team_member_sees_assignment_kinds_and_a_manager_the_managers_ones(personas):
    member = _kinds_shown(personas.client_for("learner"))
    assert {"due_soon", "overdue", "assignment_changes"} <= member
    assert not member & {"overdue_manager", "team_summary"}
    manager = _kinds_shown(personas.client_for("manager"))
    assert {"overdue_manager", "team_summary"} <= manager


def test_saving_leaves_the_kinds_the_page_did_not_show_alone(personas):
    loner = make_user("loner@example.test")
    client = personas.client_for(None)
    client.force_login(loner)
    data = {"digest_weekday": "0", "digest_hour": "9", "retake_interval_weeks": "4"}
    assert client.post(reverse("reminders:preferences"), data).status_code == 302
    off = set(KindOptOut.objects.filter(user=loner).values_list("kind", flat=True))
    assert "weekly_digest" in off
    assert "overdue_manager" not in off  # never offered: not switched off behind their back


def test_the_time_zone_is_set_on_the_profile_only(personas):
    client = personas.client_for("learner")
    page = client.get(reverse("reminders:preferences"))
    assert "timezone" not in page.context["form"].fields
    assert "Europe/Paris" in page.text and reverse("profile") in page.text
    profile = client.get(reverse("profile"))
    assert "timezone" in profile.context["form"].fields
    assert "js/detect-timezone.js" in profile.text


def test_the_picker_offers_no_deprecated_alias_but_keeps_the_one_a_person_has():
    zones = offered_zones()
    assert {"Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC"} <= zones
    assert not zones & {"US/Eastern", "Asia/Calcutta", "GB", "EST5EDT", "Etc/GMT+5"}
    assert not any(zone.startswith("Etc/") for zone in zones)
    flat = {
        value
        for _group, options in timezone_choices_for(current="US/Eastern")
        for value, _ in options
    }
    assert "US/Eastern" in flat and "US/Pacific" not in flat


def test_the_browsers_region_comes_first():
    assert countries_from_accept_language("fr-CA,fr;q=0.9,en-US;q=0.5") == ["CA", "US"]
    with translation.override("en"):
        groups = timezone_choices_for(accept_language="fr-CA,fr;q=0.9")
        label, suggested = groups[0]
        assert str(label) == "Suggested"
        assert "America/Toronto" in [value for value, _ in suggested]
        regions = [str(label) for label, _ in groups[1:]]
        assert "Europe" in regions and regions[-1] == "Other"


def test_the_profile_saves_a_zone_and_refuses_an_alias_it_does_not_offer(personas):
    client = personas.client_for("learner")
    data = {"name": "Léa", "language": "fr", "weekly_hours_available": "5"}
    response = client.post(reverse("profile"), {**data, "timezone": "America/Toronto"})
    assert response.status_code == 302
    personas.learner.refresh_from_db()
    assert personas.learner.timezone == "America/Toronto"
    response = client.post(reverse("profile"), {**data, "timezone": "US/Eastern"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["timezone"]
