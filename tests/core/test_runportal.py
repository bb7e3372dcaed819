"""`manage.py runportal`: web server and worker together; Ctrl-C stops both, one dying stops
the other (the portal never runs without its worker)."""

import os
import signal
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from tests.core.processes import (
    MANAGE,
    children_of,
    free_port,
    is_running,
    process_env,
    wait_until,
)

pytestmark = pytest.mark.slow


def answers_200(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def start_portal(started, var_dir: Path) -> tuple[subprocess.Popen, str, list[int]]:
    """Start runportal, wait until /readyz is 200; return it, its URL and its three children
    (web, worker and the SFTP intake)."""
    port = free_port()
    portal = started(
        [*MANAGE, "runportal", "--port", str(port)],
        process_env(var_dir, ADGANG_HEARTBEAT_SECONDS="1", ADGANG_SFTP_PORT=str(free_port())),
        var_dir / "portal.log",
    )
    base = f"http://127.0.0.1:{port}"
    log = var_dir / "portal.log"
    wait_until(lambda: answers_200(f"{base}/healthz"), timeout=45, message=f"healthz: {log}")
    wait_until(lambda: answers_200(f"{base}/readyz"), timeout=30, message=f"readyz: {log}")
    children = children_of(portal.pid)
    assert len(children) == 3, log.read_text()
    return portal, base, children


def nap_status(database: Path) -> str | None:
    with closing(sqlite3.connect(database, timeout=10)) as db:
        row = db.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path = ?",
            ("tests.core.sleepy_tasks.nap",),
        ).fetchone()
    return row[0] if row else None


def command_of(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")


def test_runportal_serves_the_portal_and_runs_a_worker(started, var_dir):
    _, base, children = start_portal(started, var_dir)
    commands = sorted(command_of(pid) for pid in children)
    assert "db_worker --no-reload" in commands[0]
    assert "runserver 127.0.0.1:" in commands[1]
    assert commands[2].endswith("manage.py sftpserver ")
    log = var_dir / "portal.log"
    wait_until(lambda: "SFTP intake: sftp://127.0.0.1:" in log.read_text(), timeout=20)
    assert httpx.get(f"{base}/readyz", timeout=5).json()["checks"] == {
        "database": "ok",
        "worker": "ok",
    }


def test_ctrl_c_stops_the_web_server_and_the_worker(started, var_dir):
    portal, _, children = start_portal(started, var_dir)
    os.killpg(portal.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
    assert portal.wait(timeout=20) == 0, (var_dir / "portal.log").read_text()
    assert not any(is_running(pid) for pid in children)


def test_ctrl_c_lets_the_worker_finish_the_task_it_is_running(started, var_dir):
    """One Ctrl-C asks the worker to stop gracefully: the running task completes. (A worker
    that also got a forwarded signal on top would abandon the task.)"""
    env = process_env(var_dir)
    enqueue = "from tests.core.sleepy_tasks import nap; nap.enqueue(3)"
    subprocess.run([*MANAGE, "shell", "-c", enqueue], env=env, check=True, timeout=60)  # noqa: S603
    database = var_dir / "adgang.sqlite3"
    portal, _, children = start_portal(started, var_dir)
    wait_until(lambda: nap_status(database) == "RUNNING", timeout=20, message="nap not started")
    os.killpg(portal.pid, signal.SIGINT)
    assert portal.wait(timeout=20) == 0, (var_dir / "portal.log").read_text()
    assert nap_status(database) == "SUCCESSFUL"
    assert not any(is_running(pid) for pid in children)


def test_sigterm_to_runportal_alone_stops_both_children(started, var_dir):
    portal, _, children = start_portal(started, var_dir)
    portal.send_signal(signal.SIGTERM)
    assert portal.wait(timeout=20) == 0, (var_dir / "portal.log").read_text()
    assert not any(is_running(pid) for pid in children)


def test_the_worker_dying_stops_the_web_server_too(started, var_dir):
    portal, base, children = start_portal(started, var_dir)
    worker = next(pid for pid in children if "db_worker" in command_of(pid))
    os.kill(worker, signal.SIGKILL)
    assert portal.wait(timeout=20) == 1
    assert "Stopped because worker exited." in (var_dir / "portal.log").read_text()
    assert not any(is_running(pid) for pid in children)
    assert not answers_200(f"{base}/healthz")
