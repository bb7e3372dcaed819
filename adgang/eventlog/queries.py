"""Saved criteria → the rows of one organisation's log (SPEC §5).

`floor` is the oldest moment a page may show (period.display_floor()); the CSV export passes
None and gets the whole saved period. Every query starts with the organisation and a time
range, so each filter uses its index (organisation, field, time).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any

from django.db.models import Model, QuerySet

from adgang.audit.models import ActionLogEntry, SearchLogEntry
from adgang.eventlog.baked import BakeError, Baker
from adgang.eventlog.models import LogKind
from adgang.eventlog.period import Period
from adgang.messaging.models import MessageEvent
from adgang.messaging.selectors import EventFilter, events_search

# Sort keys offered by the tables: key → model field.
SORTS = {
    LogKind.MESSAGES: {"titel": "title", "tidspunkt": "occurred_at"},
    LogKind.ACTIONS: {"emne": "subject", "tidspunkt": "occurred_at"},
    LogKind.SEARCHES: {"register": "register", "tidspunkt": "occurred_at"},
}
DEFAULT_SORT = "-tidspunkt"

# The pages count at most this many results ("Resultater (over 10.000)"): an exact count of a
# big organisation's three months is ~0.3 s at 10 million events (docs/performance.md), paid
# on every page; past this many rows a person narrows the search or downloads the CSV. The
# search log records the exact number, counted once per search and per download.
COUNT_CAP = 10_000


def criteria_period(criteria: dict) -> Period:
    return Period(date.fromisoformat(criteria["start"]), date.fromisoformat(criteria["end"]))


def _range(criteria: dict, floor: datetime | None) -> tuple[datetime, datetime]:
    period = criteria_period(criteria)
    start = period.start_at if floor is None else max(period.start_at, floor)
    return start, period.end_before


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


# Each builder takes the search's values: "organisation" (its id), "start" and "end" (the
# time range) and the criteria's filters; the same function serves the ORM path (exports,
# exact counts) and the baked page path (LogResults), so both always run the same query.


def _message_query(values: dict) -> QuerySet:
    return events_search(
        values["organisation"],
        EventFilter(
            start=values["start"],
            end=values["end"],
            message_id=_uuid(values.get("message_id")),
            system_id=_uuid(values.get("system_id")),
            party_id=values.get("party_id", ""),
            kind=values.get("kind", ""),
            direction=values.get("direction", ""),
            event=values.get("event", ""),
        ),
    )


ACTION_FILTERS = ("subject", "concerns", "object_id", "event", "actor_cvr", "actor_rid")


def _action_query(values: dict) -> QuerySet:
    entries = ActionLogEntry.objects.filter(
        organisation=values["organisation"],
        occurred_at__gte=values["start"],
        occurred_at__lt=values["end"],
    )
    filters = {name: values[name] for name in ACTION_FILTERS if values.get(name)}
    if values.get("actor_concerns"):
        # A CPR in the actor field; with the CPR/CVR field too, both must hold.
        entries = entries.filter(concerns=values["actor_concerns"])
    return entries.filter(**filters).order_by("-occurred_at", "-id")


SEARCH_FILTERS = ("search_data", "actor_rid", "register")


def _search_query(values: dict) -> QuerySet:
    entries = SearchLogEntry.objects.filter(
        organisation=values["organisation"],
        occurred_at__gte=values["start"],
        occurred_at__lt=values["end"],
    )
    filters = {name: values[name] for name in SEARCH_FILTERS if values.get(name)}
    return entries.filter(**filters).order_by("-occurred_at", "-id")


BUILDERS: dict[str, Callable[[dict], QuerySet]] = {
    LogKind.MESSAGES: _message_query,
    LogKind.ACTIONS: _action_query,
    LogKind.SEARCHES: _search_query,
}

# The kind of each criterion's value, for the baked queries' sentinels (baked._sentinel).
SLOT_KINDS = {
    "organisation": "uuid",
    "start": "datetime",
    "end": "datetime",
    "message_id": "uuidstr",
    "system_id": "uuidstr",
    "party_id": "digits10",
}


def _sorted(kind: str, rows: QuerySet, sort: str) -> QuerySet:
    key = sort.removeprefix("-")
    if key in SORTS[kind] and sort != DEFAULT_SORT:
        field = SORTS[kind][key]
        prefix = "-" if sort.startswith("-") else ""
        rows = rows.order_by(f"{prefix}{field}", f"{prefix}id")
    return rows


def search_values(organisation, criteria: dict, floor: datetime | None) -> dict[str, Any]:
    """The values a builder takes: the organisation's id, the range, the set filters."""
    start, end = _range(criteria, floor)
    values = {"organisation": organisation.pk, "start": start, "end": end}
    values.update(
        (key, value)
        for key, value in criteria.items()
        if key not in ("start", "end") and value not in ("", None)
    )
    return values


def message_events(organisation, criteria: dict, floor: datetime | None) -> QuerySet:
    return _message_query(search_values(organisation, criteria, floor))


def action_entries(organisation, criteria: dict, floor: datetime | None) -> QuerySet:
    return _action_query(search_values(organisation, criteria, floor))


def search_entries(organisation, criteria: dict, floor: datetime | None) -> QuerySet:
    return _search_query(search_values(organisation, criteria, floor))


def log_rows(kind: str, organisation, criteria: dict, *, floor=None, sort: str = "") -> QuerySet:
    """The saved search's rows, sorted by one of SORTS[kind] (default newest first)."""
    return _sorted(kind, BUILDERS[kind](search_values(organisation, criteria, floor)), sort)


