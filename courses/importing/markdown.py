"""Markdown -> sanitised HTML.

The body of a catalogue file is written by whoever sent the file, and its HTML is shown
to every learner: Python-Markdown passes raw HTML through, so everything it renders goes
through nh3 (ammonia) with an allow-list. No script, style, iframe, form or event
handler survives, and links keep only http, https and mailto (or relative) URLs.
"""

from __future__ import annotations

import threading

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = frozenset(
    {
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote",
        "ul", "ol", "li", "dl", "dt", "dd",
        "strong", "em", "b", "i", "del", "s", "sub", "sup", "mark", "abbr",
        "a", "code", "pre", "kbd",
        "table", "thead", "tbody", "tr", "th", "td", "caption",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"align", "scope"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

# One renderer per thread, reset between files: building a Markdown instance per file
# costs more than rendering a typical course body, and an instance is not thread-safe.
_local = threading.local()


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        # The content of these is dropped, not shown as text.
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Render a markdown body to HTML that is safe to show as is."""
    renderer = getattr(_local, "renderer", None)
    if renderer is None:
        renderer = markdown_lib.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
        _local.renderer = renderer
    renderer.reset()
    try:
        html = renderer.convert(text)
    except BaseException:
        # A failed conversion (RecursionError on hostile nesting) leaves the instance's
        # state half-built; the next file gets a fresh one.
        _local.renderer = None
        raise
    return sanitise_html(html)
