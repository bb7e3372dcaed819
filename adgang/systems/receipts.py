"""API keys that may be shown once more: on the receipt and its PDF, right after issue.

Only a hash of a secret is stored (SPEC §3). Between "Tilslut" (or "Forny API-key") and the
moment the person has seen and downloaded it, the full key lives in their own server-side
session for a few minutes, never in the database's system rows, a URL or a cookie.
"""

from datetime import timedelta

from adgang.core.clock import now

SESSION_KEY = "systems_keys_shown_once"
KEEP_FOR = timedelta(minutes=15)


def key_keep(request, system_id, api_key: str) -> None:
    kept = request.session.get(SESSION_KEY, {})
    kept[str(system_id)] = {"key": api_key, "until": (now() + KEEP_FOR).isoformat()}
    request.session[SESSION_KEY] = kept


def key_peek(request, system_id) -> str | None:
    """The key issued in this session for the system, while it may still be shown."""
    entry = request.session.get(SESSION_KEY, {}).get(str(system_id))
    if entry is None or entry["until"] < now().isoformat():
        return None
    return entry["key"]


def key_forget(request, system_id=None) -> None:
    """Forget one system's key, or all (leaving the receipt for the overview)."""
    kept = request.session.get(SESSION_KEY)
    if not kept:
        return  # nothing kept: no session write (the overview forgets on every visit)
    if system_id is None:
        kept = {}
    else:
        kept.pop(str(system_id), None)
    request.session[SESSION_KEY] = kept
