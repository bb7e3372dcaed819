"""Bulk upload of MeMo messages (SPEC §13; NGDP-API.md "Sending": `application/x-lzma`).

An archive is a tar of MeMo files, compressed with LZMA (`.tar.lzma`, the "lzma alone"
format) or XZ (`.tar.xz`). It comes from the internet, so it is read in two streaming passes
through a decompressor that never produces more than asked for and counts what it produced:

1. structure: at most `MAX_MEMBERS` members, only regular files named `*.xml` (directory
   entries are skipped: `tar` writes them for a folder), no absolute path and no `..`, no
   member over the single-message limit, at most `MAX_UNCOMPRESSED_BYTES` in all. An LZMA
   bomb is stopped at that count without ever holding more than a block in memory. Any
   breach refuses the whole archive and nothing is stored.
2. submission: each member is read (one at a time, so memory holds one message) and
   submitted like a single message, each in its own transaction, under one transmission
   id. A refused member gets an INVALID technical receipt with its error code and an
   "Afvist teknisk" event; no message is stored for it.

The limits are constants here; an operator may lower or raise the uncompressed limit with
the setting `ADGANG_BULK_MAX_UNCOMPRESSED_BYTES`.

Member receipts are not in the upload's answer: REST PUSH senders with a receipt endpoint
get them POSTed, every other sender pulls them (`routing.receipt_push_for`).
"""

from __future__ import annotations

import io
import lzma
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings

from adgang.core.clock import now as clock_now
from adgang.messaging.errors import BAD_REQUEST, PAYLOAD_TOO_LARGE, Refusal, Refused
from adgang.messaging.ingest import MAX_MESSAGE_BYTES, message_submit
from adgang.messaging.models import Receipt
from adgang.messaging.refusals import upload_refused_record
from adgang.messaging.routing import receipt_push_for
from adgang.systems.models import MailSystem

MIB = 1024 * 1024
MAX_ARCHIVE_BYTES = 200 * MIB
MAX_UNCOMPRESSED_BYTES = 2 * 1024 * MIB
MAX_MEMBERS = 10_000
_CHUNK = 64 * 1024

ARCHIVE_INVALID = "bulk.archive.invalid"
ARCHIVE_TOO_LARGE = "bulk.archive.too.large"
ARCHIVE_PATH_NOT_ALLOWED = "bulk.archive.path.not.allowed"


@dataclass(frozen=True)
class BulkResult:
    transmission_id: uuid.UUID
    receipts: list[Receipt]


def bulk_submit(
    *, system: MailSystem, archive: bytes, now: datetime | None = None
) -> BulkResult | Refusal:
    """Accept a tar.LZMA bulk of MeMo messages (SPEC §13): one receipt per member, or a
    Refusal with nothing stored when the archive itself is not acceptable."""
    now = now or clock_now()
    archive = bytes(archive)
    try:
        if len(archive) > MAX_ARCHIVE_BYTES:
            raise _refused(PAYLOAD_TOO_LARGE, ARCHIVE_TOO_LARGE, f"over {MAX_ARCHIVE_BYTES} bytes")
        _check_structure(archive)
    except Refused as refused:
        return refused.refusal
    transmission_id = uuid.uuid4()
    receipts = [
        _member_submit(system, name, content, transmission_id=transmission_id, now=now)
        for name, content in _members(archive)
    ]
    return BulkResult(transmission_id, receipts)


