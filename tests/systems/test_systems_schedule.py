"""Activation and deactivation happen on time by themselves (SPEC §3 "Aktivering").

The API checks the window on every call (`authenticate_system`); the periodic job records the
new state and logs it with actor "System". Frozen clock throughout (time-machine).
"""

from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from adgang.core import scheduler
from adgang.systems.auth import authenticate_system
from adgang.systems.models import MailSystem, SystemState
from adgang.systems.rules import SENDER
from adgang.systems.services import Activation, system_delete, systems_apply_schedule
from adgang.systems.tasks import systems_apply_schedule_task
from tests.support.systems_core import ALLOWED_IP, T0, actor_of, create, system_log

SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
TEN_O_CLOCK = T0  # 10:00 in Copenhagen
JOB = "systems.apply_schedule"
TASK_PATH = "adgang.systems.tasks.systems_apply_schedule_task"


@pytest.fixture
def clock(time_machine):
    """The clock stands at 09:00 (Copenhagen); `clock(at)` moves it."""

    def move(at):
        time_machine.move_to(at, tick=False)
        return at

    move(TEN_O_CLOCK - HOUR)
    return move


@pytest.fixture
def activating(personas, clock):
    """A sender created at 09:00 to activate at 10:00."""
    return create(personas.alice, SENDER, activation=Activation.AT, active_from=TEN_O_CLOCK)


@pytest.fixture
def deactivating(personas, clock):
    """A sender active since 09:00 that deactivates at 10:00."""
    return create(personas.alice, SENDER, active_to=TEN_O_CLOCK)


def state(created) -> str:
    return MailSystem.objects.get(pk=created.system.pk).state


def status_entries(created):
    return list(system_log(created.system.pk).filter(field="Status"))


# --- activation -----------------------------------------------------------------------


def test_a_system_set_to_activate_at_ten_is_refused_a_second_before(activating, clock):
    at = clock(TEN_O_CLOCK - SECOND)
    refusal = authenticate_system(activating.api_key, ALLOWED_IP, at)
    assert (refusal.status, refusal.code) == (403, "system.not.active")


def test_a_system_set_to_activate_at_ten_is_accepted_at_ten(activating, clock):
    at = clock(TEN_O_CLOCK)
    assert authenticate_system(activating.api_key, ALLOWED_IP, at).pk == activating.system.pk


def test_it_awaits_activation_when_created(activating):
    assert state(activating) == SystemState.AWAITING
    assert activating.warnings == ["future_activation"]


def test_the_schedule_changes_nothing_a_minute_before(activating, clock):
    assert systems_apply_schedule(now=clock(TEN_O_CLOCK - MINUTE)) == []
    assert state(activating) == SystemState.AWAITING
    assert status_entries(activating) == []


def test_the_schedule_records_the_activation_at_ten_as_actor_system(activating, clock, personas):
    changed = systems_apply_schedule(now=clock(TEN_O_CLOCK))
    assert [s.pk for s in changed] == [activating.system.pk]
    assert state(activating) == SystemState.ACTIVE
    [entry] = status_entries(activating)
    assert (entry.actor, entry.actor_cvr, entry.actor_rid) == ("System", "", "")
    assert (entry.event, entry.before, entry.after) == ("Aktiveret", "Afventer aktivering", "Aktiv")
    assert entry.organisation == personas.alice.organisation
    assert entry.object_name == activating.system.name
    assert entry.occurred_at == TEN_O_CLOCK


def test_running_the_schedule_twice_logs_the_activation_once(activating, clock):
    systems_apply_schedule(now=clock(TEN_O_CLOCK))
    assert systems_apply_schedule(now=clock(TEN_O_CLOCK + 30 * SECOND)) == []
    assert systems_apply_schedule(now=clock(TEN_O_CLOCK + MINUTE)) == []
    assert len(status_entries(activating)) == 1


def test_a_late_run_still_activates_once(activating, clock):
    systems_apply_schedule(now=clock(TEN_O_CLOCK + 3 * HOUR))
    assert state(activating) == SystemState.ACTIVE
    assert len(status_entries(activating)) == 1


# --- deactivation ---------------------------------------------------------------------


def test_a_system_deactivating_at_ten_is_accepted_a_second_before(deactivating, clock):
    at = clock(TEN_O_CLOCK - SECOND)
    assert authenticate_system(deactivating.api_key, ALLOWED_IP, at)


