"""Effort strings, as people and course sites write them, parsed to hours (and a pace).

The rule is the importer's: the hours the author meant, or an EffortError; never a
guess. What is read (docs/catalogue-format.md has the same list for authors):

- hours, minutes and seconds in any spelling: `90h`, `120 heures`, `12.5 total hours`,
  `1h30`, `2 h 30`, `1h 32m`, `45 min`, `58m 30s`, a clock `1:30` or `01:30:00`;
  a range (`10-12h`, `8-10 hours per week`) counts its upper bound: planning on the longer
  estimate is the safe side;
- a pace: `5h/semaine`, `3 hours a week`, `Weekly study 3 hours`, `5h/mois`, `2h/jour`;
- a duration times a pace: `6 semaines à 3h/semaine` (18 h), `4 months at 5 hours a week`
  (a month is 52/12 weeks), `5 jours à 2h/jour`;
- training days: `3 jours`, `2 days`, `3j` count 7 hours a day (the French working day
  training providers count in), unless an hours-a-day pace is given.

A stated total wins over duration times pace. Two totals that disagree (`2 h + 3 h`), a
number that reads differently in English and French (`1,500`), minutes over 59 after
hours (`1h75`) and a pace or a span with no hours (`6 semaines`) are refused.

Hand-written rather than a library's: the duration parsers on PyPI (pytimeparse,
durations, dateparser) read neither French nor these sites' mixed totals and paces,
and none refuses what it cannot read for sure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

MAX_HOURS = Decimal(2000)
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
HOURS_PER_TRAINING_DAY = Decimal(7)
_TWO_PLACES = Decimal("0.01")
_SIXTY = Decimal(60)

_NUMBER = r"\d+(?:[.,]\d+)?"
# A unit word ends where letters end: `1h30` is 1 h 30 but `4 mois` holds no `m`inute.
_END = r"(?![^\W\d_])"
_HOUR = rf"(?:heures?|hours?|hrs?|h){_END}"
_MINUTE = rf"(?:minutes?|mins?|mn|m){_END}"
_SECOND = rf"(?:secondes?|seconds?|secs?|s){_END}"
_DAY = rf"(?:jours?|journées?|days?|j){_END}"
_WEEK = rf"(?:semaines?|sem|weeks?|wks?|wk){_END}"
_MONTH = rf"(?:mois|months?){_END}"
_ANY_UNIT = rf"(?:{_HOUR}|{_MINUTE}|{_SECOND}|{_DAY}|{_WEEK}|{_MONTH})"
_DASH = r"\s*(?:-|\u2013|\u2014|à|to)\s*"
_TOTAL = r"(?:total\s+)?"
# Digits after an hour unit are its minutes (`2 h 30`, `1 h 30 de vidéo`) unless a unit
# of their own follows them (`20 hours 4 weeks`).
_BARE_MINUTES = rf"(?!\d|[.,]\d|\s*(?:\d|{_ANY_UNIT}))"
_SIGN = r"(?<![\w.,)])(?P<negative>-)\s*"

_HOURS_AMOUNT = (
    rf"(?:(?P<low>{_NUMBER}){_DASH}|{_SIGN})?(?P<hours>{_NUMBER})\s*{_TOTAL}{_HOUR}"
    rf"(?:\s*(?P<minutes>\d{{1,2}})(?:\s*{_MINUTE}|{_BARE_MINUTES}))?"
    rf"(?:\s*(?P<seconds>\d{{1,2}})\s*{_SECOND})?"
)
_MINUTES_AMOUNT = (
    rf"(?:(?P<low>{_NUMBER}){_DASH}|{_SIGN})?(?P<minutes>{_NUMBER})\s*{_TOTAL}{_MINUTE}"
    rf"(?:\s*(?P<seconds>\d{{1,2}})\s*{_SECOND})?"
)
_HOURS = re.compile(_HOURS_AMOUNT, re.IGNORECASE)
_MINUTES = re.compile(_MINUTES_AMOUNT, re.IGNORECASE)
# The same amount without its groups, to be found inside a pace.
_AMOUNT_TEXT = re.sub(r"\?P<\w+>", "?:", _HOURS_AMOUNT)

_PER = r"\s*(?:/|par|per|a|an|each|every|chaque|au|à\s+la|a\s+la)\s*"
_PACE = re.compile(
    rf"(?P<amount>{_AMOUNT_TEXT}){_PER}(?:{_WEEK}|(?P<day>{_DAY})|(?P<month>{_MONTH}))"
    rf"|(?P<amount_weekly>{_AMOUNT_TEXT})\s*(?:weekly|hebdo(?:madaires?)?){_END}"
    rf"|(?:weekly\s+(?:study|effort|hours)|effort\s+hebdomadaire)\s*:?\s*"
    rf"(?P<weekly_amount>{_AMOUNT_TEXT})",
    re.IGNORECASE,
)
_DAYS = re.compile(rf"(?:(?P<low>{_NUMBER}){_DASH})?(?P<count>{_NUMBER})\s*{_DAY}", re.I)
_SPAN = re.compile(
    rf"(?:(?P<low>{_NUMBER}){_DASH})?(?P<count>{_NUMBER})\s*(?:(?P<week>{_WEEK})|{_MONTH})",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"(?<![\d:.,])(\d{1,4}):([0-5]\d)(?::([0-5]\d))?(?![\d:]|[.,]\d)")
_BARE = re.compile(rf"^\s*(-\s*)?({_NUMBER})\s*$")
# `1,500`: 1500 in English, 1.5 in French.
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d.,])")


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


def _not_a_duration(raw: str) -> EffortError:
    return EffortError(
        _(
            "The effort %(effort)r is not a duration: write it like '90h', '120 heures', "
            "'1h30', '45 min' or '6 semaines à 3h/semaine'."
        )
        % {"effort": raw}
    )


def _upper(match: re.Match[str], group: str) -> Decimal:
    value = _number(match.group(group))
    low = match.group("low")
    return max(value, _number(low)) if low else value


def _seconds(match: re.Match[str], raw: str) -> Decimal:
    seconds = match.group("seconds")
    if seconds is None:
        return Decimal(0)
    if int(seconds) > 59:
        raise EffortError(
            _("The effort %(effort)r gives %(value)s seconds after minutes: at most 59.")
            % {"effort": raw, "value": seconds}
        )
    return Decimal(seconds) / 3600


def _hours_amount(match: re.Match[str], raw: str) -> Decimal:
    """`10-12h` (upper bound), `2 h 30`, `1h 32m 10s`, with its sign."""
    hours = _upper(match, "hours")
    minutes = match.group("minutes")
    if minutes is not None:
        if int(minutes) > 59:
            raise EffortError(
                _("The effort %(effort)r gives %(value)s minutes after hours: at most 59.")
                % {"effort": raw, "value": minutes}
            )
        hours += Decimal(minutes) / _SIXTY
    hours += _seconds(match, raw)
    return -hours if match.group("negative") else hours


def _minutes_amount(match: re.Match[str], raw: str) -> Decimal:
    hours = _upper(match, "minutes") / _SIXTY + _seconds(match, raw)
    return -hours if match.group("negative") else hours


def _one(values: list[Decimal], raw: str) -> Decimal | None:
    """The one amount the text states; two that disagree are refused, not chosen."""
    distinct = sorted({value.quantize(_TWO_PLACES) for value in values})
    if len(distinct) > 1:
        raise EffortError(
            _(
                "The effort %(effort)r states two different amounts (%(first)s and %(second)s "
                "hours): write the one meant."
            )
            % {"effort": raw, "first": distinct[0].normalize(), "second": distinct[-1].normalize()}
        )
    return values[0] if values else None


def _clock(match: re.Match[str]) -> str:
    """`1:30` -> `1 h 30 min`: YAML 1.1 would have read it as 90 (sexagesimal)."""
    hours, minutes, seconds = match.groups()
    return f" {hours} h {minutes} min {seconds + ' s' if seconds else ''} "


def _normalised(raw: str) -> str:
    if _THOUSANDS.search(raw):
        raise EffortError(
            _(
                "The effort %(effort)r is ambiguous: '1,500' is 1500 in English and 1.5 in "
                "French; write 1500 or 1.5."
            )
            % {"effort": raw}
        )
    return _CLOCK.sub(_clock, raw)


def _paces(text: str, raw: str) -> tuple[dict[str, Decimal], str]:
    """The paces the text gives, per `week`, `day` or `month`, and the text without them."""
    found: dict[str, list[Decimal]] = {}

    def take(match: re.Match[str]) -> str:
        amount = match.group("amount") or match.group("amount_weekly")
        amount = amount or match.group("weekly_amount")
        kind = "day" if match.group("day") else "month" if match.group("month") else "week"
        hours = _HOURS.fullmatch(amount.strip())
        assert hours is not None  # the pace's amount is an _HOURS_AMOUNT by construction
        found.setdefault(kind, []).append(_hours_amount(hours, raw))
        return " ; "

    rest = _PACE.sub(take, text)
    paces = {kind: value for kind, values in found.items() if (value := _one(values, raw))}
    return paces, rest


def _stated_total(rest: str, raw: str) -> Decimal | None:
    amounts = [_hours_amount(m, raw) for m in _HOURS.finditer(rest)]
    rest = _HOURS.sub(" ; ", rest)
    amounts += [_minutes_amount(m, raw) for m in _MINUTES.finditer(rest)]
    return _one(amounts, raw)


def _days_total(rest: str, paces: dict[str, Decimal], raw: str) -> Decimal | None:
    days = _one([_upper(m, "count") for m in _DAYS.finditer(rest)], raw)
    if days is None:
        return None
    return days * paces.get("day", HOURS_PER_TRAINING_DAY)


def _span_total(rest: str, paces: dict[str, Decimal], raw: str) -> Decimal | None:
    """A span of weeks or months times a pace per week or per month."""
    spans = [
        _upper(m, "count") * (1 if m.group("week") else WEEKS_PER_MONTH)
        for m in _SPAN.finditer(rest)
    ]
    weeks = _one(spans, raw)
    if weeks is None:
        return None
    if "week" in paces:
        return weeks * paces["week"]
    if "month" in paces:
        return weeks / WEEKS_PER_MONTH * paces["month"]
    return None


def _weekly(paces: dict[str, Decimal]) -> Decimal | None:
    weekly = paces.get("week")
    if weekly is None and "month" in paces:
        weekly = paces["month"] / WEEKS_PER_MONTH
    return weekly.quantize(_TWO_PLACES) if weekly is not None and weekly > 0 else None


def parse_weekly(value: object) -> Decimal | None:
    """A pace given on its own (`rythme: 5h/semaine`, `weekly_hours: 5`, `1:30`)."""
    if value is None or value == "":
        return None
    text = str(value)
    error = EffortError(_("The pace %(pace)r is not a number of hours a week.") % {"pace": text})
    bare = _BARE.match(text)
    if bare:
        hours = None if bare.group(1) else _number(bare.group(2))
    else:
        try:
            normalised = _normalised(text)
            paces, rest = _paces(normalised, text)
            hours = _weekly(paces) if paces else _stated_total(rest, text)
        except EffortError:
            raise error from None
        if set(paces) - {"week", "month"}:
            hours = None
    if hours is None or not 0 < hours <= 168:
        raise error
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

    paces, rest = _paces(_normalised(raw), raw)
    total = _stated_total(rest, raw)
    if total is None:
        total = _days_total(rest, paces, raw)
    if total is None:
        total = _span_total(rest, paces, raw)
    if total is None:
        raise _not_a_duration(raw)
    return Effort(_checked(total, raw), _weekly(paces))
