"""Celery tasks of accounts: thin adapters over services. They take ids, never objects."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="accounts.send_invitations", ignore_result=True)
def send_invitations(user_ids: list[int], inviter: str = "") -> int:
    return services.invitations_send(user_ids=user_ids, inviter=inviter)
