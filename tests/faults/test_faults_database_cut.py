"""The database goes away under running processes (issue 10 fault suite: "a PostgreSQL
restart while the web and workers run").

The shared PostgreSQL cannot be restarted (other suites use it), so a restart is simulated
the way the processes see one: every connection of the web process and the worker to the
test database is ended with `pg_terminate_backend`, again and again, while messages are sent
through the real /apis/v1 (gunicorn) and delivered by a real `db_worker` by REST PUSH.

Afterwards both processes are still running and serve and work again (Django opens a new
connection: CONN_HEALTH_CHECKS on the next request or task), and, counted at the receiver,
every message the sender got accepted arrives, each once; a delivery whose worker lost its
connection between the HTTP call and recording it is sent again after its lease, the
at-least-once rule of adgang/messaging/delivery.py, so a duplicate is allowed only for those.

PostgreSQL only (real processes beside the test on one database).
"""

import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from django.db import connection
from django.utils import timezone

from adgang.messaging.models import Delivery, DeliveryState
from adgang.messaging.tasks import deliveries_task
from adgang.systems.models import Protocol
from adgang.systems.rules import RECEIVER, SENDER
from tests.core.processes import free_port, is_running, process_env, wait_until
from tests.faults.worker_processes import database_url, worker_start
from tests.support.messaging_api import uuid_of
from tests.support.messaging_core import KOMMUNE_M_CVR, memo_xml
from tests.support.messaging_delivery import SLOW, Receiver
from tests.support.systems_core import create

MESSAGES = 40
CUT_EVERY = 0.15  # seconds between two rounds of pg_terminate_backend
UUID_EXISTS = "message.uuid.already.exists"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real web and worker processes beside the test need PostgreSQL (SQLite: one writer)",
    ),
]


@pytest.fixture
def receiver(tmp_path):
    with Receiver(tmp_path / "tls") as running:
        running.state.mode = SLOW
        running.state.slow_seconds = 0.05
        yield running


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate_others(spared: int) -> int:
    """End every connection to the test database but the test's own two: the web's and the
    worker's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
            [spared],
        )
        return cursor.fetchone()[0]


class Cutter(threading.Thread):
    """Terminates the other connections every CUT_EVERY seconds until stopped."""

    def __init__(self, spared: int) -> None:
        super().__init__(daemon=True)
        self.spared = spared
        self.stop = threading.Event()
        self.cut = 0

    def run(self) -> None:
        try:
            while not self.stop.wait(CUT_EVERY):
                self.cut += terminate_others(self.spared)
        finally:
            connection.close()


def web_start(started, tmp_path, port: int):
    env = process_env(tmp_path, DATABASE_URL=database_url())
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "adgang.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        "--workers=1",
        "--worker-class=gthread",
        "--threads=4",
        "--log-level=warning",
    ]
    return started(command, env, tmp_path / "web.log")


def ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def send_until_accepted(base: str, authorization: str) -> tuple[str, int]:
    """Send one message as a careful sender does: on a 5xx or a broken connection, send the
    same message again; a refusal of its messageUUID as already received means an earlier try
    was stored. Returns (messageUUID, failed tries)."""
    content = memo_xml(recipient_id=KOMMUNE_M_CVR, recipient_type="CVR")
    message_uuid = uuid_of(content)
    failures = 0
    for _try in range(50):
        try:
            response = httpx.post(
                f"{base}/apis/v1/memos/",
                params={"memo-message-uuid": message_uuid},
                content=content,
                headers={"Authorization": authorization, "Content-Type": "application/xml"},
                timeout=30,
            )
        except httpx.HTTPError:
            failures += 1
            continue
        if response.status_code == 201:
            return message_uuid, failures
        if response.status_code == 400 and UUID_EXISTS in response.text and failures:
            return message_uuid, failures
        assert response.status_code >= 500, response.text
        failures += 1
        time.sleep(0.05)
    pytest.fail(f"{message_uuid} was never accepted")


def test_web_and_worker_survive_their_connections_being_cut_and_lose_nothing(
    personas, receiver, started, tmp_path
):
    sender = create(personas.alice, SENDER, Protocol.REST_PULL, allowed_ips=("127.0.0.1",))
    create(
        personas.maja,
        RECEIVER,
        Protocol.REST_PUSH,
        endpoint=receiver.url(),
        allowed_ips=("127.0.0.1",),
    )
    base = f"http://127.0.0.1:{free_port()}"
    web = web_start(started, tmp_path, int(base.rsplit(":", 1)[1]))
    worker = worker_start(started, tmp_path, "worker", ADGANG_OUTBOUND_CA_FILE=receiver.ca_file)
    wait_until(lambda: ready(base), timeout=60, message=(tmp_path / "web.log").read_text())

    cutter = Cutter(spared=backend_pid())
    cutter.start()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            sending = [
                pool.submit(send_until_accepted, base, sender.api_key) for _ in range(MESSAGES)
            ]
            while not all(f.done() for f in sending):
                deliveries_task.enqueue()  # as the scheduler does every 15 s
                time.sleep(0.5)
        accepted = dict(f.result() for f in sending)
    finally:
        cutter.stop.set()
        cutter.join(timeout=10)
    assert cutter.cut > 0

    assert is_running(web.pid), (tmp_path / "web.log").read_text()
    assert is_running(worker.pid), (tmp_path / "worker.log").read_text()
    # Deliveries whose worker lost the database mid-batch are IN_FLIGHT until their lease
    # runs out (5 minutes): moved in the database, not waited for.
    stranded = {
        str(u)
        for u in Delivery.objects.filter(state=DeliveryState.IN_FLIGHT).values_list(
            "message__message_uuid", flat=True
        )
    }
    Delivery.objects.filter(state=DeliveryState.IN_FLIGHT).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    deliveries_task.enqueue()
    wait_until(
        lambda: Delivery.objects.filter(state=DeliveryState.DELIVERED).count() == MESSAGES,
        timeout=60,
        interval=0.2,
        message=f"{Counter(Delivery.objects.values_list('state', flat=True))}: "
        + (tmp_path / "worker.log").read_text()[-3000:],
    )
    assert ready(base)

    stored = Counter(receiver.state.uuids())
    assert set(stored) == set(accepted)  # nothing lost
    assert {u for u, n in stored.items() if n > 1} <= stranded
    assert Delivery.objects.count() == MESSAGES
