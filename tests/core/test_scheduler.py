"""The periodic scheduler (adgang.core.scheduler): each due run enqueued exactly once."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult
from hypothesis import given
from hypothesis import strategies as st

from adgang.core import scheduler
from adgang.core.models import ScheduledJob
from adgang.core.tasks import prune_finished_tasks

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
PRUNE_PATH = "adgang.core.tasks.prune_finished_tasks"


@pytest.fixture
def registry():
    """An empty registry for the test; the real one (with the apps' jobs) comes back after."""
    with scheduler.isolated_registry():
        yield


def enqueued_count() -> int:
    return DBTaskResult.objects.filter(task_path=PRUNE_PATH).count()


class BrokenTask:
    """Stands in for a task whose enqueue fails (e.g. the database refused the row)."""

    def enqueue(self):
        raise RuntimeError("enqueue failed")


# --- registration ---------------------------------------------------------------------


@pytest.mark.parametrize("every", [timedelta(0), timedelta(seconds=-1), -HOUR])
def test_register_periodic_refuses_an_interval_that_is_not_positive(registry, every):
    with pytest.raises(ValueError, match=r"A periodic job needs a positive interval\."):
        scheduler.register_periodic("test.job", prune_finished_tasks, every=every)
    assert scheduler.registered_jobs() == []


@pytest.mark.parametrize("not_a_task", [None, "adgang.core.tasks.prune_finished_tasks", print])
def test_register_periodic_refuses_what_is_not_a_task(registry, not_a_task):
    with pytest.raises(TypeError, match=r"Periodic job 'test.job' needs a task"):
        scheduler.register_periodic("test.job", not_a_task, every=HOUR)
    assert scheduler.registered_jobs() == []


def test_register_periodic_refuses_an_empty_name(registry):
    with pytest.raises(ValueError, match=r"A periodic job needs a name\."):
        scheduler.register_periodic("", prune_finished_tasks, every=HOUR)


def test_register_periodic_refuses_one_name_for_two_tasks(registry):
    scheduler.register_periodic("test.job", prune_finished_tasks, every=HOUR)
    with pytest.raises(ValueError, match=r"'test\.job' is already registered with another task"):
        scheduler.register_periodic("test.job", BrokenTask(), every=HOUR)
    assert [job.task for job in scheduler.registered_jobs()] == [prune_finished_tasks]


def test_register_periodic_twice_with_the_same_task_is_harmless(registry):
    scheduler.register_periodic("test.job", prune_finished_tasks, every=HOUR)
    scheduler.register_periodic("test.job", prune_finished_tasks, every=2 * HOUR)
    assert scheduler.registered_jobs() == [
        scheduler.PeriodicJob("test.job", prune_finished_tasks, 2 * HOUR)
    ]


def test_isolated_registry_restores_the_apps_jobs():
    before = scheduler.registered_jobs()
    with scheduler.isolated_registry():
        assert scheduler.registered_jobs() == []
        scheduler.register_periodic("test.job", prune_finished_tasks, every=HOUR)
    assert scheduler.registered_jobs() == before


def test_the_core_prunes_finished_tasks_daily():
    jobs = {job.name: job for job in scheduler.registered_jobs()}
    assert jobs["core.prune_finished_tasks"].task is prune_finished_tasks
    assert jobs["core.prune_finished_tasks"].every == timedelta(days=1)


# --- ticking ----------------------------------------------------------------------------


def test_tick_runs_a_new_job_at_once_and_schedules_the_next_run(db, registry):
    scheduler.register_periodic("test.job", prune_finished_tasks, every=HOUR)
    assert scheduler.tick(T0) == ["test.job"]
    row = ScheduledJob.objects.get(name="test.job")
    assert (row.next_run_at, row.last_enqueued_at) == (T0 + HOUR, T0)
    assert enqueued_count() == 1


def test_tick_enqueues_nothing_twice_at_the_same_moment(db, registry):
    scheduler.register_periodic("test.job", prune_finished_tasks, every=HOUR)
    scheduler.tick(T0)
    assert scheduler.tick(T0) == []
    assert enqueued_count() == 1


def test_tick_enqueues_nothing_before_the_job_is_due(db, registry):
    scheduler.register_periodic("test.job", prune_finished_tasks, every=HOUR)
    scheduler.tick(T0)
    assert scheduler.tick(T0 + HOUR - timedelta(microseconds=1)) == []
    assert enqueued_count() == 1


def test_tick_runs_the_job_again_when_its_period_is_over(db, registry):
    scheduler.register_periodic("test.job", prune_finished_tasks, every=HOUR)
    scheduler.tick(T0)
    assert scheduler.tick(T0 + HOUR) == ["test.job"]
    assert ScheduledJob.objects.get(name="test.job").next_run_at == T0 + 2 * HOUR
    assert enqueued_count() == 2


def test_a_late_tick_keeps_the_rhythm(db, registry):
    scheduler.register_periodic("test.job", prune_finished_tasks, every=HOUR)
    scheduler.tick(T0)
    scheduler.tick(T0 + HOUR + timedelta(seconds=14))
    assert ScheduledJob.objects.get(name="test.job").next_run_at == T0 + 2 * HOUR


def test_after_downtime_a_job_runs_once_not_once_per_missed_period(db, registry):
    scheduler.register_periodic("test.job", prune_finished_tasks, every=HOUR)
    scheduler.tick(T0)
    back = T0 + 10 * HOUR + timedelta(minutes=20)
    assert scheduler.tick(back) == ["test.job"]
    # The next tick of the worker, a few seconds later, must not run it again.
    assert scheduler.tick(back + timedelta(seconds=15)) == []
    assert enqueued_count() == 2


def test_after_downtime_a_job_keeps_its_time_of_day(db, registry):
    scheduler.register_periodic("test.job", prune_finished_tasks, every=timedelta(days=1))
    scheduler.tick(T0)  # 03:00
    scheduler.tick(T0 + timedelta(days=3, hours=7))  # back at 10:00 three days later
    row = ScheduledJob.objects.get(name="test.job")
    assert row.next_run_at == T0 + timedelta(days=4)  # 03:00 the next morning


def test_tick_defaults_to_the_clocks_now(db, registry, time_machine):
    time_machine.move_to(T0, tick=False)
    scheduler.register_periodic("test.job", prune_finished_tasks, every=HOUR)
    assert scheduler.tick() == ["test.job"]
    assert ScheduledJob.objects.get(name="test.job").last_enqueued_at == T0


def test_tick_enqueues_every_due_job(db, registry):
    scheduler.register_periodic("test.hourly", prune_finished_tasks, every=HOUR)
    scheduler.register_periodic("test.daily", prune_finished_tasks, every=timedelta(days=1))
    assert scheduler.tick(T0) == ["test.daily", "test.hourly"]
    assert scheduler.tick(T0 + HOUR) == ["test.hourly"]
    assert enqueued_count() == 3


def test_a_job_whose_enqueue_fails_keeps_its_claim_and_does_not_stop_the_others(
    db, registry, caplog
):
    scheduler.register_periodic("test.broken", BrokenTask(), every=HOUR)
    scheduler.register_periodic("test.working", prune_finished_tasks, every=HOUR)
    assert scheduler.tick(T0) == ["test.working"]
    broken = ScheduledJob.objects.get(name="test.broken")
    assert (broken.next_run_at, broken.last_enqueued_at) == (T0, None)  # due again next tick
    assert "Periodic job test.broken could not be enqueued" in caplog.text
    assert enqueued_count() == 1


def test_a_worker_that_read_a_stale_row_claims_nothing(db, registry):
    scheduler.register_periodic("test.job", prune_finished_tasks, every=HOUR)
    job = scheduler.registered_jobs()[0]
    ScheduledJob.objects.create(name="test.job", next_run_at=T0)
    seen_by_first = ScheduledJob.objects.get(name="test.job")
    seen_by_second = ScheduledJob.objects.get(name="test.job")
    assert scheduler._claim_and_enqueue(job, seen_by_first, T0) is True
    assert scheduler._claim_and_enqueue(job, seen_by_second, T0) is False
    assert enqueued_count() == 1


@pytest.mark.django_db(transaction=True)
def test_workers_ticking_at_the_same_moment_enqueue_a_run_once(registry):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections with row locks (PostgreSQL)")
    scheduler.register_periodic("test.job", prune_finished_tasks, every=HOUR)
    workers = 4
    for round_ in range(5):
        at = T0 + round_ * HOUR
        start = threading.Barrier(workers)
        results: list[list[str]] = []

        def worker(at=at, start=start, results=results):
            try:
                start.wait()
                results.append(scheduler.tick(at))
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(results) == [[], [], [], ["test.job"]], f"round {round_}"
    assert enqueued_count() == 5
    assert ScheduledJob.objects.count() == 1


# --- the rhythm itself ------------------------------------------------------------------


@given(
    every=st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=30)),
    late_by=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
)
def test_next_due_is_the_first_time_on_the_rhythm_after_now(every, late_by):
    at = T0 + late_by
    due = scheduler.next_due(T0, every, at)
    assert due > at
    assert due - every <= at
    assert (due - T0) % every == timedelta(0)
