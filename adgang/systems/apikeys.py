"""API keys of connected systems: `Basic base64(<system id>:<secret>)` (SPEC §3, NGDP-API.md).

The secret is 256 random bits, shown once. We keep its first characters (`prefix`, to find
the row without comparing against every hash) and its SHA-256 (`hash`). A fast hash is the
right tool here: the secret is random and long, so there is nothing to brute-force that a
slow password hash would protect, and every API call has to check it.
"""

import base64
import binascii
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

PREFIX_LENGTH = 8


@dataclass(frozen=True)
class IssuedKey:
    secret: str
    prefix: str
    hash: str


def apikey_issue() -> IssuedKey:
    secret = secrets.token_urlsafe(32)
    return IssuedKey(secret=secret, prefix=secret[:PREFIX_LENGTH], hash=apikey_hash(secret))


def apikey_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def apikey_header(system_id: uuid.UUID, secret: str) -> str:
    """The Authorization header value the receipt shows: `Basic base64(id:secret)`."""
    token = base64.b64encode(f"{system_id}:{secret}".encode()).decode("ascii")
    return f"Basic {token}"


def apikey_parse(header: str | None) -> tuple[uuid.UUID, str] | None:
    """(system id, secret) from an Authorization header, or None when it is not one of ours."""
    if not header:
        return None
    scheme, _sep, token = header.strip().partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    system_id, sep, secret = decoded.partition(":")
    if not sep or not secret:
        return None
    try:
        return uuid.UUID(system_id), secret
    except ValueError:
        return None


def apikey_matches(secret: str, *, stored_hash: str) -> bool:
    """Constant-time comparison, so response times reveal nothing about the stored hash."""
    return hmac.compare_digest(apikey_hash(secret), stored_hash)
