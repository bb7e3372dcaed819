"""The one clock of the application (DESIGN "Time").

Business logic never calls `timezone.now()` directly but `now()` here, so tests freeze or move
time with time-machine and scheduled rules (activation, expiry, retries) are deterministic.
Times are stored in UTC and shown in Europe/Copenhagen.
"""

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    """Today's date in Europe/Copenhagen (the date a Danish caseworker sees)."""
    return timezone.localdate(now())
