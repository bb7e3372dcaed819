"""MeMo parsing (SPEC §13, NGDP-API.md "MeMo"): the samples, and hostile or broken input."""

from __future__ import annotations

import base64
import datetime
import time
from pathlib import Path

import pytest
from lxml import etree

from adgang.messaging import memo as memo_module
from adgang.messaging.memo import (
    DTD_NOT_ALLOWED,
    ELEMENT_MISSING,
    ENTITY_NOT_ALLOWED,
    FEATURE_ACTIONS,
    FEATURE_ADDITIONAL_NOTIFICATION,
    FEATURE_ATTENTION_DATA,
    FEATURE_CONTENT_DATA,
    FEATURE_REPLY_DATA,
    FILE_CONTENT_INVALID,
    NAMESPACE_UNKNOWN,
    ROOT_NOT_ALLOWED,
    SIZE_TOO_LARGE,
    VALUE_INVALID,
    VERSION_UNSUPPORTED,
    XML_MALFORMED,
    MemoError,
    features,
    memo_parse,
)

DATA = Path(__file__).parent / "data"
SAMPLES = sorted(DATA.glob("*.xml"))
UTC = datetime.UTC

MINIMUM = (DATA / "MeMo_Minimum_Example.xml").read_bytes()


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def parse_error(content: bytes, **kwargs) -> MemoError:
    with pytest.raises(MemoError) as caught:
        memo_parse(content, **kwargs)
    return caught.value


def test_samples_are_all_there():
    assert len(SAMPLES) == 5
    assert (DATA / "NOTICE.md").exists()


SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "memo-samples"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/memo-samples is not beside this clone")
def test_samples_are_byte_for_byte_the_shared_ones():
    shared = {path.name: path.read_bytes() for path in SHARED.glob("*.xml")}
    assert shared == {path.name: path.read_bytes() for path in SAMPLES}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.name)
def test_every_sample_parses(path):
    memo = memo_parse(path.read_bytes())
    assert memo.version in {"1.0", "1.2"}
    assert memo.header.message_uuid


def test_full_example_typed_fields():
    memo = memo_parse(sample("MeMo_Full_Example.xml"))
    header = memo.header
    assert memo.version == "1.2"
    assert memo.title == "Besked fra Børneforvaltningen"
    assert header.message_type == "DIGITALPOST"
    assert header.message_uuid == "8C2EA15D-61FB-4BA9-9366-42F8B194C114"
    assert header.message_id == "MSG-12345"
    assert header.notification.startswith("Du har fået digitalpost")
    assert header.additional_notification.endswith("Emilie Hansen")
    assert header.reply is True
    assert header.reply_by_datetime == datetime.datetime(2025, 9, 30, 12, tzinfo=UTC)
    assert header.do_not_deliver_until_date == datetime.date(2025, 9, 15)
    assert header.mandatory is True
    assert header.legal_notification is False
    assert header.post_type == "MYNDIGHEDSPOST"
    sender = header.sender
    assert (sender.sender_id, sender.id_type, sender.label) == ("12345678", "CVR", "Kommunen")
    assert sender.attention.content_responsible_id == "22334455"
    assert sender.attention.person_id == "9000001234"
    assert sender.attention.generating_system_id == "Sys-1234"
    assert sender.representative.representative_id == "87654321"
    assert sender.representative.id_type == "CVR"
    assert memo.content_responsible_id == "22334455"
    assert memo.representative_id == "87654321"
    recipient = header.recipient
    assert (recipient.recipient_id, recipient.id_type) == ("2211771212", "CPR")
    assert recipient.label == "Mette Hansen"
    assert recipient.contact_point.contact_point_id == "241d39f6-998e-4929-b198-ccacbbf4b330"
    assert recipient.contact_point.contact_group == "22.33.44.55"
    assert memo.contact_point_id == "241d39f6-998e-4929-b198-ccacbbf4b330"
    assert header.content_data.cpr_number == "2512169996"
    assert header.content_data.case_id == "SAG-12345"
    assert header.content_data.kle_subject_key == "00.00.00"
    assert header.forward_data.original_sender == "Kommunen"
    assert [reply.message_id for reply in header.reply_data] == ["MSG-12344", "MSG-12345"]
    assert header.reply_data[1].reply_uuid == "8C2EA15D-61FB-4BA9-9366-42F8B194C114"


