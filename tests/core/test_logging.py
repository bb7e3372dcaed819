"""Structured logs (issue 10 "Operations"): every line of a request carries its request id,
every line of a background task its task id; `ADGANG_LOG_FORMAT=json` writes one JSON object
per line; secrets and the Authorization header never reach a log."""

import base64
import io
import json
import logging
import re
import subprocess
import sys
from contextlib import contextmanager
from datetime import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django_tasks_db.compat import TASKS_LOGGER

from adgang.core import scheduler
from adgang.core.observability import (
    REQUEST_ID_HEADER,
    ContextFilter,
    JsonFormatter,
    request_id,
    request_id_from,
    task_id,
)
from tests.core import logging_tasks
from tests.core.processes import MANAGE, process_env
from tests.support.messaging_api import api_client, memo_post
from tests.support.messaging_core import memo_xml, sender_system

HEX32 = re.compile(r"[0-9a-f]{32}")
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@contextmanager
def json_lines(level=logging.DEBUG):
    """Every record logged inside, formatted as the `console` handler of the settings would
    with ADGANG_LOG_FORMAT=json (its filters, our JSON formatter), parsed back."""
    root = logging.getLogger()
    [console] = [handler for handler in root.handlers if handler.name == "console"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    for installed in console.filters:
        handler.addFilter(installed)
    previous = root.level
    root.addHandler(handler)
    root.setLevel(level)
    lines: list[dict] = []
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())


def record(message="hello", exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("adgang.x", logging.ERROR, __file__, 1, message, (), exc_info)


# --- request ids ---------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["abc", "A-b_c.9", "x" * 64, "4f9c2d1e-aa00-4b7e-9f00-1234"])
def test_a_safe_incoming_request_id_is_kept(given):
    assert request_id_from(given) == given


@pytest.mark.parametrize(
    "given",
    [None, "", "x" * 65, "with space", "line\nbreak", "<script>", "a;b", "æøå", "a/b", "a\tb"],
)
def test_an_unsafe_or_missing_request_id_is_replaced_by_a_new_one(given):
    assert HEX32.fullmatch(request_id_from(given))


def test_the_response_echoes_the_callers_request_id(db):
    response = Client().get("/login/", HTTP_X_REQUEST_ID="proxy-7f3a")
    assert response[REQUEST_ID_HEADER] == "proxy-7f3a"


def test_a_request_without_an_id_gets_a_new_one_each_time(db):
    first = Client().get("/healthz")[REQUEST_ID_HEADER]
    second = Client().get("/healthz")[REQUEST_ID_HEADER]
    assert HEX32.fullmatch(first) and HEX32.fullmatch(second)
    assert first != second


def test_an_unsafe_request_id_is_not_echoed(db):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="evil\r\nSet-Cookie: x=1")
    assert HEX32.fullmatch(response[REQUEST_ID_HEADER])


def test_log_lines_written_during_a_request_carry_its_id(db):
    with json_lines() as lines:
        Client().get("/no-such-page/", HTTP_X_REQUEST_ID="req-404")
    [not_found] = [line for line in lines if line["message"].startswith("Not Found")]
    assert not_found["request_id"] == "req-404"
    assert not_found["logger"] == "django.request"


def test_the_request_id_is_cleared_after_the_request(db):
    Client().get("/healthz", HTTP_X_REQUEST_ID="req-done")
    assert request_id.get() is None


# --- task ids ------------------------------------------------------------------------------


@override_settings(TASKS=IMMEDIATE)
def test_log_lines_written_during_a_task_carry_its_result_id():
    with json_lines() as lines:
        result = logging_tasks.say.enqueue("hej")
    [said] = [line for line in lines if line["message"] == "task says hej"]
    assert said["task_id"] == str(result.id)
    assert task_id.get() is None


