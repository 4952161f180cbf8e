"""Template filters of the catalogue pages."""

from __future__ import annotations

import re

from django import template

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
