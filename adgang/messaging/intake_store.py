"""Writing accepted messages (SPEC §13 "Sender API", §5): what `ingest.message_submit`
stores for one message and `bulk.bulk_submit` for a chunk of members, in the caller's
transaction.

A message arrives here checked and routed (`ingest.accepted_of`: route and state are in the
Message before its INSERT), so storing it is one INSERT per table — message, content,
technical receipt, the route's row (mailbox item, delivery or business receipt) — and one
for all its events, in the order single intake has always written them: "Valideret" (or
"Valideret – sendes efter valør"), "Teknisk kvittering sendt", then the route's events.
No UPDATE follows. A NemSMS message is routed once stored (its SMS refers to it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from adgang.messaging.events import EventTag
from adgang.messaging.models import (
    Message,
    MessageContent,
    MessageEvent,
    Receipt,
    ReceiptKind,
    ReceiptPush,
    ReceiptStatus,
)
from adgang.messaging.recording import event_build, events_write
from adgang.messaging.routing import RoutePlan, accepted_route, route_rows


@dataclass(frozen=True)
class Accepted:
    """A valid message, built and routed but not stored yet (`accepted_store` writes it)."""

    message: Message
    content: bytes
    held: bool  # its value date lies ahead: not routed now
    plan: RoutePlan | None  # None: held, or NemSMS (routed once stored)


def accepted_store(accepted: Accepted, *, now: datetime, push: str) -> Receipt:
    """Write an accepted message in the caller's transaction: message, content, technical
    receipt, what its route needs, and its events with one INSERT."""
    message = accepted.message
    message.save(force_insert=True)
    MessageContent.objects.create(message=message, xml=accepted.content)
    receipt = technical_receipt_build(message, now=now, push=push)
    receipt.save(force_insert=True)
    events = intake_events(accepted, now=now)
    if accepted.plan is not None:
        rows, route_events = route_rows(message, accepted.plan, now)
        for row in rows:
            row.save(force_insert=True)
        events_write(events + route_events)
    else:
        events_write(events)
        if not accepted.held:
            accepted_route(message, now=now)  # NemSMS
    return receipt


def accepted_store_many(accepted: list[Accepted], *, now: datetime, push: str) -> list[Receipt]:
    """`accepted_store` for many messages at once (a bulk chunk), in the caller's
    transaction: one INSERT per table for all of them (SQLite splits an INSERT at its
    parameter limit), the events in member order; NemSMS messages are routed afterwards,
    one by one. The technical receipts in the order of `accepted`."""
    messages = [item.message for item in accepted]
    Message.objects.bulk_create(messages)
    MessageContent.objects.bulk_create(
        [MessageContent(message=item.message, xml=item.content) for item in accepted]
    )
    receipts = [technical_receipt_build(message, now=now, push=push) for message in messages]
    rows: dict[type, list] = {Receipt: list(receipts)}
    events: list[MessageEvent] = []
    for item in accepted:
        events.extend(intake_events(item, now=now))
        if item.plan is not None:
            route_rows_of, route_events = route_rows(item.message, item.plan, now)
            for row in route_rows_of:
                rows.setdefault(type(row), []).append(row)
            events.extend(route_events)
    for model, model_rows in rows.items():
        model.objects.bulk_create(model_rows)
    events_write(events)
    for item in accepted:
        if item.plan is None and not item.held:
            accepted_route(item.message, now=now)  # NemSMS
    return receipts


def technical_receipt_build(message: Message, *, now: datetime, push: str) -> Receipt:
    """The technical receipt RECEIVED of an accepted message (unsaved)."""
    return Receipt(
        system=message.sender_system,
        message=message,
        kind=ReceiptKind.TECHNICAL,
        transmission_id=message.transmission_id,
        message_uuid=str(message.message_uuid),
        receipt_status=ReceiptStatus.RECEIVED,
        time_stamp=now,
        push=push,
        next_push_at=now if push == ReceiptPush.PENDING else None,
    )


def intake_events(accepted: Accepted, *, now: datetime) -> list[MessageEvent]:
    """ "Valideret" (or "Valideret – sendes efter valør") and "Teknisk kvittering sendt",
    unsaved, in that order (SPEC §5)."""
    message = accepted.message
    tag = EventTag.AWAITING_VALUE_DATE if accepted.held else EventTag.VALIDATED
    organisation = message.sender_organisation_id
    return [
        event_build(tag=tag, organisation=organisation, message=message, at=now),
        event_build(
            tag=EventTag.TECHNICAL_RECEIPT_SENT,
            organisation=organisation,
            message=message,
            at=now,
            receipt_status=ReceiptStatus.RECEIVED,
        ),
    ]
