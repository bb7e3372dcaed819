"""MeMo messages for the demo traffic (SPEC §15): valid MeMo 1.2 XML built from a few fields.

Deterministic: the demo's messageUUIDs come from `demo_uuid(n)`, so a second `manage.py demo`
recognises the traffic it made.
"""

import base64
import uuid
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

DEMO_NAMESPACE = uuid.UUID("6a1d2f0c-5b7e-4c1a-9f3d-2e8b7c6d5a40")
# A tiny but well-formed PDF: what a caseworker's letter looks like on the wire.
LETTER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def demo_uuid(number: int) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, f"demo-message-{number}"))


@dataclass(frozen=True)
class Letter:
    """What one demo message says; everything else of the MeMo is fixed."""

    message_uuid: str
    sender_cvr: str
    recipient_id: str
    recipient_type: str  # CPR | CVR
    label: str
    message_type: str = "DIGITALPOST"  # or NEMSMS
    contact_point_id: str = ""
    value_date: date | None = None
    mandatory: bool = False
    legal_notification: bool = False
    attachments: int = 1


def _header(letter: Letter) -> str:
    parts = [
        f"<memo:messageType>{letter.message_type}</memo:messageType>",
        f"<memo:messageUUID>{letter.message_uuid}</memo:messageUUID>",
        f"<memo:label>{escape(letter.label)}</memo:label>",
    ]
    if letter.message_type == "NEMSMS":
        parts.append(f"<memo:notification>{escape(letter.label)}</memo:notification>")
    if letter.value_date:
        parts.append(
            f"<memo:doNotDeliverUntilDate>{letter.value_date.isoformat()}"
            "</memo:doNotDeliverUntilDate>"
        )
    if letter.mandatory:
        parts.append("<memo:mandatory>true</memo:mandatory>")
    if letter.legal_notification:
        parts.append("<memo:legalNotification>true</memo:legalNotification>")
    parts.append(
        f"<memo:Sender><memo:senderID>{letter.sender_cvr}</memo:senderID>"
        "<memo:idType>CVR</memo:idType><memo:label>Afsender</memo:label></memo:Sender>"
    )
    point = (
        f"<memo:ContactPoint><memo:contactPointID>{letter.contact_point_id}"
        "</memo:contactPointID></memo:ContactPoint>"
        if letter.contact_point_id
        else ""
    )
    parts.append(
        f"<memo:Recipient><memo:recipientID>{letter.recipient_id}</memo:recipientID>"
        f"<memo:idType>{letter.recipient_type}</memo:idType>"
        f"<memo:label>Modtager</memo:label>{point}</memo:Recipient>"
    )
    return f"<memo:MessageHeader>{''.join(parts)}</memo:MessageHeader>"


def _body(letter: Letter) -> str:
    if letter.message_type == "NEMSMS":
        return ""  # a NemSMS is its notification only
    content = base64.b64encode(LETTER_PDF).decode()
    files = "".join(
        "<memo:File><memo:encodingFormat>application/pdf</memo:encodingFormat>"
        f"<memo:filename>{'brev' if n == 0 else f'bilag-{n}'}.pdf</memo:filename>"
        f"<memo:language>da</memo:language><memo:content>{content}</memo:content></memo:File>"
        for n in range(letter.attachments)
    )
    return (
        "<memo:MessageBody><memo:createdDateTime>2026-01-01T10:00:00Z</memo:createdDateTime>"
        "<memo:MainDocument><memo:mainDocumentID>1</memo:mainDocumentID>"
        f"<memo:label>{escape(letter.label)}</memo:label>{files}</memo:MainDocument>"
        "</memo:MessageBody>"
    )


def memo_bytes(letter: Letter) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.2">'
        f"{_header(letter)}{_body(letter)}</memo:Message>"
    ).encode()
