"""Filters that format progress figures: hours, durations, dates, statuses.

Formatting only: no filter here reads the database (tests/test_pages.py checks every
template tag library). What a panel shows is read by its page's view (progress/panels.py).
"""

from __future__ import annotations

import datetime
import functools

from django import template
from django.utils import formats
from django.utils.translation import get_language, ngettext

from ..durations import format_hours, format_minutes
from ..labels import status_label

register = template.Library()

register.filter("status_label", status_label)


@register.filter
def lateness(days: int) -> str:
    """A delay in days, in weeks from two weeks on ("3 days", "2 weeks")."""
    days = int(days or 0)
    if days >= 14:
        weeks = round(days / 7)
        return ngettext("%(count)d week", "%(count)d weeks", weeks) % {"count": weeks}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


@register.filter
def hours(value) -> str:
    """Hours with at most one decimal, in the active language."""
    return format_hours(value)


@register.filter
def duration(minutes) -> str:
    return format_minutes(minutes) if minutes else ""


@register.filter
def clock(seconds) -> str:
    """Seconds as a running clock: `1:05:09`."""
    minutes, second = divmod(max(int(seconds or 0), 0), 60)
    hour, minute = divmod(minutes, 60)
    return f"{hour}:{minute:02d}:{second:02d}"


@register.filter
def short_date(value: datetime.date | None) -> str:
    """`{{ day|date:"SHORT_DATE_FORMAT" }}`, remembered per day and language: a table
    shows the same few days on every row, and Django parses the format on every call."""
    return _short_date(value, get_language()) if value else ""


@functools.lru_cache(maxsize=2048)
def _short_date(value: datetime.date, language: str) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@register.filter
def long_date(value: datetime.date | None) -> str:
    """`{{ day|date:"j F Y" }}` ("2 décembre 2026"), remembered like short_date."""
    return _long_date(value, get_language()) if value else ""


@functools.lru_cache(maxsize=2048)
def _long_date(value: datetime.date, language: str) -> str:
    return formats.date_format(value, "j F Y")


@register.filter
def progress_value(value) -> str:
    """A <progress> value cannot exceed its max: the text beside it tells the rest.

    A string with a dot whatever the language: it is an attribute, not text to read.
    """
    return f"{min(float(value or 0), 100.0):.1f}"