def max_uncompressed_bytes() -> int:
    return getattr(settings, "ADGANG_BULK_MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED_BYTES)


def _refused(status: int, code: str, detail: str) -> Refused:
    return Refused(Refusal(status, code, f"The bulk archive cannot be accepted: {detail}."))


class _BoundedLzmaReader(io.RawIOBase):
    """Decompresses LZMA/XZ on demand, never more than asked for, and refuses the archive
    once more than the uncompressed limit came out."""

    def __init__(self, data: bytes) -> None:
        self._source = memoryview(data)
        self._position = 0
        self._decompressor = lzma.LZMADecompressor(format=lzma.FORMAT_AUTO)
        self._produced = 0
        self._limit = max_uncompressed_bytes()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        wanted = len(buffer)
        output = b""
        while not output:
            if self._decompressor.eof:
                return 0
            chunk = b""
            if self._decompressor.needs_input:
                chunk = self._source[self._position : self._position + _CHUNK]
                self._position += len(chunk)
                if not chunk:
                    raise _refused(BAD_REQUEST, ARCHIVE_INVALID, "the archive is truncated")
            try:
                output = self._decompressor.decompress(chunk, max_length=wanted)
            except lzma.LZMAError:
                raise _refused(BAD_REQUEST, ARCHIVE_INVALID, "not LZMA or XZ data") from None
        self._produced += len(output)
        if self._produced > self._limit:
            raise _refused(
                PAYLOAD_TOO_LARGE, ARCHIVE_TOO_LARGE, f"it unpacks to over {self._limit} bytes"
            )
        buffer[: len(output)] = output
        return len(output)


def _stream(archive: bytes) -> Iterator[tuple[tarfile.TarFile, tarfile.TarInfo]]:
    """The archive's members in order (stream mode: nothing is seeked or kept)."""
    reader = io.BufferedReader(_BoundedLzmaReader(archive), buffer_size=_CHUNK)
    try:
        with tarfile.open(fileobj=reader, mode="r|") as tar:
            for member in tar:
                yield tar, member
    except (tarfile.TarError, EOFError, OSError) as error:
        raise _refused(BAD_REQUEST, ARCHIVE_INVALID, f"not a tar archive ({error})") from None


def _check_structure(archive: bytes) -> None:
    count = 0
    for _, member in _stream(archive):
        _check_member(member)
        if member.isdir():
            continue
        count += 1
        if count > MAX_MEMBERS:
            raise _refused(PAYLOAD_TOO_LARGE, ARCHIVE_TOO_LARGE, f"over {MAX_MEMBERS} files")
    if count == 0:
        raise _refused(BAD_REQUEST, ARCHIVE_INVALID, "it holds no MeMo files")


def _check_member(member: tarfile.TarInfo) -> None:
    name = member.name
    posix, windows = PurePosixPath(name), PureWindowsPath(name)
    if (
        not name
        or posix.is_absolute()
        or windows.is_absolute()
        or windows.drive
        or name.startswith(("/", "\\"))
        or ".." in posix.parts
        or ".." in windows.parts
    ):
        raise _refused(BAD_REQUEST, ARCHIVE_PATH_NOT_ALLOWED, f"the path {name!r} is not allowed")
    if member.isdir():
        return
    if not member.isreg():
        raise _refused(BAD_REQUEST, ARCHIVE_INVALID, f"{name!r} is not a regular file")
    if not name.lower().endswith(".xml"):
        raise _refused(BAD_REQUEST, ARCHIVE_INVALID, f"{name!r} is not a .xml file")
    if member.size > MAX_MESSAGE_BYTES:
        raise _refused(PAYLOAD_TOO_LARGE, ARCHIVE_TOO_LARGE, f"{name!r} is over the limit")


def _members(archive: bytes) -> Iterator[tuple[str, bytes]]:
    """(name, content) of each MeMo file; the structure was checked, so this only reads."""
    for tar, member in _stream(archive):
        if member.isreg():
            yield member.name, tar.extractfile(member).read()


def _member_submit(
    system: MailSystem, name: str, content: bytes, *, transmission_id: uuid.UUID, now: datetime
) -> Receipt:
    result = message_submit(
        system=system,
        content=content,
        query_uuid=None,
        transmission_id=transmission_id,
        now=now,
        receipt_push=receipt_push_for(system),
    )
    if isinstance(result, Receipt):
        return result
    return upload_refused_record(
        system=system,
        name=name,
        content=content,
        refusal=result,
        transmission_id=transmission_id,
        now=now,
    )
