"""Who may log in to the SFTP intake (SPEC §3 "sender | SFTP | IPs, public SSH key", §13).

An SFTP sender logs in as its system's `ssh_username` (`sys-<12 hex of the system id>`) with
the private half of the public key registered on the system, from one of its allowed IPs,
while it is alive, active, a sender and connected with the SFTP protocol. Everything else
is refused; the reason is logged (never the key) and the client only learns "denied".

These functions are plain synchronous database code: the server runs them in a thread.
"""

from __future__ import annotations

import hmac
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncssh

from adgang.systems.models import MailSystem, Protocol
from adgang.systems.validation import ip_allowed

logger = logging.getLogger(__name__)

USERNAME_PATTERN = re.compile(r"sys-([0-9a-f]{12})")


@dataclass(frozen=True)
class LoginRefusal:
    """Why a login or a file operation was refused (for the log; the client sees "denied")."""

    reason: str

    def __bool__(self) -> bool:  # falsy, so `if result:` means "allowed"
        return False


UNKNOWN_USER = LoginRefusal("user.unknown")
NOT_SFTP_SENDER = LoginRefusal("system.not.sftp.sender")
NO_KEY = LoginRefusal("system.ssh.key.missing")
WRONG_KEY = LoginRefusal("ssh.key.mismatch")
IP_NOT_ALLOWED = LoginRefusal("ip.not.allowed")
INACTIVE = LoginRefusal("system.not.active")


def system_for_username(username: str) -> MailSystem | None:
    """The live system whose `ssh_username` is `username`, whatever its protocol."""
    match = USERNAME_PATTERN.fullmatch(username)
    if match is None:
        return None
    # The ids that start with these 48 bits, as a range: it uses the primary key's index and
    # compares alike on PostgreSQL's uuid type and SQLite's hex text. A clash is improbable,
    # and then nobody gets in rather than the wrong system.
    prefix = match[1]
    lowest, highest = uuid.UUID(prefix + "0" * 20), uuid.UUID(prefix + "f" * 20)
    candidates = list(
        MailSystem.objects.alive()
        .select_related("organisation")
        .filter(id__gte=lowest, id__lte=highest)[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


def key_matches(registered: str, offered_key_blob: bytes) -> bool:
    """Is the offered key (SSH wire form) the registered OpenSSH public key?

    The keys themselves are compared, in their canonical wire form: the comment and the
    spelling of the registered line play no part.
    """
    try:
        registered_blob = asyncssh.import_public_key(registered).public_data
    except (asyncssh.KeyImportError, ValueError, TypeError):
        return False
    return hmac.compare_digest(registered_blob, offered_key_blob)


def access_refusal(system: MailSystem, client_ip: str, now: datetime) -> LoginRefusal | None:
    """What forbids `system` to use SFTP from `client_ip` at `now`; None when nothing does.

    Checked at login and again before every file operation, so a system deactivated, deleted
    or moved to another protocol during a session can do nothing more.
    """
    if system.deleted_at is not None:
        return UNKNOWN_USER
    if system.protocol != Protocol.SFTP or not system.is_sender:
        return NOT_SFTP_SENDER
    if not ip_allowed(client_ip, addresses=system.allowed_ips, ip_range=system.ip_range):
        return IP_NOT_ALLOWED
    if not system.is_active_at(now):
        return INACTIVE
    return None


def sftp_login(
    *, username: str, offered_key_blob: bytes, client_ip: str, now: datetime
) -> MailSystem | LoginRefusal:
    """The system `username` logs in as with this public key, or why not (SPEC §3, §13)."""
    system = system_for_username(username)
    if system is None:
        return _refused(UNKNOWN_USER, username, client_ip)
    refusal = access_refusal(system, client_ip, now)
    if refusal is None and not system.ssh_public_key:
        refusal = NO_KEY
    if refusal is None and not key_matches(system.ssh_public_key, offered_key_blob):
        refusal = WRONG_KEY
    if refusal is not None:
        return _refused(refusal, username, client_ip)
    return system


def session_check(system_id, client_ip: str, now: datetime) -> MailSystem | LoginRefusal:
    """The logged-in system, re-read, if it may still use SFTP (before each file operation)."""
    system = MailSystem.objects.select_related("organisation").filter(pk=system_id).first()
    if system is None:
        return UNKNOWN_USER
    refusal = access_refusal(system, client_ip, now)
    if refusal is not None:
        return _refused(refusal, system.ssh_username or str(system.pk), client_ip)
    return system


def _refused(refusal: LoginRefusal, username: str, client_ip: str) -> LoginRefusal:
    # The user name is not a secret (it is printed on the system's details page); keys and
    # their fingerprints are never logged.
    logger.info(
        "SFTP access refused: user=%r ip=%s reason=%s", username[:64], client_ip, refusal.reason
    )
    return refusal
