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
    if every <= timedelta(0):
        raise ValueError("A periodic job needs a positive interval.")
    existing = _registry.get(name)
    if existing is not None and existing.task is not task:
        raise ValueError(f"Periodic job {name!r} is already registered with another task.")
    _registry[name] = PeriodicJob(name, task, every)


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_registry.values(), key=lambda job: job.name)


def _row_for(job: PeriodicJob, at: datetime) -> ScheduledJob:
    row = ScheduledJob.objects.filter(name=job.name).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return ScheduledJob.objects.create(name=job.name, next_run_at=at)
    except IntegrityError:  # another worker created it in the meantime
        return ScheduledJob.objects.get(name=job.name)


def tick(at: datetime | None = None) -> list[str]:
    """Enqueue every job that is due at `at` (default: now); return the names enqueued."""
    at = at or now()
    enqueued = []
    for job in registered_jobs():
        row = _row_for(job, at)
        if row.next_run_at > at:
            continue
        # Catch up without a burst: after downtime a job runs once, then keeps its rhythm.
        claimed = ScheduledJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
            next_run_at=max(row.next_run_at + job.every, at), last_enqueued_at=at
        )
        if claimed:
            job.task.enqueue()
            enqueued.append(job.name)
            logger.info("Enqueued periodic job %s", job.name)
    return enqueued
