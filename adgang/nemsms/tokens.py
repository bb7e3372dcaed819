"""Confirmation link tokens (SPEC §7): random, shown once in the SMS, stored as SHA-256."""

import hashlib
import secrets
from datetime import timedelta

VALID_FOR = timedelta(hours=48)
TOKEN_BYTES = 32  # `token_urlsafe(32)`: 43 URL-safe characters, 256 bits
TOKEN_MAX_LENGTH = 64  # longer input is no token of ours; it is not even hashed


def token_new() -> tuple[str, str]:
    """A fresh token and the hash to store."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
