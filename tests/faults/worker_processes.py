"""Real `manage.py db_worker` processes on the PostgreSQL test database for the fault suite
(the process helpers and the `started` fixture are tests/core's)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from django.db import connection

from tests.core.processes import MANAGE, is_running, process_env


def database_url() -> str:
    """The URL of the test database the test process is connected to (committed data only:
    the tests are `django_db(transaction=True)`)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


def worker_start(started, tmp_path: Path, name: str, **extra: str) -> subprocess.Popen:
    """A db_worker on the test database, polling every 0.1 s, its output in tmp_path/name.log."""
    env = process_env(
        tmp_path,
        DATABASE_URL=database_url(),
        ADGANG_HEARTBEAT_SECONDS="1",
        ADGANG_OUTBOUND_ALLOW_PRIVATE="true",
        **extra,
    )
    command = [
        *MANAGE,
        "db_worker",
        "--interval",
        "0.1",
        "--no-startup-delay",
        "--no-reload",
        "--worker-id",
        name,
    ]
    return started(command, env, tmp_path / f"{name}.log")


def kill_9(process: subprocess.Popen) -> None:
    """SIGKILL the process and everything in its session; nothing of it runs afterwards."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert not is_running(process.pid)
