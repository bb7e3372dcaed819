"""Request and task ids on every log line, and the JSON log format (issue 10 "Operations").

A request carries the id the reverse proxy gave it (`X-Request-ID`, when it is safe to echo)
or a fresh one; a background task carries the id of its task result. Both live in context
variables, so every log line written while the request or the task runs can name them,
whichever module writes it. `ADGANG_LOG_FORMAT=json` writes one JSON object per line for a
log shipper; `plain` (the default) keeps the console readable for `make run`.
"""

import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.core.signals import request_finished
from django.dispatch import receiver
from django_tasks.signals import task_finished, task_started
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

request_id: ContextVar[str | None] = ContextVar("adgang_request_id", default=None)
task_id: ContextVar[str | None] = ContextVar("adgang_task_id", default=None)


def request_id_from(incoming: str | None) -> str:
    """The caller's id when it is ≤ 64 characters of [A-Za-z0-9._-], else a new uuid4 hex.

    Anything else could smuggle line breaks or markup into logs and into the response header.
    """
    if incoming and _SAFE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Sets the request id for the request's duration and echoes it in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        value = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = value
        # Cleared at request_finished, not here: Django logs a 4xx/5xx answer ("Not Found: …")
        # after the middleware chain has returned, and that line must carry the id too.
        request_id.set(value)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = value
        return response


@receiver(request_finished, dispatch_uid="adgang.observability.request_finished")
def _request_finished(sender, **kwargs) -> None:
    request_id.set(None)


@receiver(task_started, dispatch_uid="adgang.observability.task_started")
def _task_started(sender, task_result, **kwargs) -> None:
    task_id.set(str(task_result.id))


@receiver(task_finished, dispatch_uid="adgang.observability.task_finished")
def _task_finished(sender, task_result, **kwargs) -> None:
    # django_tasks' own receiver (connected first) has logged the outcome with the id by now.
    task_id.set(None)


class ContextFilter(logging.Filter):
    """Adds `request_id` and `task_id` (None outside a request or a task) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.task_id = task_id.get()
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, request_id,
    task_id, exc_info (the traceback as text) when there is one, and any `extra=` values.

    Django's `request` extra is left out: a request object says nothing a log reader needs
    beyond the request id, and its text form carries the query string.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "fmt", ["asctime", "levelname", "name", "message", "request_id", "task_id"]
        )
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)

    def formatTime(self, record, datefmt=None) -> str:
        return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")

    def add_fields(self, log_data, record, message_dict) -> None:
        # Records that never passed the ContextFilter (e.g. a handler added elsewhere) still
        # get both keys.
        record.__dict__.setdefault("request_id", request_id.get())
        record.__dict__.setdefault("task_id", task_id.get())
        super().add_fields(log_data, record, message_dict)
