"""Prometheus metrics at /metrics (issue 10 "Operations"): off unless enabled, guarded by a
bearer token and allowed addresses when set; request latency by URL pattern (never the raw
path), queue depth counted at scrape time, delivery attempts and failures."""

import subprocess
import uuid

import pytest
from django.test import Client, override_settings
from django.urls import resolve
from prometheus_client.parser import text_string_to_metric_families

from adgang.core.metrics import REGISTRY, UNRESOLVED_ROUTE
from adgang.core.tasks import prune_finished_tasks
from adgang.messaging.delivery import deliveries_run
from tests.core.processes import MANAGE, process_env
from tests.support.messaging_delivery import (
    FAIL_500,
    message_to,
    pull_sender,
    push_receiver,
    running_receiver,
)

TOKEN = "t0ken-for-the-scraper"
LATENCY = "adgang_http_request_duration_seconds"


@pytest.fixture
def enabled(settings):
    settings.ADGANG_METRICS_ENABLED = True
    settings.ADGANG_METRICS_TOKEN = ""
    settings.ADGANG_METRICS_ALLOWED_IPS = []
    return settings


def scrape(client: Client | None = None, **headers) -> dict[str, dict]:
    """/metrics parsed: metric family name → {labels tuple: value}."""
    response = (client or Client()).get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    families = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            families.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = (
                sample.value
            )
    return families


def requests_counted(route: str, method: str = "GET", status: str = "2xx") -> float:
    labels = {"route": route, "method": method, "status": status}
    return REGISTRY.get_sample_value(f"{LATENCY}_count", labels) or 0.0


# --- protection ----------------------------------------------------------------------------


def test_metrics_answer_404_unless_enabled(db, settings):
    settings.ADGANG_METRICS_ENABLED = False
    assert Client().get("/metrics").status_code == 404


def test_metrics_are_off_by_default():
    from adgang import settings as project_settings

    assert project_settings.ADGANG_METRICS_ENABLED is False


def test_enabled_metrics_without_a_token_answer_in_prometheus_format(db, enabled):
    families = scrape()
    assert f"{LATENCY}_bucket" in families
    assert "adgang_delivery_attempts_total" in families


def test_an_openmetrics_scraper_gets_openmetrics(db, enabled):
    accept = "application/openmetrics-text; version=1.0.0"
    response = Client().get("/metrics", HTTP_ACCEPT=accept)
    assert response["Content-Type"].startswith("application/openmetrics-text")
    assert response.content.endswith(b"# EOF\n")


