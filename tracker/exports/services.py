"""Writes of the exports app: the calendar feed's secret."""

from __future__ import annotations

from tracker.accounts.models import User

from .models import CalendarFeed, new_feed_token


def calendar_feed_get_or_create(*, user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_rotate(*, user: User) -> CalendarFeed:
    """A new secret: the old feed URL answers 404 from now on."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token", "rotated_at"])
    return feed
