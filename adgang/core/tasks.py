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
    current = now()
    finished = DBTaskResult.objects.finished()
    deleted, _ = finished.filter(finished_at__lt=current - FINISHED_TASK_RETENTION).delete()
    gone, _ = WorkerHeartbeat.objects.filter(last_seen__lt=current - HEARTBEAT_RETENTION).delete()
    return deleted + gone