def test_full_example_documents_and_files():
    body = memo_parse(sample("MeMo_Full_Example.xml")).body
    assert body.create_datetime == datetime.datetime(2018, 5, 3, 12, tzinfo=UTC)
    main = body.main_document
    assert (main.document_id, main.label) == ("456", "Tilbud om børnehaveplads")
    assert [file.filename for file in main.files] == ["Pladsanvisning.pdf", "Pladsanvisning.txt"]
    assert main.files[0].encoding_format == "application/pdf"
    assert main.files[0].language == "da"
    assert main.files[0].content == b"This is a test"
    assert main.files[0].size_bytes == len(b"This is a test")
    assert [document.document_id for document in body.additional_documents] == ["789", "678"]
    assert [document.document_id for document in body.technical_documents] == ["222555"]
    assert len(body.documents) == 4
    action = main.actions[0]
    assert action.label == "Spørgeskema"
    assert action.action_code == "SELVBETJENING"
    assert action.entry_point == "https://www.tusindfryd.dk/spørgeskema.html"
    assert action.start_datetime == datetime.datetime(2018, 11, 9, 12, tzinfo=UTC)
    assert action.end_datetime == datetime.datetime(2018, 12, 9, 12, tzinfo=UTC)
    # A calendar reservation action has no entry point.
    assert main.actions[1].entry_point is None


def test_memo_1_0_example_typed_fields():
    memo = memo_parse(sample("MeMo_1.0_Scenarie1_Example.xml"))
    assert memo.version == "1.0"
    assert memo.title == "Periodisk syn"
    assert memo.header.recipient.id_type == "CVR"
    assert memo.header.recipient.recipient_id == "11223344"
    assert memo.header.mandatory is False
    assert memo.header.sender.attention.content_responsible_label == "Færdselsstyrelsen"
    assert memo.body.main_document.document_id == "456"  # MeMo 1.0's "documentID"
    assert memo.header.content_data.kle_subject_key == "83.11.05"


def test_nemsms_has_no_body():
    memo = memo_parse(sample("MeMo_NemSMS.xml"))
    assert memo.header.message_type == "NEMSMS"
    assert memo.header.notification == "Message Text"
    assert memo.body is None
    assert memo.files == ()
    assert (memo.content_responsible_id, memo.representative_id) == ("", "")
    assert features(memo) == set()


def test_absent_booleans_default_to_false():
    memo = memo_parse(MINIMUM)
    assert memo.header.mandatory is False
    assert memo.header.legal_notification is False
    assert memo.header.reply is None
    assert memo.header.do_not_deliver_until_date is None


def test_keep_content_false_measures_without_keeping():
    memo = memo_parse(sample("MeMo_with_attachment.xml"), keep_content=False)
    assert [(file.size_bytes, file.content) for file in memo.files] == [(14, None), (14, None)]


def test_features_of_full_example():
    assert features(memo_parse(sample("MeMo_Full_Example.xml"))) == {
        FEATURE_ACTIONS,
        FEATURE_REPLY_DATA,
        FEATURE_ATTENTION_DATA,
        FEATURE_CONTENT_DATA,
        FEATURE_ADDITIONAL_NOTIFICATION,
    }


def test_unknown_elements_are_ignored():
    content = MINIMUM.replace(
        b"<memo:label>Pladsanvisning</memo:label>",
        b"<memo:label>Pladsanvisning</memo:label><memo:somethingNew>x</memo:somethingNew>"
        b'<other:thing xmlns:other="urn:x">y</other:thing>',
    )
    assert memo_parse(content).title == "Pladsanvisning"


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"", b"   ", b"not xml", b"<memo:Message", b"\xff\xfe\x00garbage", b"<a></b>", b"{}"],
    ids=["empty", "blank", "text", "unclosed", "binary", "mismatched", "json"],
)
def test_not_xml_is_refused(content):
    assert parse_error(content).code == XML_MALFORMED


