"""Bulk intake stores its members in chunks (issue 10; `adgang/messaging/bulk.py`): one
transaction and one INSERT per table for a chunk, so statements grow with the chunks, not
with the members; a refused member stores nothing and gets its INVALID receipt; every member
gets exactly one receipt; a duplicate messageUUID is refused in the archive, across archives
and when another upload stores it between our check and our INSERT; a chunk is stored whole
or not at all."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adgang.messaging import bulk
from adgang.messaging.bulk import bulk_submit
from adgang.messaging.events import EventTag
from adgang.messaging.models import (
    Delivery,
    MailboxItem,
    Message,
    MessageContent,
    MessageEvent,
    MessageState,
    Receipt,
    ReceiptStatus,
    Route,
)
from adgang.nemsms.models import NemSmsRegistration, NemSmsState, SmsOutbox
from tests.support.messaging_bulk import tar_lzma
from tests.support.messaging_core import (
    CITIZEN_CPR,
    KOMMUNE_M_CVR,
    Protocol,
    memo_xml,
    receiver_system,
    sender_system,
)
from tests.support.messaging_ingest import T0, store_counts

DUPLICATE = "message.uuid.already.exists"
OK = (ReceiptStatus.RECEIVED, "")
REFUSED_DUPLICATE = (ReceiptStatus.INVALID, DUPLICATE)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def sender(personas):
    system, _ = sender_system(personas.alice)
    return system


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK_MEMBERS", 3)


def members(count: int, prefix: str = "brev"):
    return [(f"{prefix}{n}.xml", memo_xml()) for n in range(count)]


def statuses(result) -> list[tuple[str, str]]:
    return [(r.receipt_status, r.error_code) for r in result.receipts]


def statements_for(sender, count: int) -> int:
    archive = tar_lzma(members(count))
    with CaptureQueriesContext(connection) as queries:
        result = bulk_submit(system=sender, archive=archive, now=T0)
    assert statuses(result) == [(ReceiptStatus.RECEIVED, "")] * count
    return len(queries.captured_queries)


def test_bulk_statements_grow_with_chunks_not_members(sender):
    ten = statements_for(sender, 10)
    fifty = statements_for(sender, 50)

    # One chunk either way: 40 more members cost at most a few more statements (SQLite
    # splits a long INSERT at its parameter limit), nowhere near one per member.
    assert fifty - ten <= 8, (ten, fifty)
    assert ten < 20, ten


def test_a_refused_member_in_a_chunk_stores_nothing_and_the_others_are_stored(sender, small_chunks):
    bad_uuid = str(uuid.uuid4())
    archive = tar_lzma(
        [
            *members(2, "a"),
            ("daarlig.xml", memo_xml(message_uuid=bad_uuid, recipient_id="150385128A")),
            *members(4, "b"),
        ]
    )

    result = bulk_submit(system=sender, archive=archive, now=T0)

    assert statuses(result) == [
        *[(ReceiptStatus.RECEIVED, "")] * 2,
        (ReceiptStatus.INVALID, "recipient.id.cpr.not.valid"),
        *[(ReceiptStatus.RECEIVED, "")] * 4,
    ]
    assert Receipt.objects.filter(transmission_id=result.transmission_id).count() == 7
    assert Message.objects.count() == MessageContent.objects.count() == 6
    assert MailboxItem.objects.count() == 6
    assert not Message.objects.filter(message_uuid=bad_uuid).exists()
    assert list(
        MessageEvent.objects.filter(message_uuid=bad_uuid).values_list("event", "message_id")
    ) == [(EventTag.TECHNICALLY_REJECTED, None)]


def test_each_stored_member_has_its_events_in_order(sender, small_chunks):
    result = bulk_submit(system=sender, archive=tar_lzma(members(5)), now=T0)

    for receipt in result.receipts:
        assert list(
            MessageEvent.objects.filter(message_id=receipt.message_id)
            .order_by("id")
            .values_list("event", "occurred_at", "receipt_status")
        ) == [
            (EventTag.VALIDATED, T0, ""),
            (EventTag.TECHNICAL_RECEIPT_SENT, T0, ReceiptStatus.RECEIVED),
            (EventTag.AVAILABLE_TO_RECIPIENT, T0, ""),
        ]


def test_duplicate_inside_one_archive_across_chunks_is_refused(sender, small_chunks):
    message_uuid = str(uuid.uuid4())
    archive = tar_lzma(
        [
            ("a.xml", memo_xml(message_uuid=message_uuid)),
            *members(3),
            ("b.xml", memo_xml(message_uuid=message_uuid)),
        ]
    )

    result = bulk_submit(system=sender, archive=archive, now=T0)

    assert statuses(result) == [
        *[(ReceiptStatus.RECEIVED, "")] * 4,
        (ReceiptStatus.INVALID, DUPLICATE),
    ]
    assert Message.objects.filter(message_uuid=message_uuid).count() == 1
    assert Message.objects.count() == 4


def test_duplicate_of_an_earlier_archive_is_refused(sender):
    message_uuid = str(uuid.uuid4())
    bulk_submit(system=sender, archive=tar_lzma([("a.xml", memo_xml(message_uuid=message_uuid))]))
    before = store_counts()

    result = bulk_submit(
        system=sender,
        archive=tar_lzma([("a.xml", memo_xml(message_uuid=message_uuid)), *members(2)]),
        now=T0,
    )

    assert statuses(result) == [
        (ReceiptStatus.INVALID, DUPLICATE),
        *[(ReceiptStatus.RECEIVED, "")] * 2,
    ]
    assert store_counts()["Message"] == before["Message"] + 2


def test_a_duplicate_stored_after_the_check_is_refused_member_by_member(sender, monkeypatch):
    """Another upload stores the messageUUID between our check and our INSERT: the unique
    constraint refuses the batch, and the chunk is stored one member at a time."""
    message_uuid = str(uuid.uuid4())
    bulk_submit(system=sender, archive=tar_lzma([("a.xml", memo_xml(message_uuid=message_uuid))]))
    monkeypatch.setattr(bulk, "_refuse_stored", lambda outcomes: None)  # the check sees nothing

    result = bulk_submit(
        system=sender,
        archive=tar_lzma([*members(2), ("a.xml", memo_xml(message_uuid=message_uuid))]),
        now=T0,
    )

    assert statuses(result) == [
        *[(ReceiptStatus.RECEIVED, "")] * 2,
        (ReceiptStatus.INVALID, DUPLICATE),
    ]
    assert Message.objects.count() == 3
    assert Receipt.objects.filter(transmission_id=result.transmission_id).count() == 3
    assert MessageEvent.objects.filter(transmission_id=result.transmission_id).count() == 2 * 3 + 1


def test_a_chunk_is_stored_whole_or_not_at_all(sender, small_chunks, monkeypatch):
    stored_chunks = []
    store_many = bulk.accepted_store_many

    def crash_in_the_second_chunk(accepted, **kwargs):
        receipts = store_many(accepted, **kwargs)  # the rows are written, then the crash
        if stored_chunks:
            raise RuntimeError("the process dies")
        stored_chunks.append(receipts)
        return receipts

    monkeypatch.setattr(bulk, "accepted_store_many", crash_in_the_second_chunk)

    with pytest.raises(RuntimeError):
        bulk_submit(system=sender, archive=tar_lzma(members(5)), now=T0)

    assert Message.objects.count() == 3
    assert MailboxItem.objects.count() == 3
    assert Receipt.objects.count() == 3
    assert MessageEvent.objects.count() == 3 * 3


def test_members_to_one_authority_look_it_up_once_per_chunk(personas, sender):
    primary, _ = receiver_system(personas.maja, Protocol.REST_PULL)

    def to_the_authority(count: int) -> int:
        archive = tar_lzma(
            [
                (f"m{n}.xml", memo_xml(recipient_type="CVR", recipient_id=KOMMUNE_M_CVR))
                for n in range(count)
            ]
        )
        with CaptureQueriesContext(connection) as queries:
            result = bulk_submit(system=sender, archive=archive, now=T0)
        assert statuses(result) == [OK] * count
        return len(queries.captured_queries)

    two, twenty = to_the_authority(2), to_the_authority(20)

    assert twenty - two <= 4, (two, twenty)
    assert Delivery.objects.filter(system=primary).count() == 22
    assert set(Message.objects.values_list("route", "state")) == {
        (Route.SYSTEM, MessageState.DELIVERED)
    }


def test_a_nemsms_member_is_routed_after_the_chunk_is_written(sender):
    NemSmsRegistration.objects.create(
        id_type="CPR", number=CITIZEN_CPR, phone="+4520304050", state=NemSmsState.ACTIVE
    )
    archive = tar_lzma([*members(1), ("sms.xml", memo_xml(message_type="NEMSMS")), *members(1)])

    result = bulk_submit(system=sender, archive=archive, now=T0)

    assert statuses(result) == [OK] * 3
    sms_message = Message.objects.get(message_type="NEMSMS")
    assert (sms_message.route, sms_message.state) == (Route.NEMSMS, MessageState.DELIVERED)
    assert SmsOutbox.objects.get().message_id == sms_message.pk
    assert list(
        MessageEvent.objects.filter(message=sms_message)
        .order_by("id")
        .values_list("event", flat=True)
    ) == [EventTag.VALIDATED, EventTag.TECHNICAL_RECEIPT_SENT, EventTag.AVAILABLE_TO_RECIPIENT]
