"""Pushing receipts to REST PUSH sender systems (SPEC §13; NGDP-API.md "Receipt"): the NgDP
Receipt JSON at the receipt endpoint, retried with the receiver policy's rhythm (SPEC §3)."""

from datetime import UTC, datetime

import pytest

from adgang.messaging.business_receipts import business_receipt_accept
from adgang.messaging.events import EventTag
from adgang.messaging.models import (
    DeliveryState,
    MessageEvent,
    MessageState,
    Receipt,
    ReceiptKind,
    ReceiptPush,
    ReceiptStatus,
)
from adgang.messaging.policy import RECEIVER_OFFSETS
from adgang.messaging.receipts_push import receipts_push_run
from adgang.messaging.routing import receipt_for_sender
from adgang.systems.models import Protocol
from tests.support.messaging_core import receiver_system, sender_system
from tests.support.messaging_delivery import (
    FAIL_500,
    delivery_for,
    message_for,
    running_receiver,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def receiver(tmp_path, settings):
    yield from running_receiver(tmp_path, settings)


@pytest.fixture
def business_receipt(personas, receiver, time_machine):
    """A business receipt from Kommune M's PULL system for a REST PUSH sender of Kommune A."""
    time_machine.move_to(T0, tick=False)
    sender, _key = sender_system(
        personas.alice, Protocol.REST_PUSH, receipt_endpoint=receiver.url("/kvittering")
    )
    puller, _key = receiver_system(personas.maja, Protocol.REST_PULL)
    message = message_for(
        sender_system=sender,
        recipient_organisation=puller.organisation,
        recipient_id=puller.organisation.cvr,
        state=MessageState.DELIVERED,
    )
    delivery_for(message, puller, state=DeliveryState.AVAILABLE)
    return business_receipt_accept(
        system=puller,
        message_id=message.pk,
        status=ReceiptStatus.INVALID,
        error_code="memo.unreadable",
        error_message="Kunne ikke læses",
    )


def test_a_pending_receipt_is_posted_as_ngdp_receipt_json(business_receipt, receiver):
    assert receipts_push_run() == 1

    assert receiver.state.notifications == [
        {
            "transmissionId": str(business_receipt.transmission_id),
            "messageUUID": business_receipt.message_uuid,
            "messageId": str(business_receipt.message_id),
            "errorCode": "memo.unreadable",
            "errorMessage": "Kunne ikke læses",
            "timeStamp": "2026-03-02T09:00:00Z",
            "receiptStatus": "INVALID",
        }
    ]
    business_receipt.refresh_from_db()
    assert (business_receipt.push, business_receipt.push_attempts) == (ReceiptPush.SENT, 1)
    assert receipts_push_run() == 0


def test_a_pushed_business_receipt_is_sent_in_the_senders_log(business_receipt, personas):
    receipts_push_run()

    event = MessageEvent.objects.get(event=EventTag.BUSINESS_RECEIPT_SENT)
    assert (event.organisation, event.message_id, event.receipt_status) == (
        personas.alice.organisation,
        business_receipt.message_id,
        "INVALID",
    )


def test_a_failed_push_is_due_again_at_the_next_policy_offset(business_receipt, receiver):
    receiver.state.mode = FAIL_500

    receipts_push_run()

    business_receipt.refresh_from_db()
    assert (business_receipt.push, business_receipt.push_attempts) == (ReceiptPush.PENDING, 1)
    assert business_receipt.next_push_at == T0 + RECEIVER_OFFSETS[1]
    assert business_receipt.lease_until is None


def test_after_the_last_attempt_the_receipt_failed_in_the_senders_log(
    business_receipt, receiver, personas, time_machine
):
    receiver.state.mode = FAIL_500

    for offset in RECEIVER_OFFSETS:
        time_machine.move_to(T0 + offset, tick=False)
        assert receipts_push_run() == 1

    business_receipt.refresh_from_db()
    assert (business_receipt.push, business_receipt.push_attempts) == (ReceiptPush.FAILED, 12)
    [event] = MessageEvent.objects.filter(event=EventTag.BUSINESS_RECEIPT_FAILED)
    assert (event.organisation, event.occurred_at) == (
        personas.alice.organisation,
        T0 + RECEIVER_OFFSETS[-1],
    )
    assert event.error_message == "Systemet svarede HTTP 500."
    assert not MessageEvent.objects.filter(event=EventTag.BUSINESS_RECEIPT_SENT).exists()


def test_a_pushed_technical_receipt_is_technical_receipt_sent(personas, receiver, time_machine):
    time_machine.move_to(T0, tick=False)
    sender, _key = sender_system(
        personas.alice, Protocol.REST_PUSH, receipt_endpoint=receiver.url("/kvittering")
    )
    receipt = receipt_for_sender(
        system=sender,
        message=None,
        kind=ReceiptKind.TECHNICAL,
        status=ReceiptStatus.INVALID,
        error_code="memo.xml.malformed",
        now=T0,
        message_uuid="0b0f2c2e-6d55-4a5f-9b9e-7d5f1c6b3a11",
    )

    receipts_push_run()

    [pushed] = receiver.state.notifications
    assert (pushed["messageId"], pushed["errorCode"]) == (None, "memo.xml.malformed")
    event = MessageEvent.objects.get(event=EventTag.TECHNICAL_RECEIPT_SENT)
    assert (event.organisation, event.message_uuid, event.transmission_id) == (
        personas.alice.organisation,
        receipt.message_uuid,
        receipt.transmission_id,
    )


def test_pull_receipts_are_never_pushed(personas, receiver):
    sender, _key = sender_system(personas.alice, Protocol.REST_PULL)
    receipt_for_sender(
        system=sender, message=None, kind=ReceiptKind.TECHNICAL, status="RECEIVED", now=T0
    )

    assert receipts_push_run() == 0
    assert Receipt.objects.get().push == ReceiptPush.PULL
