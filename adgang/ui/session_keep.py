"""Values kept in the person's own server-side session under opaque tokens.

Several flows must carry personal data (a CPR/CVR, a message id, a receipt's content) from one
page to the next without putting it in a URL (DESIGN "Personal data"). They keep it here: the
view stores JSON-able data and gets a random token for its URLs; later pages look the token up.

- A token works only in the session that made it (another session simply does not know it).
- It expires after `keep_for` (`None`: it lasts as long as the session).
- It can be bound to the organisation acted for when it was made: after a context switch the
  token answers as unknown (404 through `require`), like another organisation's data.
- It can carry a `kind` (e.g. the flow or page it belongs to); asked for with another kind it
  is unknown.
- A session holds at most `max_kept` entries per key: the oldest go first. Expired entries are
  pruned on every write.

The session serializer is JSON, so `data` must be JSON-able; `get` returns a copy, so a change
is kept only through `update`.
"""

from __future__ import annotations

import copy
import secrets
from datetime import timedelta

from django.http import Http404

from adgang.core.clock import now


class SessionKeep:
    """Values kept in the person's own server-side session under opaque tokens."""

    def __init__(
        self,
        session_key: str,
        *,
        keep_for: timedelta | None,
        max_kept: int,
        bind_organisation: bool = True,
    ) -> None:
        if max_kept < 1:
            raise ValueError("max_kept must be at least 1")
        self.session_key = session_key
        self.keep_for = keep_for
        self.max_kept = max_kept
        self.bind_organisation = bind_organisation

    # -- internals --------------------------------------------------------------------------

    def _organisation(self, request) -> str | None:
        if not self.bind_organisation:
            return None
        return str(request.acting.organisation.pk)

    def _live(self, request) -> dict:
        """The entries not yet expired (a fresh dict; the entries themselves are shared)."""
        moment = now().isoformat()
        return {
            token: entry
            for token, entry in request.session.get(self.session_key, {}).items()
            if entry.get("until") is None or entry["until"] >= moment
        }

    def _entry(self, request, token: str, kind: str | None) -> dict | None:
        entry = self._live(request).get(token)
        if entry is None or entry.get("kind") != kind:
            return None
        if self.bind_organisation and entry.get("organisation") != self._organisation(request):
            return None
        return entry

    def _store(self, request, entries: dict) -> None:
        request.session[self.session_key] = entries
        request.session.modified = True

    # -- the API ----------------------------------------------------------------------------

    def keep(self, request, data: dict, *, kind: str | None = None) -> str:
        """Keep `data` (JSON-able); returns the new token for the URLs."""
        moment = now()
        entries = self._live(request)
        while len(entries) >= self.max_kept:
            entries.pop(min(entries, key=lambda token: entries[token]["at"]))
        token = secrets.token_urlsafe(16)
        entries[token] = {
            "data": copy.deepcopy(data),
            "kind": kind,
            "organisation": self._organisation(request),
            "at": moment.isoformat(),
            "until": None if self.keep_for is None else (moment + self.keep_for).isoformat(),
        }
        self._store(request, entries)
        return token

    def get(self, request, token: str, *, kind: str | None = None) -> dict | None:
        """A copy of the data under `token`; None when unknown, expired, of another kind or kept
        for another organisation."""
        entry = self._entry(request, token, kind)
        return None if entry is None else copy.deepcopy(entry["data"])

    def require(self, request, token: str, *, kind: str | None = None) -> dict:
        """`get`, or 404."""
        data = self.get(request, token, kind=kind)
        if data is None:
            raise Http404
        return data

    def update(self, request, token: str, data: dict, *, kind: str | None = None) -> None:
        """Replace the data under `token` (its expiry stays); nothing when it is not there."""
        if self._entry(request, token, kind) is None:
            self._store(request, self._live(request))
            return
        entries = self._live(request)
        entries[token] = {**entries[token], "data": copy.deepcopy(data)}
        self._store(request, entries)

    def forget(self, request, token: str) -> None:
        """Drop the entry under `token` (nothing when it is not there)."""
        entries = self._live(request)
        entries.pop(token, None)
        self._store(request, entries)
