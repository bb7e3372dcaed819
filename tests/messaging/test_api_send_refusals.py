"""Bad uploads over REST (SPEC §13; NGDP-API.md "ErrorMessage"): each answers its status and
NgDP error code, and nothing is stored (messages, contents, events, receipts, deliveries,
mailbox items)."""

import socket
import uuid
from datetime import timedelta

import pytest
from django.test import override_settings

from adgang.contacts.models import ContactPoint
from adgang.core import clock
from adgang.messaging.api import upload
from tests.support.messaging_api import API, XML, api_client, assert_error, memo_post, uuid_of
from tests.support.messaging_core import KOMMUNE_M_CVR, memo_xml, sender_system
from tests.support.messaging_ingest import store_counts

HEADER = (
    '<?xml version="1.0"?><memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" '
    'memoVersion="1.2">'
)
DTD = b'<?xml version="1.0"?><!DOCTYPE memo:Message SYSTEM "memo.dtd">' + memo_xml()[38:]
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.2">&x;'
    b"</memo:Message>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1">&lol9;</memo:Message>'
)


@pytest.fixture
def sender(personas):
    return sender_system(personas.alice)


def _refused(auth, content, status, code, **kwargs) -> dict:
    before = store_counts()
    response = memo_post(api_client(), auth, content, **kwargs)
    body = assert_error(response, status, code)
    assert store_counts() == before
    return body


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"this is not XML", "memo.xml.malformed"),
        (b"<memo:Message", "memo.xml.malformed"),
        (DTD, "memo.xml.dtd.not.allowed"),
        (XXE, "memo.xml.entity.not.allowed"),
        (LAUGHS, "memo.xml.entity.not.allowed"),
    ],
    ids=["not-xml", "truncated", "dtd", "xxe", "billion-laughs"],
)
def test_unsafe_or_broken_xml_is_refused(sender, content, code):
    _, auth = sender

    _refused(auth, content, 400, code, query_uuid=str(uuid.uuid4()))


def test_message_over_the_transport_limit_answers_413(sender, monkeypatch):
    _, auth = sender
    content = memo_xml()
    monkeypatch.setattr(upload, "SINGLE_MAX_BYTES", len(content) - 1)

    _refused(auth, content, 413, "memo.size.too.large")


def test_message_at_the_transport_limit_passes_it(sender, monkeypatch):
    _, auth = sender
    content = memo_xml()
    monkeypatch.setattr(upload, "SINGLE_MAX_BYTES", len(content))

    assert memo_post(api_client(), auth, content).status_code == 201


def test_missing_query_uuid_is_refused(sender):
    _, auth = sender

    _refused(auth, memo_xml(), 400, "memo.message.uuid.missing", query_uuid=None)


def test_query_uuid_other_than_the_header_is_refused(sender):
    _, auth = sender

    _refused(auth, memo_xml(), 400, "memo.message.uuid.mismatch", query_uuid=str(uuid.uuid4()))


def test_malformed_message_uuid_is_refused(sender):
    _, auth = sender

    _refused(auth, memo_xml(message_uuid="not-a-uuid"), 400, "message.uuid.format.not.allowed")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"recipient_type": "XYZ"}, "recipient.id.type.not.allowed"),
        ({"recipient_id": "3213123123"}, "recipient.id.cpr.not.valid"),
        ({"recipient_type": "CVR", "recipient_id": "12345678"}, "recipient.id.cvr.not.valid"),
        ({"files": (("a/b.pdf", b"x"),)}, "file.name.not.allowed"),
        ({"files": (("a<b>.pdf", b"x"),)}, "file.name.not.allowed"),
        ({"files": (("tom.pdf", b""),)}, "file.empty.not.allowed"),
        ({"sender_cvr": KOMMUNE_M_CVR}, "sender.id.not.allowed"),
    ],
    ids=[
        "unknown-id-type",
        "invalid-cpr",
        "invalid-cvr",
        "slash-in-file-name",
        "angle-brackets-in-file-name",
        "empty-file",
        "another-organisation-as-sender",
    ],
)
def test_invalid_message_is_refused_with_its_field_error(sender, changes, code):
    _, auth = sender

    body = _refused(auth, memo_xml(**changes), 400, code)

    assert body["fieldErrors"][0]["code"] == code


@pytest.mark.parametrize(
    ("days", "code"),
    [(-1, "do.not.deliver.until.date.too.early"), (3650, "do.not.deliver.until.date.too.late")],
    ids=["past", "too-far"],
)
def test_value_date_out_of_range_is_refused(sender, days, code):
    _, auth = sender
    value_date = clock.today() + timedelta(days=days)

    _refused(auth, memo_xml(value_date=value_date), 400, code)


def test_more_attachments_than_the_contact_point_allows_are_refused(personas, sender):
    _, auth = sender
    point = ContactPoint.objects.create(
        organisation=personas.maja.organisation,
        name="Borgerservice",
        description="Spørgsmål",
        targets=["AUTHORITY"],
        keywords=["x"],
        active=True,
        max_attachments=1,
    )
    content = memo_xml(
        recipient_type="CVR",
        recipient_id=KOMMUNE_M_CVR,
        contact_point_id=str(point.pk),
        files=(("a.pdf", b"1"), ("b.pdf", b"2")),
    )

    _refused(auth, content, 400, "attachments.count.too.large")


def test_the_same_message_uuid_twice_is_refused(sender):
    _, auth = sender
    content = memo_xml()
    assert memo_post(api_client(), auth, content).status_code == 201

    _refused(auth, content, 400, "message.uuid.already.exists")


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/json", "application/octet-stream", ""]
)
def test_other_content_types_answer_415(sender, content_type):
    _, auth = sender

    _refused(auth, memo_xml(), 415, "content.type.not.allowed", content_type=content_type)


def test_blank_body_is_refused(sender):
    _, auth = sender

    _refused(auth, b"  ", 400, "memo.xml.malformed", query_uuid=str(uuid.uuid4()))


def test_error_message_names_every_broken_rule(sender):
    _, auth = sender
    content = memo_xml(recipient_id="3213123123", files=(("a/b.pdf", b"x"),))

    body = _refused(auth, content, 400, "recipient.id.cpr.not.valid")

    codes = {error["code"] for error in body["fieldErrors"]}
    assert codes == {"recipient.id.cpr.not.valid", "file.name.not.allowed"}
    for error in body["fieldErrors"]:
        assert set(error) == {"resource", "field", "code", "message", "rejectedValue"}


def test_upload_to_the_path_without_slash_answers_an_error_message(sender):
    _, auth = sender
    before = store_counts()

    response = api_client().post(
        f"{API}/memos", data=memo_xml(), content_type=XML, HTTP_AUTHORIZATION=auth
    )

    assert_error(response, 404, "resource.not.found")
    assert store_counts() == before


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_register_down_answers_503_with_a_receipt(sender):
    """NGDP-API.md "503 with a Receipt": the CPR register refuses the connection."""
    _, auth = sender
    content = memo_xml()
    register = {
        "BACKEND": "adgang.registers.http.HttpRegister",
        "OPTIONS": {"base_url": f"http://127.0.0.1:{_closed_port()}", "timeout": 2},
    }
    before = store_counts()

    with override_settings(ADGANG_REGISTER=register):
        response = memo_post(api_client(), auth, content)

    assert response.status_code == 503
    body = response.json()
    assert body["receiptStatus"] == "NOT_ALLOWED"
    assert body["errorCode"] == "register.unavailable"
    assert body["messageUUID"] == uuid_of(content)
    assert store_counts() == before
