"""What one message costs intake in process, without gunicorn or clients (issue 10,
docs/performance.md "ingest, bulk"): the deterministic measures a busy machine cannot blur.

    DATABASE_URL=postgres://…/adgang_prof .venv/bin/python manage.py shell -c \
        "from adgang.messaging.bench.inprocess import main; main()"

`django.test.Client` posts as the bench sender (`setup.sender`, made in the configured
database, which keeps the messages): SQL statements of one accepted single message and of
one bulk archive (`CaptureQueriesContext`), Python function calls per message (cProfile,
the same every run), and wall and CPU milliseconds per message of this process (PostgreSQL's
own CPU is not in them; noisy on a shared machine, so several rounds). Prints JSON.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import time
from collections import Counter

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from adgang.messaging.bench import messages, setup
from adgang.messaging.bench.bulk import archive


def _poster(client: Client):
    def post(body: bytes) -> None:
        response = client.post(
            f"{messages.API}/memos/?memo-message-uuid={messages.uuid_of(body)}",
            data=body,
            content_type="application/xml",
        )
        assert response.status_code == 201, response.content

    return post


def _kinds(queries) -> dict:
    return dict(Counter(query["sql"].split(" ", 1)[0] for query in queries.captured_queries))


def _timed(function, items: list, per: int) -> dict:
    started, cpu = time.perf_counter(), time.process_time()
    for item in items:
        function(item)
    return {
        "wall_ms": round((time.perf_counter() - started) * 1000 / per, 3),
        "cpu_ms": round((time.process_time() - cpu) * 1000 / per, 3),
    }


def run(*, singles: int = 300, rounds: int = 3, bulk_members: int = 1000) -> dict:
    sender = setup.sender()
    cvr = sender.system.organisation.cvr
    client = Client(REMOTE_ADDR=setup.LOOPBACK, HTTP_AUTHORIZATION=sender.auth)
    post = _poster(client)
    for _ in range(10):  # warm: imports, caches, last_used_at of this minute
        post(messages.letter(cvr))
    with CaptureQueriesContext(connection) as queries:
        post(messages.letter(cvr))
    single = {"statements": len(queries), "by_kind": _kinds(queries)}
    profile = cProfile.Profile()
    bodies = [messages.letter(cvr) for _ in range(singles)]
    profile.runcall(lambda: [post(body) for body in bodies])
    single["function_calls_per_message"] = round(pstats.Stats(profile).total_calls / singles)
    single["rounds"] = [
        _timed(post, [messages.letter(cvr) for _ in range(singles)], singles) for _ in range(rounds)
    ]

    def upload(data: bytes) -> None:
        response = client.post(
            f"{messages.API}/memos/", data=data, content_type="application/x-lzma"
        )
        assert response.status_code == 201, response.content

    bulk = {}
    for size in (10, 100):
        with CaptureQueriesContext(connection) as queries:
            upload(archive([messages.letter(cvr) for _ in range(size)]))
        bulk[f"statements_{size}_members"] = len(queries)
    data = archive([messages.letter(cvr) for _ in range(bulk_members)])
    profile = cProfile.Profile()
    profile.runcall(upload, data)
    bulk["function_calls_per_message"] = round(pstats.Stats(profile).total_calls / bulk_members)
    bulk["rounds"] = [
        _timed(upload, [archive([messages.letter(cvr) for _ in range(bulk_members)])], bulk_members)
        for _ in range(rounds)
    ]
    return {"database": connection.vendor, "single": single, "bulk": bulk}


def main() -> None:
    print(json.dumps(run(), indent=2))
