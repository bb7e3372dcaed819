"""Property tests for MeMo parsing (SPEC §13): hostile bytes never crash or hang the parser,
and any valid MeMo built from random field values reads back field by field."""

from __future__ import annotations

import base64
import datetime
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from adgang.messaging.memo import MEMO_NAMESPACE, PARSE_ERROR_CODES, MemoError, memo_parse
from adgang.messaging.memo_rules import memo_validate

DATA = Path(__file__).parent / "data"
MINIMUM = (DATA / "MeMo_Minimum_Example.xml").read_bytes()
NOW = datetime.datetime(2025, 9, 1, 10, 0, tzinfo=datetime.UTC)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parse_or_error(content: bytes) -> None:
    started = time.monotonic()
    try:
        memo_parse(content, max_bytes=4096)
    except MemoError as error:
        assert error.code in PARSE_ERROR_CODES
    # "Never hangs": small inputs are answered at once (milliseconds; the bound leaves room
    # for a loaded CI machine, where 1 s flaked on a 4-byte input).
    assert time.monotonic() - started < 5.0


@FAST
@given(st.binary(max_size=300))
def test_arbitrary_bytes_parse_or_raise_memo_error(content):
    parse_or_error(content)


@FAST
@given(
    st.lists(
        st.tuples(st.integers(0, len(MINIMUM) - 1), st.binary(min_size=0, max_size=3)),
        min_size=1,
        max_size=4,
    ),
    st.integers(1, len(MINIMUM)),
)
def test_mutated_sample_parses_or_raises_memo_error(edits, cut):
    content = bytearray(MINIMUM[:cut] if cut % 3 == 0 else MINIMUM)
    for position, replacement in edits:
        position = min(position, len(content))
        content[position : position + len(replacement)] = replacement
    parse_or_error(bytes(content))


@FAST
@given(st.text(max_size=200))
def test_arbitrary_text_parses_or_raises_memo_error(text):
    parse_or_error(text.encode("utf-8", "surrogatepass"))


# --- generated valid messages ---------------------------------------------------------------

xml_text = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
filenames = st.from_regex(
    r"[A-Za-z0-9æøåÆØÅ][A-Za-z0-9æøåÆØÅ _.-]{0,20}\.(pdf|txt)", fullmatch=True
)


@st.composite
def cpr_numbers(draw) -> str:
    born = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(1999, 12, 31)))
    serial = draw(st.integers(0, 3999))  # 7th digit 0–3: born in the 1900s
    return f"{born:%d%m%y}{serial:04d}"


@st.composite
def cvr_numbers(draw) -> str:
    weights = (2, 7, 6, 5, 4, 3, 2)
    while True:
        digits = [
            draw(st.integers(1, 9)),
            *draw(st.lists(st.integers(0, 9), min_size=6, max_size=6)),
        ]
        check = (11 - sum(w * d for w, d in zip(weights, digits, strict=True)) % 11) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


@st.composite
def memo_fields(draw) -> dict:
    id_type = draw(st.sampled_from(["CPR", "CVR"]))
    return {
        "version": draw(st.sampled_from(["1.0", "1.1", "1.2"])),
        "message_type": "DIGITALPOST",
        "message_uuid": str(draw(st.uuids())),
        "message_id": draw(xml_text),
        "label": draw(xml_text),
        "mandatory": draw(st.booleans()),
        "legal_notification": draw(st.booleans()),
        "value_date": draw(
            st.none() | st.integers(0, 365).map(lambda d: NOW.date() + datetime.timedelta(d))
        ),
        "sender_id": draw(cvr_numbers()),
        "sender_label": draw(xml_text),
        "id_type": id_type,
        "recipient_id": draw(cpr_numbers() if id_type == "CPR" else cvr_numbers()),
        "contact_point_id": draw(st.none() | st.uuids().map(str)),
        "files": draw(
            st.lists(
                st.tuples(filenames, st.binary(min_size=1, max_size=64)), min_size=1, max_size=4
            )
        ),
        "action_url": draw(
            st.none() | st.from_regex(r"https://[a-z]{1,10}\.dk/[a-z0-9]{0,10}", fullmatch=True)
        ),
    }


