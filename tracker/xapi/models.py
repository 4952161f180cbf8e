"""The outbox of xAPI statements bound for the company's learning record store.

A row is written in the same transaction as the time entry it describes, so a statement
exists exactly when its entry was committed; the sender (tasks.py) delivers rows in order
with an idempotent PUT under the row's fixed statement id, so a resend after a crash is
stored once by the LRS (xAPI 1.0.3 §2.1.1).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboxStatement(models.Model):
    class Kind(models.TextChoices):
        STATEMENT = "statement"
        VOID = "void"

    statement_id = models.UUIDField(unique=True)
    # What the statement is about, e.g. "time-entry-42": a subject's rows go out in order.
    subject = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The subject's statement number (0, 1 after the first edit...), for statements.
    revision = models.PositiveIntegerField(default=0)
    payload = models.JSONField()
    created = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Refused by the LRS for good (a 4xx other than a rate limit): kept to look at.
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["subject", "revision"]),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True, failed_at__isnull=True),
                name="xapi_outbox_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.statement_id} ({self.subject})"
