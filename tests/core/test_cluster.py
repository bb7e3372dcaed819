"""`make cluster` (`manage.py cluster`, issue 10 "Operations"): two gunicorn web processes,
two db_workers and the SFTP intake against one PostgreSQL. Messages sent through both web
processes over the real /apis/v1 are each delivered exactly once (counted at the receiver),
and Ctrl-C stops every process.

Runs only when PostgreSQL is the test database (the cluster needs it; it gets a database of
its own beside the test database, dropped afterwards)."""

import json
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from tests.core.processes import (
    MANAGE,
    children_of,
    free_port,
    is_running,
    process_env,
    wait_until,
)
from tests.support.messaging_api import uuid_of
from tests.support.messaging_core import KOMMUNE_M_CVR, memo_xml
from tests.support.messaging_delivery import Receiver

DATABASE = settings.DATABASES["default"]
ON_POSTGRES = DATABASE["ENGINE"] == "django.db.backends.postgresql"
MESSAGES = 60

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ON_POSTGRES, reason="the cluster runs against PostgreSQL only"),
]


def _conninfo(dbname: str) -> str:
    return psycopg.conninfo.make_conninfo(
        host=DATABASE.get("HOST") or None,
        port=DATABASE.get("PORT") or None,
        user=DATABASE.get("USER") or None,
        password=DATABASE.get("PASSWORD") or None,
        dbname=dbname,
    )


def _drop(name: str) -> None:
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def cluster_database():
    """A fresh database name for the cluster and its URL; dropped afterwards."""
    name = f"{DATABASE['NAME']}_cluster"[:63]
    _drop(name)
    user = DATABASE.get("USER") or "postgres"
    password = f":{DATABASE['PASSWORD']}" if DATABASE.get("PASSWORD") else ""
    host, port = DATABASE.get("HOST") or "127.0.0.1", DATABASE.get("PORT") or 5432
    yield f"postgres://{user}{password}@{host}:{port}/{name}"
    _drop(name)


@pytest.fixture
def receiver(tmp_path):
    with Receiver(tmp_path / "tls") as running:
        yield running


def healthy(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def start_cluster(started, tmp_path: Path, database_url: str, receiver: Receiver):
    web_ports = [free_port(), free_port()]
    env = process_env(
        tmp_path,
        ADGANG_HEARTBEAT_SECONDS="1",
        ADGANG_OUTBOUND_CA_FILE=receiver.ca_file,
        ADGANG_OUTBOUND_ALLOW_PRIVATE="true",
    )
    log = tmp_path / "cluster.log"
    cluster = started(
        [
            *MANAGE,
            "cluster",
            "--database-url",
            database_url,
            "--web-ports",
            ",".join(map(str, web_ports)),
            "--web-threads",
            "4",
            "--sftp-port",
            str(free_port()),
        ],
        env,
        log,
    )
    bases = [f"http://127.0.0.1:{port}" for port in web_ports]
    for base in bases:
        wait_until(lambda b=base: healthy(f"{b}/readyz"), timeout=120, message=f"{base}: {log}")
    return cluster, bases, {**env, "DATABASE_URL": database_url}, log


def connect_systems(env: dict[str, str], receiver: Receiver) -> str:
    code = f"from tests.core.cluster_setup import main; main({receiver.url('/modtag')!r})"
    finished = subprocess.run(  # noqa: S603
        [*MANAGE, "shell", "-v0", "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(finished.stdout.strip().splitlines()[-1])["authorization"]


def delivery_states(database_url: str) -> dict[str, tuple[int, int]]:
    """State → (deliveries, attempts) in the cluster's database."""
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT state, count(*), sum(attempts) FROM messaging_delivery GROUP BY state"
        ).fetchall()
    return {state: (count, attempts) for state, count, attempts in rows}


def send(base: str, authorization: str) -> str:
    content = memo_xml(recipient_id=KOMMUNE_M_CVR, recipient_type="CVR")
    message_uuid = uuid_of(content)
    response = httpx.post(
        f"{base}/apis/v1/memos/",
        params={"memo-message-uuid": message_uuid},
        content=content,
        headers={"Authorization": authorization, "Content-Type": "application/xml"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return message_uuid


def test_messages_through_both_web_processes_are_delivered_exactly_once(
    started, tmp_path, cluster_database, receiver
):
    cluster, bases, env, log = start_cluster(started, tmp_path, cluster_database, receiver)
    processes = children_of(cluster.pid)
    assert len(processes) == 5, log.read_text()  # 2 web, 2 workers, SFTP
    authorization = connect_systems(env, receiver)

    with ThreadPoolExecutor(max_workers=8) as pool:
        sent = list(pool.map(lambda i: send(bases[i % 2], authorization), range(MESSAGES)))

    wait_until(
        lambda: len(receiver.state.uuids()) >= MESSAGES,
        timeout=120,
        interval=0.5,
        message=f"{len(receiver.state.uuids())} of {MESSAGES} delivered: {log}",
    )
    wait_until(
        lambda: delivery_states(cluster_database) == {"DELIVERED": (MESSAGES, MESSAGES)},
        timeout=60,
        interval=0.5,
        message=f"deliveries: {delivery_states(cluster_database)}",
    )
    assert sorted(receiver.state.uuids()) == sorted(sent)  # each once, none missing

    cluster.send_signal(signal.SIGINT)  # Ctrl-C
    assert cluster.wait(timeout=60) == 0, log.read_text()
    assert not [pid for pid in processes if is_running(pid)]
    assert sorted(receiver.state.uuids()) == sorted(sent)
