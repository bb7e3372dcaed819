"""The message found by a search, kept in the person's session under an opaque token.

The recall page's later steps (the info box, the confirm) name the message by this token, so
neither the typed message ID nor anything else of the search is in a URL, and each browser
tab keeps its own search. A token is bound to the organisation the person acted for when
searching: after a context switch it answers 404, like another organisation's data. The
keeping itself is `adgang.ui.session_keep.SessionKeep` (kept as long as the session lasts).
"""

from __future__ import annotations

import uuid

from adgang.messaging.models import Message
from adgang.ui.session_keep import SessionKeep

SESSION_KEY = "recall_found"
MAX_KEPT = 10  # searches remembered per session; the oldest go first

_KEPT = SessionKeep(SESSION_KEY, keep_for=None, max_kept=MAX_KEPT)


def found_keep(request, message: Message) -> str:
    """Remember `message` as found by this person; the token for the next pages' URLs."""
    return _KEPT.keep(request, {"message": str(message.pk)})


def found_message_id(request, token: str) -> uuid.UUID:
    """The id of the message found under `token` in the current organisation, else 404."""
    return uuid.UUID(_KEPT.require(request, token)["message"])
