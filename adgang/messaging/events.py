"""The message events of SPEC §5 and their NgDP event tags (NGDP-API.md "Event log").

The portal shows the Danish name; the API and the store use the NgDP tag. Each event belongs
to one direction of one organisation's log: outgoing events to the sender's organisation,
incoming events to the receiving organisation (an authority or company with a receiver
system). Tags NGDP-API.md does not name are ours, in the same style.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    OUTGOING = "OUT", _("Udgående")
    INCOMING = "IN", _("Indgående")


class EventTag(models.TextChoices):
    # Outgoing (the sender's log).
    FAILED = "MEMO_SEND_FAILED", _("Fejlet")
    VALIDATED = "MEMO_SEND_VALIDATED", _("Valideret")
    REJECTED = "MEMO_SEND_REJECTED", _("Afvist")
    TECHNICALLY_REJECTED = "MEMO_SEND_TECHNICAL_REJECTED", _("Afvist teknisk")
    TECHNICAL_RECEIPT_SENT = (
        "TECHNICAL_RECEIPT_SENT_TO_SENDER_SYSTEM",
        _("Teknisk kvittering sendt"),
    )
    BUSINESS_RECEIPT_SENT = (
        "BUSINESS_RECEIPT_SEND_TO_SENDER_SYSTEM",
        _("Forretningskvittering sendt"),
    )
    BUSINESS_RECEIPT_FAILED = (
        "BUSINESS_RECEIPT_SEND_TO_SENDER_SYSTEM_FAILED",
        _("Forretningskvittering fejlet"),
    )
    RECALLED = "DELAYED_MEMO_MESSAGE_RECALLED", _("Tilbagekaldt")
    AWAITING_VALUE_DATE = (
        "DELAYED_MEMO_SEND_VALIDATED_AWAITING_DELAY",
        _("Valideret – sendes efter valør"),
    )
    SENT_AFTER_VALUE_DATE = "DELAYED_MEMO_SEND_SENT", _("Sendt til modtager efter valør")
    NEMSMS_FAILED = "NEM_SMS_SEND_FAILED", _("NemSMS fejlet")
    LEGALLY_NOTIFIED = "MESSAGE_LEGALLY_NOTIFIED", _("Forkyndt")
    AVAILABLE_TO_RECIPIENT = "MEMO_AVAILABLE_TO_RECIPIENT", _("Tilgængelig for modtageren")
    # Incoming (the receiving organisation's log).
    SENT_TO_RECIPIENT_SYSTEM = "MEMO_SEND_SENT_TO_RECIPIENT_SYSTEM", _("Sendt")
    SENT_TO_RECIPIENT_SYSTEM_FAILED = (
        "MEMO_SEND_SENT_TO_RECIPIENT_SYSTEM_FAILED",
        _("Afsendelse fejlet"),
    )
    FETCHED = "MEMO_SEND_FETCHED_BY_RECIPIENT_SYSTEM", _("Afhentet")
    BUSINESS_RECEIPT_RECEIVED = "BUSINESS_RECEIPT_RECEIVED", _("Forretningskvittering modtaget")


OUTGOING_TAGS = frozenset(
    {
        EventTag.FAILED,
        EventTag.VALIDATED,
        EventTag.REJECTED,
        EventTag.TECHNICALLY_REJECTED,
        EventTag.TECHNICAL_RECEIPT_SENT,
        EventTag.BUSINESS_RECEIPT_SENT,
        EventTag.BUSINESS_RECEIPT_FAILED,
        EventTag.RECALLED,
        EventTag.AWAITING_VALUE_DATE,
        EventTag.SENT_AFTER_VALUE_DATE,
        EventTag.NEMSMS_FAILED,
        EventTag.LEGALLY_NOTIFIED,
        EventTag.AVAILABLE_TO_RECIPIENT,
    }
)
INCOMING_TAGS = frozenset(set(EventTag) - OUTGOING_TAGS)


def direction_of(tag: str) -> str:
    return Direction.OUTGOING if tag in OUTGOING_TAGS else Direction.INCOMING
