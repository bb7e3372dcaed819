"""Periodic work of the Digital Post core (SPEC §3 delivery policy, §13): deliveries to
receiver systems, releasing held messages at their value date, pushing receipts.

Each task loops while work is due, for at most `RUN_BUDGET`, so one run drains a backlog
without holding a worker for long; the next period continues where it stopped. Several
workers may run the same task at once: every item is claimed by a conditional UPDATE.
"""

import time
from collections.abc import Callable
from datetime import timedelta

from django_tasks import task

from adgang.messaging.delivery import deliveries_run
from adgang.messaging.receipts_push import receipts_push_run
from adgang.messaging.release import messages_release_due

RUN_BUDGET = timedelta(seconds=30)
BATCH = 100
EVERY = timedelta(seconds=15)


def _drain(step: Callable[..., int]) -> int:
    """Call `step(limit=BATCH)` until it finds less than a batch or the budget is spent."""
    deadline = time.monotonic() + RUN_BUDGET.total_seconds()
    total = 0
    while True:
        done = step(limit=BATCH)
        total += done
        if done < BATCH or time.monotonic() >= deadline:
            return total


@task()
def deliveries_task() -> int:
    return _drain(deliveries_run)


@task()
def release_task() -> int:
    return _drain(messages_release_due)


@task()
def receipts_push_task() -> int:
    return _drain(receipts_push_run)
