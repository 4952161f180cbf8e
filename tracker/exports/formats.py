"""Small helpers for the export formats (no database)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

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


@dataclass(frozen=True)
class CsvDialect:
    """How a spreadsheet reads a CSV file: French Excel splits on `;` and reads `1,5`;
    English Excel and most tools split on `,` and read `1.5`."""

    name: str
    delimiter: str
    decimal: str

    def number(self, value: float | int, places: int = 2) -> str:
        return f"{value:.{places}f}".replace(".", self.decimal)


COMMA = CsvDialect("comma", ",", ".")
SEMICOLON = CsvDialect("semicolon", ";", ",")
DIALECTS = {dialect.name: dialect for dialect in (COMMA, SEMICOLON)}


def dialect_named(name: str | None) -> CsvDialect:
    """`?dialect=` of a download: `comma` when absent (scripts expect it), else one of
    DIALECTS; anything else raises ValueError (the view answers 400)."""
    if not name:
        return COMMA
    try:
        return DIALECTS[name]
    except KeyError:
        raise ValueError(name) from None


def dialect_for_language(language: str | None) -> CsvDialect:
    """What a person reading the UI in `language` most likely opens CSV files with."""
    return SEMICOLON if (language or "").startswith("fr") else COMMA


def csv_dialect(request: HttpRequest) -> CsvDialect | None:
    """The `?dialect=` of a CSV download (`comma` by default), None when unknown."""
    try:
        return dialect_named(request.GET.get("dialect"))
    except ValueError:
        return None


def bad_dialect_response() -> HttpResponse:
    """400 for an unknown `?dialect=`, saying which ones exist."""
    return HttpResponseBadRequest(
        _("Unknown CSV dialect: use one of %(names)s.") % {"names": ", ".join(DIALECTS)},
        content_type="text/plain; charset=utf-8",
    )
