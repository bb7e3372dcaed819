"""The worker keeps going when its database connection breaks (issue 10 fault suite): the
in-process half of test_faults_database_cut.py, so SQLite runs it too.

Upstream's worker cannot record a task's failure on a broken connection and the exception
ends the process; adgang's `db_worker` starts over on a new connection instead. A one-off
`--batch` run reports the error."""

import signal

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django_tasks_db.management.commands.db_worker import Command as UpstreamCommand

from adgang.core.management.commands import db_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lost_once(monkeypatch):
    """Upstream's worker loses the database on its first run and ends normally on its second."""
    runs = []

    def handle(self, *args, **options):
        runs.append(options)
        if len(runs) == 1:
            raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(UpstreamCommand, "handle", handle)
    monkeypatch.setattr(db_worker, "RESTART", 0.01)
    return runs


def run_worker(**options) -> None:
    call_command("db_worker", reload=False, worker_id="restarting", verbosity=0, **options)


def test_a_worker_that_loses_the_database_starts_over(lost_once, caplog):
    run_worker()
    assert len(lost_once) == 2
    assert lost_once[1]["startup_delay"] is False
    assert "Worker lost the database; starting over" in caplog.text


def test_a_batch_run_that_loses_the_database_reports_the_error(lost_once):
    with pytest.raises(OperationalError):
        run_worker(batch=True)
    assert len(lost_once) == 1


def test_a_worker_asked_to_stop_does_not_start_over(monkeypatch):
    """SIGTERM during a task, then the database error: the worker stops as it was asked."""
    runs = []

    def handle(self, *args, **options):
        runs.append(options)
        if len(runs) == 1:  # a second run would be the worker wrongly starting over
            worker = type("Worker", (), {"running": False, "shutdown": lambda self, *a: None})()
            signal.signal(signal.SIGTERM, worker.shutdown)
            raise OperationalError("the connection is closed")

    previous = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(UpstreamCommand, "handle", handle)
    monkeypatch.setattr(db_worker, "RESTART", 0.01)
    try:
        with pytest.raises(OperationalError):
            run_worker()
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert len(runs) == 1
