"""`manage.py bench [suite …] [--database URL] [--scale N]`: the project's benchmarks
(DESIGN "Performance method", issues 6 and 10).

Each suite lives in its app as a module with `run(**options) -> dict` and measures every
figure beside a baseline doing the same logical work in the same run (raw SQL or raw driver
calls). The command prints ONE JSON document: the suite's own document when one suite runs,
else {"suites": [...]}. CI runs it at a tiny size and never asserts timings.
"""

import inspect
import json
from contextlib import contextmanager

import environ
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.module_loading import import_string

SUITES = {
    "eventlog": "adgang.eventlog.bench.run",
    "statistics": "adgang.statistics.bench.run",
    "ingest": "adgang.messaging.bench.ingest.run",
    "bulk": "adgang.messaging.bench.bulk.run",
    "delivery": "adgang.messaging.bench.delivery.run",
    "contacts": "adgang.contacts.bench.run",
    "pages": "adgang.ui.bench.run",
}
EVENTS_AT_SCALE_1 = 100_000


class Command(BaseCommand):
    help = "Run benchmark suites and print their figures as one JSON document."

    def add_arguments(self, parser):
        parser.add_argument(
            "suites", nargs="*", help=f"Suites to run (default: all): {', '.join(SUITES)}"
        )
        parser.add_argument(
            "--database",
            help="Database URL to run against (migrated first); default: the configured one",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=f"Size factor (eventlog: {EVENTS_AT_SCALE_1:,} events at 1)",
        )
        parser.add_argument(
            "--events", type=int, help="eventlog: message events (overrides --scale)"
        )
        parser.add_argument("--seed", type=int, default=1, help="Seed of the synthetic data")
        parser.add_argument("--repeat", type=int, default=40, help="Timed queries per search type")
        parser.add_argument(
            "--export-rows", type=int, default=1_000_000, help="eventlog: rows to export"
        )
        parser.add_argument(
            "--workers", type=int, help="ingest/bulk/delivery: server and worker processes"
        )
        parser.add_argument("--clients", type=int, help="ingest/bulk/delivery: concurrent clients")

    def handle(self, *args, **options):
        unknown = [name for name in options["suites"] if name not in SUITES]
        if unknown:
            raise CommandError(
                f"Unknown suite(s): {', '.join(unknown)}. Known: {', '.join(SUITES)}"
            )
        documents = []
        with _database(options["database"]):
            for name in options["suites"] or list(SUITES):
                documents.append(self._run(name, options))
        document = documents[0] if len(documents) == 1 else {"suites": documents}
        self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))

    def _run(self, name: str, options: dict) -> dict:
        run = import_string(SUITES[name])
        extra = {key: options[key] for key in ("scale", "workers", "clients")}
        accepted = inspect.signature(run).parameters
        return run(
            **{key: value for key, value in extra.items() if key in accepted},
            alias="default",
            events=options["events"] or max(int(EVENTS_AT_SCALE_1 * options["scale"]), 1),
            seed=options["seed"],
            repeat=max(options["repeat"], 1),
            export_rows=options["export_rows"],
            migrate=bool(options["database"]),
        )


@contextmanager
def _database(url: str | None):
    """Point the `default` connection at `--database URL` while the suites run, so every
    selector, page query and exporter measured runs unchanged against it; afterwards the
    configured connection comes back untouched (it is neither closed nor used meanwhile)."""
    if not url:
        yield
        return
    previous, previous_settings = connections["default"], connections.settings["default"]
    connections.settings["default"] = connections.configure_settings(
        {"default": environ.Env.db_url_config(url)}
    )["default"]
    del connections["default"]  # the next use makes a wrapper from the new settings
    try:
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = previous_settings
        connections["default"] = previous
