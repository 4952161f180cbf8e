"""Delivery of the outbox to the learning record store.

Rows go out in the order they were written (a void after the statement it voids), each
with PUT /statements?statementId=<its id>: the same statement sent twice (a worker that
died after the LRS stored it, two senders at once) is stored once, since an LRS answers
an identical statement under a known id with 204 (xAPI 1.0.3 §2.1.1). While the LRS is
unreachable, answers 5xx or refuses the credentials, the pass stops and the row waits
PARCOURS_XAPI_RETRY_BACKOFF seconds, twice as long after each failure (at most an hour);
beat runs a pass every PARCOURS_XAPI_SEND_EVERY seconds, so nothing is lost while the LRS
is down. A statement the LRS rejects (another 4xx) is set aside with its error, and the
others go on.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils import timezone

from .models import OutboxStatement

logger = logging.getLogger(__name__)

BATCH = 200
MAX_BACKOFF_SECONDS = 3600
TIMEOUT_SECONDS = 15
# Answers after which the same request may succeed later.
TEMPORARY = {401, 403, 408, 425, 429}


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    waiting: bool = False  # the pass stopped on a temporary failure


def _statements_url() -> str:
    return settings.PARCOURS_XAPI_ENDPOINT.rstrip("/") + "/statements"


def send_pending(*, now: datetime.datetime | None = None) -> SendReport:
    report = SendReport()
    if not settings.PARCOURS_XAPI_ENDPOINT:
        return report
    now = now or timezone.now()
    http = requests.Session()
    http.auth = (settings.PARCOURS_XAPI_USERNAME, settings.PARCOURS_XAPI_PASSWORD)
    http.headers["X-Experience-API-Version"] = "1.0.3"
    pending = OutboxStatement.objects.filter(sent_at__isnull=True, failed_at__isnull=True)
    last_pk = 0
    while True:
        rows = list(pending.filter(pk__gt=last_pk).order_by("pk")[:BATCH])
        if not rows:
            return report
        for row in rows:
            last_pk = row.pk
            if row.next_attempt_at > now:
                report.waiting = True  # backing off: later rows wait behind it
                return report
            if not _send(http, row, now=now, report=report):
                report.waiting = True
                return report


def _send(http: requests.Session, row: OutboxStatement, *, now, report: SendReport) -> bool:
    """Deliver one row; False when the LRS cannot take it now (the pass stops)."""
    try:
        response = http.put(
            _statements_url(),
            params={"statementId": str(row.statement_id)},
            json=row.payload,
            timeout=TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        _retry_later(row, now=now, error=f"{type(exc).__name__}: {exc}")
        return False
    if response.status_code in (200, 204):
        OutboxStatement.objects.filter(pk=row.pk).update(
            sent_at=timezone.now(), attempts=row.attempts + 1, last_error=""
        )
        report.sent += 1
        return True
    error = f"HTTP {response.status_code}: {response.text[:500]}"
    if response.status_code >= 500 or response.status_code in TEMPORARY:
        _retry_later(row, now=now, error=error)
        return False
    logger.error("the LRS refused statement %s: %s", row.statement_id, error)
    OutboxStatement.objects.filter(pk=row.pk).update(
        failed_at=timezone.now(), attempts=row.attempts + 1, last_error=error
    )
    report.failed += 1
    return True


def _retry_later(row: OutboxStatement, *, now: datetime.datetime, error: str) -> None:
    delay = min(settings.PARCOURS_XAPI_RETRY_BACKOFF * 2**row.attempts, MAX_BACKOFF_SECONDS)
    logger.warning("the LRS is unavailable (%s); next try in %s s", error, delay)
    OutboxStatement.objects.filter(pk=row.pk).update(
        attempts=row.attempts + 1,
        next_attempt_at=now + datetime.timedelta(seconds=delay),
        last_error=error,
    )
