"""The core's own periodic job: pruning finished task results and gone workers' heartbeats."""

from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from adgang.core.clock import now
from adgang.core.heartbeat import heartbeat_beat
from adgang.core.models import WorkerHeartbeat
from adgang.core.tasks import prune_finished_tasks

NOW = "2026-03-02 10:00:00+00:00"


def task_result(time_machine, *, days_ago: float, outcome: str) -> DBTaskResult:
    """A task result enqueued and (for "successful"/"failed") finished `days_ago` days ago."""
    time_machine.move_to(NOW, tick=False)
    time_machine.shift(-timedelta(days=days_ago))
    row = DBTaskResult.objects.get(id=prune_finished_tasks.enqueue().id)
    if outcome != "ready":
        row.claim("a-worker")
    if outcome == "successful":
        row.set_successful(0)
    elif outcome == "failed":
        row.set_failed(RuntimeError("boom"))
    time_machine.move_to(NOW, tick=False)
    return row


@pytest.mark.parametrize("outcome", ["successful", "failed"])
def test_finished_results_older_than_two_weeks_are_removed(db, time_machine, outcome):
    row = task_result(time_machine, days_ago=14.01, outcome=outcome)
    assert prune_finished_tasks.call() == 1
    assert not DBTaskResult.objects.filter(id=row.id).exists()


@pytest.mark.parametrize("outcome", ["successful", "failed"])
def test_finished_results_of_the_last_two_weeks_are_kept(db, time_machine, outcome):
    row = task_result(time_machine, days_ago=13.99, outcome=outcome)
    assert prune_finished_tasks.call() == 0
    assert DBTaskResult.objects.filter(id=row.id).exists()


@pytest.mark.parametrize("outcome", ["ready", "running"])
def test_unfinished_tasks_are_never_removed_however_old(db, time_machine, outcome):
    row = task_result(time_machine, days_ago=60, outcome=outcome)
    assert prune_finished_tasks.call() == 0
    assert DBTaskResult.objects.filter(id=row.id).exists()


def test_heartbeats_of_workers_gone_for_a_day_are_removed(db, time_machine):
    time_machine.move_to(NOW, tick=False)
    time_machine.shift(-timedelta(days=1, seconds=1))
    heartbeat_beat(worker_id="gone", started_at=now())
    time_machine.move_to(NOW, tick=False)
    time_machine.shift(-timedelta(hours=23))
    heartbeat_beat(worker_id="stopped-recently", started_at=now())
    time_machine.move_to(NOW, tick=False)
    heartbeat_beat(worker_id="alive", started_at=now())
    assert prune_finished_tasks.call() == 1
    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {
        "stopped-recently",
        "alive",
    }


def test_prune_counts_results_and_heartbeats_together(db, time_machine):
    task_result(time_machine, days_ago=20, outcome="successful")
    task_result(time_machine, days_ago=30, outcome="failed")
    time_machine.move_to(NOW, tick=False)
    time_machine.shift(-timedelta(days=2))
    heartbeat_beat(worker_id="gone", started_at=now())
    time_machine.move_to(NOW, tick=False)
    assert prune_finished_tasks.call() == 3
    assert DBTaskResult.objects.count() == 0
    assert WorkerHeartbeat.objects.count() == 0
