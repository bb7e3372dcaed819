"""Message events for the statistics tests, written straight into the message log."""

import uuid
from datetime import datetime

from adgang.messaging.events import Direction, EventTag
from adgang.messaging.models import MessageEvent, MessageKind

CITIZEN = "0101901234"
COMPANY = "29189846"


def sent(organisation, at: datetime, *, message_uuid: str | None = None, **fields):
    """The counting event of one message `organisation` sent (Valideret)."""
    values = {
        "organisation": organisation,
        "occurred_at": at,
        "direction": Direction.OUTGOING,
        "event": EventTag.VALIDATED,
        "kind": MessageKind.LETTER,
        "message_uuid": message_uuid or str(uuid.uuid4()),
        "sender_id": organisation.cvr,
        "sender_type": "CVR",
        "recipient_id": CITIZEN,
        "recipient_type": "CPR",
        "sender_system_id": uuid.UUID(int=1),
        "size_bytes": 2_000,
    }
    values.update(fields)
    return MessageEvent.objects.create(**values)


def received(organisation, at: datetime, *, sender_cvr: str = COMPANY, **fields):
    """The counting event of one message `organisation` received in a system (Sendt)."""
    values = {
        "direction": Direction.INCOMING,
        "event": EventTag.SENT_TO_RECIPIENT_SYSTEM,
        "sender_id": sender_cvr,
        "sender_type": "CVR",
        "recipient_id": organisation.cvr,
        "recipient_type": "CVR",
        "sender_system_id": uuid.UUID(int=2),
        "recipient_system_id": uuid.UUID(int=3),
    }
    values.update(fields)
    return sent(organisation, at, **values)
