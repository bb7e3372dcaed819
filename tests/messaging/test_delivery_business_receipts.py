"""Business receipts from receiver systems (SPEC §13; NGDP-API.md POST /memos/{id}/receipt):
only the system the message was delivered to may send one, once; the sender gets it."""

import uuid
from datetime import UTC, datetime

import pytest

from adgang.messaging.business_receipts import business_receipt_accept
from adgang.messaging.errors import Refusal
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
from adgang.systems.models import Protocol
from tests.support.messaging_core import receiver_system, sender_system
from tests.support.messaging_delivery import delivery_for, message_for, pull_sender

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def puller(personas):
    system, _key = receiver_system(personas.maja, Protocol.REST_PULL)
    return system


def delivered(sender, system, state=DeliveryState.AVAILABLE):
    organisation = system.organisation
    message = message_for(
        sender_system=sender,
        recipient_organisation=organisation,
        recipient_id=organisation.cvr,
        state=MessageState.DELIVERED,
    )
    delivery_for(message, system, state=state)
    return message


def accept(system, message_id, status=ReceiptStatus.COMPLETED, **kwargs):
    return business_receipt_accept(
        system=system, message_id=message_id, status=status, now=T0, **kwargs
    )


def snapshot():
    return (Receipt.objects.count(), MessageEvent.objects.count())


@pytest.mark.parametrize(
    "state",
    [
        DeliveryState.AVAILABLE,
        DeliveryState.DELIVERED,
        DeliveryState.FETCHED,
        DeliveryState.IN_FLIGHT,  # answered before the worker recorded the push's 2xx
    ],
)
def test_the_receiving_system_sends_a_business_receipt_the_sender_can_pull(personas, puller, state):
    message = delivered(pull_sender(personas), puller, state)

    receipt = accept(
        puller, message.pk, ReceiptStatus.INVALID, error_code="x.y", error_message="ulæselig"
    )

    assert isinstance(receipt, Receipt)
    assert (receipt.system, receipt.message, receipt.kind) == (
        message.sender_system,
        message,
        ReceiptKind.BUSINESS,
    )
    assert (receipt.receipt_status, receipt.error_code, receipt.error_message) == (
        ReceiptStatus.INVALID,
        "x.y",
        "ulæselig",
    )
    assert (receipt.push, receipt.transmission_id) == (ReceiptPush.PULL, message.transmission_id)


def test_a_push_receiver_may_name_the_message_by_its_message_uuid(personas, puller):
    message = delivered(pull_sender(personas), puller, DeliveryState.DELIVERED)

    receipt = accept(puller, message.message_uuid)

    assert receipt.message == message


def test_receipt_events_received_in_the_receivers_log_sent_in_the_senders_log(personas, puller):
    message = delivered(pull_sender(personas), puller)

    accept(puller, message.pk)

    received, sent = MessageEvent.objects.filter(message=message).order_by("id")
    assert (received.event, received.organisation, received.direction) == (
        EventTag.BUSINESS_RECEIPT_RECEIVED,
        personas.maja.organisation,
        "IN",
    )
    assert (received.receipt_status, received.recipient_system_id) == ("COMPLETED", puller.pk)
    assert (sent.event, sent.organisation, sent.direction) == (
        EventTag.BUSINESS_RECEIPT_SENT,
        personas.alice.organisation,
        "OUT",
    )


def test_a_push_sender_gets_the_receipt_queued_for_its_endpoint_without_sent_yet(personas, puller):
    sender, _key = sender_system(
        personas.alice, Protocol.REST_PUSH, receipt_endpoint="https://post.kommune-a.dk/kvit"
    )
    message = delivered(sender, puller)

    receipt = accept(puller, message.pk)

    assert (receipt.push, receipt.next_push_at) == (ReceiptPush.PENDING, T0)
    assert not MessageEvent.objects.filter(event=EventTag.BUSINESS_RECEIPT_SENT).exists()


def assert_refused(system, message_id, code, status=ReceiptStatus.COMPLETED, **kwargs):
    before = snapshot()
    refusal = accept(system, message_id, status, **kwargs)
    assert isinstance(refusal, Refusal)
    assert refusal.code == code
    assert snapshot() == before
    return refusal


def test_another_system_cannot_send_a_receipt_for_the_message(personas, puller):
    message = delivered(pull_sender(personas), puller)
    other, _key = receiver_system(personas.birgitte, Protocol.REST_PULL)

    refusal = assert_refused(other, message.pk, "message.not.found")
    assert refusal.status == 404


@pytest.mark.parametrize("message_id", [uuid.UUID(int=3), "nope"])
def test_an_unknown_message_is_not_found(puller, message_id):
    assert_refused(puller, message_id, "message.not.found")


@pytest.mark.parametrize(
    "state", [DeliveryState.PENDING, DeliveryState.FAILED, DeliveryState.SUPERSEDED]
)
def test_a_message_not_delivered_to_the_system_is_not_found(personas, puller, state):
    message = delivered(pull_sender(personas), puller, state)

    assert_refused(puller, message.pk, "message.not.found")


@pytest.mark.parametrize("status", [ReceiptStatus.RECEIVED, ReceiptStatus.NOT_ALLOWED, "DONE"])
def test_only_completed_or_invalid_is_accepted(personas, puller, status):
    message = delivered(pull_sender(personas), puller)

    refusal = assert_refused(puller, message.pk, "receipt.status.not.allowed", status)
    assert refusal.status == 400


def test_an_overlong_error_message_is_refused(personas, puller):
    message = delivered(pull_sender(personas), puller)

    assert_refused(
        puller,
        message.pk,
        "receipt.error.message.too.long",
        ReceiptStatus.INVALID,
        error_message="x" * 2001,
    )


def test_a_second_business_receipt_is_refused(personas, puller):
    message = delivered(pull_sender(personas), puller)
    accept(puller, message.pk)

    refusal = assert_refused(puller, message.pk, "business.receipt.already.received")
    assert refusal.status == 409
