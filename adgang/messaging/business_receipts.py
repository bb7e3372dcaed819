"""Business receipts from receiver systems (SPEC §13 "Delivery"; NGDP-API.md
`POST /apis/v1/memos/{id}/receipt`): the receiver says it could read the message
(COMPLETED) or not (INVALID); the sender system gets it as its business receipt.

Only the system the message was delivered to (pushed, available or fetched) may send one;
for any other system the message does not exist (`message.not.found`). One business receipt
per message: a second is refused.

Events: "Forretningskvittering modtaget" in the receiving organisation's log. For a sender
that pulls its receipts, "Forretningskvittering sendt" is recorded here, when the receipt is
made available; for a REST PUSH sender it is recorded by `receipts_push` once its receipt
endpoint has it (or "Forretningskvittering fejlet" when that gives up).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from adgang.core.clock import now as clock_now
from adgang.messaging.errors import Refusal
from adgang.messaging.events import EventTag
from adgang.messaging.models import (
    Delivery,
    DeliveryState,
    Receipt,
    ReceiptKind,
    ReceiptPush,
    ReceiptStatus,
)
from adgang.messaging.recording import event_record
from adgang.messaging.routing import receipt_for_sender
from adgang.systems.models import MailSystem

ACCEPTED_STATUSES = (ReceiptStatus.COMPLETED, ReceiptStatus.INVALID)
# IN_FLIGHT too: a fast receiver may answer with its receipt before the worker has recorded
# the 2xx of the push that brought the message (the receipt proves it has the message).
_DELIVERED = (
    DeliveryState.IN_FLIGHT,
    DeliveryState.DELIVERED,
    DeliveryState.AVAILABLE,
    DeliveryState.FETCHED,
)
ERROR_MESSAGE_MAX = 2000

NOT_FOUND = Refusal(404, "message.not.found", "No message with this id was delivered to you.")
BAD_STATUS = Refusal(
    400, "receipt.status.not.allowed", "receiptStatus must be COMPLETED or INVALID."
)
ALREADY = Refusal(
    409, "business.receipt.already.received", "A business receipt was already received."
)
TOO_LONG = Refusal(
    400,
    "receipt.error.message.too.long",
    f"errorMessage may be at most {ERROR_MESSAGE_MAX} characters.",
)


def _delivery_to(system: MailSystem, message_id) -> Delivery | None:
    try:
        key = uuid.UUID(str(message_id))
    except ValueError:
        return None
    # A REST PUSH receiver gets only the MeMo, so it may name the message by its messageUUID
    # (unique on the platform) instead of our messageId.
    return (
        Delivery.objects.select_related("message", "message__sender_system")
        .filter(Q(message_id=key) | Q(message__message_uuid=key))
        .filter(system=system, state__in=_DELIVERED)
        .first()
    )


def business_receipt_accept(
    *,
    system: MailSystem,
    message_id,
    status: str,
    error_code: str = "",
    error_message: str = "",
    now: datetime | None = None,
) -> Receipt | Refusal:
    """Accept a receiver system's business receipt and pass it on to the sender (§13)."""
    now = now or clock_now()
    if status not in ACCEPTED_STATUSES:
        return BAD_STATUS
    if len(error_message or "") > ERROR_MESSAGE_MAX:
        return TOO_LONG
    with transaction.atomic():
        delivery = _delivery_to(system, message_id)
        if delivery is None:
            return NOT_FOUND
        message = delivery.message
        # The message row lock makes "one business receipt per message" hold under races.
        type(message).objects.select_for_update().filter(pk=message.pk).first()
        if Receipt.objects.filter(message=message, kind=ReceiptKind.BUSINESS).exists():
            return ALREADY
        event_record(
            tag=EventTag.BUSINESS_RECEIPT_RECEIVED,
            organisation=delivery.organisation_id,
            message=message,
            at=now,
            recipient_system_id=system.pk,
            receipt_status=status,
            error_message=error_message or "",
        )
        receipt = receipt_for_sender(
            system=message.sender_system,
            message=message,
            kind=ReceiptKind.BUSINESS,
            status=status,
            error_code=(error_code or "")[:100],
            error_message=error_message or "",
            transmission_id=message.transmission_id,
            now=now,
        )
        if receipt.push == ReceiptPush.PULL:
            event_record(
                tag=EventTag.BUSINESS_RECEIPT_SENT,
                organisation=message.sender_organisation_id,
                message=message,
                at=now,
                receipt_status=status,
            )
    return receipt
