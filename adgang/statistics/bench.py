"""The `statistics` suite of `manage.py bench` (SPEC §11 at national scale).

It fills the message log with the eventlog suite's synthetic events (`eventlog.bench.prepare`:
an empty log is filled, the same size is reused, other data is refused) and times, for the
biggest bench organisation, each of the five standard reports over the newest quarter and a
9-variable custom report over the newest year, through `reports.report_compute` and
`report_csv` (the code the report job runs). Beside each, in the same run and alternating which
goes first, the baseline: one hand-written `GROUP BY` over the same counting events, grouping
the raw columns behind the variables (no labels, no customer-type look-up). Figures are the
median in milliseconds; the ratio is report / baseline. Timings are never asserted.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, date, datetime, timedelta

from django.core.management import call_command
from django.db import connections

from adgang.eventlog import bench as eventlog_bench
from adgang.eventlog import bench_data
from adgang.messaging.models import Message, MessageEvent
from adgang.statistics import reports

# The raw column(s) each variable groups in the baseline.
RAW_COLUMNS = {
    reports.AFSENDER: "e.direction, e.sender_id",
    reports.MODTAGER: "e.recipient_id",
    reports.AFSENDERSYSTEM: "e.sender_system_id",
    reports.MODTAGERSYSTEM: "e.recipient_system_id",
    reports.BESKEDTYPE: "e.kind",
    reports.STOERRELSE: (
        "CASE WHEN e.size_bytes < 102400 THEN 0 WHEN e.size_bytes < 1048576 THEN 1 "
        "WHEN e.size_bytes < 5242880 THEN 2 WHEN e.size_bytes < 10485760 THEN 3 ELSE 4 END"
    ),
    reports.KUNDETYPE_AFSENDER: "e.sender_type",
    reports.KUNDETYPE_MODTAGER: "e.recipient_type",
    reports.MEMO: "m.features",
}


def _figure(value: float, baseline: float, unit: str) -> dict:
    return {
        "value": round(value, 3),
        "unit": unit,
        "baseline": round(baseline, 3),
        "ratio": round(value / baseline, 3) if baseline else None,
    }


def _baseline_sql(variables) -> str:
    events, messages = MessageEvent._meta.db_table, Message._meta.db_table
    columns = ", ".join(RAW_COLUMNS[slug] for slug in variables)
    join = f" LEFT JOIN {messages} m ON m.id = e.message_id" if reports.MEMO in variables else ""
    out_tags = ", ".join(f"'{tag.value}'" for tag in reports.OUTGOING_COUNTING)
    in_tags = ", ".join(f"'{tag.value}'" for tag in reports.INCOMING_COUNTING)
    return (
        f"SELECT {columns}, COUNT(DISTINCT e.message_uuid) FROM {events} e{join} "  # noqa: S608
        "WHERE e.organisation_id = %s AND e.occurred_at >= %s AND e.occurred_at < %s "
        f"AND ((e.direction = 'OUT' AND e.event IN ({out_tags})) "
        f"OR (e.direction = 'IN' AND e.event IN ({in_tags}))) "
        f"GROUP BY {columns}"
    )


def _time_report(alias, organisation_id, variables, start, end) -> tuple[float, int]:
    began = time.perf_counter()
    table = reports.report_compute(
        organisation_id=organisation_id, variables=variables, start=start, end=end, using=alias
    )
    reports.report_csv(table)
    return (time.perf_counter() - began) * 1000, table.total


def _time_baseline(alias, organisation_id, variables, start, end) -> tuple[float, int]:
    since, until = reports.day_range(start, end)
    connection = connections[alias]
    organisation_param = (
        organisation_id if connection.vendor == "postgresql" else organisation_id.hex
    )
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(_baseline_sql(variables), [organisation_param, since, until])
        rows = cursor.fetchall()
    return (time.perf_counter() - began) * 1000, sum(row[-1] for row in rows)


def _measure(alias, organisation_id, variables, start, end, repeat) -> dict:
    ours, base = [], []
    total = baseline_total = 0
    for turn in range(repeat):
        steps = (_time_report, _time_baseline) if turn % 2 == 0 else (_time_baseline, _time_report)
        for step in steps:
            elapsed, count = step(alias, organisation_id, variables, start, end)
            if step is _time_report:
                ours.append(elapsed)
                total = count
            else:
                base.append(elapsed)
                baseline_total = count
    figure = _figure(statistics.median(ours), statistics.median(base), "ms")
    figure["messages"] = total
    figure["baseline_messages"] = baseline_total
    figure["variables"] = len(variables)
    return figure


def run(
    *,
    alias: str = "default",
    events: int,
    seed: int = 1,
    repeat: int = 5,
    export_rows: int = 0,
    migrate: bool = False,
) -> dict:
    """Prepare the data, measure, and return the suite's JSON document."""
    del export_rows  # the eventlog suite's option; reports are small
    end = datetime.now(UTC).replace(microsecond=0)
    if migrate:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
    fill_seconds = eventlog_bench.prepare(alias, events, seed, end)
    pop = bench_data.population(alias, events, seed, end)
    latest = (
        MessageEvent.objects.using(alias)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    ) or end
    last_day: date = latest.astimezone(reports.DANISH).date()
    quarter = (last_day - timedelta(days=91), last_day)
    year = (last_day - timedelta(days=364), last_day)
    organisation_id = pop.big.organisation.id
    repeat = max(repeat, 1)
    figures = {}
    for kind, variables in reports.STANDARD_VARIABLES.items():
        figures[f"standard.{kind}"] = _measure(alias, organisation_id, variables, *quarter, repeat)
    figures["custom.nine_variables"] = _measure(
        alias, organisation_id, list(reports.VARIABLES), *year, repeat
    )
    return {
        "suite": "statistics",
        "database": connections[alias].vendor,
        "events": events,
        "fill_seconds": fill_seconds,
        "repeat": repeat,
        "periods": {
            "standard": [quarter[0].isoformat(), quarter[1].isoformat()],
            "custom": [year[0].isoformat(), year[1].isoformat()],
        },
        "figures": figures,
    }
