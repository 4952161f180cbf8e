"""Small, pure helpers for the export formats (no database)."""

from __future__ import annotations

import unicodedata

# A spreadsheet reads a cell starting with one of these as a formula (OWASP's list, with
# line feed). Compared after NFKC, so the full-width forms (U+FF1D...) and small forms count.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with a quote; numbers and
    dates pass unchanged. The one neutraliser of every CSV the app writes.

    Excel and LibreOffice skip leading spaces before a formula (` =1+1` runs), and read
    the full-width equals sign (U+FF1D) as `=`: the first character that is not a space is
    compared once folded by NFKC. Tab, CR and LF are triggers themselves.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    first = value.lstrip()[:1]
    if first and unicodedata.normalize("NFKC", first).startswith(FORMULA_TRIGGERS):
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
