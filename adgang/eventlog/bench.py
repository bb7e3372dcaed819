"""The `eventlog` suite of `manage.py bench` (issue 6, SPEC §5 at national scale).

For each search of the three logs it times what the page fetches — the first 25 rows, newest
first, and the result count capped at `COUNT_CAP` ("over 10.000"), which a first page whose
rows do not fill it takes from the rows — through `queries.LogResults`, the very code the
page runs, beside hand-written SQL doing the same (same columns, same one or two queries) in
the same run, with the same values, alternating which goes first. Then it times the CSV
export (`bench_export`).

Safety: the suite fills only an empty message log, or reuses one it filled before with the
same number of events; a database holding other events is refused (see `prepare`).
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from django.core.management import CommandError, call_command
from django.db import connections

from adgang.audit.models import ActionLogEntry, SearchLogEntry
from adgang.eventlog import bench_data, bench_export
from adgang.eventlog.models import LogKind
from adgang.eventlog.period import DANISH, Period
from adgang.eventlog.queries import COUNT_CAP, MODELS, PAGE_COLUMNS, LogResults, log_rows
from adgang.messaging.models import MessageEvent

PAGE_SIZE = 25
WINDOW_DAYS = 92  # the pages' longest period: three months of whole days
WINDOW = timedelta(days=WINDOW_DAYS)
WINDOW_SHIFT_DAYS = 30  # each repetition ends up to this many days before the fill's end
SAMPLES = 200


@dataclass(frozen=True)
class Search:
    """One search type: its log and criterion, and the same filter in hand-written SQL."""

    name: str
    kind: str  # LogKind
    criterion: Callable[[dict], dict]  # sample row → the criteria's filter
    raw_where: str  # ANDed to organisation and period
    raw_params: Callable[[dict], list]
    needs: str = ""  # the sample key this search reads, when not every row has it

    @property
    def table(self) -> str:
        return MODELS[self.kind]._meta.db_table


def run(*, alias: str, events: int, seed: int, repeat: int, export_rows: int, migrate: bool):
    """Prepare the data, measure, and return the suite's JSON document."""
    end = datetime.now(UTC).replace(microsecond=0)
    if migrate:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
    fill_seconds = prepare(alias, events, seed, end)
    pop = bench_data.population(alias, events, seed, end)
    end = _latest(alias) or end  # a reused fill ended when its run did
    rng = random.Random(seed + 2)
    organisation = pop.big.organisation
    figures = {}
    for search in message_searches(alias) + staff_searches():
        samples = _samples(alias, search.table, organisation.id, end, rng, repeat)
        figures.update(_latency(alias, search, organisation, samples, end, repeat, rng))
    figures.update(_full_count(alias, organisation, end, repeat))
    figures.update(bench_export.measure(alias, organisation, end, min(export_rows, events)))
    return {
        "suite": "eventlog",
        "database": connections[alias].vendor,
        "events": events,
        "staff_log_rows": events // 10,
        "fill_seconds": fill_seconds,
        "repeat": repeat,
        "page": {"rows": PAGE_SIZE, "count_cap": COUNT_CAP, "window_days": WINDOW_DAYS},
        "figures": figures,
    }


def prepare(alias: str, events: int, seed: int, end: datetime) -> float | None:
    """Fill the bench's rows, or reuse them when a previous run left exactly `events`.

    Returns the fill time in seconds (None when reused). Refuses, before writing anything, a
    message log holding rows the bench did not write: the logs are append-only, so the bench
    could not remove what it added, and measuring beside real data measures something else."""
    total = MessageEvent.objects.using(alias).count()
    if total == 0:
        started = time.perf_counter()
        bench_data.fill(alias, bench_data.population(alias, events, seed, end), events, seed)
        return round(time.perf_counter() - started, 1)
    ours = MessageEvent.objects.using(alias).filter(
        organisation__cvr__startswith=bench_data.BENCH_CVR_PREFIX
    )
    if total == events and ours.count() == events:
        return None
    raise CommandError(
        f"The message log holds {total} events that this run did not fill. Give --database "
        "with an empty database (e.g. postgres://postgres@127.0.0.1/adgang_bench), or the "
        "same --events as the run that filled it."
    )


def _latest(alias: str) -> datetime | None:
    return (
        MessageEvent.objects.using(alias)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )


