"""Pushing receipts to REST PUSH sender systems (SPEC §13; NGDP-API.md "Receipt").

A receipt with push PENDING is POSTed as NgDP Receipt JSON to the sender system's receipt
endpoint, with the receiver policy's rhythm (SPEC §3, counted from the receipt's time
stamp). The claim is a conditional UPDATE of the receipt's lease, the call is made outside
any transaction, and the outcome is recorded guarded by that lease; a crash in between
sends the receipt again after the lease (at-least-once, like deliveries).

Business receipts: delivered → "Forretningskvittering sendt", given up → "Forretningskvittering
fejlet", both in the sender's log. Technical receipts of a bulk upload: delivered →
"Teknisk kvittering sendt".
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F, Q

from adgang.core.clock import now as clock_now
from adgang.messaging import outbound, policy
from adgang.messaging.events import EventTag
from adgang.messaging.models import DeliveryPhase, Receipt, ReceiptKind, ReceiptPush
from adgang.messaging.recording import event_record

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
NO_ENDPOINT_TEXT = "Afsendersystemet har intet kvitterings-end point."


def receipt_json(receipt: Receipt) -> dict:
    """The NgDP Receipt shape as JSON values: what is pushed to a sender's receipt endpoint and
    written as a receipt file over SFTP (times in UTC with a `Z`)."""
    return {
        "transmissionId": str(receipt.transmission_id),
        "messageUUID": receipt.message_uuid or None,
        "messageId": str(receipt.message_id) if receipt.message_id else None,
        "errorCode": receipt.error_code or None,
        "errorMessage": receipt.error_message or None,
        "timeStamp": receipt.time_stamp.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "receiptStatus": receipt.receipt_status,
    }


def receipts_push_run(*, now: datetime | None = None, limit: int = 100) -> int:
    """Push up to `limit` due receipts; return how many were attempted."""
    now = now or clock_now()
    attempted = 0
    while attempted < limit:
        receipt = _claim_next(now)
        if receipt is None:
            break
        _attempt(receipt, now)
        attempted += 1
    return attempted


def _due(now: datetime):
    return Receipt.objects.filter(
        Q(next_push_at__lte=now) | Q(next_push_at__isnull=True),
        Q(lease_until__isnull=True) | Q(lease_until__lt=now),
        push=ReceiptPush.PENDING,
    )


def _claim_next(now: datetime) -> Receipt | None:
    while True:
        with transaction.atomic():
            candidate = (
                _due(now)
                .select_for_update(skip_locked=True)
                .order_by("next_push_at", "time_stamp")
                .values_list("pk", flat=True)
                .first()
            )
            if candidate is None:
                return None
            claimed = _due(now).filter(pk=candidate).update(lease_until=now + LEASE)
        if claimed:
            return Receipt.objects.select_related("system", "message").get(pk=candidate)


def _attempt(receipt: Receipt, now: datetime) -> None:
    endpoint = receipt.system.receipt_endpoint
    if endpoint:
        outcome = outbound.post(endpoint, json=receipt_json(receipt))
    else:
        outcome = outbound.Outcome(ok=False, error=NO_ENDPOINT_TEXT)
    held = Receipt.objects.filter(
        pk=receipt.pk, push=ReceiptPush.PENDING, lease_until=receipt.lease_until
    )
    with transaction.atomic():
        if outcome.ok:
            if held.update(
                push=ReceiptPush.SENT, lease_until=None, push_attempts=F("push_attempts") + 1
            ):
                _record(receipt, now, delivered=True, endpoint=endpoint)
            return
        attempts = receipt.push_attempts + 1
        due = policy.next_attempt_at(DeliveryPhase.RECEIVER, attempts, receipt.time_stamp)
        values = {"push_attempts": attempts, "lease_until": None, "next_push_at": due}
        if due is None:
            values["push"] = ReceiptPush.FAILED
        if held.update(**values) and due is None:
            _record(receipt, now, delivered=False, endpoint=endpoint, error=outcome.error)


def _record(receipt: Receipt, now: datetime, *, delivered: bool, endpoint: str, error="") -> None:
    if receipt.kind == ReceiptKind.BUSINESS:
        tag = EventTag.BUSINESS_RECEIPT_SENT if delivered else EventTag.BUSINESS_RECEIPT_FAILED
    elif delivered:
        tag = EventTag.TECHNICAL_RECEIPT_SENT
    else:
        return
    event_record(
        tag=tag,
        organisation=receipt.system.organisation_id,
        message=receipt.message,
        at=now,
        sender_system_id=receipt.system_id,
        endpoint=endpoint,
        error_message=error,
        receipt_status=receipt.receipt_status,
        message_uuid=receipt.message_uuid,
        transmission_id=receipt.transmission_id,
    )
