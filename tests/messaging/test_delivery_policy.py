"""The delivery policy of SPEC §3: 5 attempts in the first 24 hours, then daily, the 12th and
last at 7 days; then the primary system 3 times."""

from datetime import UTC, datetime, timedelta

import pytest

from adgang.messaging.models import DeliveryPhase
from adgang.messaging.policy import PRIMARY_OFFSETS, RECEIVER_OFFSETS, next_attempt_at

FIRST = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)
RECEIVER_EXPECTED = [
    timedelta(0),
    timedelta(minutes=15),
    1 * H,
    4 * H,
    12 * H,
    24 * H,
    48 * H,
    72 * H,
    96 * H,
    120 * H,
    144 * H,
    168 * H,
]


@pytest.mark.parametrize(("done", "offset"), list(enumerate(RECEIVER_EXPECTED)))
def test_receiver_attempt_after_n_done_is_at_its_offset(done, offset):
    assert next_attempt_at(DeliveryPhase.RECEIVER, done, FIRST) == FIRST + offset


def test_receiver_phase_ends_after_the_12th_attempt():
    assert next_attempt_at(DeliveryPhase.RECEIVER, 12, FIRST) is None


def test_five_receiver_attempts_fall_within_the_first_24_hours():
    assert sum(1 for offset in RECEIVER_OFFSETS if offset < 24 * H) == 5


def test_after_the_first_day_attempts_are_daily_up_to_7_days():
    daily = [offset for offset in RECEIVER_OFFSETS if offset >= 24 * H]
    assert daily == [day * 24 * H for day in range(1, 8)]


@pytest.mark.parametrize(("done", "offset"), list(enumerate([timedelta(0), 4 * H, 24 * H])))
def test_primary_attempt_after_n_done_is_at_its_offset(done, offset):
    assert next_attempt_at(DeliveryPhase.PRIMARY, done, FIRST) == FIRST + offset


def test_primary_phase_ends_after_3_attempts():
    assert len(PRIMARY_OFFSETS) == 3
    assert next_attempt_at(DeliveryPhase.PRIMARY, 3, FIRST) is None
