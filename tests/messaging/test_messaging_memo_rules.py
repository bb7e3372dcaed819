"""MeMo validation rules (SPEC §13, NGDP-API.md "MeMo"): each rule, with its stable code."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest

from adgang.messaging.memo import VERSION_UNSUPPORTED, MemoError, memo_parse
from adgang.messaging.memo_rules import (
    ACTION_URL_NOT_ALLOWED,
    ATTACHMENTS_TOO_LARGE,
    ATTACHMENTS_TOO_MANY,
    CONTACT_POINT_ID_FORMAT,
    DEFAULT_MAX_ATTACHMENT_BYTES,
    FILE_EMPTY_NOT_ALLOWED,
    FILE_NAME_NOT_ALLOWED,
    MAIN_DOCUMENT_MISSING,
    MESSAGE_TYPE_NOT_ALLOWED,
    MESSAGE_UUID_FORMAT,
    MESSAGE_UUID_MISMATCH,
    RECIPIENT_CPR_INVALID,
    RECIPIENT_CVR_INVALID,
    RECIPIENT_ID_TYPE_NOT_ALLOWED,
    VALUE_DATE_MAX_DAYS_AHEAD,
    VALUE_DATE_TOO_EARLY,
    VALUE_DATE_TOO_LATE,
    AttachmentLimits,
    FieldError,
    memo_validate,
    parse_error_as_field_error,
)

DATA = Path(__file__).parent / "data"
UTC = datetime.UTC
FULL = (DATA / "MeMo_Full_Example.xml").read_bytes()
MINIMUM = (DATA / "MeMo_Minimum_Example.xml").read_bytes()
FULL_UUID = "8C2EA15D-61FB-4BA9-9366-42F8B194C114"
# The full example's value date is 2025-09-15 (its reply deadline 2025-09-30): validate
# it as if sent two weeks earlier.
NOW = datetime.datetime(2025, 9, 1, 10, 0, tzinfo=UTC)


def codes(errors: list[FieldError]) -> list[str]:
    return [error.code for error in errors]


def full(**header_changes):
    memo = memo_parse(FULL)
    if header_changes:
        memo = dataclasses.replace(memo, header=dataclasses.replace(memo.header, **header_changes))
    return memo


def with_recipient(memo, **changes):
    recipient = dataclasses.replace(memo.header.recipient, **changes)
    return dataclasses.replace(memo, header=dataclasses.replace(memo.header, recipient=recipient))


def with_main_files(memo, files):
    main = dataclasses.replace(memo.body.main_document, files=tuple(files))
    return dataclasses.replace(memo, body=dataclasses.replace(memo.body, main_document=main))


@pytest.mark.parametrize(
    "name", ["MeMo_Full_Example.xml", "MeMo_Minimum_Example.xml"], ids=lambda name: name
)
def test_samples_with_real_numbers_validate_cleanly(name):
    memo = memo_parse((DATA / name).read_bytes())
    assert memo_validate(memo, now=NOW, query_uuid=memo.header.message_uuid, limits=None) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("MeMo_NemSMS.xml", [RECIPIENT_CPR_INVALID]),
        ("MeMo_with_attachment.xml", [RECIPIENT_CPR_INVALID]),
        ("MeMo_1.0_Scenarie1_Example.xml", [RECIPIENT_CVR_INVALID]),
    ],
)
def test_samples_with_placeholder_values_break_only_those_rules(name, expected):
    # These samples carry placeholder recipients ("Recipient ID"; CVR 11223344 fails the
    # check digit); the MeMo 1.0 sample's http action URL is allowed in MeMo 1.0.
    memo = memo_parse((DATA / name).read_bytes())
    assert codes(memo_validate(memo, now=NOW)) == expected


def test_field_error_has_the_ngdp_shape():
    errors = memo_validate(full(), now=NOW, query_uuid="00000000-0000-0000-0000-000000000000")
    assert errors[0].as_dict() == {
        "resource": "memo",
        "field": "MessageHeader.messageUUID",
        "code": MESSAGE_UUID_MISMATCH,
        "message": "messageUUID differs from the memo-message-uuid query parameter.",
        "rejectedValue": FULL_UUID,
    }


@pytest.mark.parametrize(
    "value",
    ["not-a-uuid", "8C2EA15D61FB4BA9936642F8B194C114", "8C2EA15D-61FB-4BA9-9366-42F8B194C11", ""],
)
def test_malformed_message_uuid(value):
    errors = memo_validate(full(message_uuid=value), now=NOW)
    assert codes(errors) == [MESSAGE_UUID_FORMAT]
    assert errors[0].rejected_value == value


def test_query_uuid_compared_without_case():
    assert memo_validate(full(), now=NOW, query_uuid=FULL_UUID.lower()) == []


@pytest.mark.parametrize("query", ["8c2ea15d-61fb-4ba9-9366-42f8b194c115", "x", ""])
def test_query_uuid_mismatch(query):
    assert codes(memo_validate(full(), now=NOW, query_uuid=query)) == [MESSAGE_UUID_MISMATCH]


@pytest.mark.parametrize("value", ["LETTER", "digitalpost", "FORKYNDELSE", ""])
def test_message_type_not_allowed(value):
    assert codes(memo_validate(full(message_type=value), now=NOW)) == [MESSAGE_TYPE_NOT_ALLOWED]


@pytest.mark.parametrize("id_type", ["P-NUMMER", "cpr", "EMAIL", "GLN", ""])
def test_unknown_recipient_id_type(id_type):
    memo = with_recipient(full(), id_type=id_type)
    assert codes(memo_validate(memo, now=NOW)) == [RECIPIENT_ID_TYPE_NOT_ALLOWED]


@pytest.mark.parametrize(
    "value", ["221177121", "22117712120", "3211771212", "2213771212", "221177-1212", "Recipient ID"]
)
def test_invalid_cpr(value):
    memo = with_recipient(full(), recipient_id=value)
    assert codes(memo_validate(memo, now=NOW)) == [RECIPIENT_CPR_INVALID]


def test_cpr_born_after_now_is_invalid():
    memo = with_recipient(full(), recipient_id="0101304000")  # 1 Jan 2030 (7th digit 4: 2000s)
    assert codes(memo_validate(memo, now=NOW)) == [RECIPIENT_CPR_INVALID]


@pytest.mark.parametrize("value", ["11223344", "01234567", "1234567", "DK31415926", "3141 5926"])
def test_invalid_cvr(value):
    memo = with_recipient(full(), id_type="CVR", recipient_id=value)
    assert codes(memo_validate(memo, now=NOW)) == [RECIPIENT_CVR_INVALID]


def test_valid_cvr():
    memo = with_recipient(full(), id_type="CVR", recipient_id="31415926")
    assert memo_validate(memo, now=NOW) == []


@pytest.mark.parametrize("value", ["22.33.44.55", "", "241d39f6998e4929b198ccacbbf4b330"])
def test_contact_point_id_format(value):
    memo = full()
    contact_point = dataclasses.replace(memo.header.recipient.contact_point, contact_point_id=value)
    memo = with_recipient(memo, contact_point=contact_point)
    assert codes(memo_validate(memo, now=NOW)) == [CONTACT_POINT_ID_FORMAT]


@pytest.mark.parametrize(
    "now",
    [
        datetime.datetime(2025, 9, 16, 0, 0, tzinfo=UTC),
        # 22:30 UTC on the 15th is already the 16th in Copenhagen.
        datetime.datetime(2025, 9, 15, 22, 30, tzinfo=UTC),
        datetime.datetime(2026, 1, 1, tzinfo=UTC),
    ],
)
def test_value_date_in_the_past(now):
    errors = memo_validate(full(), now=now)
    assert codes(errors) == [VALUE_DATE_TOO_EARLY]
    assert errors[0].rejected_value == "2025-09-15"


def test_value_date_today_is_allowed():
    assert memo_validate(full(), now=datetime.datetime(2025, 9, 15, 21, 59, tzinfo=UTC)) == []


@pytest.mark.parametrize(
    ("days", "expected"),
    [(VALUE_DATE_MAX_DAYS_AHEAD, []), (VALUE_DATE_MAX_DAYS_AHEAD + 1, [VALUE_DATE_TOO_LATE])],
)
def test_value_date_too_far_ahead(days, expected):
    memo = full(do_not_deliver_until_date=NOW.date() + datetime.timedelta(days=days))
    assert codes(memo_validate(memo, now=NOW)) == expected


def test_digitalpost_needs_a_main_document():
    memo = dataclasses.replace(full(), body=None)
    assert codes(memo_validate(memo, now=NOW)) == [MAIN_DOCUMENT_MISSING]


FORBIDDEN_CHARS = [*'<>:"/\\|?*', "\x00", "\x01", "\t", "\n", "\x7f", "\x9f"]


@pytest.mark.parametrize("char", FORBIDDEN_CHARS)
def test_file_name_with_forbidden_character(char):
    memo = full()
    bad = dataclasses.replace(memo.body.main_document.files[0], filename=f"brev{char}1.pdf")
    memo = with_main_files(memo, [bad])
    errors = memo_validate(memo, now=NOW)
    assert codes(errors) == [FILE_NAME_NOT_ALLOWED]
    assert errors[0].field == "MessageBody.MainDocument.File[0].filename"
    assert errors[0].rejected_value == f"brev{char}1.pdf"


@pytest.mark.parametrize("name", ["", " ", ".", ".."])
def test_file_name_empty_or_dots(name):
    memo = full()
    bad = dataclasses.replace(memo.body.main_document.files[0], filename=name)
    assert codes(memo_validate(with_main_files(memo, [bad]), now=NOW)) == [FILE_NAME_NOT_ALLOWED]


def test_file_name_with_control_character_in_xml():
    # A tab arrives through the XML as a character reference and is still refused.
    content = MINIMUM.replace(b"Pladsanvisning.pdf", b"Plads&#9;anvisning.pdf")
    errors = memo_validate(memo_parse(content), now=NOW)
    assert codes(errors) == [FILE_NAME_NOT_ALLOWED]


def test_file_name_in_additional_document_is_checked():
    memo = full()
    document = memo.body.additional_documents[1]
    bad = dataclasses.replace(document.files[0], filename="../../etc/passwd")
    body = dataclasses.replace(
        memo.body,
        additional_documents=(
            memo.body.additional_documents[0],
            dataclasses.replace(document, files=(bad,)),
        ),
    )
    errors = memo_validate(dataclasses.replace(memo, body=body), now=NOW)
    assert [(error.code, error.field) for error in errors] == [
        (FILE_NAME_NOT_ALLOWED, "MessageBody.AdditionalDocument[1].File[0].filename")
    ]


def test_empty_file_not_allowed():
    content = MINIMUM.replace(
        b"<memo:content>VGhpcyBpcyBhIHRlc3Q=</memo:content>", b"<memo:content></memo:content>"
    )
    memo = memo_parse(content)
    assert memo.files[0].size_bytes == 0
    assert codes(memo_validate(memo, now=NOW)) == [FILE_EMPTY_NOT_ALLOWED]


def test_too_many_attachments_by_default():
    memo = full()
    file = memo.body.main_document.files[0]
    # The full example has 6 files in all; 5 more in the main document make 11 > 10.
    memo = with_main_files(memo, [file] * 7)
    assert len(memo.files) == 11
    errors = memo_validate(memo, now=NOW)
    assert codes(errors) == [ATTACHMENTS_TOO_MANY]
    assert errors[0].rejected_value == 11
    assert memo_validate(with_main_files(memo, [file] * 6), now=NOW) == []


def test_too_many_attachments_for_the_contact_point():
    limits = AttachmentLimits(max_count=5)
    assert codes(memo_validate(full(), now=NOW, limits=limits)) == [ATTACHMENTS_TOO_MANY]
    assert memo_validate(full(), now=NOW, limits=AttachmentLimits(max_count=6)) == []


def test_too_many_bytes_by_default():
    memo = full()
    big = dataclasses.replace(
        memo.body.main_document.files[0], size_bytes=DEFAULT_MAX_ATTACHMENT_BYTES, content=None
    )
    errors = memo_validate(with_main_files(memo, [big]), now=NOW)
    assert codes(errors) == [ATTACHMENTS_TOO_LARGE]
    assert errors[0].rejected_value == DEFAULT_MAX_ATTACHMENT_BYTES + 4 * 14


def test_too_many_bytes_for_the_contact_point():
    # The full example's six files hold 14 bytes each: 84 in all.
    assert codes(memo_validate(full(), now=NOW, limits=AttachmentLimits(max_total_bytes=83))) == [
        ATTACHMENTS_TOO_LARGE
    ]
    assert memo_validate(full(), now=NOW, limits=AttachmentLimits(max_total_bytes=84)) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://www.tusindfryd.dk",
        "ftp://www.tusindfryd.dk",
        "javascript:alert(1)",
        "//www.tusindfryd.dk/x",
        "/relative/path",
        "https://",
        "",
    ],
)
def test_action_url_must_be_absolute_https(url):
    errors = memo_validate(with_action_url(full(), url), now=NOW)
    assert [(error.code, error.field) for error in errors] == [
        (ACTION_URL_NOT_ALLOWED, "MessageBody.MainDocument.Action[0].EntryPoint.url")
    ]


def with_action_url(memo, url):
    main = memo.body.main_document
    action = dataclasses.replace(main.actions[0], entry_point=url)
    main = dataclasses.replace(main, actions=(action, main.actions[1]))
    return dataclasses.replace(memo, body=dataclasses.replace(memo.body, main_document=main))


@pytest.mark.parametrize("url", ["http://www.tusindfryd.dk", "https://www.tusindfryd.dk/x"])
def test_memo_1_0_action_url_may_be_absolute_http_or_https(url):
    memo = dataclasses.replace(with_action_url(full(), url), version="1.0")
    assert memo_validate(memo, now=NOW) == []


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://www.tusindfryd.dk", "/relative/path", "http://"]
)
def test_memo_1_0_action_url_must_still_be_absolute_http_or_https(url):
    memo = dataclasses.replace(with_action_url(full(), url), version="1.0")
    assert codes(memo_validate(memo, now=NOW)) == [ACTION_URL_NOT_ALLOWED]


def test_several_broken_rules_are_all_reported():
    memo = with_recipient(full(message_uuid="x", message_type="LETTER"), id_type="EMAIL")
    assert codes(memo_validate(memo, now=NOW, query_uuid=FULL_UUID)) == [
        MESSAGE_UUID_FORMAT,
        MESSAGE_UUID_MISMATCH,
        MESSAGE_TYPE_NOT_ALLOWED,
        RECIPIENT_ID_TYPE_NOT_ALLOWED,
    ]


def test_parse_error_as_field_error():
    error = MemoError(VERSION_UNSUPPORTED, "memoVersion must be ...", field="Message.memoVersion")
    assert parse_error_as_field_error(error).as_dict() == {
        "resource": "memo",
        "field": "Message.memoVersion",
        "code": VERSION_UNSUPPORTED,
        "message": "memoVersion must be ...",
        "rejectedValue": None,
    }


def test_file_without_filename_element_is_refused():
    content = MINIMUM.replace(b"<memo:filename>Pladsanvisning.pdf</memo:filename>", b"")
    memo = memo_parse(content)
    assert memo.files[0].filename == ""
    assert codes(memo_validate(memo, now=NOW)) == [FILE_NAME_NOT_ALLOWED]
