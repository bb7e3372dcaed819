"""Prometheus metrics (issue 10 "Operations"): request latency, queue depth, delivery
attempts and failures, served at /metrics by `adgang.core.views.metrics`.

Everything is registered in one `REGISTRY` of our own, not prometheus_client's global
default, so tests see only these metrics and nothing a library registers by itself.

Counters and histograms live in the process that observes them: each gunicorn worker and each
`db_worker` has its own. Either scrape every process, or set `PROMETHEUS_MULTIPROC_DIR` (an
empty directory per host, the same for every process there, before they start): then the
values go to files in that directory and /metrics adds up all the host's processes,
`db_worker`s included (docs/operations.md "Metrics").
"""

import hmac
import ipaddress
import os
import time

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks import TaskResultStatus
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

from adgang.accounts.access import public

REGISTRY = CollectorRegistry(auto_describe=True)

REQUEST_LATENCY = Histogram(
    "adgang_http_request_duration_seconds",
    "Time from the first middleware to the response, by URL pattern, method and status class.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
DELIVERY_ATTEMPTS = Counter(
    "adgang_delivery_attempts",
    "Delivery attempts to receiver systems (REST PUSH posts and PUBLISH/SUBSCRIBE notices).",
    registry=REGISTRY,
)
DELIVERY_FAILURES = Counter(
    "adgang_delivery_failures",
    "Delivery attempts that did not end with a 2xx answer (they are retried per SPEC §3).",
    registry=REGISTRY,
)

UNRESOLVED_ROUTE = "<unresolved>"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def deliveries_attempted(outcomes) -> None:
    """Count a batch's attempts; `outcomes` are the `(Outcome, endpoint)` pairs of delivery.py."""
    outcomes = list(outcomes)
    DELIVERY_ATTEMPTS.inc(len(outcomes))
    DELIVERY_FAILURES.inc(sum(1 for outcome, _ in outcomes if not outcome.ok))


def route_of(request) -> str:
    """The URL pattern that served the request (`apis/v1/memos/<uuid:id>`), never the raw
    path: raw paths carry ids and would make one time series per message."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        # Answered before URL resolution (the health checks and /metrics answer first).
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return UNRESOLVED_ROUTE
    return match.route or UNRESOLVED_ROUTE


class RequestMetricsMiddleware:
    """Observes every request's latency. Keep it near the top of MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "other"
        REQUEST_LATENCY.labels(
            route=route_of(request), method=method, status=f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - started)
        return response


def _configured_queues() -> list[str]:
    return [
        queue for backend in settings.TASKS.values() for queue in backend.get("QUEUES", ["default"])
    ]


class QueueDepthCollector:
    """Work waiting, counted at scrape time with two cheap indexed COUNT queries: background
    tasks ready to run by queue, and deliveries waiting or in flight."""

    def describe(self):
        # Without it, registering would call collect() and query the database at import.
        return []

    def collect(self):
        from django_tasks_db.models import DBTaskResult

        from adgang.messaging.models import Delivery, DeliveryState

        tasks = GaugeMetricFamily(
            "adgang_tasks_pending", "Background tasks ready to run, by queue.", labels=["queue"]
        )
        ready = (
            DBTaskResult.objects.filter(status=TaskResultStatus.READY)
            .values_list("queue_name")
            .annotate(n=Count("pk"))
            .order_by()
        )
        # Every configured queue has a value, 0 included: an absent series alerts nobody.
        counts = dict.fromkeys(_configured_queues(), 0) | dict(ready)
        for queue, count in sorted(counts.items()):
            tasks.add_metric([queue], count)
        yield tasks

        deliveries = GaugeMetricFamily(
            "adgang_deliveries_pending",
            "Deliveries not yet handed to their receiver system, by state.",
            labels=["state"],
        )
        waiting = dict(
            Delivery.objects.filter(state__in=[DeliveryState.PENDING, DeliveryState.IN_FLIGHT])
            .values_list("state")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for state in (DeliveryState.PENDING, DeliveryState.IN_FLIGHT):
            deliveries.add_metric([state.value], waiting.get(state.value, 0))
        yield deliveries


REGISTRY.register(QueueDepthCollector())


def scrape_registry() -> CollectorRegistry:
    """The registry to expose: ours, or in multi-process mode the sum over the host's
    processes plus the queue depth (read from the database, so counted once)."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    registry.register(QueueDepthCollector())
    return registry


def _ip_allowed(request) -> bool:
    """REMOTE_ADDR within ADGANG_METRICS_ALLOWED_IPS (addresses or networks); empty: any.

    The socket address, not a forwarded header: a scraper talks to each process directly."""
    allowed = settings.ADGANG_METRICS_ALLOWED_IPS
    if not allowed:
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(entry, strict=False) for entry in allowed)


def _token_given(request) -> bool:
    expected = settings.ADGANG_METRICS_TOKEN
    if not expected:
        return True
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), expected.encode()
    )


@public  # not a page: the scraper is a machine; the settings below guard it
@never_cache
@require_GET
def metrics_view(request):
    """/metrics in Prometheus' text format. 404 unless ADGANG_METRICS_ENABLED; 403 from an
    address outside ADGANG_METRICS_ALLOWED_IPS; 401 without the ADGANG_METRICS_TOKEN bearer
    token when one is set."""
    if not settings.ADGANG_METRICS_ENABLED:
        raise Http404
    if not _ip_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    if not _token_given(request):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    # The format the scraper asks for: Prometheus text, or OpenMetrics.
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encode(scrape_registry()), content_type=content_type)
