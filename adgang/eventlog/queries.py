"""Saved criteria → the rows of one organisation's log (SPEC §5).

`floor` is the oldest moment a page may show (period.display_floor()); the CSV export passes
None and gets the whole saved period. Every query starts with the organisation and a time
range, so each filter uses its index (organisation, field, time).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.db.models import QuerySet

from adgang.audit.models import ActionLogEntry, SearchLogEntry
from adgang.eventlog.models import LogKind
from adgang.eventlog.period import Period
from adgang.messaging.selectors import EventFilter, events_search

# Sort keys offered by the tables: key → model field.
SORTS = {
    LogKind.MESSAGES: {"titel": "title", "tidspunkt": "occurred_at"},
    LogKind.ACTIONS: {"emne": "subject", "tidspunkt": "occurred_at"},
    LogKind.SEARCHES: {"register": "register", "tidspunkt": "occurred_at"},
}
DEFAULT_SORT = "-tidspunkt"


def criteria_period(criteria: dict) -> Period:
    return Period(date.fromisoformat(criteria["start"]), date.fromisoformat(criteria["end"]))


def _range(criteria: dict, floor: datetime | None) -> tuple[datetime, datetime]:
    period = criteria_period(criteria)
    start = period.start_at if floor is None else max(period.start_at, floor)
    return start, period.end_before


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def message_events(organisation, criteria: dict, floor: datetime | None) -> QuerySet:
    start, end = _range(criteria, floor)
    return events_search(
        organisation,
        EventFilter(
            start=start,
            end=end,
            message_id=_uuid(criteria.get("message_id")),
            system_id=_uuid(criteria.get("system_id")),
            party_id=criteria.get("party_id", ""),
            kind=criteria.get("kind", ""),
            direction=criteria.get("direction", ""),
            event=criteria.get("event", ""),
        ),
    )


ACTION_FILTERS = ("subject", "concerns", "object_id", "event", "actor_cvr", "actor_rid")


def action_entries(organisation, criteria: dict, floor: datetime | None) -> QuerySet:
    start, end = _range(criteria, floor)
    entries = ActionLogEntry.objects.filter(
        organisation=organisation, occurred_at__gte=start, occurred_at__lt=end
    )
    filters = {name: criteria[name] for name in ACTION_FILTERS if criteria.get(name)}
    if criteria.get("actor_concerns"):
        # A CPR in the actor field; with the CPR/CVR field too, both must hold.
        entries = entries.filter(concerns=criteria["actor_concerns"])
    return entries.filter(**filters).order_by("-occurred_at", "-id")


SEARCH_FILTERS = ("search_data", "actor_rid", "register")


def search_entries(organisation, criteria: dict, floor: datetime | None) -> QuerySet:
    start, end = _range(criteria, floor)
    entries = SearchLogEntry.objects.filter(
        organisation=organisation, occurred_at__gte=start, occurred_at__lt=end
    )
    filters = {name: criteria[name] for name in SEARCH_FILTERS if criteria.get(name)}
    return entries.filter(**filters).order_by("-occurred_at", "-id")


QUERIES = {
    LogKind.MESSAGES: message_events,
    LogKind.ACTIONS: action_entries,
    LogKind.SEARCHES: search_entries,
}


def log_rows(kind: str, organisation, criteria: dict, *, floor=None, sort: str = "") -> QuerySet:
    """The saved search's rows, sorted by one of SORTS[kind] (default newest first)."""
    rows = QUERIES[kind](organisation, criteria, floor)
    key = sort.removeprefix("-")
    if key in SORTS[kind] and sort != DEFAULT_SORT:
        field = SORTS[kind][key]
        prefix = "-" if sort.startswith("-") else ""
        rows = rows.order_by(f"{prefix}{field}", f"{prefix}id")
    return rows


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
