"""Reads on accounts, scoped to their owner: another user's id answers 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import ApiToken, User


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.active().filter(user=user).order_by("-created")


def api_token_of(*, user: User, token_id: int) -> ApiToken:
    return get_object_or_404(api_tokens_of(user=user), pk=token_id)
