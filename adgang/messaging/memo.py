"""Parsing MeMo messages into a typed model (SPEC §13; NGDP-API.md "MeMo").

A MeMo message is XML in the namespace `https://DigitalPost.dk/MeMo-1`, versions 1.0–1.2.
It arrives from the internet, so the parser is hardened before anything else happens:

- the size limit is checked on the raw bytes, before lxml sees them;
- any DOCTYPE or entity declaration is refused, first by a scan of the raw bytes (so a
  billion-laughs document is refused without being parsed at all) and again on the parsed
  tree (belt and braces, e.g. for encodings the byte scan does not know);
- lxml never loads a DTD, never resolves entities and never touches the network.

`huge_tree=True` is deliberate: without it libxml2 refuses any text node over 10 MB, i.e.
any attachment over about 7.5 MB of base64 content, while NgDP allows 99.5 MB. The limits
`huge_tree` lifts guard against entity expansion, which cannot happen here (declarations
are refused and entities never resolved); the byte size limit bounds everything else, and
libxml2 still caps the nesting depth (2048 levels with huge_tree).

Only what the message log, routing and statistics read is typed (header, sender,
recipient, contact point, attention data, content data, forward and reply data,
documents, files and actions); unknown elements are ignored, not errors. Rules on the
values (UUID format, CPR/CVR, value date, file names, limits) live in `memo_rules`.

Every refusal is a `MemoError` with a stable dotted lower-case code like NgDP's.
"""

from __future__ import annotations

import binascii
import datetime
from dataclasses import dataclass

from lxml import etree

MEMO_NAMESPACE = "https://DigitalPost.dk/MeMo-1"
SUPPORTED_VERSIONS = frozenset({"1.0", "1.1", "1.2"})
DEFAULT_MAX_BYTES = 100 * 1024 * 1024

# Error codes raised by `memo_parse` (stable: API clients match on them).
SIZE_TOO_LARGE = "memo.size.too.large"
XML_MALFORMED = "memo.xml.malformed"
DTD_NOT_ALLOWED = "memo.xml.dtd.not.allowed"
ENTITY_NOT_ALLOWED = "memo.xml.entity.not.allowed"
NAMESPACE_UNKNOWN = "memo.namespace.unknown"
ROOT_NOT_ALLOWED = "memo.root.element.not.allowed"
VERSION_UNSUPPORTED = "memo.version.unsupported"
ELEMENT_MISSING = "memo.element.missing"
VALUE_INVALID = "memo.value.invalid"
FILE_CONTENT_INVALID = "memo.file.content.invalid"

PARSE_ERROR_CODES = frozenset(
    {
        SIZE_TOO_LARGE,
        XML_MALFORMED,
        DTD_NOT_ALLOWED,
        ENTITY_NOT_ALLOWED,
        NAMESPACE_UNKNOWN,
        ROOT_NOT_ALLOWED,
        VERSION_UNSUPPORTED,
        ELEMENT_MISSING,
        VALUE_INVALID,
        FILE_CONTENT_INVALID,
    }
)

# Features a message uses, for the statistics (NGDP-API.md "MeMo").
FEATURE_ACTIONS = "actions"
FEATURE_REPLY_DATA = "reply_data"
FEATURE_ATTENTION_DATA = "attention_data"
FEATURE_CONTENT_DATA = "content_data"
FEATURE_ADDITIONAL_NOTIFICATION = "additional_notification"


