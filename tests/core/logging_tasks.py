"""Tasks for the logging tests: they log while they run, so the lines must carry the task id.

Importable by the worker the tests run (the working directory is the project).
"""

import logging

from django_tasks import task

logger = logging.getLogger("adgang.tests.logging_tasks")


@task()
def say(text: str) -> str:
    logger.warning("task says %s", text)
    return text


@task()
def fail() -> None:
    logger.warning("task is about to fail")
    raise RuntimeError("planned failure")
