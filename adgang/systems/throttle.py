"""Brute-force throttling of API-key authentication (ASVS 2.2.1; docs/security.md).

After `ADGANG_API_AUTH_FAILURE_LIMIT` wrong keys for one system id within
`ADGANG_API_AUTH_FAILURE_WINDOW_SECONDS` (counted from the first failure), every call naming
that system is refused with 429 until the window ends, without looking at the key: not even
the right key gets in, so guessing gains nothing from the answers. A right key before the
limit resets the count. The secret is 256-bit random, so this is about noise and alerting
more than about guessing; a refusal is logged as a warning.

The counts live in Django's cache (`CACHES["default"]`). With the default local-memory
cache each process counts for itself (with N web processes an attacker gets up to N × the
limit per window); configure a shared cache (Redis, Memcached or the database cache) to
count across processes and hosts.
"""

from __future__ import annotations

import logging
import math
import uuid
from datetime import datetime

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def _key(system_id: uuid.UUID) -> str:
    return f"adgang:api-auth-failures:{system_id}"


def _window() -> int:
    return settings.ADGANG_API_AUTH_FAILURE_WINDOW_SECONDS


Failures = tuple[int, float]  # (count, timestamp of the first failure in the window)


def failures_of(system_id: uuid.UUID) -> Failures | None:
    """The system's recent failures, or None: the one cache read of an authentication."""
    return cache.get(_key(system_id))


def locked_for(failures: Failures | None, now: datetime) -> int | None:
    """Seconds until the system may try again, or None when it may try now."""
    if not failures:
        return None
    count, started = failures
    remaining = started + _window() - now.timestamp()
    if remaining <= 0 or count < settings.ADGANG_API_AUTH_FAILURE_LIMIT:
        return None
    return max(1, math.ceil(remaining))


def failure_record(system_id: uuid.UUID, failures: Failures | None, now: datetime) -> None:
    """One more wrong key for `system_id` (the window starts at the first)."""
    stamp = now.timestamp()
    if not failures or failures[1] + _window() <= stamp:
        failures = (0, stamp)
    count, started = failures[0] + 1, failures[1]
    cache.set(
        _key(system_id), (count, started), timeout=max(1, math.ceil(started + _window() - stamp))
    )
    if count == settings.ADGANG_API_AUTH_FAILURE_LIMIT:
        logger.warning(
            "API authentication for system %s throttled after %s failures", system_id, count
        )


def failure_reset(system_id: uuid.UUID, failures: Failures | None) -> None:
    """A right key: forget the failures (no cache write when there were none, so a shared
    cache costs a successful call one read)."""
    if failures:
        cache.delete(_key(system_id))
