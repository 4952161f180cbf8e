"""Small, pure helpers for the export formats (no database)."""

from __future__ import annotations

# A spreadsheet reads a cell starting with one of these as a formula (OWASP's list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with a quote; numbers and
    dates pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def iso_duration(minutes: int) -> str:
    """Minutes as an ISO 8601 duration: 90 -> PT1H30M, 60 -> PT1H, 45 -> PT45M."""
    hours, rest = divmod(int(minutes), 60)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if rest or not hours:
        text += f"{rest}M"
    return text
