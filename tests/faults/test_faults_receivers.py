"""Misbehaving receivers (issue 10 fault suite; SPEC §3 delivery policy): a REST PUSH receiver
that resets the connection, hangs past the timeout, answers 429 (with Retry-After) or 500, or
answers slowly, run through the real delivery code on a clock moved along the policy's
schedule. Counted at the receiver: every message stored exactly once when the receiver
recovers, never when it does not; each failed attempt is in the message log with its reason.

tests/messaging/test_delivery_push.py covers one failed attempt per kind of fault and
test_delivery_retry.py the schedule with a 500; here a batch of messages meets a different
fault at every attempt, and the boundary of the guarantee is shown: a receiver that stores a
message but answers after the client gave up gets it again (at-least-once) and must dedupe by
messageUUID (the filename of the `file` part).

Retry-After is not honoured: the policy's schedule (SPEC §3) decides the next attempt, which
is never sooner than 15 minutes.
"""

from datetime import UTC, datetime

import pytest

from adgang.messaging.delivery import UNREACHABLE_TEXT, deliveries_run
from adgang.messaging.events import EventTag
from adgang.messaging.models import Delivery, DeliveryState, MessageEvent, MessageState
from adgang.messaging.policy import RECEIVER_OFFSETS
from tests.faults.faulty_receiver import (
    FAIL_429,
    FAIL_500,
    HANG,
    OK,
    RESET,
    SLOW,
    STORE_THEN_HANG,
    running_faulty_receiver,
)
from tests.support.messaging_delivery import message_to, pull_sender, push_receiver

pytestmark = pytest.mark.django_db

MESSAGES = 8
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ATTEMPT_TIMES = [T0 + offset for offset in RECEIVER_OFFSETS]
TIMEOUT = "Systemet svarede ikke i tide (timeout)."
FAULTS = [  # (mode, the reason the message log shows)
    (RESET, "Forbindelsen til systemet fejlede:"),
    (HANG, TIMEOUT),
    (FAIL_429, "Systemet svarede HTTP 429."),
    (FAIL_500, "Systemet svarede HTTP 500."),
]


@pytest.fixture
def receiver(tmp_path, settings):
    yield from running_faulty_receiver(tmp_path, settings)


@pytest.fixture
def batch(personas, receiver, time_machine):
    """MESSAGES queued messages to Kommune M's only (so primary) REST PUSH system."""
    time_machine.move_to(T0, tick=False)
    system = push_receiver(personas.maja, receiver.url())
    sender = pull_sender(personas)
    return [message_to(sender, system)[0] for _ in range(MESSAGES)]


def attempt(time_machine, receiver, at: datetime, mode: str) -> int:
    receiver.state.mode = mode
    time_machine.move_to(at, tick=False)
    return deliveries_run()


def failed_reasons(message) -> list[str]:
    return list(
        MessageEvent.objects.filter(message=message, event=EventTag.SENT_TO_RECIPIENT_SYSTEM_FAILED)
        .order_by("occurred_at", "id")
        .values_list("error_message", flat=True)
    )


def test_a_fault_at_every_attempt_then_a_slow_answer_stores_each_message_once(
    receiver, batch, time_machine
):
    receiver.state.slow_seconds = 0.2  # within the 0.5 s read timeout
    for at, (mode, reason) in zip(ATTEMPT_TIMES, FAULTS, strict=False):
        assert attempt(time_machine, receiver, at, mode) == MESSAGES
        states = Delivery.objects.values_list("state", "attempts", "last_error")
        assert {(state, n) for state, n, _ in states} == {
            (DeliveryState.PENDING, ATTEMPT_TIMES.index(at) + 1)
        }
        assert all(error.startswith(reason) for _, _, error in states), states
    assert receiver.state.stored() == {}

    assert attempt(time_machine, receiver, ATTEMPT_TIMES[len(FAULTS)], SLOW) == MESSAGES
    for at in ATTEMPT_TIMES[len(FAULTS) + 1 :]:  # the rest of the week: nothing is due again
        assert attempt(time_machine, receiver, at, OK) == 0

    assert receiver.state.stored() == {str(m.message_uuid): 1 for m in batch}
    assert len(receiver.state.calls) == MESSAGES * (len(FAULTS) + 1)
    assert set(Delivery.objects.values_list("state", "attempts")) == {
        (DeliveryState.DELIVERED, len(FAULTS) + 1)
    }
    for message in batch:
        message.refresh_from_db()
        assert message.state == MessageState.DELIVERED
        reasons = failed_reasons(message)
        assert [r.split(":")[0] for r in reasons] == [r.split(":")[0] for _, r in FAULTS]
        sent = MessageEvent.objects.filter(message=message, event=EventTag.SENT_TO_RECIPIENT_SYSTEM)
        assert sent.count() == 1


def test_a_receiver_faulty_for_the_whole_week_fails_each_message_visibly_with_the_reason(
    receiver, batch, time_machine
):
    for number, at in enumerate(ATTEMPT_TIMES):
        mode, _reason = FAULTS[number % len(FAULTS)]
        assert attempt(time_machine, receiver, at, mode) == MESSAGES
    assert attempt(time_machine, receiver, ATTEMPT_TIMES[-1], OK) == 0  # nothing left to try

    assert receiver.state.stored() == {}
    assert len(receiver.state.calls) == MESSAGES * len(ATTEMPT_TIMES)
    assert set(Delivery.objects.values_list("state", "attempts")) == {
        (DeliveryState.FAILED, len(ATTEMPT_TIMES))
    }
    for message in batch:
        message.refresh_from_db()
        assert message.state == MessageState.FAILED
        assert len(failed_reasons(message)) == len(ATTEMPT_TIMES)
        failed = MessageEvent.objects.get(message=message, event=EventTag.FAILED)
        assert failed.error_message == UNREACHABLE_TEXT


def test_a_receiver_that_stores_then_answers_too_late_gets_the_message_again_once(
    receiver, batch, time_machine
):
    """The boundary of the guarantee: the sender cannot tell "stored, answer lost" from "not
    stored", so the attempt failed and the message is sent again at the next attempt. The
    receiver has two copies of one messageUUID (it dedupes by it); the platform records one
    delivery, DELIVERED once."""
    attempt(time_machine, receiver, ATTEMPT_TIMES[0], STORE_THEN_HANG)
    assert set(Delivery.objects.values_list("state", "last_error")) == {
        (DeliveryState.PENDING, TIMEOUT)
    }
    attempt(time_machine, receiver, ATTEMPT_TIMES[1], OK)
    attempt(time_machine, receiver, ATTEMPT_TIMES[2], OK)

    assert receiver.state.stored() == {str(m.message_uuid): 2 for m in batch}
    assert set(Delivery.objects.values_list("state", "attempts")) == {(DeliveryState.DELIVERED, 2)}
    assert MessageEvent.objects.filter(event=EventTag.SENT_TO_RECIPIENT_SYSTEM).count() == MESSAGES
