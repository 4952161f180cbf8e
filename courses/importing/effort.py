"""Effort strings, as people write them, parsed to hours (and a weekly pace when given).

`90h (4 mois à 5h/semaine)` is 90 h at 5 h a week; `6 semaines à 3h/semaine` is 18 h;
`1h30` is 1.5 h; `45 min` is 0.75 h; `4 weeks at 5 hours/week` is 20 h. A stated total
wins over duration times pace. A range (`10-12h`) counts its upper bound: planning on the
longer estimate is the safe side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

MAX_HOURS = Decimal(2000)
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
_TWO_PLACES = Decimal("0.01")

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_HOUR = r"(?:h(?:eures?|ours?|rs?)?|hr)\b"
_HOUR_OR_H = r"(?:heures?|hours?|hrs?|h)"
_MINUTE = r"(?:min(?:utes?)?|mn)\b"
_PER_WEEK = r"\s*(?:/|par|per|a|an|each|chaque|à\s+la|a\s+la)\s*(?:semaine|sem|week|wk)s?\b"

_WEEKLY = re.compile(rf"{_NUMBER}\s*{_HOUR_OR_H}{_PER_WEEK}", re.IGNORECASE)
_DURATION = re.compile(rf"{_NUMBER}\s*(semaines?|sem\b|weeks?|wks?|mois|months?)", re.IGNORECASE)
_RANGE = re.compile(rf"{_NUMBER}\s*(?:-|\u2013|à|to)\s*{_NUMBER}\s*{_HOUR}", re.IGNORECASE)
# `1h30` (minutes glued to the h) or `2 h 30 min`; `20 hours 4 weeks` is not 20 h 4 min.
_HOURS = re.compile(
    rf"(-\s*)?{_NUMBER}\s*{_HOUR_OR_H}(?:(\d{{2}})\b|\s*(\d{{1,2}})\s*{_MINUTE})?(?![a-z])",
    re.IGNORECASE,
)
_MINUTES = re.compile(rf"(-\s*)?{_NUMBER}\s*{_MINUTE}", re.IGNORECASE)
_BARE = re.compile(rf"^\s*(-\s*)?{_NUMBER}\s*$")


class EffortError(ValueError):
    pass


@dataclass(frozen=True)
class Effort:
    hours: Decimal
    weekly_hours: Decimal | None = None


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def _checked(hours: Decimal, raw: str) -> Decimal:
    if not hours.is_finite():
        raise EffortError(_("The effort is missing or not a duration."))
    if hours <= 0:
        raise EffortError(
            _("The effort %(effort)r must be more than zero hours.") % {"effort": raw}
        )
    if hours > MAX_HOURS:
        raise EffortError(
            _("The effort %(effort)r is over %(max)s hours: is it a typo?")
            % {"effort": raw, "max": MAX_HOURS}
        )
    return hours.quantize(_TWO_PLACES)


def parse_weekly(value: object) -> Decimal | None:
    """A pace given on its own (`rythme: 5h/semaine`, `weekly_hours: 5`)."""
    if value is None or value == "":
        return None
    text = str(value)
    match = _WEEKLY.search(text) or _BARE.match(text) or _HOURS.search(text)
    if not match or (match.re is not _WEEKLY and match.group(1)):
        raise EffortError(_("The pace %(pace)r is not a number of hours a week.") % {"pace": text})
    hours = _number(match.group(1) if match.re is _WEEKLY else match.group(2))
    if not 0 < hours <= 168:
        raise EffortError(_("The pace %(pace)r is not a number of hours a week.") % {"pace": text})
    return hours.quantize(_TWO_PLACES)


def parse_effort(value: object) -> Effort:
    """Parse an effort value (a string or a number of hours); raise EffortError."""
    if isinstance(value, bool) or value is None:
        raise EffortError(_("The effort is missing or not a duration."))
    if isinstance(value, int | float):
        return Effort(_checked(Decimal(str(value)), str(value)))
    raw = str(value).strip()
    if not raw:
        raise EffortError(_("The effort is missing or not a duration."))
    bare = _BARE.match(raw)
    if bare:
        sign = -1 if bare.group(1) else 1
        return Effort(_checked(sign * _number(bare.group(2)), raw))

    weekly_match = _WEEKLY.search(raw)
    weekly = _number(weekly_match.group(1)) if weekly_match else None
    # What remains once the pace is taken out holds the total and the duration.
    rest = _WEEKLY.sub(" ", raw)

    total: Decimal | None = None
    span = _RANGE.search(rest)
    if span:
        total = max(_number(span.group(1)), _number(span.group(2)))
    else:
        hours = _HOURS.search(rest)
        if hours:
            total = _number(hours.group(2))
            minutes_part = hours.group(3) or hours.group(4)
            if minutes_part:
                total += _number(minutes_part) / 60
            if hours.group(1):
                total = -total
        else:
            minutes = _MINUTES.search(rest)
            if minutes:
                total = _number(minutes.group(2)) / 60
                if minutes.group(1):
                    total = -total
    if total is None:
        duration = _DURATION.search(rest)
        if duration and weekly is not None:
            count = _number(duration.group(1))
            unit = duration.group(2).lower()
            weeks = count * WEEKS_PER_MONTH if unit.startswith("mo") else count
            total = weeks * weekly
    if total is None:
        raise EffortError(
            _(
                "The effort %(effort)r is not a duration: write it like '90h', '120 heures', "
                "'1h30', '45 min' or '6 semaines à 3h/semaine'."
            )
            % {"effort": raw}
        )
    return Effort(
        _checked(total, raw),
        weekly.quantize(_TWO_PLACES) if weekly is not None and weekly > 0 else None,
    )
