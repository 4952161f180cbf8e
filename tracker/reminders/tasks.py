"""Celery tasks: thin adapters over services. They take ids, never objects."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="reminders.dispatch", ignore_result=True)
def dispatch_reminders() -> dict:
    report = services.dispatch()
    return {"created": report.created, "swept": report.swept, "skipped": report.skipped}


# acks_late: a worker killed mid-send leaves the message unacknowledged, so the broker
# hands it out again; the claim timeout (services.reminder_claim) lets it through once.
@shared_task(bind=True, name="reminders.send", acks_late=True, max_retries=None)
def send_reminder(self, reminder_id: int) -> str:
    try:
        return services.reminder_send(reminder_id=reminder_id)
    except services.TemporaryMailError as exc:
        raise self.retry(countdown=exc.retry_in, exc=exc) from exc


@shared_task(name="reminders.notice_emails", ignore_result=True)
def send_notice_emails_task(notification_ids: list[int]) -> int:
    from .notice_emails import send_notice_emails

    return send_notice_emails(notification_ids=notification_ids)
