"""The citizen or company a caseworker has looked up, kept in their session (DESIGN "Personal
data": a CPR/CVR never goes into a URL).

The search POSTs the number; the found record is kept here under a random key and the pages
that follow use `/nemsms/borger/<key>/…`. A key works only in the session that made it, for
the organisation acted for when it was made (another organisation → 404, as tenant isolation
requires) and for `KEEP_FOR`. The phone number typed on the form waits here too, between the
form and its summary ("Tilbage" shows it again). The keeping itself is
`adgang.ui.session_keep.SessionKeep`, bound to the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.http import Http404

from adgang.ui.session_keep import SessionKeep

SESSION_KEY = "nemsms_chosen"
KEEP_FOR = timedelta(minutes=30)
MAX_KEPT = 10

_KEPT = SessionKeep(SESSION_KEY, keep_for=KEEP_FOR, max_kept=MAX_KEPT)


@dataclass(frozen=True)
class Chosen:
    key: str
    id_type: str  # "CPR" or "CVR"
    number: str
    name: str
    draft: dict  # {"action": "signup"|"change", "phone": typed text, "e164": normalised}


def chosen_keep(request, *, id_type: str, number: str, name: str) -> str:
    """Keep the looked-up record; returns the key for the page URLs."""
    return _KEPT.keep(request, {"id_type": id_type, "number": number, "name": name, "draft": {}})


def chosen_get(request, key: str, id_type: str) -> Chosen:
    """The record kept under `key` for this organisation and page kind, else 404."""
    entry = _KEPT.get(request, key)
    if entry is None or entry["id_type"] != id_type:
        raise Http404
    return Chosen(key, entry["id_type"], entry["number"], entry["name"], entry["draft"])


def chosen_draft_set(request, key: str, draft: dict) -> None:
    entry = _KEPT.get(request, key)
    if entry is not None:
        _KEPT.update(request, key, {**entry, "draft": draft})


def chosen_forget(request, key: str) -> None:
    """Drop the draft after the change is done (the record stays for the table)."""
    chosen_draft_set(request, key, {})
