"""The citizen or company a caseworker has looked up, kept in their session (DESIGN "Personal
data": a CPR/CVR never goes into a URL).

The search POSTs the number; the found record is kept here under a random key and the pages
that follow use `/nemsms/borger/<key>/…`. A key works only in the session that made it, for
the organisation acted for when it was made (another organisation → 404, as tenant isolation
requires) and for `KEEP_FOR`. The phone number typed on the form waits here too, between the
form and its summary ("Tilbage" shows it again).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.http import Http404

from adgang.core.clock import now

SESSION_KEY = "nemsms_chosen"
KEEP_FOR = timedelta(minutes=30)
MAX_KEPT = 10


@dataclass(frozen=True)
class Chosen:
    key: str
    id_type: str  # "CPR" or "CVR"
    number: str
    name: str
    draft: dict  # {"action": "signup"|"change", "phone": typed text, "e164": normalised}


def _entries(request) -> dict:
    moment = now().isoformat()
    return {
        key: entry
        for key, entry in request.session.get(SESSION_KEY, {}).items()
        if entry["until"] >= moment
    }


def chosen_keep(request, *, id_type: str, number: str, name: str) -> str:
    """Keep the looked-up record; returns the key for the page URLs."""
    entries = _entries(request)
    while len(entries) >= MAX_KEPT:
        entries.pop(min(entries, key=lambda key: entries[key]["until"]))
    key = secrets.token_urlsafe(12)
    entries[key] = {
        "id_type": id_type,
        "number": number,
        "name": name,
        "organisation": str(request.acting.organisation.pk),
        "until": (now() + KEEP_FOR).isoformat(),
        "draft": {},
    }
    request.session[SESSION_KEY] = entries
    return key


def chosen_get(request, key: str, id_type: str) -> Chosen:
    """The record kept under `key` for this organisation and page kind, else 404."""
    entry = _entries(request).get(key)
    if (
        entry is None
        or entry["id_type"] != id_type
        or entry["organisation"] != str(request.acting.organisation.pk)
    ):
        raise Http404
    return Chosen(key, entry["id_type"], entry["number"], entry["name"], entry["draft"])


def chosen_draft_set(request, key: str, draft: dict) -> None:
    entries = _entries(request)
    if key in entries:
        entries[key]["draft"] = draft
        request.session[SESSION_KEY] = entries


def chosen_forget(request, key: str) -> None:
    """Drop the draft after the change is done (the record stays for the table)."""
    chosen_draft_set(request, key, {})
