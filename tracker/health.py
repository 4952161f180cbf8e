"""Readiness checks for /healthz: each returns "ok" or a short error naming the failure."""

from __future__ import annotations

from django.db import connection

# A load balancer polls this: a dead dependency must answer fast, not hang the request.
BROKER_TIMEOUT_SECONDS = 2


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means unhealthy, whatever the driver raises
        return f"error: {exc.__class__.__name__}"
    return "ok"


def check_broker() -> str:
    """Opens (and closes) a connection to the Celery broker: Redis in production, the
    filesystem transport in development."""
    from tracker.celery import app

    try:
        with app.connection_for_write(connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
            # No retry: one failed attempt is the answer.
            conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:  # kombu re-raises transport errors under several classes
        return f"error: {exc.__class__.__name__}"
    return "ok"


def run_checks() -> dict[str, str]:
    return {"database": check_database(), "broker": check_broker()}
