"""In-process cost of the main pages (the `pages` bench suite's pages, adgang/ui/bench.py).

For each page, logged in through Django's test Client as the persona the bench uses: the SQL
statements of one request (and how many of them write), the CPU time of `--requests` requests
(`time.process_time`: this process only, so other load on the machine matters less than for
wall-clock time), the Python function calls per request (cProfile's count: the same on every
run, whatever the load), and optionally the cProfile of those requests and the rendered HTML
with the per-request tokens (CSRF, CSP nonce, saved-search id) blanked, to compare before and
after a change.

    DJANGO_DEBUG=false DATABASE_URL=postgres://… ADGANG_TESTPORTAL_ENABLED=true \
        .venv/bin/python scripts/page_cost.py [--requests 50] [--profile out.prof] [--html DIR]

Run `manage.py demo` on that database first. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adgang.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from adgang.accounts import demo  # noqa: E402
from adgang.accounts.models import Membership  # noqa: E402
from adgang.core.clock import today  # noqa: E402
from adgang.testing import login  # noqa: E402
from adgang.ui.bench import PAGES, SEARCH_DAYS  # noqa: E402

_VOLATILE = (
    re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'),
    re.compile(r'(nonce=")[^"]+'),
    re.compile(r'(name="csrf-token" content=")[^"]+'),
    re.compile(r"(\?s=)[\w-]+"),
    re.compile(r'(name="s" value=")[^"]+'),
)
_WRITES = ("INSERT", "UPDATE", "DELETE")


def _stable(html: str) -> str:
    for pattern in _VOLATILE:
        html = pattern.sub(r"\1…", html)
    return html


def _clients() -> dict[str, Client]:
    cvr = demo.ORGANISATIONS["A"][0]
    clients = {}
    for rid in sorted({page.rid for page in PAGES}):
        membership = Membership.objects.select_related("person").get(organisation__cvr=cvr, rid=rid)
        clients[rid] = login(Client(), membership)
    return clients


def _url(client: Client, page) -> str:
    if not page.search:
        return page.path
    end = today()
    start = (end - timedelta(days=SEARCH_DAYS)).isoformat()
    answer = client.post(page.path, {"start": start, "end": end.isoformat()})
    return answer["Location"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", help="write the cProfile of all timed requests here")
    parser.add_argument("--html", help="write each page's HTML (tokens blanked) into this dir")
    options = parser.parse_args()
    clients = _clients()
    profiler = None
    figures = {}
    for page in PAGES:
        client = clients[page.rid]
        url = _url(client, page)
        response = client.get(url)  # warm: templates, translations
        assert response.status_code == 200, (page.name, response.status_code)
        if options.html:
            target = Path(options.html) / f"{page.name}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_stable(response.content.decode()))
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        statements = [q["sql"] for q in captured.captured_queries]
        began = time.process_time()
        for _ in range(options.requests):
            client.get(url)
        cpu_ms = (time.process_time() - began) * 1000 / options.requests
        profile = cProfile.Profile()  # function calls: deterministic, unlike the time
        profile.enable()
        for _ in range(options.requests):
            client.get(url)
        profile.disable()
        stats = pstats.Stats(profile)
        if options.profile:
            if profiler is None:
                profiler = stats
            else:
                profiler.add(stats)
        figures[page.name] = {
            "queries": len(statements),
            "writes": sum(sql.lstrip().upper().startswith(_WRITES) for sql in statements),
            "cpu_ms_per_request": round(cpu_ms, 2),
            "python_calls_per_request": round(stats.total_calls / options.requests),
        }
    if options.profile and profiler is not None:
        profiler.dump_stats(options.profile)
    print(json.dumps({"database": connection.vendor, "requests": options.requests,
                      "pages": figures}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
