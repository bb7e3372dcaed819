"""What happens to a file an SFTP sender has uploaded (SPEC §13 "SFTP senders drop files").

A `*.xml` file is one MeMo message and goes to `message_submit`; a `*.tar.lzma`, `*.tar.xz`
or `*.lzma` file is a bulk archive and goes to `bulk_submit` — the same functions the REST
API calls, so the rules are the same. A refused upload still leaves a technical receipt
file (`receipts.upload_refused`), since an SFTP sender reads nothing else.

Plain synchronous database code, run by the server in a thread (`DatabaseThreads`).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from django.db import close_old_connections, connections

from adgang.messaging.bulk import MAX_ARCHIVE_BYTES, bulk_submit
from adgang.messaging.errors import Refusal
from adgang.messaging.ingest import MAX_MESSAGE_BYTES, message_submit
from adgang.messaging.models import Receipt, ReceiptPush
from adgang.messaging.sftp.auth import LoginRefusal, session_check
from adgang.messaging.sftp.receipts import upload_refused

logger = logging.getLogger(__name__)

MESSAGE = "message"
BULK = "bulk"
# Longest suffix first: "a.tar.lzma" is an archive by ".tar.lzma", not merely ".lzma".
SUFFIXES = ((".tar.lzma", BULK), (".tar.xz", BULK), (".lzma", BULK), (".xml", MESSAGE))
ACCEPTED_NAMES = "*.xml, *.tar.lzma, *.tar.xz, *.lzma"


def upload_kind(name: str) -> str | None:
    """MESSAGE or BULK by the file name's suffix (any case), None for any other name."""
    lowered = name.lower()
    for suffix, kind in SUFFIXES:
        if lowered.endswith(suffix):
            return kind if len(lowered) > len(suffix) else None  # a name, not just a suffix
    return None


def upload_limit(kind: str) -> int:
    """The largest upload of this kind, in bytes (the sender API's limits)."""
    return MAX_MESSAGE_BYTES if kind == MESSAGE else MAX_ARCHIVE_BYTES


def upload_process(
    *, system_id, client_ip: str, name: str, content: bytes, now: datetime
) -> list[Receipt] | LoginRefusal:
    """Submit an uploaded file for the system; the receipts it gave (also for a refusal)."""
    system = session_check(system_id, client_ip, now)
    if not system:
        return system
    kind = upload_kind(name)
    if kind == MESSAGE:
        # No answer carries the technical receipt over SFTP: it waits as a file (pulled).
        result = message_submit(
            system=system,
            content=content,
            query_uuid=None,
            now=now,
            receipt_push=ReceiptPush.PULL,
        )
    else:
        result = bulk_submit(system=system, archive=content, now=now)
    if isinstance(result, Refusal):
        receipt = upload_refused(system=system, name=name, refusal=result, content=content, now=now)
        logger.info("SFTP upload refused: system=%s file=%r code=%s", system.pk, name, result.code)
        return [receipt]
    receipts = [result] if isinstance(result, Receipt) else list(result.receipts)
    logger.info(
        "SFTP upload accepted: system=%s file=%r receipts=%d", system.pk, name, len(receipts)
    )
    return receipts


def _with_connection(function, /, *args, **kwargs):
    # Each job is one "request" with a connection of its own, closed at its end: file
    # operations are few and far between, and a connection left open in a pool thread would
    # outlive the server (and keep PostgreSQL from dropping a test database).
    close_old_connections()
    try:
        return function(*args, **kwargs)
    finally:
        connections.close_all()


class DatabaseThreads:
    """A few threads for the server's database work, so the event loop never blocks on it."""

    def __init__(self, workers: int = 4) -> None:
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="sftp-db")

    async def run(self, function, /, *args, **kwargs):
        loop = asyncio.get_running_loop()
        job = functools.partial(_with_connection, function, *args, **kwargs)
        return await loop.run_in_executor(self._executor, job)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)