def message_searches(alias: str) -> list[Search]:
    """The message log's searches (SPEC §5), each as the page's criteria and as SQL."""
    db_uuid = _uuid_adapter(alias)

    def search(name: str, criterion: Callable[[dict], dict], where: str, params) -> Search:
        needs = name if name in ("cpr", "cvr") else ""
        return Search(f"messages.{name}", LogKind.MESSAGES, criterion, where, params, needs)

    return [
        search("period", lambda s: {}, "", lambda s: []),
        search(
            "message_id",
            lambda s: {"message_id": s["message_uuid"]},
            "(message_uuid = %s OR message_id = %s)",
            lambda s: [s["message_uuid"], db_uuid(uuid.UUID(s["message_uuid"]))],
        ),
        search(
            "system_id",
            lambda s: {"system_id": str(s["sender_system_id"])},
            "(sender_system_id = %s OR recipient_system_id = %s)",
            lambda s: [db_uuid(s["sender_system_id"])] * 2,
        ),
        search(
            "cpr",
            lambda s: {"party_id": s["cpr"]},
            "(sender_id = %s OR recipient_id = %s)",
            lambda s: [s["cpr"]] * 2,
        ),
        search(
            "cvr",
            lambda s: {"party_id": s["cvr"]},
            "(sender_id = %s OR recipient_id = %s)",
            lambda s: [s["cvr"]] * 2,
        ),
        search("kind", lambda s: {"kind": s["kind"]}, "kind = %s", lambda s: [s["kind"]]),
        search(
            "direction",
            lambda s: {"direction": s["direction"]},
            "direction = %s",
            lambda s: [s["direction"]],
        ),
        search("event", lambda s: {"event": s["event"]}, "event = %s", lambda s: [s["event"]]),
    ]


def staff_searches() -> list[Search]:
    """The action and search logs' searches (SPEC §5), each as the page's criteria and SQL."""

    def staff(kind: str, name: str, criterion: str, column: str) -> Search:
        return Search(
            name, kind, lambda s: {criterion: s[column]}, f"{column} = %s", lambda s: [s[column]]
        )

    return [
        staff(LogKind.ACTIONS, "actions.subject", "subject", "subject"),
        staff(LogKind.ACTIONS, "actions.cpr_cvr", "concerns", "concerns"),
        staff(LogKind.ACTIONS, "actions.actor", "actor_rid", "actor_rid"),
        staff(LogKind.ACTIONS, "actions.object_id", "object_id", "object_id"),
        staff(LogKind.ACTIONS, "actions.event", "event", "event"),
        staff(LogKind.SEARCHES, "searches.actor", "actor_rid", "actor_rid"),
        staff(LogKind.SEARCHES, "searches.search_data", "search_data", "search_data"),
        staff(LogKind.SEARCHES, "searches.register", "register", "register"),
    ]


def _window(end: datetime, rng) -> Period:
    """Three months of whole Danish days ending up to WINDOW_SHIFT_DAYS before `end`."""
    last = (end - timedelta(seconds=rng.random() * WINDOW_SHIFT_DAYS * 86_400)).astimezone(DANISH)
    return Period(last.date() - timedelta(days=WINDOW_DAYS - 1), last.date())


def _latency(alias, search: Search, organisation, samples, end, repeat, rng) -> dict:
    """p50 and p95 in ms of the page's rows and count (LogResults, exactly as the page asks
    them) and of the same in hand-written SQL, over `repeat` varied values and windows."""
    connection = connections[alias]
    db_uuid = _uuid_adapter(alias)
    columns = ", ".join(PAGE_COLUMNS[search.kind])
    timings: dict[str, list[float]] = {"orm": [], "raw": []}
    samples = [s for s in samples if not search.needs or s.get(search.needs)] or samples
    for round_number in range(repeat + 1):  # round 0 warms caches and is not counted
        sample = rng.choice(samples)
        window = _window(end, rng)
        criteria = {
            "start": window.start.isoformat(),
            "end": window.end.isoformat(),
            **search.criterion(sample),
        }
        where = "organisation_id = %s AND occurred_at >= %s AND occurred_at < %s"
        if search.raw_where:
            where += " AND " + search.raw_where
        params = [
            db_uuid(organisation.id),
            window.start_at,
            window.end_before,
            *search.raw_params(sample),
        ]
        runs = [
            ("orm", partial(_page, alias, search.kind, organisation, criteria)),
            ("raw", partial(_raw_page, connection, search.table, columns, where, params)),
        ]
        if round_number % 2:
            runs.reverse()
        for kind, page in runs:
            started = time.perf_counter()
            page()
            if round_number:
                timings[kind].append((time.perf_counter() - started) * 1000)
    return {
        f"{search.name}.{name}": _figure(quantile(timings["orm"]), quantile(timings["raw"]), "ms")
        for name, quantile in (("p50", statistics.median), ("p95", _p95))
    }


