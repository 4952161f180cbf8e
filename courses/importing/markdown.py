"""Markdown -> sanitised HTML.

The body of a catalogue file is written by whoever sent the file, and its HTML is shown
to every learner: Python-Markdown passes raw HTML through, so everything it renders goes
through nh3 (ammonia) with an allow-list. No script, style, iframe, form or event
handler survives, and links keep only http, https and mailto (or relative) URLs.
"""

from __future__ import annotations

import re
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


_LIST_ITEM = re.compile(r"^( *)(?:[-*+]|\d+[.)]) +\S")
_FENCE = ("```", "~~~")


def normalise_lists(text: str) -> str:
    """Rewrite lists the way people write them into what Python-Markdown reads.

    Catalogue files follow GitHub habits: a list right under a paragraph line
    ("**Contenu :**" then "- item") and sub-items indented by two spaces. Python-Markdown
    follows the original Markdown syntax, which wants a blank line before a list and four
    spaces per nesting level, so it would flatten those lists into one paragraph. It has
    no option for this, and mdx-truly-sane-lists handles one indent width only, hence
    these few lines: nesting levels are re-indented by four spaces, and a blank line is
    put before a list that starts under a paragraph. Fenced code is left alone.
    """
    out: list[str] = []
    levels: list[int] = []  # the indents of the open list levels
    in_fence = False
    previous = ""
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(_FENCE):
            in_fence = not in_fence
        match = None if in_fence else _LIST_ITEM.match(line.expandtabs(4))
        if match:
            indent = len(match.group(1))
            if not levels:
                if previous.strip():
                    out.append("")
                levels = [indent]
            else:
                while len(levels) > 1 and indent < levels[-1]:
                    levels.pop()
                if indent > levels[-1]:
                    levels.append(indent)
            line = " " * (4 * (len(levels) - 1)) + stripped
        elif stripped and not line.startswith((" ", "\t")) and not in_fence:
            levels = []  # a paragraph line at the margin ends the list
        out.append(line)
        previous = line
    return "\n".join(out)


def render_markdown(text: str) -> str:
    """Render a markdown body to HTML that is safe to show as is."""
    renderer = getattr(_local, "renderer", None)
    if renderer is None:
        renderer = markdown_lib.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
        _local.renderer = renderer
    renderer.reset()
    try:
        html = renderer.convert(normalise_lists(text))
    except BaseException:
        # A failed conversion (RecursionError on hostile nesting) leaves the instance's
        # state half-built; the next file gets a fresh one.
        _local.renderer = None
        raise
    return sanitise_html(html)
