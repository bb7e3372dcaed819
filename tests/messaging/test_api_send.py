"""Sending one message over REST (SPEC §13 "Sender API"; NGDP-API.md `POST /apis/v1/memos/`):
201 with NgDP's Receipt, for our own messages and for every shared MeMo sample."""

import base64
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adgang.messaging.models import Message, MessageContent, Receipt, ReceiptPush
from adgang.nemsms.models import NemSmsRegistration, NemSmsState
from tests.support.messaging_api import api_client, assert_error, memo_post, uuid_of
from tests.support.messaging_core import (
    CITIZEN_CPR,
    COMPANY_B_CVR,
    SHARED_SAMPLES,
    memo_xml,
    sender_system,
)
from tests.support.messaging_ingest import T0, store_counts

RECEIPT_FIELDS = {
    "receiptId",
    "transmissionId",
    "messageUUID",
    "messageId",
    "errorCode",
    "errorMessage",
    "timeStamp",
    "receiptStatus",
}


@pytest.fixture
def sender(personas):
    return sender_system(personas.alice)


def test_accepted_message_answers_201_with_the_technical_receipt(personas, time_machine):
    time_machine.move_to(T0, tick=False)
    system, auth = sender_system(personas.alice)
    content = memo_xml()

    response = memo_post(api_client(), auth, content)

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == RECEIPT_FIELDS
    message = Message.objects.get()
    receipt = Receipt.objects.get()
    assert body["receiptStatus"] == "RECEIVED"
    assert body["messageUUID"] == uuid_of(content)
    assert body["messageId"] == str(message.pk)
    assert body["transmissionId"] == str(message.transmission_id)
    assert body["receiptId"] == str(receipt.pk)
    assert body["errorCode"] is None
    assert body["errorMessage"] is None
    assert body["timeStamp"] == "2026-03-02T09:00:00Z"
    assert message.sender_system == system
    assert bytes(MessageContent.objects.get().xml) == content


def test_answered_technical_receipt_is_not_offered_for_pulling_again(sender):
    _, auth = sender

    memo_post(api_client(), auth, memo_xml())

    assert Receipt.objects.get().push == ReceiptPush.SENT


@pytest.mark.parametrize("content_type", ["text/xml", "application/xml; charset=utf-8"])
def test_text_xml_and_a_charset_are_accepted(sender, content_type):
    _, auth = sender

    response = memo_post(api_client(), auth, memo_xml(), content_type=content_type)

    assert response.status_code == 201, response.content


def test_message_near_the_largest_attachment_size_is_accepted(sender):
    """A 99 MB attachment (about 132 MB of XML) passes the transport limit and the body is
    read in chunks, not through request.body (which stops at 2.5 MB)."""
    _, auth = sender
    content = memo_xml(files=(("stor.pdf", b"%PDF" + b"\0" * (99 * 1000 * 1000)),))

    response = memo_post(api_client(), auth, content)

    assert response.status_code == 201, response.content[:500]
    assert Message.objects.get().size_bytes == len(content)


# --- The shared samples -------------------------------------------------------------------

SAMPLES = Path(SHARED_SAMPLES)


def _element(name: str, value: str) -> bytes:
    return f"<memo:{name}>{value}</memo:{name}>".encode()


def _substituted(filename: str, replacements: dict[tuple[str, str], str]) -> bytes:
    content = (SAMPLES / filename).read_bytes()
    for (element, placeholder), value in replacements.items():
        old = _element(element, placeholder)
        assert old in content, (filename, old)
        content = content.replace(old, _element(element, value))
    return content


def _placeholders(filename: str, sender_cvr: str) -> dict[tuple[str, str], str]:
    """Identifiers in the samples that no register holds, and what replaces them."""
    return {
        "MeMo_Minimum_Example.xml": {("senderID", "12345678"): sender_cvr},
        "MeMo_Full_Example.xml": {("senderID", "12345678"): sender_cvr},
        "MeMo_with_attachment.xml": {
            ("senderID", "Sender ID"): sender_cvr,
            ("recipientID", "Recipient ID"): CITIZEN_CPR,
        },
        "MeMo_NemSMS.xml": {
            ("senderID", "Sender ID"): sender_cvr,
            ("recipientID", "Recipient ID"): CITIZEN_CPR,
        },
        # A CVR recipient whose check digit is wrong: a known company instead.
        "MeMo_1.0_Scenarie1_Example.xml": {
            ("senderID", "44332211"): sender_cvr,
            ("recipientID", "11223344"): COMPANY_B_CVR,
        },
    }[filename]


SAMPLE_FILES = sorted(path.name for path in SAMPLES.glob("*.xml"))


def test_every_shared_sample_is_covered():
    assert len(SAMPLE_FILES) == 5
    for filename in SAMPLE_FILES:
        assert _placeholders(filename, "x") is not None


@pytest.mark.parametrize("filename", SAMPLE_FILES)
def test_shared_sample_is_accepted(personas, time_machine, filename):
    """Each sample byte for byte except the placeholder identifiers no register holds (the
    senderID becomes the sending organisation's CVR, a placeholder recipient the demo
    citizen's CPR, the 1.0 sample's CVR recipient with a wrong check digit Virksomhed B).
    The clock stands before the Full example's value date, 2025-09-15; the NemSMS
    recipient has an active NemSMS registration."""
    time_machine.move_to(datetime(2025, 9, 1, 8, 0, tzinfo=UTC), tick=False)
    _, auth = sender_system(personas.alice)
    NemSmsRegistration.objects.create(
        id_type="CPR", number=CITIZEN_CPR, phone="+4522334455", state=NemSmsState.ACTIVE
    )
    content = _substituted(filename, _placeholders(filename, personas.alice.organisation.cvr))

    response = memo_post(api_client(), auth, content)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["receiptStatus"] == "RECEIVED"
    assert body["messageUUID"].lower() == uuid_of(content).lower()
    assert bytes(Message.objects.get().content.xml) == content


def test_sample_with_its_placeholder_sender_is_refused(sender):
    _, auth = sender
    content = (SAMPLES / "MeMo_Minimum_Example.xml").read_bytes()
    before = store_counts()

    response = memo_post(api_client(), auth, content)

    body = assert_error(response, 400, "sender.id.not.allowed")
    assert body["fieldErrors"][0]["rejectedValue"] == "12345678"
    assert store_counts() == before


def test_file_content_survives_the_round_trip_unchanged(sender):
    _, auth = sender
    payload = bytes(range(256)) * 4
    content = memo_xml(message_uuid=str(uuid.uuid4()), files=(("data.pdf", payload),))

    memo_post(api_client(), auth, content)

    stored = bytes(Message.objects.get().content.xml)
    assert base64.b64encode(payload) in stored
