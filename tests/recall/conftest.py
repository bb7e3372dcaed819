"""Fixtures for the recall page (SPEC §10): messages submitted through the core's intake,
the clock frozen before their value date, and counters of what a recall writes."""

from datetime import date, datetime

import pytest

from adgang.audit.models import ActionLogEntry, Subject
from adgang.messaging.events import EventTag
from adgang.messaging.ingest import message_submit
from adgang.messaging.models import Message, MessageEvent
from adgang.systems.models import MailSystem
from tests.support.messaging_core import memo_xml, sender_system
from tests.support.messaging_ingest import T0

VALUE_DATE = date(2026, 3, 10)
# Midnight of the value date in Copenhagen (CET, UTC+1), in UTC.
DELIVER_AFTER = datetime.fromisoformat("2026-03-09T23:00:00+00:00")
TITLE = "Varsel om afgørelse"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)


SYSTEM_NAME = "Fagsystem Sag"


def submitted(membership, **memo) -> Message:
    """A message sent by `membership`'s organisation through the core (its sender system
    "Fagsystem Sag", made on first use)."""
    system = MailSystem.objects.filter(
        organisation=membership.organisation, name=SYSTEM_NAME
    ).first()
    if system is None:
        system, _key = sender_system(membership, name=SYSTEM_NAME)
    receipt = message_submit(
        system=system,
        content=memo_xml(sender_cvr=membership.organisation.cvr, **memo),
        query_uuid=None,
        now=T0,
    )
    return Message.objects.get(pk=receipt.message_id)


@pytest.fixture
def held(personas) -> Message:
    """Kommune A's letter to the demo citizen, held for its value date."""
    return submitted(personas.alice, value_date=VALUE_DATE, label=TITLE)


def recall_writes() -> tuple[int, int]:
    """(recall events in the message log, recall entries in the action log)."""
    return (
        MessageEvent.objects.filter(event=EventTag.RECALLED).count(),
        ActionLogEntry.objects.filter(subject=Subject.TILBAGEKALD).count(),
    )


def snapshot(message: Message) -> tuple:
    """Everything a refused recall must leave as it was."""
    message.refresh_from_db()
    return (
        message.state,
        message.recalled_at,
        MessageEvent.objects.filter(message_id=message.pk).count(),
        ActionLogEntry.objects.count(),
    )
