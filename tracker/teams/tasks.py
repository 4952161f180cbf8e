"""Celery tasks: thin adapters over the teams app's functions."""

from __future__ import annotations

from celery import shared_task

from . import trends


@shared_task(name="teams.snapshot_week", ignore_result=True)
def snapshot_week() -> int:
    """This week's status counts of every team (idempotent: rewrites the week's rows)."""
    return trends.snapshot_current_week()
