from celery import shared_task

from .sender import send_pending


@shared_task(name="xapi.send")
def send() -> int:
    """Beat's periodic pass over the outbox (a thin adapter over sender.send_pending)."""
    return send_pending().sent