class MemoError(ValueError):
    """A MeMo message could not be parsed; `code` is a stable dotted NgDP-style code."""

    def __init__(self, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"MemoError({self.code!r}, {self.message!r}, field={self.field!r})"


@dataclass(frozen=True)
class Action:
    label: str
    action_code: str
    entry_point: str | None
    start_datetime: datetime.datetime | None
    end_datetime: datetime.datetime | None


@dataclass(frozen=True)
class File:
    encoding_format: str
    filename: str
    language: str
    size_bytes: int
    content: bytes | None  # None when parsed with keep_content=False


@dataclass(frozen=True)
class Document:
    document_id: str
    label: str
    files: tuple[File, ...]
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class ContactPoint:
    contact_point_id: str
    contact_group: str
    label: str


@dataclass(frozen=True)
class AttentionData:
    person_id: str
    person_label: str
    content_responsible_id: str
    content_responsible_label: str
    generating_system_id: str


@dataclass(frozen=True)
class Representative:
    representative_id: str
    id_type: str
    label: str


@dataclass(frozen=True)
class Sender:
    sender_id: str
    id_type: str
    label: str
    attention: AttentionData | None
    contact_point: ContactPoint | None
    representative: Representative | None


@dataclass(frozen=True)
class Recipient:
    recipient_id: str
    id_type: str
    label: str
    attention: AttentionData | None
    contact_point: ContactPoint | None


@dataclass(frozen=True)
class ContentData:
    cpr_number: str
    cvr_number: str
    case_id: str
    kle_subject_key: str
    form_task_key: str


@dataclass(frozen=True)
class ForwardData:
    message_uuid: str
    original_message_datetime: datetime.datetime | None
    original_sender: str
    contact_point_id: str
    comment: str


@dataclass(frozen=True)
class ReplyData:
    message_id: str
    message_uuid: str
    reply_uuid: str
    sender_id: str
    recipient_id: str
    case_id: str
    contact_point_id: str


@dataclass(frozen=True)
class MessageHeader:
    message_type: str
    message_uuid: str
    message_id: str
    message_code: str
    label: str
    notification: str
    additional_notification: str
    reply: bool | None
    reply_by_datetime: datetime.datetime | None
    do_not_deliver_until_date: datetime.date | None
    mandatory: bool
    legal_notification: bool
    post_type: str
    sender: Sender
    recipient: Recipient
    content_data: ContentData | None
    forward_data: ForwardData | None
    reply_data: tuple[ReplyData, ...]


@dataclass(frozen=True)
class MessageBody:
    create_datetime: datetime.datetime | None
    main_document: Document | None
    additional_documents: tuple[Document, ...]
    technical_documents: tuple[Document, ...]

    @property
    def documents(self) -> tuple[Document, ...]:
        main = (self.main_document,) if self.main_document else ()
        return main + self.additional_documents + self.technical_documents


@dataclass(frozen=True)
class Memo:
    version: str
    header: MessageHeader
    body: MessageBody | None  # NemSMS messages have no body

    @property
    def title(self) -> str:
        """The message title shown in the message log (MeMo `label`)."""
        return self.header.label

    @property
    def contact_point_id(self) -> str:
        """The recipient's contact point, which routes authority post (SPEC §13)."""
        contact_point = self.header.recipient.contact_point
        return contact_point.contact_point_id if contact_point else ""

    @property
    def content_responsible_id(self) -> str:
        """The sender's content-responsible unit, for the message log (NGDP-API.md)."""
        attention = self.header.sender.attention
        return attention.content_responsible_id if attention else ""

    @property
    def representative_id(self) -> str:
        """Who sends on the sender's behalf, for the message log (NGDP-API.md)."""
        representative = self.header.sender.representative
        return representative.representative_id if representative else ""

    @property
    def files(self) -> tuple[File, ...]:
        """Every file of every document: what the attachment limits count."""
        if self.body is None:
            return ()
        return tuple(file for document in self.body.documents for file in document.files)

    @property
    def actions(self) -> tuple[Action, ...]:
        if self.body is None:
            return ()
        return tuple(action for document in self.body.documents for action in document.actions)


def features(memo: Memo) -> set[str]:
    """The MeMo features a message uses, as the statistics count them (NGDP-API.md)."""
    header = memo.header
    used: set[str] = set()
    if memo.actions:
        used.add(FEATURE_ACTIONS)
    if header.reply_data:
        used.add(FEATURE_REPLY_DATA)
    if header.sender.attention or header.recipient.attention:
        used.add(FEATURE_ATTENTION_DATA)
    if header.content_data:
        used.add(FEATURE_CONTENT_DATA)
    if header.additional_notification:
        used.add(FEATURE_ADDITIONAL_NOTIFICATION)
    return used


# --- parsing -------------------------------------------------------------------------

# ENTITY first: a DOCTYPE with entity declarations reports the more specific code.
_FORBIDDEN_MARKUP = (b"<!ENTITY", b"<!DOCTYPE")
_ENCODINGS_SCANNED = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
# What `\s` matches in bytes; removed with bytes.translate (a regex takes seconds on 130 MB).
_WHITESPACE = b" \t\n\r\x0b\x0c"


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers are not thread-safe to share.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,  # see the module docstring
        remove_comments=False,
        remove_pis=True,
    )


