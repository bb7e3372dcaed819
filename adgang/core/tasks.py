"""Housekeeping that the platform does by itself."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from adgang.core.clock import now
from adgang.core.models import WorkerHeartbeat

FINISHED_TASK_RETENTION = timedelta(days=14)
HEARTBEAT_RETENTION = timedelta(days=1)


@task()
def prune_finished_tasks() -> int:
    """Delete finished task results and long-gone workers' heartbeats; return rows removed."""
    current = now()
    finished = DBTaskResult.objects.finished()
    deleted, _ = finished.filter(finished_at__lt=current - FINISHED_TASK_RETENTION).delete()
    gone, _ = WorkerHeartbeat.objects.filter(last_seen__lt=current - HEARTBEAT_RETENTION).delete()
    return deleted + gone


class TaskAbandoned(Exception):
    """The worker running the task stopped (killed, host lost) before it finished."""


ABANDONED_REASON = (
    "The worker running this task stopped (killed or its host lost) before the task finished; "
    "marked failed by housekeeping after {minutes} minutes. The work itself is taken up again "
    "by its own lease or recovery job (deliveries, moves, deletions), not by this row."
)


def tasks_fail_abandoned(at=None) -> int:
    """Mark RUNNING task rows whose worker is gone as FAILED with the reason; return how many.

    django-tasks-db claims a row RUNNING and sets its outcome only when the task returns, so a
    worker killed with SIGKILL (or a lost host) leaves the row RUNNING forever, although our
    leases recover the work itself (tests/faults). A row counts as abandoned when it started
    more than `ADGANG_TASK_ABANDONED_AFTER_SECONDS` ago (longer than any task runs) and its
    worker has no fresh heartbeat (ADGANG_WORKER_STALE_AFTER) from the same process run, so
    a task that is still legitimately working on a live worker is left alone.
    """
    at = at or now()
    bound = timedelta(seconds=settings.ADGANG_TASK_ABANDONED_AFTER_SECONDS)
    running = list(
        DBTaskResult.objects.running()
        .filter(Q(started_at__lt=at - bound) | Q(started_at__isnull=True))
        .only("id", "started_at", "worker_ids")
    )
    if not running:
        return 0
    workers = {worker for row in running for worker in row.worker_ids[-1:]}
    alive = {
        beat.worker_id: beat
        for beat in WorkerHeartbeat.objects.filter(
            worker_id__in=workers, last_seen__gte=at - settings.ADGANG_WORKER_STALE_AFTER
        )
    }
    reason = ABANDONED_REASON.format(minutes=int(bound.total_seconds() // 60))
    failed = 0
    for row in running:
        beat = alive.get(row.worker_ids[-1]) if row.worker_ids else None
        if beat is not None and row.started_at and beat.started_at <= row.started_at:
            continue  # the worker that claimed it is still running (a long task)
        failed += DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=at,
            exception_class_path=f"{TaskAbandoned.__module__}.{TaskAbandoned.__qualname__}",
            traceback=f"{TaskAbandoned.__module__}.TaskAbandoned: {reason}\n",
            return_value=None,
        )
    return failed


@task()
def fail_abandoned_tasks() -> int:
    """Every ten minutes: settle the task rows left RUNNING by a killed worker."""
    return tasks_fail_abandoned()