@pytest.mark.parametrize(
    "authorization",
    [None, "", f"Basic {TOKEN}", "Bearer", "Bearer wrong", f"Bearer {TOKEN}x", TOKEN],
    ids=["none", "empty", "basic", "no-token", "wrong", "longer", "no-scheme"],
)
def test_a_missing_or_wrong_bearer_token_answers_401(db, enabled, authorization):
    enabled.ADGANG_METRICS_TOKEN = TOKEN
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    response = Client().get("/metrics", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"adgang_" not in response.content


@pytest.mark.parametrize("scheme", ["Bearer", "bearer"])
def test_the_right_bearer_token_is_let_in(db, enabled, scheme):
    enabled.ADGANG_METRICS_TOKEN = TOKEN
    assert "adgang_tasks_pending" in scrape(HTTP_AUTHORIZATION=f"{scheme} {TOKEN}")


@pytest.mark.parametrize(
    ("remote", "allowed", "status"),
    [
        ("10.0.0.7", ["10.0.0.7"], 200),
        ("10.0.0.7", ["10.0.0.0/24"], 200),
        ("2001:db8::5", ["2001:db8::/64"], 200),
        ("10.0.1.7", ["10.0.0.0/24"], 403),
        ("192.0.2.1", ["10.0.0.7", "10.0.0.8"], 403),
    ],
)
def test_an_address_outside_the_allowed_ones_answers_403(db, enabled, remote, allowed, status):
    enabled.ADGANG_METRICS_ALLOWED_IPS = allowed
    assert Client(REMOTE_ADDR=remote).get("/metrics").status_code == status


def test_a_forwarded_header_does_not_make_an_address_allowed(db, enabled):
    enabled.ADGANG_METRICS_ALLOWED_IPS = ["10.0.0.7"]
    client = Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.0.0.7")
    assert client.get("/metrics").status_code == 403


def test_the_address_is_checked_before_the_token(db, enabled):
    enabled.ADGANG_METRICS_ALLOWED_IPS = ["10.0.0.7"]
    enabled.ADGANG_METRICS_TOKEN = TOKEN
    client = Client(REMOTE_ADDR="192.0.2.1")
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 403


def test_metrics_are_answered_to_a_scraper_on_plain_http_by_address(db, enabled):
    """Like the health checks: no HTTPS redirect, no Host check, no session."""
    with override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["portal.example"]):
        response = Client().get("/metrics", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert "Set-Cookie" not in response


def test_only_get_is_allowed(db, enabled):
    assert Client().post("/metrics").status_code == 405


# --- request latency -----------------------------------------------------------------------


def test_latency_is_labelled_by_url_pattern_not_by_raw_path(db, enabled):
    path = f"/apis/v1/memos/{uuid.uuid4()}"
    route = resolve(path).route
    assert route != path.lstrip("/")
    before = requests_counted(route, status="4xx")

    Client().get(path)

    assert requests_counted(route, status="4xx") == before + 1
    body = Client().get("/metrics").content.decode()
    assert path.lstrip("/") not in body and path not in body


def test_latency_of_an_unknown_path_is_one_series(db, enabled):
    before = requests_counted(UNRESOLVED_ROUTE, status="4xx")
    Client().get(f"/no-such-page-{uuid.uuid4().hex}/")
    Client().get(f"/no-such-page-{uuid.uuid4().hex}/")
    assert requests_counted(UNRESOLVED_ROUTE, status="4xx") == before + 2


def test_latency_of_the_health_checks_answered_first_is_labelled_too(db, enabled):
    before = requests_counted("healthz")
    Client().get("/healthz")
    assert requests_counted("healthz") == before + 1


def test_an_unknown_method_is_one_label(db, enabled):
    before = requests_counted("healthz", method="other", status="4xx")
    Client().generic("BREW", "/healthz")
    assert requests_counted("healthz", method="other", status="4xx") == before + 1


# --- queue depth ---------------------------------------------------------------------------


def test_queue_depth_names_every_configured_queue_when_empty(db, enabled):
    assert scrape()["adgang_tasks_pending"] == {(("queue", "default"),): 0}


def test_queue_depth_counts_ready_tasks_by_queue(db, enabled):
    prune_finished_tasks.enqueue()
    prune_finished_tasks.enqueue()
    assert scrape()["adgang_tasks_pending"][(("queue", "default"),)] == 2


@pytest.fixture
def receiver(tmp_path, settings):
    yield from running_receiver(tmp_path, settings)


def test_queue_depth_counts_pending_deliveries(personas, enabled):
    sender = pull_sender(personas)
    system = push_receiver(personas.maja, "https://127.0.0.1:9/modtag")
    message_to(sender, system)
    message_to(sender, system)
    pending = scrape()["adgang_deliveries_pending"]
    assert pending[(("state", "PENDING"),)] == 2
    assert pending[(("state", "IN_FLIGHT"),)] == 0


# --- deliveries ----------------------------------------------------------------------------


def _counter(name: str) -> float:
    return REGISTRY.get_sample_value(f"{name}_total") or 0.0


def test_delivery_attempts_and_failures_are_counted(personas, receiver, enabled):
    sender = pull_sender(personas)
    system = push_receiver(personas.maja, receiver.url())
    attempts, failures = _counter("adgang_delivery_attempts"), _counter("adgang_delivery_failures")

    message_to(sender, system)
    deliveries_run()
    receiver.state.mode = FAIL_500
    message_to(sender, system)
    deliveries_run()

    assert _counter("adgang_delivery_attempts") == attempts + 2
    assert _counter("adgang_delivery_failures") == failures + 1
    families = scrape()
    assert families["adgang_delivery_attempts_total"][()] == attempts + 2


# --- several processes ---------------------------------------------------------------------


def test_in_multiprocess_mode_the_scrape_adds_up_every_process_of_the_host(
    db, enabled, tmp_path, monkeypatch
):
    shared = tmp_path / "prometheus"
    shared.mkdir()
    count = "from adgang.core import metrics; metrics.DELIVERY_ATTEMPTS.inc(3)"
    for _ in range(2):  # two worker processes, each counting three attempts
        subprocess.run(  # noqa: S603
            [*MANAGE, "shell", "-v0", "-c", count],
            env=process_env(tmp_path, PROMETHEUS_MULTIPROC_DIR=str(shared)),
            check=True,
            timeout=60,
        )
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(shared))

    families = scrape()

    assert families["adgang_delivery_attempts_total"][()] == 6
    assert families["adgang_deliveries_pending"][(("state", "PENDING"),)] == 0
