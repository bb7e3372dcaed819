"""Worker heartbeats: the evidence /readyz uses that background work is being done."""

import os
import socket
from datetime import datetime

from django.conf import settings

from adgang.core.clock import now
from adgang.core.models import WorkerHeartbeat


def heartbeat_beat(*, worker_id: str, started_at: datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen": now(),
        },
    )


def latest_heartbeat() -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.order_by("-last_seen").first()


def worker_is_alive(latest: WorkerHeartbeat | None = None) -> bool:
    """A worker reported within ADGANG_WORKER_STALE_AFTER (default one minute, SPEC §15)."""
    latest = latest or latest_heartbeat()
    return latest is not None and now() - latest.last_seen <= settings.ADGANG_WORKER_STALE_AFTER
