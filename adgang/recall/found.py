"""The message found by a search, kept in the person's session under an opaque token.

The recall page's later steps (the info box, the confirm) name the message by this token, so
neither the typed message ID nor anything else of the search is in a URL, and each browser
tab keeps its own search. A token is bound to the organisation the person acted for when
searching: after a context switch it answers 404, like another organisation's data.
"""

from __future__ import annotations

import secrets
import uuid

from django.http import Http404

from adgang.core.clock import now
from adgang.messaging.models import Message

SESSION_KEY = "recall_found"
MAX_KEPT = 10  # searches remembered per session; the oldest go first


def found_keep(request, message: Message) -> str:
    """Remember `message` as found by this person; the token for the next pages' URLs."""
    kept = dict(request.session.get(SESSION_KEY, {}))
    while len(kept) >= MAX_KEPT:
        kept.pop(min(kept, key=lambda token: kept[token]["at"]))
    token = secrets.token_urlsafe(16)
    kept[token] = {
        "message": str(message.pk),
        "organisation": str(request.acting.organisation.pk),
        "at": now().isoformat(),
    }
    request.session[SESSION_KEY] = kept
    return token


def found_message_id(request, token: str) -> uuid.UUID:
    """The id of the message found under `token` in the current organisation, else 404."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None or entry["organisation"] != str(request.acting.organisation.pk):
        raise Http404
    return uuid.UUID(entry["message"])
