"""Helpers for the progress model's reads written in SQL (ARCHITECTURE.md, "Hand-written
SQL"): the model reads the same eight tables for one learner on every dashboard view and
for fifty on a team page, and building and compiling those querysets cost the ORM about
1 ms each, ten times the database's answer. A cursor returns what the database driver
returns; these turn it into what the ORM's field converters would have."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet


def select(sql: str, params: Sequence = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def placeholders(values: Sequence) -> str:
    """`%s, %s, ...`: one per value, for an `IN (...)` (the values go as parameters)."""
    return ", ".join(["%s"] * len(values))


STEPS = {places: Decimal(1).scaleb(-places) for places in range(4)}


def among(column: str, values) -> tuple[str, list] | None:
    """`column IN (...)` and its parameters for `values`: a list of ids, or a queryset of
    ids (then a subquery); None for an empty list, which no row matches."""
    if isinstance(values, QuerySet):
        subquery, params = values.query.sql_with_params()
        return f"{column} IN ({subquery})", list(params)
    values = list(values)
    if not values:
        return None
    return f"{column} IN ({placeholders(values)})", values


def partial(model, db: str | None, **values):
    """A `model` instance of the columns a hand-written read gave (`values`, by field
    attname): the other fields are deferred and read if ever asked for, as with
    `.only()`, never left at their defaults as the constructor would."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[name] for name in names])


def decimal(value, places: int) -> Decimal | None:
    """A DecimalField's value as the ORM returns it (SQLite gives an int or a float)."""
    if value is None or isinstance(value, Decimal):
        return value
    return _quantized(value, places)


@functools.lru_cache(maxsize=1024)
def _quantized(value: float, places: int) -> Decimal:
    # Memoised: a team page converts 250 plans' weekly hours, a few different values
    # (Decimals are immutable: sharing one is safe).
    return Decimal(str(value)).quantize(STEPS[places])


def date(value) -> datetime.date | None:
    """A date computed by the database (MIN, MAX): SQLite gives it as text."""
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value