def build_memo(fields: dict) -> bytes:
    def el(parent, name, text=None):
        child = etree.SubElement(parent, f"{{{MEMO_NAMESPACE}}}{name}")
        if text is not None:
            child.text = text
        return child

    root = etree.Element(
        f"{{{MEMO_NAMESPACE}}}Message",
        nsmap={"memo": MEMO_NAMESPACE},
        memoVersion=fields["version"],
    )
    header = el(root, "MessageHeader")
    el(header, "messageType", fields["message_type"])
    el(header, "messageUUID", fields["message_uuid"])
    el(header, "messageID", fields["message_id"])
    el(header, "label", fields["label"])
    if fields["value_date"]:
        el(header, "doNotDeliverUntilDate", fields["value_date"].isoformat())
    el(header, "mandatory", "true" if fields["mandatory"] else "false")
    el(header, "legalNotification", "true" if fields["legal_notification"] else "false")
    sender = el(header, "Sender")
    el(sender, "senderID", fields["sender_id"])
    el(sender, "idType", "CVR")
    el(sender, "label", fields["sender_label"])
    recipient = el(header, "Recipient")
    el(recipient, "recipientID", fields["recipient_id"])
    el(recipient, "idType", fields["id_type"])
    if fields["contact_point_id"]:
        el(el(recipient, "ContactPoint"), "contactPointID", fields["contact_point_id"])
    body = el(root, "MessageBody")
    el(body, "createdDateTime", "2025-09-01T10:00:00Z")
    main = el(body, "MainDocument")
    for filename, content in fields["files"]:
        file = el(main, "File")
        el(file, "encodingFormat", "application/pdf")
        el(file, "filename", filename)
        el(file, "language", "da")
        el(file, "content", base64.b64encode(content).decode("ascii"))
    if fields["action_url"]:
        action = el(main, "Action")
        el(action, "label", "Se mere")
        el(action, "actionCode", "INFORMATION")
        el(el(action, "EntryPoint"), "url", fields["action_url"])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@FAST
@given(memo_fields())
def test_generated_memo_round_trips(fields):
    memo = memo_parse(build_memo(fields))
    header = memo.header
    assert memo.version == fields["version"]
    assert header.message_uuid == fields["message_uuid"]
    assert header.message_id == fields["message_id"]
    assert header.label == fields["label"]
    assert header.mandatory is fields["mandatory"]
    assert header.legal_notification is fields["legal_notification"]
    assert header.do_not_deliver_until_date == fields["value_date"]
    assert (header.sender.sender_id, header.sender.label) == (
        fields["sender_id"],
        fields["sender_label"],
    )
    assert (header.recipient.recipient_id, header.recipient.id_type) == (
        fields["recipient_id"],
        fields["id_type"],
    )
    assert memo.contact_point_id == (fields["contact_point_id"] or "")
    assert [(file.filename, file.content, file.size_bytes) for file in memo.files] == [
        (filename, content, len(content)) for filename, content in fields["files"]
    ]
    assert [action.entry_point for action in memo.actions] == (
        [fields["action_url"]] if fields["action_url"] else []
    )


@FAST
@given(memo_fields())
def test_generated_memo_is_valid(fields):
    memo = memo_parse(build_memo(fields))
    assert memo_validate(memo, now=NOW, query_uuid=fields["message_uuid"], limits=None) == []


FULL = (DATA / "MeMo_Full_Example.xml").read_bytes()
# Header and body are fuzzed apart: a broken header is refused before the body is read.
FULL_PARTS = {
    part: len(list(etree.fromstring(FULL).find(f"{{{MEMO_NAMESPACE}}}{part}").iter()))
    for part in ("MessageHeader", "MessageBody")
}


@FAST
@given(
    st.sampled_from(sorted(FULL_PARTS)).flatmap(
        lambda part: st.tuples(
            st.just(part), st.sets(st.integers(1, FULL_PARTS[part] - 1), max_size=6)
        )
    ),
    st.sampled_from(["", "x", "-1", "true", "2025-13-45", "Ø"]),
)
def test_full_sample_with_elements_removed_or_emptied_parses_or_raises(target, text):
    # Structural fuzzing: drop or overwrite any elements of the richest sample; the
    # parser must still answer with a Memo or a MemoError, never crash.
    part, indexes = target
    root = etree.fromstring(FULL)
    elements = list(root.find(f"{{{MEMO_NAMESPACE}}}{part}").iter())
    for index in sorted(indexes, reverse=True):
        element = elements[index]
        if index % 2:
            element.getparent().remove(element)
        elif len(element) == 0:
            element.text = text
    parse_or_error(etree.tostring(root))
