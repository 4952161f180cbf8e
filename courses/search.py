"""The catalogue's search text: what a learner's query is matched against.

`icontains` folds ASCII case only, and differently on SQLite and PostgreSQL: `ethique`
found neither "Éthique" nor "ÉTHIQUE". The importer writes each course's searchable
fields folded (case, accents, spacing and punctuation, the comparison it already uses for
competency names) into `Course.search_text`, and a query is folded the same way, so a
plain `contains` behaves alike on every database.
"""

from __future__ import annotations

from collections.abc import Iterable

from .importing.parsing import normalise_name


def fold(text: str) -> str:
    """`Éthique de l'IA` -> `ethique de l ia`."""
    return normalise_name(text or "")


def search_text(
    *, code: str, title: str, provider: str, body_md: str, competency_names: Iterable = ()
) -> str:
    """The folded fields, one per line: a folded query holds no newline, so it never
    matches across two fields."""
    parts = [code, title, provider, *(str(name) for name in competency_names or ()), body_md]
    return "\n".join(fold(part) for part in parts if part)
