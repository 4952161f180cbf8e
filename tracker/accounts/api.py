"""`/api/me`: who the credentials belong to, and their profile (mounted by tracker.api)."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import field_validator

from . import services

router = Router(tags=["accounts"])

_TIMEZONES = frozenset(zoneinfo.available_timezones())


class MeOut(Schema):
    id: int
    email: str
    name: str
    language: str
    timezone: str
    weekly_hours_available: float


class MePatch(Schema):
    name: str | None = Field(None, max_length=150)
    language: Literal["fr", "en"] | None = None
    timezone: str | None = None
    weekly_hours_available: Decimal | None = Field(None, ge=Decimal("0.5"), le=80)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is not None and value not in _TIMEZONES:
            raise ValueError("unknown time zone (an IANA name such as Europe/Paris)")
        return value


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest):
    return request.user


@router.patch("/me", response=MeOut, summary="Update one's profile")
def me_update(request: HttpRequest, payload: MePatch):
    user = request.user
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    return services.user_update_profile(
        user=user,
        name=changes.get("name", user.name),
        language=changes.get("language", user.language),
        timezone=changes.get("timezone", user.timezone),
        weekly_hours_available=changes.get("weekly_hours_available", user.weekly_hours_available),
    )
