"""Template filters of the catalogue pages."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


@register.filter
def demote_headings(html: str, levels: int = 2) -> str:
    """Shift the headings of a course body down by `levels` (h1 -> h3 by default), at most
    to h6, so they nest under the page's own h1 and section h2 (headings in order).

    The input is the importer's sanitised HTML (well-formed tags, no attributes that could
    hide a heading tag), so renaming the tags is enough; the output is NOT marked safe:
    the template still says |safe on that one field.
    """

    def shift(match: re.Match) -> str:
        level = min(int(match.group(2)) + levels, 6)
        return f"<{match.group(1)}h{level}"

    return _HEADING_TAG.sub(shift, html or "")


# A month as people count it: 30.44 days (365.25 / 12).
DAYS_PER_MONTH = Decimal("30.44")
# From this many weeks on, a duration also reads in months ("≈ 3 mois").
MONTHS_FROM_WEEKS = 8


@register.simple_tag
def stated_pace(course) -> str:
    """A course's duration at its stated pace as people say it: whole weeks (12.2 weeks
    are 13 weeks of study), and about how many months from two months on:
    "18 semaines à 5 h/semaine (≈ 4 mois)". Empty when the course states no pace."""
    if not course.weekly_hours:
        return ""
    weeks = math.ceil(Decimal(course.effort_hours) / Decimal(course.weekly_hours))
    pace = floatformat(course.weekly_hours, "-1")
    text = ngettext(
        "%(weeks)s week at %(pace)s h/week", "%(weeks)s weeks at %(pace)s h/week", weeks
    ) % {"weeks": weeks, "pace": pace}
    if weeks >= MONTHS_FROM_WEEKS:
        months = round(weeks * 7 / DAYS_PER_MONTH)
        text += " " + ngettext("(≈ %(months)s month)", "(≈ %(months)s months)", months) % {
            "months": months
        }
    return text


_FREE_WORD = re.compile(r"^\s*(gratuit|free)\b\s*", re.IGNORECASE)


@register.filter
def price_label(course) -> str:
    """The price said once, in the UI language where it says free: "Gratuit (Audit)" is
    "Free (Audit)" in English; an empty price says "Free" or "Paid"."""
    text = (course.price or "").strip()
    if course.is_free:
        rest = _FREE_WORD.sub("", text)
        if rest == text and text:
            return text  # free, in words of its own ("Audit gratuit")
        return f"{_('Free')} {rest}".strip()
    return text or _("Paid")
