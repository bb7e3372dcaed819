"""The delivery policy end to end (SPEC §3), on a frozen clock against real HTTPS receivers:
a receiver down for 8 days is tried at exactly the policy's times, then the primary system
3 times; the message log shows each step; a receiver that comes back gets the message once.
"""

from datetime import UTC, datetime, timedelta

import pytest

from adgang.messaging.delivery import UNREACHABLE_CODE, deliveries_run
from adgang.messaging.events import EventTag
from adgang.messaging.models import (
    Delivery,
    DeliveryPhase,
    DeliveryState,
    MessageEvent,
    MessageState,
    Receipt,
    ReceiptKind,
    ReceiptPush,
    ReceiptStatus,
)
from adgang.messaging.policy import PRIMARY_OFFSETS, RECEIVER_OFFSETS
from tests.support.messaging_delivery import (
    FAIL_500,
    OK,
    Receiver,
    message_to,
    pull_sender,
    push_receiver,
    running_receiver,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RECEIVER_TIMES = [T0 + offset for offset in RECEIVER_OFFSETS]
PRIMARY_TIMES = [RECEIVER_TIMES[-1] + offset for offset in PRIMARY_OFFSETS]


@pytest.fixture
def receiver(tmp_path, settings):
    yield from running_receiver(tmp_path, settings)


@pytest.fixture
def primary_server(tmp_path, receiver):
    with Receiver(tmp_path / "tls") as running:  # same certificate as `receiver`
        yield running


@pytest.fixture
def setup(personas, receiver, primary_server, time_machine):
    """Kommune M with a primary system and another receiver system; a message to the latter."""
    time_machine.move_to(T0, tick=False)
    primary = push_receiver(personas.maja, primary_server.url("/primaer"))
    system = push_receiver(personas.maja, receiver.url("/modtag"))
    assert primary.is_primary and not system.is_primary
    message, delivery = message_to(pull_sender(personas), system)
    return message, delivery, system, primary


def run_at(time_machine, at: datetime) -> int:
    time_machine.move_to(at, tick=False)
    return deliveries_run()


def failed_times(organisation, system) -> list[datetime]:
    return list(
        MessageEvent.objects.filter(
            organisation=organisation,
            event=EventTag.SENT_TO_RECIPIENT_SYSTEM_FAILED,
            recipient_system_id=system.pk,
        )
        .order_by("occurred_at", "id")
        .values_list("occurred_at", flat=True)
    )


def test_a_receiver_down_for_8_days_is_tried_at_the_policys_times_then_the_primary_3_times(
    personas, receiver, primary_server, setup, time_machine
):
    message, delivery, system, primary = setup
    receiver.state.mode = primary_server.state.mode = FAIL_500
    minute = timedelta(minutes=1)

    for at in RECEIVER_TIMES + PRIMARY_TIMES[1:]:
        assert run_at(time_machine, at - minute) == 0  # nothing before its time
        run_at(time_machine, at)
    run_at(time_machine, PRIMARY_TIMES[-1] + timedelta(days=30))

    kommune_m = personas.maja.organisation
    assert failed_times(kommune_m, system) == RECEIVER_TIMES
    assert failed_times(kommune_m, primary) == PRIMARY_TIMES
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SUPERSEDED, 12)
    to_primary = Delivery.objects.get(message=message, system=primary)
    assert (to_primary.phase, to_primary.state, to_primary.attempts) == (
        DeliveryPhase.PRIMARY,
        DeliveryState.FAILED,
        3,
    )
    message.refresh_from_db()
    assert message.state == MessageState.FAILED


def test_giving_up_is_failed_in_the_senders_log_and_a_business_receipt_invalid(
    personas, receiver, primary_server, setup, time_machine
):
    message, _delivery, _system, _primary = setup
    receiver.state.mode = primary_server.state.mode = FAIL_500

    for at in RECEIVER_TIMES + PRIMARY_TIMES[1:]:
        run_at(time_machine, at)

    [failed] = MessageEvent.objects.filter(message=message, event=EventTag.FAILED)
    assert (failed.organisation, failed.direction, failed.occurred_at) == (
        personas.alice.organisation,
        "OUT",
        PRIMARY_TIMES[-1],
    )
    [receipt] = Receipt.objects.filter(message=message)
    assert (receipt.kind, receipt.receipt_status, receipt.error_code, receipt.push) == (
        ReceiptKind.BUSINESS,
        ReceiptStatus.INVALID,
        UNREACHABLE_CODE,
        ReceiptPush.PULL,
    )
    assert receipt.system == message.sender_system


def test_the_primary_system_gets_the_message_when_the_receiver_stays_down(
    personas, receiver, primary_server, setup, time_machine
):
    message, _delivery, _system, primary = setup
    receiver.state.mode = FAIL_500

    for at in RECEIVER_TIMES:
        run_at(time_machine, at)

    assert receiver.state.received == []
    assert primary_server.state.uuids() == [str(message.message_uuid)]
    sent = MessageEvent.objects.get(message=message, event=EventTag.SENT_TO_RECIPIENT_SYSTEM)
    assert (sent.recipient_system_id, sent.occurred_at) == (primary.pk, RECEIVER_TIMES[-1])
    message.refresh_from_db()
    assert message.state == MessageState.DELIVERED


def test_a_receiver_that_comes_back_mid_way_gets_the_message_exactly_once(
    personas, receiver, primary_server, setup, time_machine
):
    message, delivery, system, _primary = setup
    receiver.state.mode = FAIL_500
    for at in RECEIVER_TIMES[:6]:
        run_at(time_machine, at)

    receiver.state.mode = OK
    for at in RECEIVER_TIMES[6:] + PRIMARY_TIMES:
        run_at(time_machine, at)

    assert receiver.state.uuids() == [str(message.message_uuid)]
    assert primary_server.state.received == []
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 7)
    assert failed_times(personas.maja.organisation, system) == RECEIVER_TIMES[:6]


def test_without_another_primary_the_message_fails_after_the_receiver_phase(
    personas, receiver, time_machine
):
    time_machine.move_to(T0, tick=False)
    only = push_receiver(personas.maja, receiver.url())  # it is the primary itself
    message, delivery = message_to(pull_sender(personas), only)
    receiver.state.mode = FAIL_500

    for at in RECEIVER_TIMES:
        run_at(time_machine, at)

    delivery.refresh_from_db()
    message.refresh_from_db()
    assert (delivery.state, message.state) == (DeliveryState.FAILED, MessageState.FAILED)
    assert Delivery.objects.filter(message=message).count() == 1
