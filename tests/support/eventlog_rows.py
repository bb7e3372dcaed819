"""Rows for the three event logs, written straight into their tables (the logs are the
models), for tests/eventlog."""

import itertools
import uuid
from datetime import datetime

from adgang.audit.models import ActionLogEntry, Register, SearchLogEntry
from adgang.messaging.events import Direction, EventTag
from adgang.messaging.models import MessageEvent, MessageKind

CITIZEN = "0101901234"
OTHER_CITIZEN = "0202805678"
COMPANY = "29189846"
_serial = itertools.count()


def message_event(organisation, at: datetime, **fields) -> MessageEvent:
    values = {
        "organisation": organisation,
        "occurred_at": at,
        "direction": Direction.OUTGOING,
        "event": EventTag.VALIDATED,
        "kind": MessageKind.LETTER,
        "title": f"Brev {next(_serial)}",
        "message_uuid": str(uuid.uuid4()),
        "sender_id": organisation.cvr,
        "sender_type": "CVR",
        "recipient_id": CITIZEN,
        "recipient_type": "CPR",
        "content_responsible_id": "1111111118",
        "representative_id": "2222222226",
    }
    values.update(fields)
    return MessageEvent.objects.create(**values)


def action_entry(organisation, at: datetime, **fields) -> ActionLogEntry:
    values = {
        "organisation": organisation,
        "occurred_at": at,
        "actor": f"CVR:{organisation.cvr}-RID:1001",
        "actor_cvr": organisation.cvr,
        "actor_rid": "1001",
        "subject": "Fritagelse",
        "event": "Fritaget",
        "object_id": str(uuid.uuid4()),
        "concerns": CITIZEN,
    }
    values.update(fields)
    return ActionLogEntry.objects.create(**values)


def search_entry(organisation, at: datetime, **fields) -> SearchLogEntry:
    values = {
        "organisation": organisation,
        "occurred_at": at,
        "actor": f"CVR:{organisation.cvr}-RID:1001",
        "actor_rid": "1001",
        "search_data": CITIZEN,
        "register": Register.KONTAKTREGISTER,
        "result_count": 1,
    }
    values.update(fields)
    return SearchLogEntry.objects.create(**values)


def eventlog_searches(organisation):
    return SearchLogEntry.objects.filter(organisation=organisation, register=Register.HAENDELSESLOG)