def _refuse_declarations(content: bytes) -> None:
    """Refuse DOCTYPE and ENTITY declarations before lxml parses anything.

    Scanning the raw bytes is what makes billion laughs cheap to refuse: nothing is
    expanded because nothing is parsed. A legitimate MeMo never has a DOCTYPE, and base64
    file content cannot contain "<", so there are no false positives in practice.
    """
    for marker in _FORBIDDEN_MARKUP:
        for encoding in _ENCODINGS_SCANNED:
            if marker.decode("ascii").encode(encoding) in content:
                if marker == b"<!ENTITY":
                    raise MemoError(ENTITY_NOT_ALLOWED, "Entity declarations are not allowed.")
                raise MemoError(DTD_NOT_ALLOWED, "A DOCTYPE or DTD is not allowed.")


def memo_parse(
    content: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, keep_content: bool = True
) -> Memo:
    """Parse a MeMo message (MeMo 1.0–1.2) or raise `MemoError` (SPEC §13).

    `keep_content=False` drops the decoded file bytes after measuring them, for callers
    that only need the message's metadata (the message log, statistics).
    """
    if not isinstance(content, bytes | bytearray | memoryview):
        raise MemoError(XML_MALFORMED, "The message must be sent as bytes.")
    content = bytes(content)
    if len(content) > max_bytes:
        raise MemoError(
            SIZE_TOO_LARGE, f"The message is larger than the limit of {max_bytes} bytes."
        )
    if not content.strip():
        raise MemoError(XML_MALFORMED, "The message is empty.")
    _refuse_declarations(content)
    try:
        root = etree.fromstring(content, _parser())
    except (etree.LxmlError, ValueError) as error:
        raise MemoError(XML_MALFORMED, f"The message is not well-formed XML: {error}") from None
    if root is None:
        raise MemoError(XML_MALFORMED, "The message is not well-formed XML.")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise MemoError(DTD_NOT_ALLOWED, "A DOCTYPE or DTD is not allowed.")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise MemoError(ENTITY_NOT_ALLOWED, "Entity references are not allowed.")
    return _read_message(root, keep_content=keep_content)


def _q(name: str) -> str:
    return f"{{{MEMO_NAMESPACE}}}{name}"


def _child(element, name: str):
    return element.find(_q(name))


def _children(element, name: str) -> list:
    return element.findall(_q(name))


def _text(element, name: str) -> str:
    child = _child(element, name) if element is not None else None
    if child is None or child.text is None:
        return ""
    return child.text.strip()


def _raw_text(element, name: str) -> str:
    child = _child(element, name)
    return (child.text or "") if child is not None else ""


def _required(element, name: str, path: str):
    child = _child(element, name)
    if child is None:
        raise MemoError(ELEMENT_MISSING, f"The element {path} is missing.", field=path)
    return child


def _required_text(element, name: str, path: str) -> str:
    child = _required(element, name, path)
    text = (child.text or "").strip()
    if not text:
        raise MemoError(ELEMENT_MISSING, f"The element {path} is empty.", field=path)
    return text


def _bool(element, name: str, path: str) -> bool | None:
    text = _text(element, name)
    if not text:
        return None
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise MemoError(VALUE_INVALID, f"{path} must be true or false.", field=path)


def _date(element, name: str, path: str) -> datetime.date | None:
    text = _text(element, name)
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise MemoError(VALUE_INVALID, f"{path} must be a date (YYYY-MM-DD).", field=path) from None