def test_doctype_is_refused():
    content = MINIMUM.replace(
        b"<memo:Message", b"<!DOCTYPE memo:Message [<!ELEMENT a ANY>]>\n<memo:Message", 1
    )
    assert parse_error(content).code == DTD_NOT_ALLOWED


def test_external_dtd_is_refused():
    content = MINIMUM.replace(
        b"<memo:Message",
        b'<!DOCTYPE memo:Message SYSTEM "http://127.0.0.1:9/x.dtd">\n<memo:Message',
        1,
    )
    assert parse_error(content).code == DTD_NOT_ALLOWED


def _xxe(secret_path: Path) -> bytes:
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY xxe SYSTEM "file://'
        + str(secret_path).encode()
        + b'">]>\n'
        + MINIMUM.split(b"?>", 1)[1].replace(
            b">Pladsanvisning</memo:label>", b">&xxe;</memo:label>"
        )
    )


def test_external_entity_is_refused_and_file_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    error = parse_error(_xxe(secret))
    assert error.code == ENTITY_NOT_ALLOWED
    assert "TOP-SECRET-VALUE" not in error.message


def test_external_entity_refused_by_the_parser_too(tmp_path, monkeypatch):
    # Second line of defence: without the byte scan, the parsed tree is still refused and
    # lxml neither reads the file nor substitutes its content.
    monkeypatch.setattr(memo_module, "_refuse_declarations", lambda content: None)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    error = parse_error(_xxe(secret))
    assert error.code == DTD_NOT_ALLOWED
    assert "TOP-SECRET-VALUE" not in error.message
    # And the hardened parser itself leaves the entity unexpanded.
    root = etree.fromstring(_xxe(secret), memo_module._parser())
    assert b"TOP-SECRET-VALUE" not in etree.tostring(root)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.2">&lol9;</memo:Message>
