"""The `delivery` suite of `manage.py bench` (issue 10; SPEC §3 delivery policy, §13).

REST PUSH: N messages are sent through gunicorn to the bench authority whose primary system is
REST PUSH (`setup.push_receiver`), so routing leaves N PENDING deliveries. Then `--workers`
worker processes (`worker.py`) run the real delivery code (`deliveries_run`: batch claim,
parallel HTTPS calls through `outbound.post` with its SSRF guard, outcome recording) against
a local HTTPS receiver (`receiver.py`) that counts every messageUUID it gets. Timed: from
"go" (the workers have started Django) until the last worker finds nothing due. Loopback is
allowed by the setting meant for it (`ADGANG_OUTBOUND_ALLOW_PRIVATE`), the receiver's
certificate trusted by `ADGANG_OUTBOUND_CA_FILE`. Baseline: the same number of POSTs of the
same multipart bodies to the same receiver with httpx, at the same concurrency (workers ×
`delivery.PARALLEL` callers) and, like `outbound.post` since its keep-alive pool, reusing
connections (one keep-alive client per caller), so the ratio compares like with like.

REST PULL: N messages to the authority whose primary system is REST PULL; `--clients`
clients then fetch each (`GET /apis/v1/memos/{id}`, the XML must be the message) and delete
it (`DELETE`, 204) through gunicorn. Baseline: the same number of pairs of `GET /healthz`
round trips with the same clients.

Both count at the receiving end: every message exactly once (lost, duplicated and other
arrivals are in the document; any makes the figure invalid).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from django.core.management import call_command
from django.db import connections

from adgang.messaging import delivery as delivery_code
from adgang.messaging.bench import load, messages, server, setup
from adgang.messaging.bench.receiver import Receiver, exactly_once
from adgang.messaging.models import Delivery, DeliveryState
from adgang.messaging.outbound import _tls_context

MESSAGES_AT_SCALE_1 = 5_000
PUSH_PATH, BASELINE_PATH = "/modtag", "/baseline"


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
    url = setup.database_url(alias)
    sender = setup.sender()
    with tempfile.TemporaryDirectory() as scratch, Receiver(Path(scratch) / "tls") as receiver:
        push = setup.push_receiver(receiver.url(PUSH_PATH))
        pull = setup.pull_receiver()
        cvr = sender.system.organisation.cvr
        to_push = [
            messages.letter(cvr, recipient_id=push.system.organisation.cvr, recipient_type="CVR")
            for _ in range(count)
        ]
        to_pull = [
            messages.letter(cvr, recipient_id=pull.system.organisation.cvr, recipient_type="CVR")
            for _ in range(count)
        ]
        connections[alias].close()
        with server.gunicorn(url, workers=workers) as base:
            sending = {
                "clients": clients,
                "base_url": base,
                "headers": {"Authorization": sender.auth},
            }
            queued = load.drive(to_push + to_pull, call=messages.post_single, **sending)
            pulled = _pull(base, pull.auth, queued.results, to_pull, clients)
        pushed = _push(url, receiver, workers, scratch, [messages.uuid_of(b) for b in to_push])
        pushed_baseline = _push_baseline(receiver, to_push, workers)
    return {
        "suite": "delivery",
        "database": connections[alias].vendor,
        "messages": count,
        "workers": workers,
        "clients": clients,
        "setup": {"sent": queued.as_json(), "seconds": round(queued.seconds, 3)},
        "figures": _figures(pushed, pushed_baseline, pulled),
    }


def _figures(pushed: dict, pushed_baseline: dict, pulled: dict) -> dict:
    return {
        "push.deliveries_per_second": setup.figure(
            pushed.pop("rate"),
            pushed_baseline.pop("rate"),
            "deliveries/s",
            **pushed,
            baseline_detail=pushed_baseline,
        ),
        "pull.fetch_and_delete_per_second": setup.figure(
            pulled.pop("rate"), pulled.pop("baseline_rate"), "messages/s", **pulled
        ),
    }


def _push(url: str, receiver: Receiver, workers: int, scratch: str, uuids: list[str]) -> dict:
    directory = Path(scratch) / "workers"
    directory.mkdir()
    environment = server.server_environment(
        url, ADGANG_OUTBOUND_CA_FILE=receiver.ca_file, ADGANG_OUTBOUND_ALLOW_PRIVATE="true"
    )
    processes = [
        subprocess.Popen(  # noqa: S603 (our interpreter, fixed arguments)
            [sys.executable, "-m", "adgang.messaging.bench.worker", str(directory)],
            env=environment,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    deadline = time.monotonic() + server.STARTUP_SECONDS
    while len(list(directory.glob("ready-*"))) < workers:
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
            for process in processes:
                process.kill()
            raise RuntimeError("delivery workers did not start")
        time.sleep(0.05)
    connections_before = receiver.connections
    started = time.perf_counter()
    (directory / "go").touch()
    outputs = [process.communicate()[0] for process in processes]
    seconds = time.perf_counter() - started
    attempted = sum(
        json.loads(out.strip().splitlines()[-1])["attempted"] for out in outputs if out.strip()
    )
    counted = exactly_once(receiver.counts(PUSH_PATH), uuids)
    delivered = Delivery.objects.filter(
        message__message_uuid__in=uuids, state=DeliveryState.DELIVERED
    ).count()
    valid = (counted["received"], counted["lost"], counted["duplicated"], delivered) == (
        len(uuids),
        0,
        0,
        len(uuids),
    )
    return {
        "rate": load.rate(counted["received"] if valid else 0, seconds),
        "valid": valid,
        "seconds": round(seconds, 3),
        "attempted": attempted,
        "delivered": delivered,
        "parallel_calls_per_worker": delivery_code.PARALLEL,
        "receiver_connections": receiver.connections - connections_before,
        **counted,
    }


def _push_baseline(receiver: Receiver, bodies: list[bytes], workers: int) -> dict:
    """Plain POSTs of the same multipart bodies, each caller on its own keep-alive client
    (as `outbound.post` reuses its pooled connections)."""
    context = _tls_context(receiver.ca_file)
    target = receiver.url(BASELINE_PATH)
    local = threading.local()
    opened: list[httpx.Client] = []
    lock = threading.Lock()

    def call(_client, body: bytes) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(verify=context, timeout=30, trust_env=False)
            with lock:
                opened.append(client)
        files = {"file": (messages.uuid_of(body), body, "application/xml")}
        response = client.post(target, files=files)
        assert response.status_code == 200, response.status_code

    callers = workers * delivery_code.PARALLEL
    connections_before = receiver.connections
    try:
        outcome = load.drive(bodies, clients=callers, call=call)
    finally:
        for client in opened:
            client.close()
    counted = exactly_once(receiver.counts(BASELINE_PATH), [messages.uuid_of(b) for b in bodies])
    return {
        "rate": load.rate(outcome.ok, outcome.seconds),
        "seconds": round(outcome.seconds, 3),
        "callers": callers,
        "connections": "keep-alive, one client per caller",
        "receiver_connections": receiver.connections - connections_before,
        **outcome.as_json(),
        **counted,
    }


def _pull(base: str, auth: str, receipts: list[dict], to_pull: list[bytes], clients: int):
    """Fetch and delete every pulled message through the API; then the /healthz floor."""
    wanted = {messages.uuid_of(body) for body in to_pull}
    ids = [(r["messageId"], r["messageUUID"]) for r in receipts if r["messageUUID"] in wanted]
    fetched: dict[str, int] = {}
    lock = threading.Lock()

    def fetch_and_delete(client, item) -> None:
        message_id, message_uuid = item
        got = client.get(f"{messages.API}/memos/{message_id}")
        assert got.status_code == 200, f"GET {got.status_code}: {got.text[:200]}"
        assert message_uuid.encode() in got.content, "another message"
        gone = client.delete(f"{messages.API}/memos/{message_id}")
        assert gone.status_code == 204, f"DELETE {gone.status_code}: {gone.text[:200]}"
        with lock:
            fetched[message_uuid] = fetched.get(message_uuid, 0) + 1

    def floor(client, _item) -> None:
        for _ in range(2):
            assert client.get("/healthz").status_code == 200

    outcome = load.drive(
        ids, clients=clients, call=fetch_and_delete, base_url=base, headers={"Authorization": auth}
    )
    floor_outcome = load.drive(ids, clients=clients, call=floor, base_url=base)
    lost = len(wanted) - len(fetched)
    duplicated = sum(1 for c in fetched.values() if c > 1)
    valid = outcome.failures == 0 and lost == 0 and duplicated == 0
    return {
        "rate": load.rate(len(fetched) if valid else 0, outcome.seconds),
        "baseline_rate": load.rate(floor_outcome.ok, floor_outcome.seconds),
        "valid": valid,
        "seconds": round(outcome.seconds, 3),
        "fetched": len(fetched),
        "lost": lost,
        "duplicated": duplicated,
        **outcome.as_json(),
        "baseline_detail": {"round_trips_per_message": 2, **floor_outcome.as_json()},
    }