# The columns each table shows, expanded rows included (templates eventlog/<kind>.html).
PAGE_COLUMNS = {
    LogKind.MESSAGES: (
        "id",
        "title",
        "kind",
        "sender_id",
        "recipient_id",
        "direction",
        "occurred_at",
        "event",
        "message_id",
        "message_uuid",
        "sender_system_id",
        "recipient_system_id",
        "value_date",
        "contact_point_id",
        "endpoint",
        "error_message",
        "attachment_count",
    ),
    LogKind.ACTIONS: (
        "id",
        "subject",
        "concerns",
        "object_id",
        "object_name",
        "actor",
        "occurred_at",
        "event",
        "field",
        "before",
        "after",
        "reason",
        "power_of_attorney",
    ),
    LogKind.SEARCHES: ("id", "search_data", "actor", "register", "result_count", "occurred_at"),
}
MODELS: dict[str, type[Model]] = {
    LogKind.MESSAGES: MessageEvent,
    LogKind.ACTIONS: ActionLogEntry,
    LogKind.SEARCHES: SearchLogEntry,
}


@cache
def _labels(model: type[Model], field: str) -> dict:
    return {str(value): label for value, label in model._meta.get_field(field).flatchoices}


class LogRow:
    """One table row: its column values as attributes, `pk`, and `get_<field>_display()` for
    fields with choices — what the templates ask of a model instance, without building one."""

    __slots__ = ("_model", "_values")

    def __init__(self, model: type[Model], values: dict) -> None:
        self._model = model
        self._values = values

    def __getattr__(self, name: str):
        values = self._values
        if name in values:
            return values[name]
        if name == "pk":
            return values["id"]
        if name.startswith("get_") and name.endswith("_display"):
            field = name[4:-8]
            if field in values:
                value = values[field]
                return lambda: _labels(self._model, field).get(str(value), value)
        raise AttributeError(name)


_BAKERS = {
    kind: Baker(
        lambda values, kind=kind: _sorted(kind, BUILDERS[kind](values), values["sort"]),
        PAGE_COLUMNS[kind],
    )
    for kind in BUILDERS
}


class LogResults:
    """A saved search's rows as one table page needs them, for Django's Paginator.

    `count()` is capped at `cap + 1` ("over 10.000"); on the first page it is the number of
    rows found when they fit on the page, so a narrow search runs one query, not two. Rows are
    `LogRow`s fetched through the baked query of the search's shape (see baked.py), or through
    the ORM when the shape cannot be baked.
    """

    def __init__(
        self,
        kind: str,
        organisation,
        criteria: dict,
        *,
        floor: datetime | None,
        sort: str = "",
        number: int = 1,
        size: int = 25,
        cap: int,
        using: str = "default",
    ) -> None:
        self.kind = kind
        self.model = MODELS[kind]
        self.values = search_values(organisation, criteria, floor)
        self.sort = sort if sort.removeprefix("-") in SORTS[kind] else DEFAULT_SORT
        self.number, self.size, self.cap, self.using = number, size, cap, using
        self._fetched: tuple[int, int, list[LogRow]] | None = None
        self._count: int | None = None
        slots = {name: SLOT_KINDS.get(name, "text") for name in self.values}
        self._shape = (kind, self.sort)
        self._slots = slots

    def _baked(self, *, count: bool):
        try:
            return _BAKERS[self.kind].get(
                self._shape, self._slots, self.using, count=count, fixed={"sort": self.sort}
            )
        except BakeError:
            return None

    def _queryset(self) -> QuerySet:
        rows = BUILDERS[self.kind](self.values)
        return _sorted(self.kind, rows, self.sort).using(self.using)

    def _rows(self, offset: int, limit: int) -> list[LogRow]:
        baked = self._baked(count=False)
        if baked is not None:
            found = baked.rows(self.using, self.values, limit, offset)
        else:
            found = list(self._queryset().values(*PAGE_COLUMNS[self.kind])[offset : offset + limit])
        return [LogRow(self.model, values) for values in found]

    def count(self) -> int:
        if self._count is None:
            if self.number == 1:
                rows = self._page_rows(0, self.size)
                if len(rows) < self.size:
                    self._count = len(rows)
                    return self._count
            baked = self._baked(count=True)
            if baked is not None:
                self._count = baked.count(self.using, self.values, self.cap + 1)
            else:
                self._count = self._queryset().order_by()[: self.cap + 1].count()
        return self._count

    def _page_rows(self, offset: int, limit: int) -> list[LogRow]:
        """Rows offset … offset + limit; the page fetched for the count serves the slice."""
        fetched = self._fetched
        if fetched is None or fetched[0] != offset or fetched[1] < limit:
            fetched = self._fetched = (offset, limit, self._rows(offset, limit))
        return fetched[2][:limit]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("LogResults pages by slices")
        start, stop = index.start or 0, index.stop
        return self._page_rows(start, stop - start)


# The criterion that names whom the search was about, in the order that best identifies it.
SEARCH_DATA_KEYS = (
    "party_id",
    "concerns",
    "search_data",
    "actor_concerns",
    "actor_cvr",
    "actor_rid",
    "message_id",
    "system_id",
    "object_id",
)


def search_data_of(criteria: dict) -> str:
    """What the search log's "Søgedata" records for a log search: the CPR/CVR or id searched."""
    values = [criteria[key] for key in SEARCH_DATA_KEYS if criteria.get(key)]
    return ", ".join(dict.fromkeys(values))[:255]
