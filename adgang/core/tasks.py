"""Housekeeping that the platform does by itself."""

from datetime import timedelta

from django_tasks import task
from django_tasks_db.models import DBTaskResult

from adgang.core.clock import now
from adgang.core.models import WorkerHeartbeat

FINISHED_TASK_RETENTION = timedelta(days=14)
HEARTBEAT_RETENTION = timedelta(days=1)


@task()
def prune_finished_tasks() -> int:
    """Delete finished task results and long-gone workers' heartbeats; return rows removed."""
    cutoff = now() - FINISHED_TASK_RETENTION
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    gone, _ = WorkerHeartbeat.objects.filter(last_seen__lt=now() - HEARTBEAT_RETENTION).delete()
    return deleted + gone
