"""Receipts that can be downloaded only right after the action (SPEC §6: "Receipts cannot be
regenerated later: offer download at once").

The service that performed the action returns what the receipt says; the view keeps that
(JSON-able data, never the PDF bytes) in the person's own server-side session under an opaque
token for a few minutes, and the receipt page and its "Download kvittering" link refer to the
token. Nothing is stored in the database, a URL carries no personal data, another person's
session cannot see it, and after `KEEP_FOR` (or logging out) it is gone for good.
"""

import secrets
from datetime import timedelta

from adgang.core.clock import now

SESSION_KEY = "receipts_kept_once"
KEEP_FOR = timedelta(minutes=30)
MAX_KEPT = 20  # a session never holds more than this many receipts: the oldest go first


def receipt_keep(request, kind: str, data: dict) -> str:
    """Keep `data` (JSON-able) for the receipt of `kind` (e.g. "exemption-citizen"); returns
    the token to put in the receipt page's URL."""
    moment = now()
    kept = {
        token: entry
        for token, entry in request.session.get(SESSION_KEY, {}).items()
        if entry["until"] >= moment.isoformat()
    }
    while len(kept) >= MAX_KEPT:
        kept.pop(min(kept, key=lambda token: kept[token]["until"]))
    token = secrets.token_urlsafe(16)
    kept[token] = {"kind": kind, "data": data, "until": (moment + KEEP_FOR).isoformat()}
    request.session[SESSION_KEY] = kept
    return token


def receipt_peek(request, kind: str, token: str) -> dict | None:
    """The data kept under `token` for a receipt of `kind`, while it may still be shown."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None or entry["kind"] != kind or entry["until"] < now().isoformat():
        return None
    return entry["data"]
