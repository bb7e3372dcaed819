"""The CSV-export figures of `manage.py bench eventlog` (SPEC §5 "Download").

Rows per second of writing the message log as CSV through the ORM's streaming iterator
(`QuerySet.iterator`, a server-side cursor on PostgreSQL) — or through the eventlog pages'
own `adgang.eventlog.exports.message_events_csv` once it exists — beside a raw driver cursor
doing the same, and the process's peak resident memory while exporting (read from
/proc/self/status; the growth above the memory before the export is reported too).
"""

from __future__ import annotations

import csv
import time
from datetime import datetime

from django.db import connections

from adgang.eventlog.bench_data import EVENT_COLUMNS, SPAN
from adgang.messaging.models import MessageEvent
from adgang.messaging.selectors import EventFilter, events_search

CHUNK = 2_000
RSS_SAMPLE_EVERY = 10_000


class _Discard:
    """A file that forgets what is written (the figure is the export, not the disk)."""

    def write(self, text: str) -> int:
        return len(text)


class _Memory:
    """Peak resident set size (MB) seen while rows stream."""

    def __init__(self) -> None:
        self.before = _rss_mb()
        self.peak = self.before

    def sample(self, rows: int) -> None:
        if rows % RSS_SAMPLE_EVERY == 0:
            self.peak = max(self.peak, _rss_mb())


def measure(alias: str, organisation, end: datetime, rows: int) -> dict:
    """The export figures: ORM (or the pages' exporter) vs raw cursor, for `rows` rows."""
    start = end - SPAN
    raw_seconds, raw_memory = _timed(
        lambda memory: _raw_export(alias, organisation, start, end, rows, memory)
    )
    orm_seconds, orm_memory = _timed(
        lambda memory: _orm_export(alias, organisation, start, end, rows, memory)
    )
    return {
        "export.rows_per_second": {
            "value": round(rows / orm_seconds),
            "unit": "rows/s",
            "baseline": round(rows / raw_seconds),
            "ratio": round(raw_seconds / orm_seconds, 3),  # > 1 would mean faster than raw
            "rows": rows,
        },
        "export.peak_rss": {
            "value": round(orm_memory.peak, 1),
            "unit": "MB",
            "baseline": round(raw_memory.peak, 1),
            "ratio": round(orm_memory.peak / raw_memory.peak, 3),
            "growth_mb": round(orm_memory.peak - orm_memory.before, 1),
            "baseline_growth_mb": round(raw_memory.peak - raw_memory.before, 1),
            "rows": rows,
        },
    }


def _timed(export) -> tuple[float, _Memory]:
    memory = _Memory()
    started = time.perf_counter()
    written = export(memory)
    seconds = time.perf_counter() - started
    memory.sample(RSS_SAMPLE_EVERY * max(written // RSS_SAMPLE_EVERY, 1))
    return max(seconds, 1e-6), memory


def _orm_export(alias, organisation, start, end, rows: int, memory: _Memory) -> int:
    events = events_search(organisation, EventFilter(start=start, end=end)).using(alias)
    writer = csv.writer(_Discard())
    writer.writerow(EVENT_COLUMNS)
    written = 0
    for event in events[:rows].iterator(chunk_size=CHUNK):
        writer.writerow([getattr(event, column) for column in EVENT_COLUMNS])
        written += 1
        memory.sample(written)
    return written


def _raw_export(alias, organisation, start, end, rows: int, memory: _Memory) -> int:
    connection = connections[alias]
    connection.ensure_connection()
    columns = ", ".join(EVENT_COLUMNS)
    table = MessageEvent._meta.db_table
    organisation_id = organisation.id if connection.vendor == "postgresql" else organisation.id.hex
    sql = (
        f"SELECT {columns} FROM {table} "  # noqa: S608 - model constants only
        "WHERE organisation_id = %s AND occurred_at >= %s AND occurred_at < %s "
        f"ORDER BY occurred_at DESC, id DESC LIMIT {int(rows)}"
    )
    writer = csv.writer(_Discard())
    writer.writerow(EVENT_COLUMNS)
    written = 0
    for row in _server_side_rows(connection, sql, [organisation_id, start, end]):
        writer.writerow(row)
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
