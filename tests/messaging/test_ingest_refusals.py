"""Every intake rule of the sender API (SPEC §13, NGDP-API.md "MeMo"): a bad message is
refused with its NgDP code and status, and nothing at all is stored."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from adgang.messaging.errors import Refusal
from adgang.messaging.ingest import MAX_MESSAGE_BYTES, message_submit
from adgang.messaging.models import Receipt
from adgang.registers import demo as register_demo
from tests.support.contacts_factories import build
from tests.support.messaging_core import (
    KOMMUNE_M_CVR,
    memo_xml,
    receiver_system,
    sender_system,
)
from tests.support.messaging_ingest import T0, store_counts

TODAY = date(2026, 3, 2)  # T0 in Copenhagen


@pytest.fixture(autouse=True)
def frozen(time_machine):
    """Systems are created and messages submitted at T0."""
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def sender(personas):
    system, _ = sender_system(personas.alice)
    return system


def refused(sender, content, *, query_uuid=None) -> Refusal:
    """Submit and assert that the answer is a Refusal and that nothing was stored."""
    before = store_counts()
    result = message_submit(system=sender, content=content, query_uuid=query_uuid, now=T0)
    assert isinstance(result, Refusal), result
    assert store_counts() == before
    return result


def field_codes(refusal: Refusal) -> list[tuple[str, str]]:
    return [(error.code, error.field) for error in refusal.field_errors]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1">&lol2;</memo:Message>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE m SYSTEM "file:///etc/passwd">
<memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.2"/>"""


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"this is not xml", "memo.xml.malformed"),
        (b"", "memo.xml.malformed"),
        (b"<memo:Message xmlns:memo='https://DigitalPost.dk/MeMo-1'>", "memo.xml.malformed"),
        (XXE, "memo.xml.dtd.not.allowed"),
        (BILLION_LAUGHS, "memo.xml.entity.not.allowed"),
        (b"<Message memoVersion='1.2'/>", "memo.namespace.unknown"),
    ],
    ids=["not-xml", "empty", "truncated", "xxe-doctype", "billion-laughs", "no-namespace"],
)
def test_unparseable_message_is_refused_400(sender, content, code):
    refusal = refused(sender, content)

    assert (refusal.status, refusal.code) == (400, code)
    assert refusal.as_json()["fieldErrors"][0]["code"] == code


def test_message_over_140_mib_is_refused_413(sender):
    content = memo_xml().replace(b"</memo:Message>", b" " * MAX_MESSAGE_BYTES + b"</memo:Message>")

    refusal = refused(sender, content)

    assert (refusal.status, refusal.code) == (413, "memo.size.too.large")


def test_query_uuid_other_than_the_header_is_refused(sender):
    content = memo_xml(message_uuid=str(uuid.uuid4()))

    refusal = refused(sender, content, query_uuid=str(uuid.uuid4()))

    assert (refusal.status, refusal.code) == (400, "memo.message.uuid.mismatch")
    assert field_codes(refusal) == [("memo.message.uuid.mismatch", "MessageHeader.messageUUID")]


@pytest.mark.parametrize("bad", ["not-a-uuid", "6f1c1d2e3c3b4c8e9a570d1f0a3c2b11", "{x}"])
def test_malformed_message_uuid_is_refused(sender, bad):
    refusal = refused(sender, memo_xml(message_uuid=bad))

    assert (refusal.status, refusal.code) == (400, "message.uuid.format.not.allowed")


@pytest.mark.parametrize(
    ("recipient_type", "recipient_id", "code"),
    [
        ("EMAIL", "a@b.dk", "recipient.id.type.not.allowed"),
        ("CPR", "150385128A", "recipient.id.cpr.not.valid"),
        ("CPR", "3102851284", "recipient.id.cpr.not.valid"),
        ("CPR", "15038512", "recipient.id.cpr.not.valid"),
        ("CVR", "12345678", "recipient.id.cvr.not.valid"),
        ("CVR", "2969010", "recipient.id.cvr.not.valid"),
    ],
    ids=["unknown-id-type", "cpr-letter", "cpr-date", "cpr-short", "cvr-check", "cvr-short"],
)
def test_bad_recipient_is_refused(sender, recipient_type, recipient_id, code):
    content = memo_xml(recipient_type=recipient_type, recipient_id=recipient_id)

    refusal = refused(sender, content)

    assert (refusal.status, refusal.code) == (400, code)


def test_deceased_citizen_is_refused_as_closed(sender):
    content = memo_xml(recipient_id=register_demo.CITIZEN_DECEASED.cpr)

    refusal = refused(sender, content)

    assert (refusal.status, refusal.code) == (400, "recipient.is.closed")
    assert field_codes(refusal) == [("recipient.is.closed", "MessageHeader.Recipient.recipientID")]


