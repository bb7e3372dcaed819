"""`manage.py db_worker`: django-tasks-db's worker plus our heartbeat and scheduler.

Each worker process beats every ADGANG_HEARTBEAT_SECONDS (so /readyz can tell that work is
being done) and ticks the scheduler (adgang.core.scheduler). Everything else, including
`--batch`, `--queue-name` and signal handling, is the upstream command's.

The pulse runs in a thread of its own. Django gives every thread its own database connection,
and on SQLite the settings turn on WAL and a busy timeout, so a beat written while the worker
thread holds the write lock waits for it instead of failing. With `--reload` only the
reloaded child that runs the tasks beats, never the supervising parent: a worker that fails
to start must not look alive.

When the database connection breaks (a PostgreSQL restart, a terminated backend), the
upstream worker cannot even record the failed task on the broken connection and exits; here
it starts over on a new connection after a second. The interrupted task's row stays RUNNING,
as after a crash; its work is taken over by the leases of the domain jobs (deliveries, moves).
"""

import logging
import os
import signal
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as UpstreamCommand

from adgang.core import scheduler
from adgang.core.clock import now
from adgang.core.heartbeat import heartbeat_beat

logger = logging.getLogger(__name__)
RESTART = 1.0  # seconds before a worker that lost the database starts over


def pulse(*, worker_id: str, started_at) -> None:
    """One heartbeat and one scheduler tick; errors are logged, never fatal to the worker."""
    try:
        close_old_connections()
        heartbeat_beat(worker_id=worker_id, started_at=started_at)
        scheduler.tick()
    except Exception:
        logger.exception("Worker pulse failed")
    finally:
        connection.close()


def _stopping() -> bool:
    """True when the upstream worker was asked to stop (its SIGTERM handler is its bound
    `shutdown`, which clears `running`)."""
    worker = getattr(signal.getsignal(signal.SIGTERM), "__self__", None)
    return worker is not None and not getattr(worker, "running", True)


def _pulse_forever(stop: threading.Event, worker_id: str, started_at) -> None:
    while not stop.wait(settings.ADGANG_HEARTBEAT_SECONDS):
        pulse(worker_id=worker_id, started_at=started_at)


class Command(UpstreamCommand):
    help = "Run a database background worker, with heartbeat and periodic scheduler."

    def configure_logging(self, verbosity: int) -> None:
        """Upstream sets the tasks loggers to INFO at the default verbosity, which would undo
        LOGGING in settings (django_tasks at WARNING: otherwise a RUNNING and a SUCCESSFUL line
        for every periodic job every 15 seconds). Only an explicit `-v 0` or `-v 2`/`-v 3`
        changes them here."""
        if verbosity != 1:
            super().configure_logging(verbosity)

    def handle(self, *args, **options):
        reloading = options["reload"] and not options["batch"]
        if reloading and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The reloader's parent only restarts the child; the child beats.
            return super().handle(*args, **options)
        worker_id = options["worker_id"]
        started_at = now()
        pulse(worker_id=worker_id, started_at=started_at)
        stop = threading.Event()
        if not options.get("batch"):
            threading.Thread(
                target=_pulse_forever,
                args=(stop, worker_id, started_at),
                name="adgang-pulse",
                daemon=True,
            ).start()
        try:
            while True:
                try:
                    return super().handle(*args, **options)
                except DatabaseError:
                    if options.get("batch") or _stopping():  # report it, or stop as asked
                        raise
                    logger.exception("Worker lost the database; starting over in %s s", RESTART)
                    connection.close()
                    time.sleep(RESTART)
                    options = {**options, "startup_delay": False}
        finally:
            stop.set()
