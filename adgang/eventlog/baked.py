"""Log searches compiled once per shape and run again with new values ("baked" queries).

The log pages run the same few query shapes again and again on tables of tens of millions
of rows (SPEC §5). The queries are fast (well under a millisecond for a CPR or an id over
three months, docs/performance.md), so Django's work to build and compile a queryset —
about as long as the query itself — would be half of every search. Like SQLAlchemy's baked
queries, this module compiles the ORM queryset of a *shape* (which log, which filters are
set, which sort) once per database connection alias, and afterwards only substitutes the
values. The ORM queryset stays the one definition of each search: the SQL is Django's own.

How the values are found in the compiled SQL's parameters: the shape is compiled with
sentinel values, then once more per slot with only that slot changed; the parameters that
changed belong to the slot, and the transformation from the slot's value to the parameter
(as is, `str`, a UUID, its hex, the backend's datetime adaptation) is the one that maps both
sentinels correctly. A shape whose parameters cannot be explained this way is not baked: it
runs through the ORM as usual (`BakeError`), so baking can make a search faster, never wrong.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import QuerySet


class BakeError(Exception):
    """The shape's parameters could not be mapped to its slots."""


@dataclass(frozen=True)
class Baked:
    """A compiled shape: the SQL, and per parameter where its value comes from."""

    sql: str
    # Per parameter: (slot name, transform) or (None, constant value).
    plan: tuple[tuple[str | None, Any], ...]
    names: tuple[str, ...]  # the selected columns, in order (empty for a count)
    converters: tuple[tuple[int, tuple, Any], ...]

    def params(self, values: dict[str, Any]) -> list:
        return [
            transform(values[slot]) if slot is not None else transform
            for slot, transform in self.plan
        ]

    def rows(self, using: str, values: dict[str, Any], limit: int, offset: int) -> list[dict]:
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(f"{self.sql} LIMIT %s OFFSET %s", [*self.params(values), limit, offset])
            fetched = cursor.fetchall()
        names = self.names
        if not self.converters:
            return [dict(zip(names, row, strict=True)) for row in fetched]
        result = []
        for row in fetched:
            row = list(row)
            for position, functions, expression in self.converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            result.append(dict(zip(names, row, strict=True)))
        return result

    def count(self, using: str, values: dict[str, Any], cap: int) -> int:
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM ({self.sql} LIMIT %s) AS capped",  # noqa: S608
                [*self.params(values), cap],
            )
            return cursor.fetchone()[0]


def _transforms(using: str) -> list[Callable[[Any], Any]]:
    ops = connections[using].ops

    def as_uuid(value):
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))

    return [
        lambda value: value,
        str,
        as_uuid,
        lambda value: as_uuid(value).hex,
        ops.adapt_datetimefield_value,
    ]


def _sentinel(kind: str, index: int, variant: int) -> Any:
    """Distinct, valid values of a slot's kind: "uuid" (a UUID), "uuidstr" (its text),
    "datetime", "digits10" or "text"."""
    seed = 7919 * (index + 1) + 104_729 * variant
    if kind in ("uuid", "uuidstr"):
        value = uuid.UUID(int=seed * 2_654_435_761 + 1)
        return str(value) if kind == "uuidstr" else value
    if kind == "datetime":
        return datetime(2001, 1, 1, tzinfo=UTC) + timedelta(seconds=seed)
    if kind == "digits10":
        return f"{seed % 10**10:010d}"
    return f"sentinel-{index}-{variant}"


class Baker:
    """Compiles and caches the shapes of one search.

    `build(values) -> QuerySet` builds the ORM queryset from a dict of slot values (unsliced,
    ordered as the page shows it). `slots` names each slot's kind (see `_sentinel`).
    `names` are the columns the rows carry (passed to `.values()`).
    """

    def __init__(
        self,
        build: Callable[[dict[str, Any]], QuerySet],
        names: Sequence[str],
    ) -> None:
        self.build = build
        self.names = tuple(names)
        self._cache: dict[Hashable, Baked | None] = {}
        self._lock = threading.Lock()

    def get(
        self,
        key: Hashable,
        slots: dict[str, str],
        using: str,
        *,
        count: bool,
        fixed: dict[str, Hashable] | None = None,
    ) -> Baked:
        """The baked shape `key` with these slots (name → kind) and fixed values (which are
        part of the shape, e.g. the sort); raises BakeError for a shape that cannot be baked."""
        fixed = fixed or {}
        # The vendor too: an alias may be pointed at another database (the bench's --database).
        vendor = connections[using].vendor
        cache_key = (
            key,
            tuple(sorted(slots.items())),
            tuple(sorted(fixed.items())),
            using,
            vendor,
            count,
        )
        try:
            baked = self._cache[cache_key]
        except KeyError:
            try:
                baked = self._bake(slots, fixed, using, count=count)
            except BakeError:
                baked = None
            with self._lock:
                self._cache[cache_key] = baked
        if baked is None:
            raise BakeError(f"shape {key!r} is not baked")
        return baked

    def _compile(self, values: dict[str, Any], using: str, *, count: bool):
        queryset = self.build(values).using(using)
        queryset = queryset.order_by().values("pk") if count else queryset.values(*self.names)
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        return sql, list(params), compiler

    def _bake(self, slots: dict[str, str], fixed: dict, using: str, *, count: bool) -> Baked:
        names = list(slots)
        base = {**fixed, **{name: _sentinel(slots[name], i, 0) for i, name in enumerate(names)}}
        sql, params, compiler = self._compile(base, using, count=count)
        owner: list[str | None] = [None] * len(params)
        for i, name in enumerate(names):
            changed = {**base, name: _sentinel(slots[name], i, 1)}
            other_sql, other_params, _ = self._compile(changed, using, count=count)
            if other_sql != sql or len(other_params) != len(params):
                raise BakeError(f"slot {name!r} changes the SQL itself")
            for position, (a, b) in enumerate(zip(params, other_params, strict=True)):
                if a != b:
                    if owner[position] is not None:
                        raise BakeError("one parameter depends on two slots")
                    owner[position] = name
        plan = []
        transforms = _transforms(using)
        for position, name in enumerate(owner):
            if name is None:
                plan.append((None, params[position]))
                continue
            index = names.index(name)
            first, second = (_sentinel(slots[name], index, v) for v in (0, 1))
            _, second_params, _ = self._compile({**base, name: second}, using, count=count)
            expected = (params[position], second_params[position])
            for transform in transforms:
                try:
                    if (transform(first), transform(second)) == expected:
                        plan.append((name, transform))
                        break
                except (TypeError, ValueError, AttributeError):
                    continue
            else:
                raise BakeError(f"no transformation explains slot {name!r}")
        converters = ()
        if not count:
            select = [column for column, _sql, _alias in compiler.select]
            found = compiler.get_converters(select)
            converters = tuple(
                (position, tuple(functions), expression)
                for position, (functions, expression) in found.items()
            )
        return Baked(sql, tuple(plan), () if count else self.names, converters)
