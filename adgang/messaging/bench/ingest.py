"""The `ingest` suite of `manage.py bench` (issue 10; SPEC §13 "Sender API").

Single MeMo messages per second through the real HTTP stack: gunicorn (`server.gunicorn`)
with N workers, N concurrent clients (`--clients`) posting `POST /apis/v1/memos/` with Basic
auth from 127.0.0.1 as the bench sender system (`setup.sender`), so every request runs the
IP check, key hash, MeMo parse and validation, register look-up, store, events, routing and
the technical receipt. Every answer must be 201 with the receipt RECEIVED; a failure makes
the figure invalid (`valid: false`, with samples). A few messages per connection are sent
first to warm the workers and are not timed.

Baseline, same run: the very rows those messages produced, inserted again with raw driver
calls (`baseline.raw_insert`), all in one transaction. Figure: messages/s, ratio = value /
baseline. Beside it, `per_message_commit_baseline`: the same raw insert of (up to
`DURABLE_SAMPLE` of) those rows with one commit per message, as single intake must commit
before its receipt says RECEIVED — the floor of durable single ingest on this database.
"""

from __future__ import annotations

from django.core.management import call_command
from django.db import connections

from adgang.messaging.bench import baseline, load, messages, server, setup

MESSAGES_AT_SCALE_1 = 10_000
# Messages of the second baseline, one commit each (a sample keeps the run short).
DURABLE_SAMPLE = 1_000


def run(
    *,
    alias: str = "default",
    scale: float = 1.0,
    workers: int | None = None,
    clients: int | None = None,
    migrate: bool = False,
    **_options,
) -> dict:
    if migrate:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
    workers = workers or server.default_workers()
    clients = clients or 4 * workers
    count = max(int(MESSAGES_AT_SCALE_1 * scale), 1)
    sender = setup.sender()
    cvr = sender.system.organisation.cvr
    warm = [messages.letter(cvr) for _ in range(clients * 2)]
    bodies = [messages.letter(cvr) for _ in range(count)]
    connections[alias].close()  # the server's processes open their own
    with server.gunicorn(setup.database_url(alias), workers=workers) as base:
        common = {"clients": clients, "base_url": base, "headers": {"Authorization": sender.auth}}
        warmed = load.drive(warm, call=messages.post_single, **common)
        sent = load.drive(bodies, call=messages.post_single, **common)
    ids = baseline.message_ids_of(alias, [messages.uuid_of(body) for body in bodies])
    raw = baseline.raw_insert(alias, ids)
    durable = baseline.raw_insert(alias, ids[:DURABLE_SAMPLE], commit_per_message=True)
    value = load.rate(sent.ok, sent.seconds)
    valid = sent.failures == 0 and warmed.failures == 0 and len(ids) == count
    return {
        "suite": "ingest",
        "database": connections[alias].vendor,
        "messages": count,
        "workers": workers,
        "threads_per_worker": server.default_threads(),
        "clients": clients,
        "figures": {
            "single.messages_per_second": setup.figure(
                value,
                raw["messages_per_second"],
                "messages/s",
                valid=valid,
                seconds=round(sent.seconds, 3),
                stored=len(ids),
                **sent.as_json(),
                warm_up={"messages": len(warm), **warmed.as_json()},
                baseline_detail={k: v for k, v in raw.items() if k != "messages_per_second"},
                per_message_commit_baseline={
                    "messages_per_second": round(durable["messages_per_second"], 1),
                    "ratio": round(value / durable["messages_per_second"], 3)
                    if durable["messages_per_second"]
                    else None,
                    **{k: v for k, v in durable.items() if k != "messages_per_second"},
                },
            )
        },
    }
