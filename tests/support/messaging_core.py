"""Test data for the Digital Post core: MeMo messages and systems that send and receive.

Systems are created through Systemtilslutning's own service (`system_create`), so the API
keys are real; MeMo messages are built as XML bytes (namespace MeMo-1, version 1.2) with
exactly the fields a test names changed.
"""

import uuid
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from adgang.registers import demo as register_demo
from adgang.systems.models import Protocol
from adgang.systems.rules import BOTH, RECEIVER, SENDER
from tests.support.systems_core import ALLOWED_IP, create

CITIZEN_CPR = register_demo.CITIZEN.cpr
COMPANY_B_CVR = register_demo.VIRKSOMHED_B.cvr
KOMMUNE_A_CVR = register_demo.KOMMUNE_A.cvr
KOMMUNE_M_CVR = register_demo.KOMMUNE_M.cvr
CLIENT_IP = ALLOWED_IP  # the address every test system allows
# Byte-for-byte copies of ../shared/memo-samples/ (see their NOTICE.md), so the tests run in a
# clone without the shared folder; test_messaging_memo_parse checks they are still the same.
SHARED_SAMPLES = Path(__file__).resolve().parent.parent / "messaging" / "data"

__all__ = ["BOTH", "RECEIVER", "SENDER", "Protocol"]


def memo_xml(
    *,
    message_uuid: str | None = None,
    sender_cvr: str = KOMMUNE_A_CVR,
    recipient_id: str = CITIZEN_CPR,
    recipient_type: str = "CPR",
    message_type: str = "DIGITALPOST",
    label: str = "Indkaldelse til samtale",
    contact_point_id: str = "",
    value_date: date | None = None,
    mandatory: bool = False,
    legal_notification: bool = False,
    files: tuple[tuple[str, bytes], ...] = (("brev.pdf", b"%PDF-1.4 test"),),
    content_responsible_id: str = "",
    representative_id: str = "",
    memo_version: str = "1.2",
) -> bytes:
    """A valid MeMo message; each keyword changes one thing."""
    import base64

    message_uuid = message_uuid or str(uuid.uuid4())
    header = [
        f"<memo:messageType>{message_type}</memo:messageType>",
        f"<memo:messageUUID>{escape(message_uuid)}</memo:messageUUID>",
        f"<memo:label>{escape(label)}</memo:label>",
    ]
    if message_type == "NEMSMS":
        header.append("<memo:notification>Du har fået en besked</memo:notification>")
    if value_date is not None:
        header.append(
            f"<memo:doNotDeliverUntilDate>{value_date.isoformat()}</memo:doNotDeliverUntilDate>"
        )
    if mandatory:
        header.append("<memo:mandatory>true</memo:mandatory>")
    if legal_notification:
        header.append("<memo:legalNotification>true</memo:legalNotification>")
    attention = ""
    if content_responsible_id:
        attention = (
            "<memo:AttentionData><memo:ContentResponsible>"
            f"<memo:contentResponsibleID>{escape(content_responsible_id)}</memo:contentResponsibleID>"
            "<memo:label>Ansvarlig</memo:label></memo:ContentResponsible></memo:AttentionData>"
        )
    representative = ""
    if representative_id:
        representative = (
            "<memo:Representative>"
            f"<memo:representativeID>{escape(representative_id)}</memo:representativeID>"
            "<memo:idType>CVR</memo:idType><memo:label>Repræsentant</memo:label>"
            "</memo:Representative>"
        )
    header.append(
        "<memo:Sender>"
        f"<memo:senderID>{escape(sender_cvr)}</memo:senderID><memo:idType>CVR</memo:idType>"
        f"<memo:label>Afsender</memo:label>{attention}{representative}</memo:Sender>"
    )
    contact_point = ""
    if contact_point_id:
        contact_point = (
            "<memo:ContactPoint>"
            f"<memo:contactPointID>{escape(contact_point_id)}</memo:contactPointID>"
            "</memo:ContactPoint>"
        )
    header.append(
        "<memo:Recipient>"
        f"<memo:recipientID>{escape(recipient_id)}</memo:recipientID>"
        f"<memo:idType>{recipient_type}</memo:idType><memo:label>Modtager</memo:label>"
        f"{contact_point}</memo:Recipient>"
    )
    body = ""
    if message_type != "NEMSMS":
        file_xml = "".join(
            "<memo:File><memo:encodingFormat>application/pdf</memo:encodingFormat>"
            f"<memo:filename>{escape(name)}</memo:filename><memo:language>da</memo:language>"
            f"<memo:content>{base64.b64encode(content).decode()}</memo:content></memo:File>"
            for name, content in files
        )
        body = (
            "<memo:MessageBody><memo:createdDateTime>2026-01-01T10:00:00Z</memo:createdDateTime>"
            "<memo:MainDocument><memo:mainDocumentID>1</memo:mainDocumentID>"
            f"<memo:label>Brev</memo:label>{file_xml}</memo:MainDocument></memo:MessageBody>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" '
        f'memoVersion="{memo_version}">'
        f"<memo:MessageHeader>{''.join(header)}</memo:MessageHeader>{body}</memo:Message>"
    ).encode()


def sender_system(membership, protocol: str = Protocol.REST_PULL, **overrides):
    """A sender system of the membership's organisation: (system, "Basic …" header)."""
    created = create(membership, SENDER, protocol, **overrides)
    return created.system, created.api_key


def receiver_system(membership, protocol: str = Protocol.REST_PUSH, **overrides):
    """A receiver system of the membership's organisation: (system, "Basic …" header)."""
    created = create(membership, RECEIVER, protocol, **overrides)
    return created.system, created.api_key
