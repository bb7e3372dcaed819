"""Receipts that can be downloaded only right after the action (SPEC §6: "Receipts cannot be
regenerated later: offer download at once").

The service that performed the action returns what the receipt says; the view keeps that
(JSON-able data, never the PDF bytes) in the person's own server-side session under an opaque
token for a few minutes, and the receipt page and its "Download kvittering" link refer to the
token. Nothing is stored in the database, a URL carries no personal data, another person's
session cannot see it, and after `KEEP_FOR` (or logging out) it is gone for good.

The keeping itself is `adgang.ui.session_keep.SessionKeep` (not bound to the organisation:
a receipt belongs to the person who did the action; bound to its `kind` instead).
"""

from datetime import timedelta

from adgang.ui.session_keep import SessionKeep

SESSION_KEY = "receipts_kept_once"
KEEP_FOR = timedelta(minutes=30)
MAX_KEPT = 20  # a session never holds more than this many receipts: the oldest go first

_KEPT = SessionKeep(SESSION_KEY, keep_for=KEEP_FOR, max_kept=MAX_KEPT, bind_organisation=False)


def receipt_keep(request, kind: str, data: dict) -> str:
    """Keep `data` (JSON-able) for the receipt of `kind` (e.g. "exemption-citizen"); returns
    the token to put in the receipt page's URL."""
    return _KEPT.keep(request, data, kind=kind)


def receipt_peek(request, kind: str, token: str) -> dict | None:
    """The data kept under `token` for a receipt of `kind`, while it may still be shown."""
    return _KEPT.get(request, token, kind=kind)
