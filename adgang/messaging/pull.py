"""REST PULL for receiver systems (SPEC §13 "Delivery"; NGDP-API.md "Receiving"): list the
messages available to the system, fetch one as MeMo XML, and delete it ("Afhentet").

A system only ever sees its own deliveries: another system's message and an unknown id are
the same `NotFound`, so a caller cannot learn that a message exists.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from adgang.core.clock import now as clock_now
from adgang.messaging.events import EventTag
from adgang.messaging.models import Delivery, DeliveryState, Message, MessageState
from adgang.messaging.recording import event_record
from adgang.systems.models import MailSystem

MAX_PAGE_SIZE = 100
SORTS = {"createdAt,asc": ("created_at", "id"), "createdAt,desc": ("-created_at", "-id")}
SORTS["createdAt"] = SORTS["createdAt,asc"]


class NotFound(Exception):
    """No such message for this system (code `message.not.found`)."""

    code = "message.not.found"


class BadPaging(Exception):
    """Invalid page, size or sort; `code` is the NgDP-style error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Available:
    """One listed message (what the receiver needs to decide to fetch it)."""

    message_id: uuid.UUID
    message_uuid: uuid.UUID
    transmission_id: uuid.UUID
    sender_id: str
    recipient_id: str
    recipient_id_type: str
    title: str
    size_bytes: int
    created_at: datetime  # when it became available to this system


@dataclass(frozen=True)
class Page:
    items: list[Available]
    page: int  # zero-based
    size: int
    total_elements: int

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total_elements / self.size) if self.size else 0


def _available(system: MailSystem):
    return Delivery.objects.filter(system=system, state=DeliveryState.AVAILABLE)


def pull_list(system: MailSystem, *, page: int = 0, size: int = 20, sort: str = "createdAt,asc"):
    """The system's AVAILABLE messages, `size` (≤ 100) per zero-based `page`."""
    if page < 0:
        raise BadPaging("page.invalid", "page must be zero or more.")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadPaging("size.invalid", f"size must be between 1 and {MAX_PAGE_SIZE}.")
    if sort not in SORTS:
        raise BadPaging("sort.invalid", "sort must be createdAt,asc or createdAt,desc.")
    rows = _available(system)
    total = rows.count()
    chosen = rows.select_related("message").order_by(*SORTS[sort])[page * size : page * size + size]
    return Page([_item(d) for d in chosen], page, size, total)


def _item(delivery: Delivery) -> Available:
    message = delivery.message
    return Available(
        message_id=message.pk,
        message_uuid=message.message_uuid,
        transmission_id=message.transmission_id,
        sender_id=message.sender_id,
        recipient_id=message.recipient_id,
        recipient_id_type=message.recipient_id_type,
        title=message.title,
        size_bytes=message.size_bytes,
        created_at=delivery.created_at,
    )


def _message_key(message_id) -> uuid.UUID:
    try:
        return uuid.UUID(str(message_id))
    except ValueError:
        raise NotFound() from None


def pull_get(system: MailSystem, message_id) -> bytes:
    """The MeMo XML of an available message, exactly as the sender sent it (one query:
    the delivery with its message's content)."""
    xml = (
        _available(system)
        .filter(message_id=_message_key(message_id))
        .values_list("message__content__xml", flat=True)
        .first()
    )
    if xml is None:
        raise NotFound()
    return bytes(xml)


def pull_delete(system: MailSystem, message_id, *, now: datetime | None = None) -> None:
    """The system has the message: FETCHED, and "Afhentet" in the receiving organisation's
    log. A second delete answers NotFound (it is no longer available).

    The conditional UPDATE is both the look-up and the guard: a delivery of this system
    still AVAILABLE becomes FETCHED, or nothing changes and the answer is NotFound (one
    (message, system) delivery at most, so the row count decides). Then the message and the
    event, all in one transaction.
    """
    now = now or clock_now()
    key = _message_key(message_id)
    with transaction.atomic():
        taken = (
            _available(system)
            .filter(message_id=key)
            .update(state=DeliveryState.FETCHED, finished_at=now)
        )
        if not taken:
            raise NotFound()
        delivery = Delivery.objects.select_related("message").get(system=system, message_id=key)
        Message.objects.filter(pk=key).exclude(state=MessageState.FAILED).update(
            state=MessageState.FETCHED
        )
        event_record(
            tag=EventTag.FETCHED,
            organisation=delivery.organisation_id,
            message=delivery.message,
            at=now,
            recipient_system_id=system.pk,
        )
