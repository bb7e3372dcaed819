"""A refused upload that no answer carries (SPEC §5, §13): a bulk archive's member, or a file
over SFTP. The sender learns of it only from a technical receipt (INVALID, the refusal's
code), and the message log shows "Afvist teknisk"; no message is stored.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from django.db import transaction

from adgang.messaging.errors import Refusal
from adgang.messaging.events import EventTag
from adgang.messaging.models import Receipt, ReceiptKind, ReceiptStatus
from adgang.messaging.recording import event_record
from adgang.messaging.routing import receipt_for_sender
from adgang.systems.models import MailSystem

_UUID_SCAN_BYTES = 64 * 1024
_MESSAGE_UUID = re.compile(rb"<(?:[\w.-]+:)?messageUUID>\s*([0-9A-Fa-f-]{36})\s*<")


def message_uuid_in(content: bytes) -> str:
    """The messageUUID of a refused upload when it can be read (so the sender can match the
    receipt to what it sent), else ""."""
    match = _MESSAGE_UUID.search(content[:_UUID_SCAN_BYTES])
    if match is None:
        return ""
    try:
        return str(uuid.UUID(match[1].decode("ascii")))
    except ValueError:
        return ""


def upload_refused_record(
    *,
    system: MailSystem,
    name: str,
    content: bytes,
    refusal: Refusal,
    transmission_id: uuid.UUID,
    now: datetime,
) -> Receipt:
    """The INVALID technical receipt and the "Afvist teknisk" event of one refused upload.
    The error message starts with the file's name."""
    message_uuid = message_uuid_in(content)
    error_message = f"{name}: {refusal.message}"
    with transaction.atomic():
        event_record(
            tag=EventTag.TECHNICALLY_REJECTED,
            organisation=system.organisation_id,
            at=now,
            sender_system_id=system.pk,
            error_message=error_message,
            receipt_status=ReceiptStatus.INVALID,
            message_uuid=message_uuid,
            transmission_id=transmission_id,
        )
        return receipt_for_sender(
            system=system,
            message=None,
            kind=ReceiptKind.TECHNICAL,
            status=ReceiptStatus.INVALID,
            error_code=refusal.code,
            error_message=error_message,
            transmission_id=transmission_id,
            now=now,
            message_uuid=message_uuid,
        )
