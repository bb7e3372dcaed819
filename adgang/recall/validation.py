"""The message ID a caseworker types on the recall page (SPEC §10, guide §13.3).

A message ID (messageId) is a UUID: 32 hexadecimal characters, written either plain or in the
usual 8-4-4-4-12 groups with hyphens, as the message log and the business receipt show it.
Only these two spellings are accepted (not the braces, "urn:uuid:" or stray hyphens that
`uuid.UUID` would also take), so what the page accepts is what the logs print.
"""

from __future__ import annotations

import re
import uuid

from django.utils.translation import gettext_lazy as _

# The longest accepted spelling; anything longer is refused before any pattern runs.
MAX_LENGTH = 36
_MESSAGE_ID = re.compile(
    r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    re.IGNORECASE | re.ASCII,
)

MESSAGE_ID_EMPTY = _("Indtast meddelelsens ID.")
MESSAGE_ID_INVALID = _(
    "Et MeddelelsesID består af 32 tal og bogstaver (a–f), eventuelt med bindestreger, "
    "fx 63fe3b8e-89c0-4d93-b502-e275cc54621b."
)


class MessageIdError(ValueError):
    def __init__(self, message, code: str) -> None:
        super().__init__(code)
        self.message = message
        self.code = code


def message_id_parse(text: str) -> uuid.UUID:
    """The UUID written in `text` (surrounding blanks ignored), or MessageIdError."""
    value = (text or "").strip()
    if not value:
        raise MessageIdError(MESSAGE_ID_EMPTY, "required")
    if len(value) > MAX_LENGTH or not _MESSAGE_ID.fullmatch(value):
        raise MessageIdError(MESSAGE_ID_INVALID, "invalid")
    return uuid.UUID(value)
