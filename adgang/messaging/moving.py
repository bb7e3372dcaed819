"""Flyt post's writes in the message log (SPEC §12, §5): "Afhentet" for many messages at once.

The same rows `recording.event_record` writes (the fields copied from the message by its own
`event_fields_of`), inserted with one statement per batch: a move of tens of thousands of
messages would otherwise pay one round trip (and eleven index updates) per event.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from adgang.messaging.events import EventTag, direction_of
from adgang.messaging.models import Message, MessageEvent
from adgang.messaging.recording import event_fields_of


def fetched_events_record(
    *,
    organisation_id: uuid.UUID,
    moved: Iterable[tuple[Message, uuid.UUID]],
    at: datetime,
) -> list[MessageEvent]:
    """One "Afhentet" (FETCHED) event per (message, receiving system id) in the
    organisation's log, as `event_record(tag=FETCHED, …, recipient_system_id=…)` would."""
    rows = []
    for message, system_id in moved:
        fields = {
            "organisation_id": organisation_id,
            "direction": direction_of(EventTag.FETCHED),
            "event": EventTag.FETCHED,
            "occurred_at": at,
            "recipient_system_id": system_id,
            **event_fields_of(message),
        }
        fields["sender_system_id"] = message.sender_system_id
        rows.append(MessageEvent(**fields))
    return MessageEvent.objects.bulk_create(rows)