def _datetime(element, name: str, path: str) -> datetime.datetime | None:
    text = _text(element, name)
    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise MemoError(VALUE_INVALID, f"{path} must be a date and time.", field=path) from None
    # xs:dateTime without a zone is read as UTC, so that every datetime is comparable.
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def _read_message(root, *, keep_content: bool) -> Memo:
    qname = etree.QName(root)
    if qname.namespace != MEMO_NAMESPACE:
        raise MemoError(
            NAMESPACE_UNKNOWN,
            f"The root element must be in the namespace {MEMO_NAMESPACE}.",
            field="Message",
        )
    if qname.localname != "Message":
        raise MemoError(ROOT_NOT_ALLOWED, "The root element must be Message.", field="Message")
    version = (root.get("memoVersion") or "").strip()
    if version not in SUPPORTED_VERSIONS:
        raise MemoError(
            VERSION_UNSUPPORTED,
            "memoVersion must be one of " + ", ".join(sorted(SUPPORTED_VERSIONS)) + ".",
            field="Message.memoVersion",
        )
    header = _read_header(_required(root, "MessageHeader", "MessageHeader"))
    body_element = _child(root, "MessageBody")
    body = _read_body(body_element, keep_content=keep_content) if body_element is not None else None
    return Memo(version=version, header=header, body=body)


def _read_header(element) -> MessageHeader:
    path = "MessageHeader"
    return MessageHeader(
        message_type=_required_text(element, "messageType", f"{path}.messageType"),
        message_uuid=_required_text(element, "messageUUID", f"{path}.messageUUID"),
        message_id=_text(element, "messageID"),
        message_code=_text(element, "messageCode"),
        label=_required_text(element, "label", f"{path}.label"),
        notification=_text(element, "notification"),
        additional_notification=_text(element, "additionalNotification"),
        reply=_bool(element, "reply", f"{path}.reply"),
        reply_by_datetime=_datetime(element, "replyByDateTime", f"{path}.replyByDateTime"),
        do_not_deliver_until_date=_date(
            element, "doNotDeliverUntilDate", f"{path}.doNotDeliverUntilDate"
        ),
        mandatory=bool(_bool(element, "mandatory", f"{path}.mandatory")),
        legal_notification=bool(_bool(element, "legalNotification", f"{path}.legalNotification")),
        post_type=_text(element, "postType"),
        sender=_read_sender(_required(element, "Sender", f"{path}.Sender")),
        recipient=_read_recipient(_required(element, "Recipient", f"{path}.Recipient")),
        content_data=_read_content_data(_child(element, "ContentData")),
        forward_data=_read_forward_data(_child(element, "ForwardData")),
        reply_data=tuple(_read_reply_data(child) for child in _children(element, "ReplyData")),
    )


def _read_attention(element) -> AttentionData | None:
    if element is None:
        return None
    person = _child(element, "AttentionPerson")
    responsible = _child(element, "ContentResponsible")
    generating = _child(element, "GeneratingSystem")
    return AttentionData(
        person_id=_text(person, "personID"),
        person_label=_text(person, "label"),
        content_responsible_id=_text(responsible, "contentResponsibleID"),
        content_responsible_label=_text(responsible, "label"),
        generating_system_id=_text(generating, "generatingSystemID"),
    )


def _read_contact_point(element) -> ContactPoint | None:
    if element is None:
        return None
    return ContactPoint(
        contact_point_id=_text(element, "contactPointID"),
        contact_group=_text(element, "contactGroup"),
        label=_text(element, "label"),
    )


def _read_sender(element) -> Sender:
    path = "MessageHeader.Sender"
    representative = _child(element, "Representative")
    return Sender(
        sender_id=_required_text(element, "senderID", f"{path}.senderID"),
        id_type=_required_text(element, "idType", f"{path}.idType"),
        label=_text(element, "label"),
        attention=_read_attention(_child(element, "AttentionData")),
        contact_point=_read_contact_point(_child(element, "ContactPoint")),
        representative=Representative(
            representative_id=_text(representative, "representativeID"),
            id_type=_text(representative, "idType"),
            label=_text(representative, "label"),
        )
        if representative is not None
        else None,
    )


def _read_recipient(element) -> Recipient:
    path = "MessageHeader.Recipient"
    return Recipient(
        recipient_id=_required_text(element, "recipientID", f"{path}.recipientID"),
        id_type=_required_text(element, "idType", f"{path}.idType"),
        label=_text(element, "label"),
        attention=_read_attention(_child(element, "AttentionData")),
        contact_point=_read_contact_point(_child(element, "ContactPoint")),
    )


def _find_any_namespace(element, localname: str) -> str:
    # KLE, FORM, CPR and CVR data live in other namespaces whose URIs differ between
    # MeMo versions, so they are matched on their local name only.
    for node in element.iter():
        if isinstance(node.tag, str) and etree.QName(node).localname == localname:
            return (node.text or "").strip()
    return ""


