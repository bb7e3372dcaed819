"""Receipts as files in an SFTP sender's `/receipts/` folder (SPEC §13, NGDP-API.md "Receipt").

An SFTP sender has no HTTP answer to read, so every receipt meant for it (technical receipts
of its uploads, business receipts from receivers) is a file `/receipts/<receipt id>.json`
holding the NgDP Receipt's fields: `{transmissionId, messageUUID, messageId, errorCode,
errorMessage, timeStamp, receiptStatus}`. Removing the file marks the receipt deleted
(`deleted_at`), as `DELETE /apis/v1/receipts/{id}` does for REST senders.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from adgang.messaging.errors import Refusal
from adgang.messaging.models import Receipt
from adgang.messaging.receipts_push import receipt_json
from adgang.messaging.refusals import upload_refused_record
from adgang.systems.models import MailSystem

SUFFIX = ".json"
# Where a refused upload's messageUUID is looked for (it is in the header, near the start).


@dataclass(frozen=True)
class ReceiptFile:
    name: str
    size: int
    mtime: int  # seconds since the epoch
    content: bytes


def receipt_document(receipt: Receipt) -> bytes:
    """The receipt as NgDP's Receipt JSON (UTF-8), as the receipt endpoint gets it pushed."""
    document = receipt_json(receipt)
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def receipt_file(receipt: Receipt) -> ReceiptFile:
    content = receipt_document(receipt)
    return ReceiptFile(
        name=f"{receipt.pk}{SUFFIX}",
        size=len(content),
        mtime=int(receipt.time_stamp.timestamp()),
        content=content,
    )


def receipt_id_of(name: str) -> uuid.UUID | None:
    """The receipt id a file name `<uuid>.json` names, or None."""
    if not name.endswith(SUFFIX):
        return None
    try:
        return uuid.UUID(name.removesuffix(SUFFIX))
    except ValueError:
        return None


def _kept(system_id):
    return Receipt.objects.filter(system_id=system_id, deleted_at__isnull=True)


def receipts_page(
    system_id, *, after: tuple[datetime, uuid.UUID] | None, size: int
) -> list[tuple[ReceiptFile, tuple[datetime, uuid.UUID]]]:
    """The next `size` receipt files of the system, oldest first, after the (time, id) key,
    each with its key.

    Keyset paging keeps listing a folder of many receipts in constant memory.
    """
    rows = _kept(system_id).order_by("time_stamp", "id")
    if after is not None:
        stamp, receipt_id = after
        rows = rows.filter(time_stamp__gte=stamp).exclude(time_stamp=stamp, id__lte=receipt_id)
    return [(receipt_file(receipt), (receipt.time_stamp, receipt.pk)) for receipt in rows[:size]]


def receipt_read(system_id, receipt_id: uuid.UUID) -> ReceiptFile | None:
    """The system's own receipt file, or None (another system's receipt is not there)."""
    receipt = _kept(system_id).filter(pk=receipt_id).first()
    return receipt_file(receipt) if receipt is not None else None


def receipt_remove(system_id, receipt_id: uuid.UUID, *, now: datetime) -> bool:
    """Mark the system's receipt deleted (the sender has read it); False when not there."""
    return bool(_kept(system_id).filter(pk=receipt_id).update(deleted_at=now))


def upload_refused(
    *, system: MailSystem, name: str, refusal: Refusal, content: bytes, now: datetime
) -> Receipt:
    """A refused upload's technical receipt (INVALID, the refusal's code) and its "Afvist
    teknisk" event in the sender's log (SPEC §5, §13). No message is stored.

    Over the API the refusal is the answer; over SFTP the receipt file is the only way the
    sender learns of it. The messageUUID is copied when it can be read and the error message
    starts with the file's name (as a bulk's refused member does), so the sender can match
    the receipt to what it uploaded.
    """
    return upload_refused_record(
        system=system,
        name=name,
        content=content,
        refusal=refusal,
        transmission_id=uuid.uuid4(),
        now=now,
    )
