"""Recall of a held message — Tilbagekald (SPEC §10, §13).

Only the organisation's own message, held for a value date (valørdato) that has not come,
can be recalled; it is then never delivered. Every other case is refused with its own reason
(`RecallRefused.code`): an unknown id, another organisation's message, no value date, the
value date reached (delivered, or about to be), already recalled. Another organisation's
message gets its own reason rather than "unknown" (issue 8): message ids are random UUIDs
(messageId, 122 random bits), so the answer cannot be used to enumerate messages, and a
caseworker holding such an id learns why instead of suspecting a typing error. Nothing about
that message (title, recipient, state) is shown.

The recall is a conditional UPDATE (HELD → RECALLED, value date still ahead): of two
simultaneous recalls, or a recall and the release at the value date, exactly one wins.
Irreversible.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from adgang.accounts.models import Organisation
from adgang.audit.models import Subject
from adgang.audit.services import Actor, action_record
from adgang.core.clock import now as clock_now
from adgang.messaging.events import EventTag
from adgang.messaging.models import Message, MessageState
from adgang.messaging.recording import event_record

NOT_FOUND = "message.not.found"
OTHER_ORGANISATION = "message.other.organisation"
NO_VALUE_DATE = "message.has.no.value.date"
ALREADY_SENT = "message.already.sent"
ALREADY_RECALLED = "message.already.recalled"

_MESSAGES = {
    NOT_FOUND: _("Der findes ingen meddelelse med dette ID."),
    OTHER_ORGANISATION: _(
        "Meddelelsen er ikke sendt af din organisation og kan ikke tilbagekaldes."
    ),
    NO_VALUE_DATE: _(
        "Meddelelsen har ingen valørdato og er sendt med det samme. Den kan ikke tilbagekaldes."
    ),
    ALREADY_SENT: _(
        "Meddelelsens valørdato er nået, og den er sendt til modtageren. "
        "Den kan ikke tilbagekaldes."
    ),
    ALREADY_RECALLED: _("Meddelelsen er allerede tilbagekaldt."),
}


class RecallRefused(Exception):
    """Why a message cannot be recalled: a stable code and the Danish text the page shows."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = _MESSAGES[code]


def recall_candidate(organisation: Organisation, message_id: uuid.UUID | str) -> Message:
    """The organisation's own message with this id (messageId); else RecallRefused with
    NOT_FOUND (unknown or malformed id) or OTHER_ORGANISATION (sent by someone else)."""
    try:
        key = uuid.UUID(str(message_id).strip())
    except ValueError:
        raise RecallRefused(NOT_FOUND) from None
    message = (
        Message.objects.select_related("sender_organisation", "sender_system")
        .filter(pk=key)
        .first()
    )
    if message is None:
        raise RecallRefused(NOT_FOUND)
    if message.sender_organisation_id != organisation.pk:
        raise RecallRefused(OTHER_ORGANISATION)
    return message


def recall_check(
    *, organisation: Organisation, message_id: uuid.UUID | str, now: datetime | None = None
) -> Message:
    """The message if the organisation may recall it now (SPEC §10), else RecallRefused with
    the reason: what the recall page shows before it asks for the confirmation. The recall
    itself (`message_recall`) checks again, so a change in between is caught there."""
    message = recall_candidate(organisation, message_id)
    refusal = _refusal_for(message, now or clock_now())
    if refusal:
        raise RecallRefused(refusal)
    return message


def _refusal_for(message: Message, now: datetime) -> str | None:
    if message.state == MessageState.RECALLED:
        return ALREADY_RECALLED
    if message.value_date is None or message.deliver_after is None:
        return NO_VALUE_DATE
    if message.state != MessageState.HELD or message.deliver_after <= now:
        return ALREADY_SENT
    return None


def message_recall(
    *,
    organisation: Organisation,
    message_id: uuid.UUID | str,
    actor: Actor,
    now: datetime | None = None,
) -> Message:
    """Recall a held message (SPEC §10): "Tilbagekaldt" in the message log and an entry in
    the action log, in one transaction. Raises RecallRefused with the reason."""
    now = now or clock_now()
    message = recall_check(organisation=organisation, message_id=message_id, now=now)
    with transaction.atomic():
        recalled = Message.objects.filter(
            pk=message.pk, state=MessageState.HELD, deliver_after__gt=now
        ).update(state=MessageState.RECALLED, recalled_at=now)
        if not recalled:
            # Someone else got there between our read and the UPDATE: say what happened.
            message.refresh_from_db()
            raise RecallRefused(_refusal_for(message, now) or ALREADY_SENT)
        message.refresh_from_db()
        event_record(
            tag=EventTag.RECALLED,
            organisation=organisation,
            message=message,
            at=now,
        )
        action_record(
            actor=actor,
            organisation=organisation,
            subject=Subject.TILBAGEKALD,
            event=_("Tilbagekaldt"),
            object_id=message.pk,
            object_name=message.title,
            field=_("Status"),
            before=MessageState.HELD.label,
            after=MessageState.RECALLED.label,
        )
    return message
