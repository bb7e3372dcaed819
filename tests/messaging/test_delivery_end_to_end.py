"""The whole way through the core with real parts (SPEC §13): a message submitted by a REST
PUSH sender to Kommune M is routed, pushed to Kommune M's receiver system, answered with a
business receipt that is pushed back to the sender's receipt endpoint; a message with a
value date is held, can be recalled, or is released and delivered at its date."""

from datetime import UTC, date, datetime, timedelta

import pytest

from adgang.messaging.business_receipts import business_receipt_accept
from adgang.messaging.delivery import deliveries_run
from adgang.messaging.events import EventTag
from adgang.messaging.ingest import message_submit
from adgang.messaging.models import Message, MessageEvent, MessageState, Receipt, ReceiptKind
from adgang.messaging.recall import message_recall
from adgang.messaging.receipts_push import receipts_push_run
from adgang.messaging.release import messages_release_due
from adgang.systems.models import Protocol
from tests.support.messaging_core import KOMMUNE_M_CVR, memo_xml, sender_system
from tests.support.messaging_delivery import push_receiver, running_receiver
from tests.support.systems_core import actor_of

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
VALUE_DATE = date(2026, 3, 10)
DELIVER_AFTER = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)


@pytest.fixture
def receiver(tmp_path, settings):
    yield from running_receiver(tmp_path, settings)


@pytest.fixture
def world(personas, receiver, time_machine):
    time_machine.move_to(T0, tick=False)
    sender, _key = sender_system(
        personas.alice, Protocol.REST_PUSH, receipt_endpoint=receiver.url("/kvittering")
    )
    system = push_receiver(personas.maja, receiver.url("/modtag"))
    return sender, system


def submit(sender, **changes) -> Message:
    receipt = message_submit(
        system=sender,
        content=memo_xml(recipient_id=KOMMUNE_M_CVR, recipient_type="CVR", **changes),
        query_uuid=None,
    )
    assert isinstance(receipt, Receipt), receipt
    return Message.objects.get(pk=receipt.message_id)


def test_submitted_pushed_answered_and_the_receipt_pushed_back(world, receiver, personas):
    sender, system = world
    message = submit(sender)

    deliveries_run()
    business_receipt_accept(system=system, message_id=message.pk, status="COMPLETED")
    receipts_push_run()

    assert receiver.state.uuids() == [str(message.message_uuid)]
    [pushed] = receiver.state.notifications
    assert (pushed["messageId"], pushed["receiptStatus"]) == (str(message.pk), "COMPLETED")
    kommune_m = MessageEvent.objects.filter(organisation=personas.maja.organisation)
    assert list(kommune_m.order_by("id").values_list("event", flat=True)) == [
        EventTag.SENT_TO_RECIPIENT_SYSTEM,
        EventTag.BUSINESS_RECEIPT_RECEIVED,
    ]
    sent = MessageEvent.objects.filter(
        organisation=personas.alice.organisation, event=EventTag.BUSINESS_RECEIPT_SENT
    )
    assert sent.count() == 1
    assert Receipt.objects.get(message=message, kind=ReceiptKind.BUSINESS).push == "SENT"


def test_a_held_message_is_released_and_delivered_at_its_value_date(world, receiver, time_machine):
    sender, _system = world
    message = submit(sender, value_date=VALUE_DATE)
    assert message.state == MessageState.HELD

    deliveries_run()
    assert receiver.state.received == []

    time_machine.move_to(DELIVER_AFTER, tick=False)
    assert messages_release_due() == 1
    deliveries_run()

    assert receiver.state.uuids() == [str(message.message_uuid)]
    message.refresh_from_db()
    assert message.state == MessageState.DELIVERED


def test_a_recalled_message_is_never_delivered(world, receiver, personas, time_machine):
    sender, _system = world
    message = submit(sender, value_date=VALUE_DATE)

    message_recall(
        organisation=personas.alice.organisation,
        message_id=message.pk,
        actor=actor_of(personas.alice),
    )
    time_machine.move_to(DELIVER_AFTER + timedelta(days=1), tick=False)
    messages_release_due()
    deliveries_run()

    assert receiver.state.received == []
    message.refresh_from_db()
    assert message.state == MessageState.RECALLED
