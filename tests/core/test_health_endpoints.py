"""/healthz and /readyz (SPEC §15): public JSON for load balancers and orchestration."""

import subprocess
from datetime import timedelta

import pytest

from adgang.core.clock import now
from adgang.core.heartbeat import heartbeat_beat
from tests.core.processes import MANAGE, process_env

NOT_READY_WORKER = "no worker seen within the last minute"


def assert_never_cached(response):
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "must-revalidate", "max-age=0"} <= cache_control


def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


def test_healthz_touches_no_database(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_endpoints_are_never_cached(db, client, path):
    assert_never_cached(client.get(path))


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_endpoints_answer_only_get(db, client, path):
    assert client.post(path).status_code == 405


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_endpoints_need_no_login_even_with_a_session(client_as, path):
    response = client_as("charlie").get(path)
    assert response.status_code in (200, 503)
    assert response["Content-Type"] == "application/json"


def test_readyz_is_unavailable_before_any_worker_reported(db, client, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "worker": NOT_READY_WORKER},
        "worker_last_seen": None,
        "time": "2026-03-02T10:00:00+00:00",
    }


def test_readyz_is_ready_after_a_heartbeat(db, client, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    heartbeat_beat(worker_id="w1", started_at=now())
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "worker": "ok"},
        "worker_last_seen": "2026-03-02T10:00:00+00:00",
        "time": "2026-03-02T10:00:00+00:00",
    }


def test_readyz_is_still_ready_a_minute_after_the_last_heartbeat(db, client, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    heartbeat_beat(worker_id="w1", started_at=now())
    time_machine.shift(timedelta(seconds=60))
    assert client.get("/readyz").status_code == 200


def test_readyz_is_unavailable_when_the_last_heartbeat_is_over_a_minute_old(
    db, client, time_machine
):
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    heartbeat_beat(worker_id="w1", started_at=now())
    time_machine.shift(timedelta(seconds=61))
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "ok", "worker": NOT_READY_WORKER}
    assert body["worker_last_seen"] == "2026-03-02T10:00:00+00:00"


def test_readyz_judges_by_the_most_recent_of_several_workers(db, client, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    heartbeat_beat(worker_id="gone", started_at=now())
    time_machine.shift(timedelta(minutes=5))
    heartbeat_beat(worker_id="alive", started_at=now())
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["worker_last_seen"] == "2026-03-02T10:05:00+00:00"


def test_a_heartbeat_updates_the_workers_one_row(db, time_machine):
    from adgang.core.models import WorkerHeartbeat

    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    started = now()
    heartbeat_beat(worker_id="w1", started_at=started)
    time_machine.shift(timedelta(seconds=15))
    heartbeat_beat(worker_id="w1", started_at=started)
    row = WorkerHeartbeat.objects.get()
    assert (row.worker_id, row.started_at, row.last_seen) == ("w1", started, now())


# A probe that carries a (stale) session cookie, as a browser tab or some monitors do.
READYZ_IN_CHILD = (
    "import json; from django.test import Client; c = Client(); c.cookies['sessionid'] = 'x'; "
    "r = c.get('/readyz'); print(r.status_code, json.dumps(r.json()))"
)


@pytest.mark.slow
@pytest.mark.parametrize(
    "database_url",
    [
        pytest.param("sqlite:////nonexistent-directory/adgang.sqlite3", id="sqlite"),
        pytest.param("postgres://postgres@127.0.0.1:1/adgang?connect_timeout=2", id="postgres"),
    ],
)
def test_readyz_answers_503_not_500_when_the_database_is_unreachable(tmp_path, database_url):
    env = process_env(tmp_path, DATABASE_URL=database_url)
    completed = subprocess.run(  # noqa: S603
        [*MANAGE, "shell", "-c", READYZ_IN_CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    status, body = completed.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert '"database": "unreachable"' in body
    assert '"worker": "unknown"' in body
    assert '"status": "unavailable"' in body


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_endpoints_load_no_session_for_a_probe_with_a_cookie(
    client_as, django_assert_num_queries, path
):
    client = client_as("charlie")
    heartbeat_beat(worker_id="w1", started_at=now())
    # /readyz: SELECT 1 and the latest heartbeat; no session, person or membership.
    with django_assert_num_queries(0 if path == "/healthz" else 2):
        response = client.get(path)
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_endpoints_answer_any_host_and_plain_http_in_production(db, client, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["adgang.example.dk"]
    heartbeat_beat(worker_id="w1", started_at=now())
    response = client.get(path, HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert client.get("/login/", HTTP_HOST="adgang.example.dk").status_code == 301
