"""Recall of a held message — Tilbagekald (SPEC §10, §13).

Only the organisation's own message, held for a value date (valørdato) that has not come,
can be recalled; it is then never delivered. Another organisation's message gets the same
answer as an unknown id, so a recall never confirms that a message exists. The recall is a
conditional UPDATE (HELD → RECALLED, value date still ahead): of two simultaneous recalls,
or a recall and the release at the value date, exactly one wins. Irreversible.
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
NO_VALUE_DATE = "message.has.no.value.date"
ALREADY_SENT = "message.already.sent"
ALREADY_RECALLED = "message.already.recalled"

_MESSAGES = {
    NOT_FOUND: _("Der findes ingen meddelelse med dette ID fra din organisation."),
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
    """The organisation's own message with this id (messageId), or RecallRefused(NOT_FOUND)."""
    try:
        key = uuid.UUID(str(message_id).strip())
    except ValueError:
        raise RecallRefused(NOT_FOUND) from None
    message = Message.objects.filter(pk=key, sender_organisation=organisation).first()
    if message is None:
        raise RecallRefused(NOT_FOUND)
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
    message = recall_candidate(organisation, message_id)
    refusal = _refusal_for(message, now)
    if refusal:
        raise RecallRefused(refusal)
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
