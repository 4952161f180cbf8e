"""`GET /api/me/notifications` (mounted by tracker.api)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from . import selectors

router = Router(tags=["notifications"])

API_LIMIT = 100


class NotificationOut(Schema):
    id: int
    kind: str
    created: dt.datetime
    read: bool
    title: str

    @staticmethod
    def resolve_title(notification) -> str:
        return notification.shown_title  # a notice is worded in the reader's language


@router.get(
    "/me/notifications",
    response=list[NotificationOut],
    summary="One's in-app notifications, newest first (the latest 100)",
)
def my_notifications(request: HttpRequest):
    return list(
        selectors.notifications_of(user=request.user).only(
            "id", "kind", "created", "read", "title", "params"
        )[:API_LIMIT]
    )