def _read_content_data(element) -> ContentData | None:
    if element is None:
        return None
    return ContentData(
        cpr_number=_find_any_namespace(element, "cprNumber"),
        cvr_number=_find_any_namespace(element, "cvrNumber"),
        case_id=_find_any_namespace(element, "caseID"),
        kle_subject_key=_find_any_namespace(element, "subjectKey"),
        form_task_key=_find_any_namespace(element, "taskKey"),
    )


def _read_forward_data(element) -> ForwardData | None:
    if element is None:
        return None
    path = "MessageHeader.ForwardData"
    return ForwardData(
        message_uuid=_text(element, "messageUUID"),
        original_message_datetime=_datetime(
            element, "originalMessageDateTime", f"{path}.originalMessageDateTime"
        ),
        original_sender=_text(element, "originalSender"),
        contact_point_id=_text(element, "contactPointID"),
        comment=_text(element, "comment"),
    )


def _read_reply_data(element) -> ReplyData:
    return ReplyData(
        message_id=_text(element, "messageID"),
        message_uuid=_text(element, "messageUUID"),
        reply_uuid=_text(element, "replyUUID"),
        sender_id=_text(element, "senderID"),
        recipient_id=_text(element, "recipientID"),
        case_id=_text(element, "caseID"),
        contact_point_id=_text(element, "contactPointID"),
    )


def _read_body(element, *, keep_content: bool) -> MessageBody:
    path = "MessageBody"
    main = _child(element, "MainDocument")
    return MessageBody(
        create_datetime=_datetime(element, "createdDateTime", f"{path}.createdDateTime"),
        main_document=_read_document(
            main, "mainDocumentID", f"{path}.MainDocument", keep_content=keep_content
        )
        if main is not None
        else None,
        additional_documents=tuple(
            _read_document(
                child,
                "additionalDocumentID",
                f"{path}.AdditionalDocument[{index}]",
                keep_content=keep_content,
            )
            for index, child in enumerate(_children(element, "AdditionalDocument"))
        ),
        technical_documents=tuple(
            _read_document(
                child,
                "technicalDocumentID",
                f"{path}.TechnicalDocument[{index}]",
                keep_content=keep_content,
            )
            for index, child in enumerate(_children(element, "TechnicalDocument"))
        ),
    )


def _read_document(element, id_name: str, path: str, *, keep_content: bool) -> Document:
    return Document(
        # MeMo 1.0 calls every document id "documentID".
        document_id=_text(element, id_name) or _text(element, "documentID"),
        label=_text(element, "label"),
        files=tuple(
            _read_file(child, f"{path}.File[{index}]", keep_content=keep_content)
            for index, child in enumerate(_children(element, "File"))
        ),
        actions=tuple(
            _read_action(child, f"{path}.Action[{index}]")
            for index, child in enumerate(_children(element, "Action"))
        ),
    )


def _read_file(element, path: str, *, keep_content: bool) -> File:
    content_element = _child(element, "content")
    encoded = (content_element.text or "") if content_element is not None else ""
    try:
        decoded = binascii.a2b_base64(
            encoded.encode("ascii").translate(None, _WHITESPACE), strict_mode=True
        )
    except (binascii.Error, UnicodeEncodeError):
        raise MemoError(
            FILE_CONTENT_INVALID, f"{path}.content is not valid base64.", field=f"{path}.content"
        ) from None
    return File(
        encoding_format=_text(element, "encodingFormat"),
        # Not stripped: the file-name rule must see control characters at either end.
        filename=_raw_text(element, "filename"),
        language=_text(element, "language"),
        size_bytes=len(decoded),
        content=decoded if keep_content else None,
    )


def _read_action(element, path: str) -> Action:
    entry_point = _child(element, "EntryPoint")
    return Action(
        label=_text(element, "label"),
        action_code=_text(element, "actionCode"),
        entry_point=_text(entry_point, "url") if entry_point is not None else None,
        start_datetime=_datetime(element, "startDateTime", f"{path}.startDateTime"),
        end_datetime=_datetime(element, "endDateTime", f"{path}.endDateTime"),
    )
