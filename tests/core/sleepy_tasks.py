"""A task for the process tests: it takes a while, so that a stop signal arrives mid-task.

Importable by the worker processes the tests start (their working directory is the project).
"""

import time

from django_tasks import task


@task()
def nap(seconds: float) -> str:
    time.sleep(seconds)
    return "rested"