@pytest.fixture
def _keep_worker_logger_levels():
    """The worker sets its loggers' levels from --verbosity; give the next test them back."""
    loggers = [logging.getLogger(name) for name in (TASKS_LOGGER, "django_tasks_db")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_keep_worker_logger_levels")
def test_the_db_worker_logs_a_failing_task_with_its_id_and_traceback():
    with scheduler.isolated_registry():
        said = logging_tasks.say.enqueue("fra arbejderen")
        failed = logging_tasks.fail.enqueue()
        with json_lines(logging.INFO) as lines:
            call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=1)
    by_message = {line["message"]: line for line in lines}
    assert by_message["task says fra arbejderen"]["task_id"] == str(said.id)
    assert by_message["task is about to fail"]["task_id"] == str(failed.id)
    [failure] = [line for line in lines if "FAILED" in line["message"]]
    assert failure["task_id"] == str(failed.id)
    assert "RuntimeError: planned failure" in failure["exc_info"]
    worker_lines = [line for line in lines if line["logger"] == "django_tasks_db"]
    assert worker_lines and all(line["task_id"] is None for line in worker_lines)


# --- the JSON format -----------------------------------------------------------------------


def test_a_json_line_has_time_level_logger_message_and_both_ids():
    line = json.loads(JsonFormatter().format(record("hello")))
    assert list(line)[:6] == ["time", "level", "logger", "message", "request_id", "task_id"]
    assert (line["level"], line["logger"], line["message"]) == ("ERROR", "adgang.x", "hello")
    assert datetime.fromisoformat(line["time"]).utcoffset().total_seconds() == 0


def test_a_json_line_carries_the_traceback_as_text():
    try:
        raise ValueError("bad value")
    except ValueError:
        line = json.loads(JsonFormatter().format(record("failed", sys.exc_info())))
    assert line["exc_info"].startswith("Traceback (most recent call last)")
    assert "ValueError: bad value" in line["exc_info"]


def test_the_context_filter_names_the_current_ids():
    entry = record()
    token = request_id.set("r-1")
    try:
        ContextFilter().filter(entry)
    finally:
        request_id.reset(token)
    assert (entry.request_id, entry.task_id) == ("r-1", None)


def test_djangos_request_object_is_left_out_of_json_lines():
    entry = record()
    entry.request = object()
    entry.status_code = 404
    line = json.loads(JsonFormatter().format(entry))
    assert "request" not in line
    assert line["status_code"] == 404


def _log_one_line(tmp_path, log_format: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [*MANAGE, "shell", "-v0", "-c", "import logging; logging.getLogger('x').warning('hej')"],
        env=process_env(tmp_path, ADGANG_LOG_FORMAT=log_format),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_adgang_log_format_json_writes_json_lines(tmp_path):
    finished = _log_one_line(tmp_path, "json")
    assert finished.returncode == 0, finished.stderr
    [line] = [json.loads(text) for text in finished.stderr.splitlines() if text.startswith("{")]
    assert (line["logger"], line["message"], line["request_id"]) == ("x", "hej", None)


def test_an_unknown_log_format_is_refused_at_start(tmp_path):
    finished = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=process_env(tmp_path, ADGANG_LOG_FORMAT="xml"),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=settings.BASE_DIR,
    )
    assert finished.returncode != 0
    assert "ADGANG_LOG_FORMAT must be 'plain' or 'json'" in finished.stderr


# --- secrets are never logged --------------------------------------------------------------


def _secret_of(header: str) -> str:
    return base64.b64decode(header.removeprefix("Basic ")).decode().split(":", 1)[1]


@pytest.mark.parametrize("which", ["wrong", "right"])
def test_an_api_secret_and_the_authorization_header_never_reach_the_logs(personas, caplog, which):
    system, header = sender_system(personas.alice)
    if which == "wrong":
        secret = "Wr0ngS3cret-" + "q" * 31
        header = "Basic " + base64.b64encode(f"{system.pk}:{secret}".encode()).decode()
    else:
        secret = _secret_of(header)
    # Everything, down to each SQL statement with its parameters.
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True
    try:
        with json_lines() as lines:
            response = memo_post(api_client(), header, memo_xml())
    finally:
        connection.force_debug_cursor = False

    assert response.status_code == (401 if which == "wrong" else 201)
    assert any(r.name == "django.db.backends" for r in caplog.records), "nothing to check"
    texts = [r.getMessage() for r in caplog.records]
    texts += [JsonFormatter().format(r) for r in caplog.records]
    texts += [json.dumps(line) for line in lines]
    encoded = header.removeprefix("Basic ")
    for text in texts:
        assert secret not in text
        assert encoded not in text
        assert "Authorization" not in text and "HTTP_AUTHORIZATION" not in text
