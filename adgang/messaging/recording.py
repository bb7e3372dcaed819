"""Writing message events (SPEC §5): the one function every part of the core calls.

An event is copied out of its message (ids, kind, title, value date, content-responsible and
representative ids …) so that the message log, statistics and recall never join.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from adgang.accounts.models import Organisation
from adgang.core.clock import now as clock_now
from adgang.messaging.events import direction_of
from adgang.messaging.models import Message, MessageEvent


def event_record(**fields) -> MessageEvent:
    """Record one message event in `organisation`'s log; the direction follows the tag.

    Takes `event_build`'s keywords. Without a message (a refused upload in a bulk or over
    SFTP), `message_uuid` and `transmission_id` say what the event is about.
    """
    event = event_build(**fields)
    event.save(force_insert=True)
    return event


def event_build(
    *,
    tag: str,
    organisation: Organisation | uuid.UUID,
    message: Message | None = None,
    at: datetime | None = None,
    sender_system_id: uuid.UUID | None = None,
    recipient_system_id: uuid.UUID | None = None,
    endpoint: str = "",
    error_message: str = "",
    receipt_status: str = "",
    message_uuid: str = "",
    transmission_id: uuid.UUID | None = None,
) -> MessageEvent:
    """The event `event_record` would write, not saved yet: intake collects a message's
    events and writes them with `events_write` in one statement."""
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    fields: dict = {
        "organisation_id": organisation_id,
        "direction": direction_of(tag),
        "event": tag,
        "occurred_at": at or clock_now(),
        "endpoint": endpoint[:2048],
        "error_message": error_message,
        "receipt_status": receipt_status,
        "sender_system_id": sender_system_id,
        "recipient_system_id": recipient_system_id,
        "message_uuid": message_uuid,
        "transmission_id": transmission_id,
    }
    if message is not None:
        fields.update(event_fields_of(message))
        if sender_system_id is None:
            fields["sender_system_id"] = message.sender_system_id
    return MessageEvent(**fields)


def events_write(events: list[MessageEvent]) -> list[MessageEvent]:
    """Write built events with one INSERT, in list order (their ids ascend in that order, as
    one `event_record` after another would number them)."""
    if events:
        MessageEvent.objects.bulk_create(events)
    return events


def event_fields_of(message: Message) -> dict:
    """The message's fields every event copies (the log is denormalised for its searches);
    `moving.py` uses them for its one-statement batch of events."""
    return {
        "message": message,
        "message_uuid": str(message.message_uuid),
        "transmission_id": message.transmission_id,
        "message_type": message.message_type,
        "kind": message.kind,
        "title": message.title,
        "sender_id": message.sender_id,
        "sender_type": "CVR",
        "recipient_id": message.recipient_id,
        "recipient_type": message.recipient_id_type,
        "contact_point_id": message.contact_point_id,
        "attachment_count": message.attachment_count,
        "size_bytes": message.size_bytes,
        "value_date": message.value_date,
        "content_responsible_id": message.content_responsible_id,
        "representative_id": message.representative_id,
        "mandatory": message.mandatory,
        "legal_notification": message.legal_notification,
    }
