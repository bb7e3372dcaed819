"""Operational state: worker heartbeats and the scheduler's due times."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """A background worker reporting that it is alive (read by /readyz)."""

    worker_id = models.CharField(max_length=100, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class ScheduledJob(models.Model):
    """When a periodic job is next due. One row per registered job name.

    Workers on several hosts claim a due run with a conditional UPDATE on `next_run_at`, so
    each run is enqueued exactly once however many workers tick at the same moment.
    """

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
