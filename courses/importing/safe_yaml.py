"""A YAML loader for frontmatter written by people, read by a server.

yaml.SafeLoader already refuses python tags; this one also refuses anchors, aliases and
every explicit tag (`!!binary`, `!custom`...): none is needed to describe a course, and
aliases are how a few bytes of YAML blow up into gigabytes. It also refuses duplicate
keys (PyYAML silently keeps the last one) and records the line of every mapping and key
so that validation errors can point at them.

Plain scalars stay text, as the author wrote them: YAML 1.1's implicit types would read
`id: 0123` as the octal 83, `effort: 1:30` as the sexagesimal 90, `yes`/`no`/`on`/`off`
as booleans and `2026-01-05` as a date, and a file would import "successfully" with a
silently wrong value. Only null (`~`, `null`, nothing) is still resolved; the readers
that want a number (effort, pace, prestige, target levels) parse the text themselves.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from django.utils.translation import gettext as _
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent


class UnsafeYAML(yaml.MarkedYAMLError):
    pass


MAX_DEPTH = 32


class CatalogueLoader(yaml.SafeLoader):
    def __init__(self, stream: str):
        super().__init__(stream)
        self.depth = 0
        # id(dict) -> (line of the mapping, {key: line of the key}); 0-based YAML lines.
        self.lines: dict[int, tuple[int, dict[Any, int]]] = {}

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise UnsafeYAML(None, None, _("YAML aliases are not allowed."), event.start_mark)
        if isinstance(event, ScalarEvent | CollectionStartEvent):
            if event.anchor is not None:
                raise UnsafeYAML(
                    None, None, _("YAML anchors (&name) are not allowed."), event.start_mark
                )
            if event.tag is not None:
                raise UnsafeYAML(
                    None,
                    None,
                    _("YAML tags (%(tag)s) are not allowed.") % {"tag": event.tag},
                    event.start_mark,
                )
        if self.depth >= MAX_DEPTH:
            raise UnsafeYAML(
                None,
                None,
                _("The YAML is nested more than %(depth)d levels deep.") % {"depth": MAX_DEPTH},
                event.start_mark,
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_yaml_map(self, node):
        data: dict = {}
        key_lines: dict[Any, int] = {}
        self.lines[id(data)] = (node.start_mark.line, key_lines)
        yield data
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise UnsafeYAML(
                    None, None, _("A key must be a plain value."), key_node.start_mark
                ) from None
            if key in data:
                raise UnsafeYAML(
                    None,
                    None,
                    _("The key %(key)r appears twice.") % {"key": key},
                    key_node.start_mark,
                )
            data[key] = self.construct_object(value_node, deep=True)
            key_lines[key] = key_node.start_mark.line


CatalogueLoader.add_constructor("tag:yaml.org,2002:map", CatalogueLoader.construct_yaml_map)
# No implicit type but null (see the module's docstring): every other plain scalar is a str.
CatalogueLoader.yaml_implicit_resolvers = {}
CatalogueLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


def load_frontmatter_yaml(text: str) -> tuple[Any, dict[int, tuple[int, dict[Any, int]]]]:
    """Load one YAML document; return it with its line map (see CatalogueLoader.lines)."""
    loader = CatalogueLoader(text)
    try:
        return loader.get_single_data(), loader.lines
    finally:
        loader.dispose()