@pytest.mark.parametrize(
    ("value_date", "code"),
    [
        (TODAY - timedelta(days=1), "do.not.deliver.until.date.too.early"),
        (TODAY + timedelta(days=366), "do.not.deliver.until.date.too.late"),
    ],
    ids=["yesterday", "366-days-ahead"],
)
def test_value_date_in_the_past_or_too_far_ahead_is_refused(sender, value_date, code):
    refusal = refused(sender, memo_xml(value_date=value_date))

    assert (refusal.status, refusal.code) == (400, code)


@pytest.mark.parametrize("char", list('<>:"/\\|?*'))
def test_file_name_with_a_forbidden_character_is_refused(sender, char):
    refusal = refused(sender, memo_xml(files=((f"brev{char}.pdf", b"x"),)))

    assert (refusal.status, refusal.code) == (400, "file.name.not.allowed")


@pytest.mark.parametrize("reference", ["&#x9;", "&#x7f;", "&#x85;"], ids=["tab", "del", "nel"])
def test_file_name_with_a_control_character_is_refused(sender, reference):
    # Control characters XML 1.0 allows, written as character references.
    content = memo_xml(files=(("brevX.pdf", b"x"),)).replace(b"brevX", f"brev{reference}".encode())

    refusal = refused(sender, content)

    assert (refusal.status, refusal.code) == (400, "file.name.not.allowed")


def test_file_name_with_a_control_character_xml_forbids_is_refused_as_malformed(sender):
    content = memo_xml(files=(("brevX.pdf", b"x"),)).replace(b"brevX", b"brev&#x1;")

    refusal = refused(sender, content)

    assert (refusal.status, refusal.code) == (400, "memo.xml.malformed")


def test_sender_id_of_another_organisation_is_refused(sender):
    refusal = refused(sender, memo_xml(sender_cvr=KOMMUNE_M_CVR))

    assert (refusal.status, refusal.code) == (400, "sender.id.not.allowed")
    assert field_codes(refusal) == [("sender.id.not.allowed", "MessageHeader.Sender.senderID")]
    assert refusal.field_errors[0].rejected_value == KOMMUNE_M_CVR


def test_duplicate_message_uuid_is_refused(sender):
    message_uuid = str(uuid.uuid4())
    first = message_submit(
        system=sender, content=memo_xml(message_uuid=message_uuid), query_uuid=None, now=T0
    )
    assert isinstance(first, Receipt)

    refusal = refused(sender, memo_xml(message_uuid=message_uuid.upper(), label="Igen"))

    assert (refusal.status, refusal.code) == (400, "message.uuid.already.exists")


@pytest.fixture
def limited_point(personas):
    """A contact point of Kommune M allowing 2 attachments and 0.1 MB."""
    system, _ = receiver_system(personas.maja)
    built = build(
        personas.maja.organisation,
        points=["Byggesag"],
        point_fields={"max_attachments": 2, "max_message_mb": Decimal("0.1"), "system": system},
    )
    return built["Byggesag"]


def to_point(point, files):
    return memo_xml(
        recipient_type="CVR",
        recipient_id=KOMMUNE_M_CVR,
        contact_point_id=str(point.pk),
        files=files,
    )


def test_more_attachments_than_the_contact_point_allows_are_refused(sender, limited_point):
    files = tuple((f"{n}.pdf", b"x") for n in range(3))

    refusal = refused(sender, to_point(limited_point, files))

    assert (refusal.status, refusal.code) == (400, "attachments.count.too.large")


def test_more_bytes_than_the_contact_point_allows_are_refused(sender, limited_point):
    files = (("stor.pdf", b"x" * (int(0.1 * 1024 * 1024) + 1)),)

    refusal = refused(sender, to_point(limited_point, files))

    assert (refusal.status, refusal.code) == (400, "attachments.size.too.large")


def test_within_the_contact_points_limits_is_accepted(sender, limited_point):
    files = (("a.pdf", b"x" * int(0.1 * 1024 * 1024 - 1)), ("b.pdf", b"y"))

    result = message_submit(
        system=sender, content=to_point(limited_point, files), query_uuid=None, now=T0
    )

    assert isinstance(result, Receipt)
    assert result.message.resolved_point == limited_point


def test_refusal_lists_every_broken_rule_and_is_named_by_the_first(sender):
    content = memo_xml(message_uuid="x", sender_cvr=KOMMUNE_M_CVR, files=(("a|b", b"x"),))

    refusal = refused(sender, content)

    assert refusal.code == "message.uuid.format.not.allowed"
    assert [error.code for error in refusal.field_errors] == [
        "message.uuid.format.not.allowed",
        "file.name.not.allowed",
        "sender.id.not.allowed",
    ]
    assert refusal.as_json()["fieldErrors"][2] == {
        "resource": "memo",
        "field": "MessageHeader.Sender.senderID",
        "code": "sender.id.not.allowed",
        "message": "senderID must be the CVR number of the sending system's organisation.",
        "rejectedValue": KOMMUNE_M_CVR,
    }