def _full_count(alias: str, organisation, end: datetime, repeat: int) -> dict:
    """The exact count of the big organisation's last three months (what a paginator without
    a cap counts), ORM vs raw: the figure behind the capped count of the pages."""
    window = Period((end.astimezone(DANISH) - WINDOW).date(), end.astimezone(DANISH).date())
    criteria = {"start": window.start.isoformat(), "end": window.end.isoformat()}
    organisation_id = _uuid_adapter(alias)(organisation.id)
    table = MessageEvent._meta.db_table
    timings: dict[str, list[float]] = {"orm": [], "raw": []}
    for _ in range(max(repeat // 8, 3)):
        started = time.perf_counter()
        log_rows(LogKind.MESSAGES, organisation, criteria).using(alias).count()
        timings["orm"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with connections[alias].cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {table} WHERE organisation_id = %s "  # noqa: S608
                "AND occurred_at >= %s AND occurred_at < %s",
                [organisation_id, window.start_at, window.end_before],
            )
        timings["raw"].append((time.perf_counter() - started) * 1000)
    return {
        "messages.period.uncapped_count.p50": _figure(
            statistics.median(timings["orm"]), statistics.median(timings["raw"]), "ms"
        )
    }


def _page(alias: str, kind: str, organisation, criteria: dict) -> tuple[list, int]:
    """What the log page fetches for its first page: the capped count and the rows."""
    results = LogResults(
        kind, organisation, criteria, floor=None, size=PAGE_SIZE, cap=COUNT_CAP, using=alias
    )
    count = results.count()
    return results[0:PAGE_SIZE], count


def _raw_page(connection, table: str, columns: str, where: str, params: list) -> tuple[list, int]:
    """The same in SQL: the page's rows, and the capped count only when they fill the page."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {table} WHERE {where} "  # noqa: S608
            f"ORDER BY occurred_at DESC, id DESC LIMIT {PAGE_SIZE}",
            params,
        )
        rows = cursor.fetchall()
        if len(rows) < PAGE_SIZE:
            return rows, len(rows)
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {where} "  # noqa: S608
            f"LIMIT {COUNT_CAP + 1}) AS capped",
            params,
        )
        return rows, cursor.fetchone()[0]


def _samples(alias, table, organisation_id, end, rng, repeat: int) -> list[dict]:
    """Values that exist in the organisation's log, from rows at random times."""
    model = {m._meta.db_table: m for m in (MessageEvent, ActionLogEntry, SearchLogEntry)}[table]
    rows = model.objects.using(alias).filter(organisation_id=organisation_id)
    span = bench_data.SPAN.total_seconds()
    samples = []
    for _ in range(min(SAMPLES, 5 * repeat)):
        at = end - timedelta(seconds=rng.random() * span)
        row = rows.filter(occurred_at__gte=at).order_by("occurred_at").values().first()
        if row is None:
            row = rows.filter(occurred_at__lt=at).order_by("-occurred_at").values().first()
        if row is not None:
            samples.append(_with_parties(row) if model is MessageEvent else row)
    return samples or [{}]


def _with_parties(row: dict) -> dict:
    """The row's CPR party, and a company party (the organisation's own CVR is a party of
    nearly every row, so a search for it says nothing)."""
    party = row["recipient_id"] if row["direction"] == "OUT" else row["sender_id"]
    row["cpr"] = party if len(party) == 10 else None
    row["cvr"] = party if len(party) == 8 else None
    return row


def _uuid_adapter(alias: str) -> Callable[[uuid.UUID], object]:
    # As Django's backends store UUIDs: native on PostgreSQL, 32 hex digits elsewhere.
    if connections[alias].vendor == "postgresql":
        return lambda value: value
    return lambda value: value.hex if value is not None else None


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _figure(value: float, baseline: float, unit: str) -> dict:
    return {
        "value": round(value, 3),
        "unit": unit,
        "baseline": round(baseline, 3),
        "ratio": round(value / baseline, 3) if baseline else None,
    }
