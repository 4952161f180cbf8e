"""/healthz: the database and the Celery broker, 503 JSON when one is down."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tracker.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker():
    """Points the Celery app at another broker for one test, then restores it."""
    keys = ("broker_url", "broker_transport_options")
    saved = {key: celery_app.conf[key] for key in keys}

    def use(url: str) -> None:
        celery_app.conf.update(broker_url=url, broker_transport_options={})

    yield use
    celery_app.conf.update(saved)


def test_health_is_ok_with_the_configured_broker(client):
    """The filesystem broker of development, or Redis when the run sets REDIS_URL."""
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_health_answers_503_json_when_the_broker_is_down(client, broker):
    broker("redis://127.0.0.1:1/0")  # nothing listens on port 1: refused at once
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error: ")


def test_health_answers_503_json_when_the_database_is_down(client, monkeypatch):
    from tracker import health

    class Down(Exception):
        pass

    def failing():
        raise Down

    monkeypatch.setattr(health.connection, "cursor", failing)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["database"] == "error: Down"


@pytest.mark.integration
def test_health_is_ok_with_a_real_redis_broker(client, redis_url, broker):
    broker(redis_url)
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_health_refuses_a_post(client):
    assert client.post(reverse("health")).status_code == 405
