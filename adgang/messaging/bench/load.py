"""Concurrent clients for the bench: `drive` runs `call(client, item)` over the items with N
threads, each holding one keep-alive httpx client, and counts answers that were not the
expected one (any failure makes the figure invalid, and the document says so)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import httpx

FAILURE_SAMPLES = 5


@dataclass
class Outcome:
    seconds: float = 0.0
    ok: int = 0
    failures: int = 0
    samples: list[str] = field(default_factory=list)
    results: list = field(default_factory=list)

    def as_json(self) -> dict:
        return {"ok": self.ok, "failures": self.failures, "failure_samples": self.samples}


def drive(
    items: Iterable,
    *,
    clients: int,
    call: Callable[[httpx.Client, object], object],
    base_url: str = "",
    headers: dict | None = None,
) -> Outcome:
    """Run `call` over `items` with `clients` threads; `call` answers a result (kept) or
    raises AssertionError/httpx.HTTPError with the reason (counted as a failure)."""
    pending = iter(list(items))
    lock = threading.Lock()
    outcome = Outcome()

    def worker() -> None:
        with httpx.Client(base_url=base_url, headers=headers or {}, timeout=120) as client:
            while True:
                with lock:
                    item = next(pending, None)
                if item is None:
                    return
                try:
                    result = call(client, item)
                except (AssertionError, httpx.HTTPError) as error:
                    with lock:
                        outcome.failures += 1
                        if len(outcome.samples) < FAILURE_SAMPLES:
                            outcome.samples.append(f"{type(error).__name__}: {error}"[:300])
                    continue
                with lock:
                    outcome.ok += 1
                    outcome.results.append(result)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(max(clients, 1))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome.seconds = time.perf_counter() - started
    return outcome


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else 0.0
