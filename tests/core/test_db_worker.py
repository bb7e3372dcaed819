"""`manage.py db_worker`: runs the queued tasks, reports a heartbeat, ticks the scheduler."""

import logging
import os
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django_tasks.base import TaskResultStatus
from django_tasks_db.compat import TASKS_LOGGER
from django_tasks_db.models import DBTaskResult

from adgang.core import scheduler
from adgang.core.management.commands.db_worker import Command, pulse
from adgang.core.models import ScheduledJob, WorkerHeartbeat
from adgang.core.tasks import prune_finished_tasks
from tests.core.processes import MANAGE, children_of, process_env, wait_until

PRUNE_PATH = "adgang.core.tasks.prune_finished_tasks"
TASK_STATUS_SQL = "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path = ?"


@pytest.fixture(autouse=True)
def _keep_logger_levels():
    """The worker sets its loggers' levels from --verbosity; give the next test them back."""
    loggers = [logging.getLogger(name) for name in (TASKS_LOGGER, "django_tasks_db")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def run_batch_worker(worker_id: str = "batch-worker") -> None:
    call_command(
        "db_worker",
        batch=True,
        startup_delay=False,
        reload=False,
        worker_id=worker_id,
        verbosity=0,
    )


@pytest.mark.django_db(transaction=True)
def test_a_batch_worker_runs_the_queued_task_successfully():
    with scheduler.isolated_registry():
        result = prune_finished_tasks.enqueue()
        run_batch_worker()
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 0
    assert DBTaskResult.objects.get(id=result.id).worker_ids == ["batch-worker"]


@pytest.mark.django_db(transaction=True)
def test_a_batch_worker_reports_a_heartbeat():
    with scheduler.isolated_registry():
        run_batch_worker("batch-worker")
    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.worker_id == "batch-worker"
    assert heartbeat.started_at <= heartbeat.last_seen


@pytest.mark.django_db(transaction=True)
def test_a_worker_enqueues_and_runs_the_due_periodic_jobs():
    run_batch_worker()
    assert ScheduledJob.objects.filter(name="core.prune_finished_tasks").exists()
    result = DBTaskResult.objects.get(task_path=PRUNE_PATH)
    assert result.status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)
def test_a_pulse_beats_even_when_a_periodic_job_cannot_be_enqueued(caplog):
    class BrokenTask:
        def enqueue(self):
            raise RuntimeError("enqueue failed")

    with scheduler.isolated_registry():
        scheduler.register_periodic("test.broken", BrokenTask(), every=timedelta(hours=1))
        pulse(worker_id="w1", started_at=datetime(2026, 3, 2, tzinfo=UTC))
    assert WorkerHeartbeat.objects.filter(worker_id="w1").exists()
    assert "Periodic job test.broken could not be enqueued" in caplog.text


# --- the worker as a real process ---------------------------------------------------------


def query(database: Path, sql: str, *params) -> list[tuple]:
    with closing(sqlite3.connect(database, timeout=10)) as db:
        return db.execute(sql, params).fetchall()


def heartbeats(database: Path) -> list[str]:
    return [row[0] for row in query(database, "SELECT last_seen FROM core_workerheartbeat")]


def start_worker(started, var_dir: Path) -> subprocess.Popen:
    """Start a worker and return once it is in its loop (its stop signals handled)."""
    log = var_dir / "worker.log"
    worker = started(
        [*MANAGE, "db_worker", "--no-reload", "--no-startup-delay", "--worker-id", "sub-worker"],
        process_env(var_dir, ADGANG_HEARTBEAT_SECONDS="1"),
        log,
    )
    wait_until(
        lambda: "Starting worker worker_id=sub-worker" in log.read_text(),
        timeout=30,
        message="worker did not start",
    )
    return worker


@pytest.mark.slow
def test_a_running_worker_beats_every_interval_and_runs_the_scheduled_jobs(started, var_dir):
    database = var_dir / "adgang.sqlite3"
    worker = start_worker(started, var_dir)
    first = wait_until(lambda: heartbeats(database), timeout=30, message="first heartbeat")
    wait_until(
        lambda: heartbeats(database) != first, timeout=10, message="heartbeat did not advance"
    )
    assert query(database, "SELECT worker_id FROM core_workerheartbeat") == [("sub-worker",)]
    statuses = wait_until(
        lambda: query(database, TASK_STATUS_SQL, PRUNE_PATH) == [("SUCCESSFUL",)],
        timeout=15,
        message="scheduled prune task did not run",
    )
    assert statuses
    assert worker.poll() is None, (var_dir / "worker.log").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_worker_stops_promptly_on_a_stop_signal(started, var_dir, signum):
    worker = start_worker(started, var_dir)
    worker.send_signal(signum)
    assert worker.wait(timeout=5) == 0, (var_dir / "worker.log").read_text()


@pytest.mark.slow
def test_with_reload_only_the_process_running_the_tasks_beats(started, var_dir):
    """The reloader's parent only restarts its child: were it to beat as well, a child that
    failed to start would still look alive to /readyz."""
    database = var_dir / "adgang.sqlite3"
    parent = started(
        [*MANAGE, "db_worker", "--reload", "--no-startup-delay"],
        process_env(var_dir, ADGANG_HEARTBEAT_SECONDS="1"),
        var_dir / "worker.log",
    )
    child = wait_until(lambda: children_of(parent.pid), timeout=30, message="no child")[0]
    wait_until(lambda: heartbeats(database), timeout=30, message="no heartbeat")
    time.sleep(2.5)  # a few pulse intervals
    assert query(database, "SELECT pid FROM core_workerheartbeat") == [(child,)]
    os.killpg(parent.pid, signal.SIGTERM)
    parent.wait(timeout=10)


def test_default_verbosity_leaves_the_tasks_loggers_to_the_settings():
    """Upstream would raise django_tasks to INFO at -v 1, flooding the console of `make run`
    with two lines per periodic job every 15 seconds; -v 2 still asks for everything."""
    tasks_logger = logging.getLogger(TASKS_LOGGER)
    before = tasks_logger.level
    try:
        tasks_logger.setLevel(logging.WARNING)
        Command().configure_logging(1)
        assert tasks_logger.level == logging.WARNING
        Command().configure_logging(2)
        assert tasks_logger.level == logging.DEBUG
    finally:
        tasks_logger.setLevel(before)
