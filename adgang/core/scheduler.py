"""The one scheduler entry point: periodic jobs that "happen by themselves" (DESIGN "scheduling").

Apps register their periodic tasks in their AppConfig.ready():

    from adgang.core.scheduler import register_periodic
    register_periodic("exemptions.expire", expire_company_exemptions, every=timedelta(hours=1))

Every running worker calls `tick()` regularly (see the `db_worker` command). A due job is
claimed with a conditional UPDATE, so it is enqueued once per period however many workers
on however many hosts tick at the same moment; the task then runs on whichever worker picks
it from the queue.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from adgang.core.clock import now
from adgang.core.models import ScheduledJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: object  # a django_tasks Task
    every: timedelta


_registry: dict[str, PeriodicJob] = {}


def register_periodic(name: str, task, *, every: timedelta) -> None:
    """Run `task` (a django-tasks Task taking no arguments) once every `every`."""
    if not name:
        raise ValueError("A periodic job needs a name.")
    if not callable(getattr(task, "enqueue", None)):
        raise TypeError(f"Periodic job {name!r} needs a task (decorate it with @task()).")
    if every <= timedelta(0):
        raise ValueError("A periodic job needs a positive interval.")
    existing = _registry.get(name)
    if existing is not None and existing.task is not task:
        raise ValueError(f"Periodic job {name!r} is already registered with another task.")
    _registry[name] = PeriodicJob(name, task, every)


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_registry.values(), key=lambda job: job.name)


@contextmanager
def isolated_registry() -> Iterator[None]:
    """For tests: start from an empty registry and restore the real one afterwards."""
    saved = dict(_registry)
    _registry.clear()
    try:
        yield
    finally:
        _registry.clear()
        _registry.update(saved)


def next_due(due: datetime, every: timedelta, at: datetime) -> datetime:
    """The first time after `at` on the job's rhythm (due, due + every, due + 2·every …).

    After downtime a job therefore runs once, not once per missed period, and keeps the time
    of day it had (a daily job due at 03:00 stays at 03:00).
    """
    missed = (at - due) // every if at >= due else -1
    return due + (missed + 1) * every


def _row_for(job: PeriodicJob, at: datetime) -> ScheduledJob:
    row = ScheduledJob.objects.filter(name=job.name).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return ScheduledJob.objects.create(name=job.name, next_run_at=at)
    except IntegrityError:  # another worker created it in the meantime
        return ScheduledJob.objects.get(name=job.name)


def _claim_and_enqueue(job: PeriodicJob, row: ScheduledJob, at: datetime) -> bool:
    """Claim this run and enqueue it, both or neither.

    The UPDATE only matches while `next_run_at` is what this worker read, so of several
    workers ticking at once exactly one claims the run (on PostgreSQL the others wait for its
    row lock, then find the value changed). Enqueueing in the same transaction means a failed
    enqueue releases the claim instead of silently skipping a period.
    """
    with transaction.atomic():
        claimed = ScheduledJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
            next_run_at=next_due(row.next_run_at, job.every, at), last_enqueued_at=at
        )
        if claimed:
            job.task.enqueue()
    return bool(claimed)


def tick(at: datetime | None = None) -> list[str]:
    """Enqueue every job that is due at `at` (default: now); return the names enqueued.

    A job whose enqueue fails is logged and retried at the next tick; it does not keep the
    other jobs from running.
    """
    at = at or now()
    enqueued = []
    for job in registered_jobs():
        try:
            row = _row_for(job, at)
            if row.next_run_at > at or not _claim_and_enqueue(job, row, at):
                continue
        except Exception:
            logger.exception("Periodic job %s could not be enqueued", job.name)
            continue
        enqueued.append(job.name)
        logger.debug("Enqueued periodic job %s", job.name)
    return enqueued
