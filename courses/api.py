"""Catalogue endpoints of the JSON API (mounted by tracker.api)."""

from ninja import Router

router = Router(tags=["catalogue"])
