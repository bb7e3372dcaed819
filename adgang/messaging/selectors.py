"""Reads of the message log (SPEC §5 "Log for messages"): what the Hændelseslog pages, the
statistics and recall ask of the core's events.

Every search is confined to one organisation's log and a period, and each filter has an
index that starts with the organisation and ends with the time (models.MessageEvent), so a
single-filter search over three months reads only matching rows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from adgang.accounts.models import Organisation
from adgang.messaging.models import MessageEvent


@dataclass(frozen=True)
class EventFilter:
    """The search fields of the message log. Empty fields do not filter.

    - `message_id`: our messageId or the sender's messageUUID (both are UUIDs);
    - `system_id`: the sending or the receiving system;
    - `party_id`: a CPR or CVR as sender or recipient;
    - `kind`: MessageKind (Brev, Forkyndelse, NemSMS, Obligatorisk);
    - `direction`: Direction (OUT / IN); `event`: an EventTag.
    """

    start: datetime
    end: datetime
    message_id: uuid.UUID | None = None
    system_id: uuid.UUID | None = None
    party_id: str = ""
    kind: str = ""
    direction: str = ""
    event: str = ""


def events_search(organisation: Organisation, search: EventFilter) -> QuerySet[MessageEvent]:
    """The organisation's message events in [start, end) matching every given field, newest
    first (SPEC §5). Never another organisation's rows."""
    events = MessageEvent.objects.filter(
        organisation=organisation,
        occurred_at__gte=search.start,
        occurred_at__lt=search.end,
    )
    if search.message_id is not None:
        events = events.filter(
            Q(message_uuid=str(search.message_id)) | Q(message_id=search.message_id)
        )
    if search.system_id is not None:
        events = events.filter(
            Q(sender_system_id=search.system_id) | Q(recipient_system_id=search.system_id)
        )
    if search.party_id:
        events = events.filter(Q(sender_id=search.party_id) | Q(recipient_id=search.party_id))
    if search.kind:
        events = events.filter(kind=search.kind)
    if search.direction:
        events = events.filter(direction=search.direction)
    if search.event:
        events = events.filter(event=search.event)
    return events.order_by("-occurred_at", "-id")


def message_events(message_id: uuid.UUID) -> QuerySet[MessageEvent]:
    """Every event of one message, in every organisation's log, oldest first (tests, recall)."""
    return MessageEvent.objects.filter(message_id=message_id).order_by("occurred_at", "id")
