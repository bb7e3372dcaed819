"""The `pages` suite of `manage.py bench` (issue 10: every page p95 < 150 ms at 50 sessions).

On the demo data (`manage.py demo`, idempotent, run on the bench database first) a gunicorn
(`messaging.bench.server.gunicorn`, the ingest suite's, with the test portal enabled in its
environment) serves the portal. `--clients` sessions (default 50) each log in through the test
portal (`POST /login/` with `person=<id>` and the CSRF token, SPEC §15) as the demo persona of
Kommune A holding the page's right, and then, page by page, all sessions at once request the
page `requests` times each (closed loop: a session sends its next request when the answer is
in). Every answer must be 200; a failure makes the page's figure invalid. Each session asks
once first, untimed (warm-up).

The event log is timed "with a search": each session posts a search of the last 30 days
(post/redirect/get) and the timed page is the result page it is sent to (`?s=<id>`).

Baseline, same run, same sessions and concurrency: `/healthz`, the floor of the stack
(gunicorn, middleware, no database). Figures per page: p50 and p95 in ms, the healthz p95 as
baseline and ratio = page p95 / healthz p95. Beside them: `solo_p50`, the page's p50 with one
session alone (its service time, no queue), and, from one in-process request through Django's
test Client, the number of database queries the page runs. With N sessions in a closed loop a
request waits for the ones ahead of it, so p50 ≈ N / requests_per_second (Little's law).
"""

from __future__ import annotations

import os
import re
import statistics
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from io import StringIO

import httpx
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from adgang.accounts import demo
from adgang.accounts.models import Membership
from adgang.core.clock import today
from adgang.messaging.bench import server, setup
from adgang.testing import login

REQUESTS_AT_SCALE_1 = 4  # per session and page: 200 timed requests a page at 50 sessions
SESSIONS = 50
SOLO_REQUESTS_AT_SCALE_1 = 20  # one session alone, after the concurrent run of the page
TARGET_P95_MS = 150
SEARCH_DAYS = 30
FAILURE_SAMPLES = 5
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    rid: str  # the Kommune A persona holding the page's right
    search: bool = False  # the event log: timed on the result page of a search


# Alice: Systemadministrator + Kontaktstrukturadministrator; Bob: Borgerservice;
# Lars: Logadministrator (meddelelser); Sofie: Statistikadministrator (DESIGN "Personas").
PAGES = (
    Page("oversigt", "/oversigt/", "1001"),
    Page("systemtilslutning", "/systemtilslutning/", "1001"),
    Page("kontaktstruktur", "/kontaktstruktur/", "1001"),
    Page("haendelseslog.meddelelser", "/haendelseslog/meddelelser/", "1003", search=True),
    Page("fritagelse.borger", "/fritagelse/borger/", "1002"),
    Page("nemsms.borger", "/nemsms/borger/", "1002"),
    Page("adgang", "/adgang/", "1002"),
    Page("myndighedsinformation", "/myndighedsinformation/", "1001"),
    Page("tilbagekald", "/tilbagekald/", "1001"),
    Page("statistik", "/statistik/", "1006"),
    Page("flyt-post", "/flyt-post/", "1001"),
)
HEALTHZ = Page("healthz", "/healthz", "")


@dataclass
class Timings:
    seconds: list[float] = field(default_factory=list)
    failures: int = 0
    samples: list[str] = field(default_factory=list)
    wall: float = 0.0

    def percentile_ms(self, share: float) -> float:
        if not self.seconds:
            return 0.0
        ordered = sorted(self.seconds)
        return ordered[min(int(share * len(ordered)), len(ordered) - 1)] * 1000

    def as_json(self) -> dict:
        return {
            "requests": len(self.seconds) + self.failures,
            "failures": self.failures,
            "failure_samples": self.samples,
            "requests_per_second": round(len(self.seconds) / self.wall, 1) if self.wall else 0,
        }


def _token(response: httpx.Response) -> str:
    found = _CSRF.search(response.text)
    if found is None:
        raise AssertionError(f"no CSRF token in {response.request.url}")
    return found.group(1)


def _session(base: str, person_id: str) -> httpx.Client:
    """A logged-in browser session through the test portal (SPEC §15 "Test login")."""
    client = httpx.Client(base_url=base, timeout=120)
    page = client.get("/login/")
    page.raise_for_status()
    answer = client.post("/login/", data={"person": person_id, "csrfmiddlewaretoken": _token(page)})
    if answer.status_code != 302:
        client.close()
        raise AssertionError(f"login answered {answer.status_code}")
    return client


def _search_url(client: httpx.Client, path: str) -> str:
    """Post the event-log search and answer the result page it redirects to."""
    form = client.get(path)
    form.raise_for_status()
    end = today()
    answer = client.post(
        path,
        data={
            "start": (end - timedelta(days=SEARCH_DAYS)).isoformat(),
            "end": end.isoformat(),
            "csrfmiddlewaretoken": _token(form),
        },
    )
    if answer.status_code != 302:
        raise AssertionError(f"the search answered {answer.status_code}")
    return answer.headers["location"]


