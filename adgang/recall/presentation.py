"""What the recall page's info box says about a message (SPEC §10, guide §13.3 step 2)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from adgang.messaging.models import IdType, Message
from adgang.registers.validation import RegisterInputError, mask_cpr


def recipient_display(message: Message) -> str:
    """The recipient's CVR, or the CPR masked as in tables (DDMMYY-****)."""
    if message.recipient_id_type != IdType.CPR:
        return message.recipient_id
    try:
        return mask_cpr(message.recipient_id)
    except RegisterInputError:  # intake checks the form; a stored oddity is still masked
        return f"{message.recipient_id[:6]}-****"


def message_rows(message: Message) -> list[tuple[str, str]]:
    """(label, value) rows: ID, title, sender (organisation and system), recipient, value
    date and status. `message` comes with its sender organisation and system loaded."""
    organisation = message.sender_organisation
    value_date = date_format(message.value_date, "d/m/Y") if message.value_date else ""
    return [
        (_("ID"), str(message.pk)),
        (_("Titel"), message.title),
        (_("Afsender (CVR)"), f"{organisation.name} ({organisation.cvr})"),
        (_("Afsendersystem"), message.sender_system.name),
        (_("Modtager (CPR/CVR)"), recipient_display(message)),
        (_("Valørdato"), value_date),
        (_("Status"), message.get_state_display()),
    ]
