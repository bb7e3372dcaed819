"""Health endpoints for load balancers and orchestration (SPEC §15)."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from adgang.accounts.access import public
from adgang.core.clock import now
from adgang.core.heartbeat import latest_heartbeat, worker_is_alive


@public
@never_cache
@require_GET
def healthz(request):
    """The process is up and serving requests; touches nothing else."""
    return JsonResponse({"status": "ok"})


@public
@never_cache
@require_GET
def readyz(request):
    """Ready: the database answers and a worker has reported within the last minute."""
    checks = {"database": "ok", "worker": "ok"}
    last_seen = None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        heartbeat = latest_heartbeat()
        last_seen = heartbeat.last_seen.isoformat() if heartbeat else None
        if not worker_is_alive(heartbeat):
            checks["worker"] = "no worker seen within the last minute"
    except DatabaseError:
        checks["database"] = "unreachable"
        checks["worker"] = "unknown"
    ready = all(value == "ok" for value in checks.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": checks,
        "worker_last_seen": last_seen,
        "time": now().isoformat(),
    }
    return JsonResponse(body, status=200 if ready else 503)
