"""Durations as people type them: `1h30`, `1:30`, `90`, `1,5`, `1.5`, `45 min`, `2h`, `1 h 30`.

A bare whole number is minutes (`90`); a bare decimal number is hours (`1,5`, `1.5`).
Anything else must carry its unit. Only plain digits are read, so `NaN`, `inf` and
`1e309` never reach float arithmetic: they are refused like any other unreadable text.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import MAX_MINUTES_PER_DAY

_NUMBER = r"\d{1,6}(?:[.,]\d{1,4})?"
_HOURS = r"(?:h|hr|hrs|hours?|heures?)"
_MINUTES = r"(?:m|mn|min|mins|minutes?)"
_PATTERNS = [
    # 1h30, 1 h 30, 1h30min, 1.5h, 2 heures
    re.compile(rf"^(?P<hours>{_NUMBER})\s*{_HOURS}\s*(?:(?P<minutes>\d{{1,2}})\s*{_MINUTES}?)?$"),
    # 1:30 (hours:minutes, as a clock or a time sheet writes it)
    re.compile(r"^(?P<hours>\d{1,2}):(?P<minutes>\d{2})$"),
    # 45 min, 90m
    re.compile(rf"^(?P<minutes>\d{{1,6}})\s*{_MINUTES}$"),
    # 90 (minutes)
    re.compile(r"^(?P<minutes>\d{1,6})$"),
    # 1,5 / 1.5 (hours)
    re.compile(r"^(?P<hours>\d{1,6}[.,]\d{1,4})$"),
]

INVALID_MESSAGE = _("Enter a duration such as 1h30, 1:30, 90 (minutes), 1,5 (hours) or 45 min.")
POSITIVE_MESSAGE = _("The duration must be more than zero.")
TOO_LONG_MESSAGE = _("A duration cannot exceed 24 hours.")


def parse_duration(text: str) -> int:
    """Return the number of minutes `text` means, or raise ValidationError saying why."""
    value = (text or "").strip().lower()
    if value.startswith("-"):
        raise ValidationError(POSITIVE_MESSAGE, code="not_positive")
    for pattern in _PATTERNS:
        match = pattern.match(value)
        if match:
            break
    else:
        raise ValidationError(INVALID_MESSAGE, code="invalid")
    groups = match.groupdict()
    hours = Decimal(groups["hours"].replace(",", ".")) if groups.get("hours") else Decimal(0)
    minutes = Decimal(groups["minutes"]) if groups.get("minutes") else Decimal(0)
    if groups.get("hours") and groups.get("minutes") and minutes >= 60:
        raise ValidationError(INVALID_MESSAGE, code="invalid")
    total = int((hours * 60 + minutes).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return check_minutes(total)


def check_minutes(minutes: int) -> int:
    """The bounds every duration obeys, whatever way it came in (form, API)."""
    if minutes <= 0:
        raise ValidationError(POSITIVE_MESSAGE, code="not_positive")
    if minutes > MAX_MINUTES_PER_DAY:
        raise ValidationError(TOO_LONG_MESSAGE, code="too_long")
    return minutes


def format_minutes(minutes: int) -> str:
    """`90` -> `1h30`, `45` -> `45 min`, `120` -> `2h`."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


def format_hours(value) -> str:
    """Hours with at most one decimal in the active language: 12,5 (fr), 12.5 (en).

    Pages call this hundreds of times, so it formats directly instead of going through
    number_format, which looks the format settings up again on every call.
    """
    if value is None or value == "":
        return ""
    text = f"{float(value):.1f}".removesuffix(".0")
    return text.replace(".", _decimal_separator(get_language()))


@lru_cache(maxsize=16)
def _decimal_separator(language: str | None) -> str:
    """The active language's decimal separator (`language`: the cache's key): get_format
    looks it up again on every call, and a chart formats a hundred figures."""
    return get_format("DECIMAL_SEPARATOR")
