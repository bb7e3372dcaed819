"""The real HTTP stack for the bench: gunicorn serving `adgang.wsgi:application` in a
subprocess on a free 127.0.0.1 port, against the bench database.

Workers default to 2 × cores (gunicorn's own advice for CPU-bound apps), threads per worker
to 2 (gthread: keep-alive connections, and a worker waiting on the database serves another
request meanwhile); `ADGANG_BENCH_THREADS` changes the threads, to compare shapes such as
2 workers × 4 threads on the same machine. DEBUG is off so Django does not keep every query
in memory.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
from django.conf import settings

STARTUP_SECONDS = 60


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1)


def default_threads() -> int:
    return int(os.environ.get("ADGANG_BENCH_THREADS") or 2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a process serving the bench database (also the delivery workers')."""
    environment = dict(os.environ)
    environment.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="adgang.settings",
        DJANGO_DEBUG="false",
        ADGANG_VAR_DIR=str(settings.VAR_DIR),
        PYTHONPATH=os.pathsep.join(filter(None, [str(_root()), environment.get("PYTHONPATH")])),
        **extra,
    )
    return environment


def _root() -> Path:
    return Path(__file__).resolve().parents[3]


@contextmanager
def gunicorn(database_url: str, *, workers: int, threads: int | None = None):
    """Yield the base URL of a running gunicorn; stop it (SIGTERM, then kill) afterwards."""
    port = free_port()
    threads = threads or default_threads()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "adgang.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={threads}",
        "--keep-alive=30",
        "--backlog=2048",
        "--log-level=warning",
    ]
    # Our own interpreter and fixed arguments: nothing from outside reaches the command.
    process = subprocess.Popen(command, cwd=_root(), env=server_environment(database_url))  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(process, base, workers)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(process: subprocess.Popen, base: str, workers: int) -> None:
    """Until /healthz answers on every worker's connection (each worker imports Django on
    its first request otherwise; that must not be timed)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    answered = 0
    while answered < 4 * workers:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not answer /healthz in time")
        try:
            httpx.get(f"{base}/healthz", timeout=5).raise_for_status()
            answered += 1
        except httpx.HTTPError:
            time.sleep(0.2)