"""


def test_billion_laughs_is_refused_quickly():
    started = time.monotonic()
    error = parse_error(BILLION_LAUGHS)
    assert error.code == ENTITY_NOT_ALLOWED
    assert time.monotonic() - started < 0.5


def test_billion_laughs_refused_quickly_by_the_parser_too(monkeypatch):
    monkeypatch.setattr(memo_module, "_refuse_declarations", lambda content: None)
    started = time.monotonic()
    error = parse_error(BILLION_LAUGHS)
    assert error.code in {DTD_NOT_ALLOWED, XML_MALFORMED}
    assert time.monotonic() - started < 0.5


def test_entity_declaration_in_utf16_is_refused():
    content = BILLION_LAUGHS.replace(b'version="1.0"', b'version="1.0" encoding="UTF-16"')
    error = parse_error(b"\xff\xfe" + content.decode().encode("utf-16-le"))
    assert error.code == ENTITY_NOT_ALLOWED


def test_over_size_is_refused_before_parsing():
    # Garbage over the limit answers "too large", not "malformed": nothing was parsed.
    assert parse_error(b"x" * 101, max_bytes=100).code == SIZE_TOO_LARGE
    assert parse_error(MINIMUM, max_bytes=len(MINIMUM) - 1).code == SIZE_TOO_LARGE
    assert memo_parse(MINIMUM, max_bytes=len(MINIMUM)).title == "Pladsanvisning"


@pytest.mark.parametrize(
    "namespace",
    [b"https://DigitalPost.dk/MeMo-2", b"http://DigitalPost.dk/MeMo-1", b"urn:other"],
)
def test_wrong_namespace_is_refused(namespace):
    content = MINIMUM.replace(b"https://DigitalPost.dk/MeMo-1", namespace)
    assert parse_error(content).code == NAMESPACE_UNKNOWN


def test_no_namespace_is_refused():
    assert parse_error(b'<Message memoVersion="1.2"/>').code == NAMESPACE_UNKNOWN


def test_wrong_root_element_is_refused():
    content = b'<memo:Letter xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.2"/>'
    assert parse_error(content).code == ROOT_NOT_ALLOWED


@pytest.mark.parametrize("version", [b"0.9", b"1.3", b"2.0", b"", b"1.2 "])
def test_unsupported_version_is_refused(version):
    content = MINIMUM.replace(b'memoVersion="1.2"', b'memoVersion="' + version + b'"')
    if version == b"1.2 ":
        # Surrounding blanks are tolerated: the attribute value is compared stripped.
        assert memo_parse(content).version == "1.2"
        return
    error = parse_error(content)
    assert (error.code, error.field) == (VERSION_UNSUPPORTED, "Message.memoVersion")


def test_missing_version_is_refused():
    content = MINIMUM.replace(b' memoVersion="1.2"', b"")
    assert parse_error(content).code == VERSION_UNSUPPORTED


@pytest.mark.parametrize(
    ("element", "field"),
    [
        (b"messageUUID", "MessageHeader.messageUUID"),
        (b"messageType", "MessageHeader.messageType"),
        (b"recipientID", "MessageHeader.Recipient.recipientID"),
        (b"senderID", "MessageHeader.Sender.senderID"),
    ],
)
def test_missing_required_element_is_refused(element, field):
    start = MINIMUM.index(b"<memo:" + element + b">")
    end = MINIMUM.index(b"</memo:" + element + b">") + len(element) + 8
    error = parse_error(MINIMUM[:start] + MINIMUM[end:])
    assert (error.code, error.field) == (ELEMENT_MISSING, field)


def test_missing_header_is_refused():
    content = b'<memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.2"/>'
    assert parse_error(content).code == ELEMENT_MISSING


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            b"<memo:label>Pladsanvisning</memo:label>",
            b"<memo:label>P</memo:label><memo:mandatory>yes</memo:mandatory>",
            "MessageHeader.mandatory",
        ),
        (
            b"<memo:label>Pladsanvisning</memo:label>",
            b"<memo:label>P</memo:label>"
            b"<memo:doNotDeliverUntilDate>15-09-2025</memo:doNotDeliverUntilDate>",
            "MessageHeader.doNotDeliverUntilDate",
        ),
        (b"2024-05-03T12:00:00Z", b"yesterday", "MessageBody.createdDateTime"),
    ],
    ids=["boolean", "date", "datetime"],
)
def test_unreadable_value_is_refused(old, new, field):
    error = parse_error(MINIMUM.replace(old, new))
    assert (error.code, error.field) == (VALUE_INVALID, field)


@pytest.mark.parametrize("content", [b"not base64!", b"VGhpcyBpcyBhIHRlc3", "Ø".encode()])
def test_invalid_base64_is_refused(content):
    error = parse_error(MINIMUM.replace(b"VGhpcyBpcyBhIHRlc3Q=", content))
    assert error.code == FILE_CONTENT_INVALID
    assert error.field == "MessageBody.MainDocument.File[0].content"


def test_base64_with_line_breaks_is_read():
    memo = memo_parse(MINIMUM.replace(b"VGhpcyBpcyBhIHRlc3Q=", b"VGhpcyBp\n  cyBhIHRlc3Q="))
    assert memo.files[0].content == b"This is a test"


def test_attachment_over_libxml2_default_text_limit_is_read():
    # libxml2 refuses text nodes over 10 MB unless huge_tree is on; NgDP allows 99.5 MB.
    payload = b"x" * (12 * 1024 * 1024)
    content = MINIMUM.replace(b"VGhpcyBpcyBhIHRlc3Q=", base64.b64encode(payload))
    memo = memo_parse(content, keep_content=False)
    assert memo.files[0].size_bytes == len(payload)


@pytest.mark.parametrize("depth", [3000, 200_000])
def test_deep_nesting_is_refused_quickly(depth):
    content = (
        b'<memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.2">'
        + b"<a>" * depth
        + b"</a>" * depth
        + b"</memo:Message>"
    )
    started = time.monotonic()
    assert parse_error(content).code == XML_MALFORMED
    assert time.monotonic() - started < 0.5
