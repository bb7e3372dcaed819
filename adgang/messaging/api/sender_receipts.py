"""Receipts a sender system pulls (SPEC §13 "business receipts … can be pulled (REST PULL)",
NGDP-API.md `GET/DELETE /apis/v1/receipts/…`).

A system sees only its own receipts. Listed are those waiting to be pulled: `push` PULL, and
FAILED (a REST PUSH sender whose receipt endpoint gave up may still fetch them); the
technical receipt that answered an upload (push SENT) is not listed again. Deleting marks
the row (`deleted_at`) so the message log keeps what was sent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from adgang.core import clock
from adgang.messaging.api.errors import RECEIPT_NOT_FOUND, ApiError
from adgang.messaging.models import Receipt, ReceiptPush
from adgang.systems.models import MailSystem

PULLABLE = (ReceiptPush.PULL, ReceiptPush.FAILED)


@dataclass(frozen=True)
class ReceiptSlice:
    rows: list[Receipt]
    total: int


def _pullable(system: MailSystem) -> QuerySet[Receipt]:
    return Receipt.objects.filter(system=system, push__in=PULLABLE, deleted_at__isnull=True)


def receipts_page(system: MailSystem, *, page: int, size: int) -> ReceiptSlice:
    """Page `page` (zero-based) of the system's receipts waiting to be pulled, oldest first."""
    receipts = _pullable(system).order_by("time_stamp", "id")
    start = page * size
    return ReceiptSlice(rows=list(receipts[start : start + size]), total=receipts.count())


def receipt_of(system: MailSystem, receipt_id: uuid.UUID) -> Receipt:
    """The system's receipt, or 404 `receipt.not.found` (also for another system's)."""
    receipt = _pullable(system).filter(pk=receipt_id).first()
    if receipt is None:
        raise ApiError(404, RECEIPT_NOT_FOUND, "No receipt with this id for this system.")
    return receipt


def receipt_delete(system: MailSystem, receipt_id: uuid.UUID) -> None:
    """Mark the system's receipt as pulled; a conditional UPDATE, so deleting twice (or
    another system's receipt) answers 404."""
    deleted = _pullable(system).filter(pk=receipt_id).update(deleted_at=clock.now())
    if not deleted:
        raise ApiError(404, RECEIPT_NOT_FOUND, "No receipt with this id for this system.")
