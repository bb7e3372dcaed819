"""Accepting one MeMo message (SPEC §13 "Sender API"): what is stored, the technical receipt
and the events of an accepted message."""

import uuid
from datetime import date

import pytest

from adgang.messaging.events import Direction, EventTag
from adgang.messaging.ingest import message_submit
from adgang.messaging.models import (
    MailboxItem,
    Message,
    MessageKind,
    MessageState,
    Receipt,
    ReceiptKind,
    ReceiptPush,
    ReceiptStatus,
    Route,
)
from tests.support.messaging_core import CITIZEN_CPR, memo_xml, sender_system
from tests.support.messaging_ingest import T0, events_of

OUT = Direction.OUTGOING


@pytest.fixture(autouse=True)
def frozen(time_machine):
    """Systems are created and messages submitted at T0."""
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def sender(personas):
    system, _ = sender_system(personas.alice)
    return system


def test_accepted_message_answers_a_received_technical_receipt(sender):
    content = memo_xml(message_uuid="6f1c1d2e-3c3b-4c8e-9a57-0d1f0a3c2b11")
    tid = uuid.uuid4()

    receipt = message_submit(
        system=sender, content=content, query_uuid=None, transmission_id=tid, now=T0
    )

    assert isinstance(receipt, Receipt)
    assert receipt.kind == ReceiptKind.TECHNICAL
    assert receipt.receipt_status == ReceiptStatus.RECEIVED
    assert receipt.push == ReceiptPush.SENT
    assert receipt.transmission_id == tid
    assert receipt.message_uuid == "6f1c1d2e-3c3b-4c8e-9a57-0d1f0a3c2b11"
    assert receipt.message_id == Message.objects.get().pk
    assert receipt.system == sender
    assert receipt.time_stamp == T0


def test_accepted_message_gets_a_new_transmission_id_when_none_is_given(sender):
    receipt = message_submit(system=sender, content=memo_xml(), query_uuid=None, now=T0)

    assert receipt.transmission_id is not None
    assert Message.objects.get().transmission_id == receipt.transmission_id


def test_accepted_message_stores_the_denormalised_fields_and_the_xml_as_received(sender):
    content = memo_xml(
        label="Afgørelse om boligstøtte",
        mandatory=True,
        content_responsible_id="12345678",
        representative_id="87654321",
        files=(("a.pdf", b"one"), ("b.pdf", b"two")),
    )

    message_submit(system=sender, content=content, query_uuid=None, now=T0)

    message = Message.objects.get()
    assert bytes(message.content.xml) == content
    assert message.sender_organisation == sender.organisation
    assert message.sender_system == sender
    assert message.sender_id == sender.organisation.cvr
    assert (message.recipient_id_type, message.recipient_id) == ("CPR", CITIZEN_CPR)
    assert message.kind == MessageKind.MANDATORY
    assert message.title == "Afgørelse om boligstøtte"
    assert message.mandatory is True
    assert message.content_responsible_id == "12345678"
    assert message.representative_id == "87654321"
    assert message.attachment_count == 2
    assert message.size_bytes == len(content)
    assert message.features == ["attention_data"]
    assert message.memo_version == "1.2"
    assert message.created_at == T0


def test_message_to_a_citizen_lands_in_the_citizens_mailbox(sender):
    message_submit(system=sender, content=memo_xml(), query_uuid=None, now=T0)

    message = Message.objects.get()
    item = MailboxItem.objects.get()
    assert (item.owner_id_type, item.owner_id, item.message) == ("CPR", CITIZEN_CPR, message)
    assert (message.route, message.state, message.delivered_at) == (
        Route.MAILBOX,
        MessageState.DELIVERED,
        T0,
    )


def test_accepted_message_records_validated_receipt_sent_and_available_in_the_senders_log(
    sender,
):
    message_submit(system=sender, content=memo_xml(), query_uuid=None, now=T0)

    org = sender.organisation_id
    assert events_of(Message.objects.get()) == [
        (EventTag.VALIDATED, org, OUT),
        (EventTag.TECHNICAL_RECEIPT_SENT, org, OUT),
        (EventTag.AVAILABLE_TO_RECIPIENT, org, OUT),
    ]


def test_query_uuid_equal_to_the_header_in_another_case_is_accepted(sender):
    message_uuid = "6F1C1D2E-3C3B-4C8E-9A57-0D1F0A3C2B11"
    content = memo_xml(message_uuid=message_uuid)

    result = message_submit(system=sender, content=content, query_uuid=message_uuid.lower(), now=T0)

    assert isinstance(result, Receipt)
    assert Message.objects.get().message_uuid == uuid.UUID(message_uuid)


def test_message_with_a_value_date_today_is_routed_at_once(sender):
    content = memo_xml(value_date=date(2026, 3, 2))

    message_submit(system=sender, content=content, query_uuid=None, now=T0)

    message = Message.objects.get()
    assert message.state == MessageState.DELIVERED
    assert message.deliver_after.isoformat() == "2026-03-01T23:00:00+00:00"


def test_message_with_attachments_up_to_99_5_mib_is_accepted(sender):
    # NgDP's default limit: 99.5 MiB of decoded files in a message well under 140 MiB.
    files = (("stor.pdf", b"%" * (int(99.5 * 1024 * 1024) - 1)), ("lille.pdf", b"x"))
    content = memo_xml(files=files)

    receipt = message_submit(system=sender, content=content, query_uuid=None, now=T0)

    assert isinstance(receipt, Receipt)
    message = Message.objects.get()
    assert (message.attachment_count, message.size_bytes) == (2, len(content))
    assert bytes(message.content.xml) == content