def _parallel(count: int, work) -> list:
    """Run `work(index)` in `count` threads started together; answer their results."""
    results: list = [None] * count
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except BaseException as error:  # reported to the caller below
            errors.append(error)

    threads = [threading.Thread(target=target, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def _drive(clients: list[httpx.Client], urls: list[str], requests: int) -> Timings:
    """Every session asks its URL once (untimed), then `requests` times, all at once."""
    timings = Timings()
    lock = threading.Lock()

    def one(index: int) -> None:
        client, url = clients[index], urls[index]
        client.get(url)  # warm-up: the worker's templates, the session row
        for _ in range(requests):
            began = time.perf_counter()
            try:
                response = client.get(url)
                ok = response.status_code == 200
                reason = f"{url} answered {response.status_code}"
            except httpx.HTTPError as error:
                ok, reason = False, f"{url}: {type(error).__name__}: {error}"
            elapsed = time.perf_counter() - began
            with lock:
                if ok:
                    timings.seconds.append(elapsed)
                else:
                    timings.failures += 1
                    if len(timings.samples) < FAILURE_SAMPLES:
                        timings.samples.append(reason[:300])

    began = time.perf_counter()
    _parallel(len(clients), one)
    timings.wall = time.perf_counter() - began
    return timings


def _solo_p50(client: httpx.Client, url: str, requests: int) -> float:
    """The page's service time: p50 of one session alone (nothing queued before it)."""
    timings = _drive([client], [url], requests)
    return round(timings.percentile_ms(0.5), 1) if timings.failures == 0 else 0.0


def _person_ids() -> dict[str, str]:
    cvr = demo.ORGANISATIONS["A"][0]
    rids = {page.rid for page in PAGES}
    memberships = Membership.objects.filter(organisation__cvr=cvr, rid__in=rids)
    return {m.rid: str(m.person_id) for m in memberships}


def _query_counts() -> dict[str, int]:
    """Queries of one in-process request per page, as its persona (Django's test Client)."""
    cvr = demo.ORGANISATIONS["A"][0]
    counts = {}
    clients: dict[str, Client] = {}
    for page in PAGES:
        if page.rid not in clients:
            membership = Membership.objects.select_related("person").get(
                organisation__cvr=cvr, rid=page.rid
            )
            clients[page.rid] = login(Client(), membership)
        client = clients[page.rid]
        url = page.path
        if page.search:
            end = today()
            answer = client.post(
                url,
                {"start": (end - timedelta(days=SEARCH_DAYS)).isoformat(), "end": end.isoformat()},
            )
            url = answer["Location"]
        client.get(url)  # warm
        with CaptureQueriesContext(connections["default"]) as captured:
            client.get(url)
        counts[page.name] = len(captured.captured_queries)
    return counts


@contextmanager
def _testportal_in_server_environment():
    """The server process inherits os.environ (`server.server_environment`): the test portal
    is switched on there for the run and the previous value restored afterwards."""
    previous = os.environ.get("ADGANG_TESTPORTAL_ENABLED")
    os.environ["ADGANG_TESTPORTAL_ENABLED"] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("ADGANG_TESTPORTAL_ENABLED", None)
        else:
            os.environ["ADGANG_TESTPORTAL_ENABLED"] = previous


def _figure(page: Timings, floor: Timings) -> dict:
    p95, floor_p95 = page.percentile_ms(0.95), floor.percentile_ms(0.95)
    return {
        "p50": round(page.percentile_ms(0.5), 1),
        "p95": round(p95, 1),
        "mean": round(statistics.fmean(page.seconds) * 1000, 1) if page.seconds else 0.0,
        "unit": "ms",
        "baseline": round(floor_p95, 1),
        "ratio": round(p95 / floor_p95, 3) if floor_p95 else None,
        "valid": page.failures == 0 and bool(page.seconds),
        "within_target": p95 < TARGET_P95_MS,
        **page.as_json(),
    }


def run(
    *,
    alias: str = "default",
    scale: float = 1.0,
    workers: int | None = None,
    clients: int | None = None,
    migrate: bool = False,
    **_options,
) -> dict:
    if alias != "default":
        raise RuntimeError("The pages suite runs on the `default` connection (--database).")
    if migrate:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
    call_command("demo", stdout=StringIO())
    workers = workers or server.default_workers()
    sessions = clients or SESSIONS
    requests = max(int(REQUESTS_AT_SCALE_1 * scale), 1)
    solo = max(int(SOLO_REQUESTS_AT_SCALE_1 * scale), 1)
    people = _person_ids()
    queries = _query_counts()
    url = setup.database_url(alias)
    connections[alias].close()  # the server's processes open their own
    figures: dict[str, dict] = {}
    with _testportal_in_server_environment(), server.gunicorn(url, workers=workers) as base:
        by_rid: dict[str, list[httpx.Client]] = {}
        try:
            for rid in sorted({page.rid for page in PAGES}):
                by_rid[rid] = _parallel(sessions, lambda _i, rid=rid: _session(base, people[rid]))
            anyone = by_rid[PAGES[0].rid]
            floor = _drive(anyone, [HEALTHZ.path] * sessions, requests)
            figures["healthz"] = _figure(floor, floor)
            figures["healthz"]["solo_p50"] = _solo_p50(anyone[0], HEALTHZ.path, solo)
            for page in PAGES:
                group = by_rid[page.rid]
                if page.search:
                    urls = _parallel(sessions, lambda i, g=group, p=page: _search_url(g[i], p.path))
                else:
                    urls = [page.path] * sessions
                figures[page.name] = _figure(_drive(group, urls, requests), floor)
                figures[page.name]["queries"] = queries[page.name]
                figures[page.name]["solo_p50"] = _solo_p50(group[0], urls[0], solo)
        finally:
            for group in by_rid.values():
                for client in group:
                    client.close()
    over = [name for name, f in figures.items() if name != "healthz" and not f["within_target"]]
    return {
        "suite": "pages",
        "database": connections[alias].vendor,
        "workers": workers,
        "threads_per_worker": 2,
        "sessions": sessions,
        "requests_per_session_and_page": requests,
        "target_p95_ms": TARGET_P95_MS,
        "over_target": over,
        "figures": figures,
    }
