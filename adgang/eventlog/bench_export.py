"""The CSV-export figures of `manage.py bench eventlog` (SPEC §5 "Download").

Rows per second of the message log's CSV export through the pages' own exporter
(`adgang.eventlog.exports.message_events_csv`: selector, `.iterator()` — a server-side cursor
on PostgreSQL — labels, `adgang.documents.csv`), beside a raw server-side cursor feeding the
same CSV writer; and the process's peak resident memory while exporting, sampled from
/proc/self/status every 10,000 rows (the growth above the memory before the export too).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.db import connections
from django.utils import timezone

from adgang.documents.csv import csv_iter_lines
from adgang.eventlog.bench_data import EVENT_COLUMNS
from adgang.messaging.models import MessageEvent
from adgang.messaging.selectors import EventFilter, events_search

CHUNK = 2_000
RSS_SAMPLE_EVERY = 10_000


class _Memory:
    """Peak resident set size (MB) seen while rows stream."""

    def __init__(self) -> None:
        self.before = _rss_mb()
        self.peak = self.before

    def sample(self, rows: int) -> None:
        if rows % RSS_SAMPLE_EVERY == 0:  # row 0: the final sample
            self.peak = max(self.peak, _rss_mb())


def measure(alias: str, organisation, end: datetime, rows: int) -> dict:
    """The export figures: the pages' exporter vs a raw cursor, over the newest ~`rows` rows
    of the organisation (whole days, as the export form asks for days)."""
    criteria = _criteria_for(alias, organisation, rows)
    start, stop = _range(criteria, end)
    raw_seconds, raw_memory, raw_rows = _timed(
        lambda memory: _raw_export(alias, organisation, start, stop, memory)
    )
    orm_seconds, orm_memory, written = _timed(
        lambda memory: _orm_export(alias, organisation, criteria, start, stop, memory)
    )
    return {
        "export.rows_per_second": {
            "value": round(written / orm_seconds),
            "unit": "rows/s",
            "baseline": round(raw_rows / raw_seconds),
            "ratio": round((written / orm_seconds) / (raw_rows / raw_seconds), 3),
            "rows": written,
        },
        "export.peak_rss": {
            "value": round(orm_memory.peak, 1),
            "unit": "MB",
            "baseline": round(raw_memory.peak, 1),
            "ratio": round(orm_memory.peak / raw_memory.peak, 3),
            "growth_mb": round(orm_memory.peak - orm_memory.before, 1),
            "baseline_growth_mb": round(raw_memory.peak - raw_memory.before, 1),
            "rows": written,
        },
    }


def _criteria_for(alias: str, organisation, rows: int) -> dict:
    """A saved search's period (whole days) holding about the newest `rows` rows."""
    times = (
        MessageEvent.objects.using(alias)
        .filter(organisation=organisation)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
    )
    newest = times.first()
    oldest = times[max(rows - 1, 0) : rows].first() or newest
    # Days in Copenhagen, one past the newest so the whole last day is inside.
    first_day = timezone.localtime(oldest).date() + timedelta(days=1)
    last_day = timezone.localtime(newest).date()
    return {"start": min(first_day, last_day).isoformat(), "end": last_day.isoformat()}


def _range(criteria: dict, end: datetime) -> tuple[datetime, datetime]:
    try:
        from adgang.eventlog.queries import criteria_period
    except ImportError:  # the pages' code not there: the same days, computed here
        start = datetime.fromisoformat(criteria["start"]).replace(
            tzinfo=timezone.get_current_timezone()
        )
        return start, end + timedelta(seconds=1)
    period = criteria_period(criteria)
    return period.start_at, period.end_before


def _timed(export) -> tuple[float, _Memory, int]:
    memory = _Memory()
    started = time.perf_counter()
    written = export(memory)
    seconds = time.perf_counter() - started
    memory.sample(0)
    return max(seconds, 1e-6), memory, max(written, 1)


def _orm_export(alias, organisation, criteria, start, stop, memory: _Memory) -> int:
    """The pages' exporter when it exists, else the selector's queryset streamed the same
    way; returns the rows written."""
    try:
        from adgang.eventlog.exports import message_events_csv
    except ImportError:
        events = events_search(organisation, EventFilter(start=start, end=stop)).using(alias)
        rows = (
            [getattr(event, column) for column in EVENT_COLUMNS]
            for event in events.iterator(chunk_size=CHUNK)
        )
        lines = csv_iter_lines(EVENT_COLUMNS, rows)
    else:
        lines = message_events_csv(organisation, criteria)
    return _drain(lines, memory)


def _raw_export(alias, organisation, start, stop, memory: _Memory) -> int:
    """The baseline: a raw server-side cursor over the same rows, the same CSV writer."""
    connection = connections[alias]
    connection.ensure_connection()
    organisation_id = organisation.id if connection.vendor == "postgresql" else organisation.id.hex
    sql = (
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM {MessageEvent._meta.db_table} "  # noqa: S608
        "WHERE organisation_id = %s AND occurred_at >= %s AND occurred_at < %s "
        "ORDER BY occurred_at DESC, id DESC"
    )
    rows = _server_side_rows(connection, sql, [organisation_id, start, stop])
    return _drain(csv_iter_lines(EVENT_COLUMNS, rows), memory)


def _drain(lines, memory: _Memory) -> int:
    written = -1  # the header line is not a row
    for _line in lines:
        written += 1
        memory.sample(written)
    return written


def _server_side_rows(connection, sql: str, params: list):
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(CHUNK):
                yield from batch
        return
    # A named (server-side) psycopg cursor inside its own transaction, as the ORM's iterator.
    raw = connection.connection
    with raw.transaction(), raw.cursor(name="bench_export") as cursor:
        cursor.itersize = CHUNK
        cursor.execute(sql, params)
        yield from cursor


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0