def test_a_system_deactivating_at_ten_is_refused_at_ten(deactivating, clock):
    refusal = authenticate_system(deactivating.api_key, ALLOWED_IP, clock(TEN_O_CLOCK))
    assert (refusal.status, refusal.code) == (403, "system.not.active")


def test_the_schedule_changes_no_deactivation_a_minute_before(deactivating, clock):
    assert state(deactivating) == SystemState.ACTIVE
    assert systems_apply_schedule(now=clock(TEN_O_CLOCK - MINUTE)) == []
    assert state(deactivating) == SystemState.ACTIVE
    assert status_entries(deactivating) == []


def test_the_schedule_records_the_deactivation_at_ten_as_actor_system(deactivating, clock):
    systems_apply_schedule(now=clock(TEN_O_CLOCK))
    assert state(deactivating) == SystemState.DEACTIVATED
    [entry] = status_entries(deactivating)
    assert (entry.actor, entry.event, entry.before, entry.after) == (
        "System",
        "Deaktiveret",
        "Aktiv",
        "Deaktiveret",
    )


def test_running_the_schedule_twice_logs_the_deactivation_once(deactivating, clock):
    systems_apply_schedule(now=clock(TEN_O_CLOCK))
    systems_apply_schedule(now=clock(TEN_O_CLOCK + MINUTE))
    assert len(status_entries(deactivating)) == 1


def test_activation_and_deactivation_both_passed_while_the_worker_was_down(personas, clock):
    created = create(
        personas.alice,
        SENDER,
        activation=Activation.AT,
        active_from=TEN_O_CLOCK,
        active_to=TEN_O_CLOCK + HOUR,
    )
    systems_apply_schedule(now=clock(TEN_O_CLOCK + 2 * HOUR))
    assert state(created) == SystemState.DEACTIVATED
    [entry] = status_entries(created)
    assert (entry.before, entry.after) == ("Afventer aktivering", "Deaktiveret")


# --- what the schedule leaves alone ---------------------------------------------------


def test_the_schedule_leaves_a_system_that_is_not_activated_alone(personas, clock):
    created = create(personas.alice, SENDER, activation=Activation.NEVER)
    systems_apply_schedule(now=clock(TEN_O_CLOCK + 24 * HOUR))
    assert state(created) == SystemState.NOT_ACTIVATED
    assert status_entries(created) == []


def test_the_schedule_leaves_a_deleted_system_alone(activating, clock, personas):
    system_delete(actor=actor_of(personas.alice), system=activating.system)
    assert systems_apply_schedule(now=clock(TEN_O_CLOCK)) == []
    assert state(activating) == SystemState.AWAITING


def test_the_schedule_only_touches_due_systems(activating, personas, clock):
    later = create(
        personas.alice,
        SENDER,
        name="Senere",
        activation=Activation.AT,
        active_from=TEN_O_CLOCK + HOUR,
    )
    systems_apply_schedule(now=clock(TEN_O_CLOCK))
    assert (state(activating), state(later)) == (SystemState.ACTIVE, SystemState.AWAITING)


# --- the periodic job -----------------------------------------------------------------


def test_the_job_is_registered_with_the_core_scheduler_every_minute():
    jobs = {job.name: job for job in scheduler.registered_jobs()}
    assert jobs[JOB].task is systems_apply_schedule_task
    assert jobs[JOB].every == MINUTE


def enqueued() -> int:
    return DBTaskResult.objects.filter(task_path=TASK_PATH).count()


def test_tick_enqueues_the_job_once_a_minute(db, clock):
    assert JOB in scheduler.tick(clock(TEN_O_CLOCK))
    assert enqueued() == 1
    assert JOB not in scheduler.tick(clock(TEN_O_CLOCK + 30 * SECOND))
    assert enqueued() == 1
    assert JOB in scheduler.tick(clock(TEN_O_CLOCK + MINUTE))
    assert enqueued() == 2


def test_the_task_applies_the_schedule_at_the_clocks_now(activating, clock):
    clock(TEN_O_CLOCK)
    assert systems_apply_schedule_task.call() == 1
    assert state(activating) == SystemState.ACTIVE
    assert systems_apply_schedule_task.call() == 0
