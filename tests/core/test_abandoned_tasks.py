"""Housekeeping of task rows a killed worker left RUNNING (issue 10, fault suite's leftover).

django-tasks-db claims a row RUNNING and records the outcome when the task returns; a worker
killed with SIGKILL never returns, so its row would stay RUNNING forever (the work itself is
recovered by the leases: tests/faults). `tasks_fail_abandoned` marks such rows FAILED with a
reason once they are older than `ADGANG_TASK_ABANDONED_AFTER_SECONDS` and their worker no
longer beats.
"""

from datetime import timedelta

import pytest
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from adgang.core.clock import now
from adgang.core.heartbeat import heartbeat_beat
from adgang.core.scheduler import registered_jobs
from adgang.core.tasks import (
    TaskAbandoned,
    fail_abandoned_tasks,
    prune_finished_tasks,
    tasks_fail_abandoned,
)

T0 = "2026-03-02 10:00:00+00:00"
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)

pytestmark = pytest.mark.django_db


def claimed_row(time_machine, *, worker: str = "killed-worker") -> DBTaskResult:
    """A task row claimed by `worker` at T0, whose worker beat at T0 and was then killed."""
    time_machine.move_to(T0, tick=False)
    heartbeat_beat(worker_id=worker, started_at=now() - MINUTE)
    row = DBTaskResult.objects.get(id=prune_finished_tasks.enqueue().id)
    row.claim(worker)
    return row


def at(time_machine, delta: timedelta):
    time_machine.move_to(T0, tick=False)
    time_machine.shift(delta)
    return now()


def status(row: DBTaskResult) -> str:
    row.refresh_from_db()
    return row.status


def test_a_row_of_a_killed_worker_is_failed_after_the_bound_with_the_reason(time_machine):
    row = claimed_row(time_machine)
    assert tasks_fail_abandoned(at(time_machine, HOUR + MINUTE)) == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.finished_at == now()
    error = row.task_result.errors[0]
    assert error.exception_class_path == "adgang.core.tasks.TaskAbandoned"
    assert error.exception_class is TaskAbandoned
    assert "The worker running this task stopped (killed or its host lost)" in error.traceback
    assert "after 60 minutes" in error.traceback


def test_a_row_younger_than_the_bound_is_left_running(time_machine):
    row = claimed_row(time_machine)
    assert tasks_fail_abandoned(at(time_machine, HOUR - MINUTE)) == 0
    assert status(row) == TaskResultStatus.RUNNING


def test_a_long_task_on_a_worker_that_still_beats_is_left_running(time_machine):
    row = claimed_row(time_machine, worker="busy-worker")
    process_started = at(time_machine, -MINUTE)
    at(time_machine, 3 * HOUR)
    heartbeat_beat(worker_id="busy-worker", started_at=process_started)
    assert tasks_fail_abandoned(at(time_machine, 3 * HOUR)) == 0
    assert status(row) == TaskResultStatus.RUNNING


def test_a_worker_restarted_under_the_same_id_does_not_keep_its_old_row_alive(time_machine):
    row = claimed_row(time_machine, worker="fixed-id")
    restarted = at(time_machine, 2 * HOUR)
    heartbeat_beat(worker_id="fixed-id", started_at=restarted)  # a new process, same id
    assert tasks_fail_abandoned(at(time_machine, 2 * HOUR + MINUTE)) == 1
    assert status(row) == TaskResultStatus.FAILED


def test_a_worker_that_never_beat_counts_as_gone(time_machine):
    time_machine.move_to(T0, tick=False)
    row = DBTaskResult.objects.get(id=prune_finished_tasks.enqueue().id)
    row.claim("no-heartbeat")
    assert tasks_fail_abandoned(at(time_machine, HOUR + MINUTE)) == 1
    assert status(row) == TaskResultStatus.FAILED


def test_ready_and_finished_rows_are_never_touched(time_machine):
    time_machine.move_to(T0, tick=False)
    ready = DBTaskResult.objects.get(id=prune_finished_tasks.enqueue().id)
    done = DBTaskResult.objects.get(id=prune_finished_tasks.enqueue().id)
    done.claim("w")
    done.set_successful(0)
    failed = DBTaskResult.objects.get(id=prune_finished_tasks.enqueue().id)
    failed.claim("w")
    failed.set_failed(RuntimeError("boom"))
    assert tasks_fail_abandoned(at(time_machine, 10 * HOUR)) == 0
    assert [status(r) for r in (ready, done, failed)] == [
        TaskResultStatus.READY,
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.FAILED,
    ]
    failed.refresh_from_db()
    assert "boom" in failed.traceback  # its own reason kept


def test_the_bound_is_a_setting(time_machine, settings):
    settings.ADGANG_TASK_ABANDONED_AFTER_SECONDS = 600
    row = claimed_row(time_machine)
    assert tasks_fail_abandoned(at(time_machine, 9 * MINUTE)) == 0
    assert tasks_fail_abandoned(at(time_machine, 11 * MINUTE)) == 1
    assert status(row) == TaskResultStatus.FAILED
    assert "after 10 minutes" in row.traceback


def test_the_job_is_periodic_every_ten_minutes_and_counts(time_machine):
    jobs = {job.name: job for job in registered_jobs()}
    assert jobs["core.fail_abandoned_tasks"].task is fail_abandoned_tasks
    assert jobs["core.fail_abandoned_tasks"].every == timedelta(minutes=10)
    claimed_row(time_machine)
    claimed_row(time_machine, worker="another")
    at(time_machine, 2 * HOUR)
    assert fail_abandoned_tasks.call() == 2
    assert fail_abandoned_tasks.call() == 0  # settled once
