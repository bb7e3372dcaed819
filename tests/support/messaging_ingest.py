"""Test helpers for intake and routing (SPEC §13): what a refusal must leave untouched, and
the events of a message as (tag, organisation, direction) triples."""

from datetime import UTC, datetime

from adgang.messaging.models import (
    Delivery,
    MailboxItem,
    Message,
    MessageContent,
    MessageEvent,
    Receipt,
)
from adgang.nemsms.gateway import SmsBackend

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in Copenhagen


def store_counts() -> dict[str, int]:
    """Rows of every table intake writes: a refusal must leave each count unchanged."""
    return {
        model.__name__: model.objects.count()
        for model in (Message, MessageContent, MessageEvent, Receipt, Delivery, MailboxItem)
    }


def events_of(message) -> list[tuple[str, object, str]]:
    """(tag, organisation id, direction) of the message's events, oldest first."""
    return list(
        MessageEvent.objects.filter(message=message)
        .order_by("occurred_at", "id")
        .values_list("event", "organisation_id", "direction")
    )


class ListSmsBackend(SmsBackend):
    """A stand-in for a real SMS gateway, selected by `ADGANG_SMS_BACKEND` in a test."""

    sent: list[dict] = []

    def send(self, *, phone, text, message_id) -> None:
        ListSmsBackend.sent.append({"phone": phone, "text": text, "message_id": message_id})
