"""The delivery policy of SPEC §3: when a message to a receiver system is tried again.

A message to a receiver system is tried for 7 days: 5 attempts in the first 24 hours, then
once a day, the 12th and last at 7 days (168 h). Then it goes to the organisation's primary
system, which is tried 3 times. Offsets count from the delivery's first attempt, so a late
worker does not shift the rhythm of the attempts after it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from adgang.messaging.models import DeliveryPhase

_HOUR = timedelta(hours=1)

RECEIVER_OFFSETS: tuple[timedelta, ...] = (
    timedelta(0),
    timedelta(minutes=15),
    1 * _HOUR,
    4 * _HOUR,
    12 * _HOUR,
    24 * _HOUR,
    48 * _HOUR,
    72 * _HOUR,
    96 * _HOUR,
    120 * _HOUR,
    144 * _HOUR,
    168 * _HOUR,
)
PRIMARY_OFFSETS: tuple[timedelta, ...] = (timedelta(0), 4 * _HOUR, 24 * _HOUR)


def offsets_for(phase: str) -> tuple[timedelta, ...]:
    return PRIMARY_OFFSETS if phase == DeliveryPhase.PRIMARY else RECEIVER_OFFSETS


def next_attempt_at(phase: str, attempts_done: int, first_attempt_at: datetime) -> datetime | None:
    """When attempt number `attempts_done + 1` is due, or None when the phase is exhausted."""
    offsets = offsets_for(phase)
    if attempts_done >= len(offsets):
        return None
    return first_attempt_at + offsets[attempts_done]
