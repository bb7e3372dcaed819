"""Bulk upload of MeMo messages (SPEC §13; NGDP-API.md "Sending": `application/x-lzma`).

An archive is a tar of MeMo files, compressed with LZMA (`.tar.lzma`, the "lzma alone"
format) or XZ (`.tar.xz`). It comes from the internet, so it is read in two streaming passes
through a decompressor that never produces more than asked for and counts what it produced:

1. structure: at most `MAX_MEMBERS` members, only regular files named `*.xml` (directory
   entries are skipped: `tar` writes them for a folder), no absolute path and no `..`, no
   member over the single-message limit, at most `MAX_UNCOMPRESSED_BYTES` in all. An LZMA
   bomb is stopped at that count without ever holding more than a block in memory. Any
   breach refuses the whole archive and nothing is stored.
2. submission: the members are read in order and stored in chunks of at most
   `CHUNK_MEMBERS` members or `CHUNK_BYTES` of MeMo (memory holds one chunk), all under one
   transmission id. Each member is parsed, validated and routed like a single message
   (`ingest.message_check`, `ingest.accepted_of`; the chunk's exemptions in one query)
   before the chunk's transaction; then ONE transaction per chunk writes the accepted
   members with one INSERT per table (`intake_store.accepted_store_many`) and the refused ones'
   receipts. A refused member (invalid, or its messageUUID already on the platform or
   earlier in the same archive: `message.uuid.already.exists`) gets an INVALID technical
   receipt with its error code and an "Afvist teknisk" event; no message is stored for it.
   Every member gets exactly one receipt under the transmission id.

   The batched INSERT runs in a savepoint: if it meets a messageUUID that another upload
   stored after our check (a race the unique constraint catches), the savepoint is rolled
   back and the chunk is stored member by member, each in a savepoint of its own, so the
   duplicate is refused and nothing of it stays while the others are stored.

   Crash semantics: a chunk is stored whole or not at all. If the process dies mid-archive,
   the chunks committed before stay, with their receipts pullable, and the upload got no
   answer; sending the archive again refuses the already stored members as duplicates
   (INVALID, `message.uuid.already.exists`) and stores the rest.

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
from django.db import IntegrityError, transaction
from django.utils.timezone import localdate

from adgang.core.clock import now as clock_now
from adgang.exemptions.selectors import exempt_among
from adgang.messaging.errors import BAD_REQUEST, PAYLOAD_TOO_LARGE, Refusal, Refused
from adgang.messaging.ingest import MAX_MESSAGE_BYTES, accepted_of, duplicate_refusal, message_check
from adgang.messaging.intake_store import Accepted, accepted_store, accepted_store_many
from adgang.messaging.memo import MemoError
from adgang.messaging.models import Message, Receipt
from adgang.messaging.refusals import upload_refused_record
from adgang.messaging.routing import receipt_push_for
from adgang.systems.models import MailSystem

MIB = 1024 * 1024
MAX_ARCHIVE_BYTES = 200 * MIB
MAX_UNCOMPRESSED_BYTES = 2 * 1024 * MIB
MAX_MEMBERS = 10_000
# Members stored per transaction: one commit and one INSERT per table for up to this many,
# and at most this much MeMo held in memory at once.
CHUNK_MEMBERS = 100
CHUNK_BYTES = 16 * MIB
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
    push = receipt_push_for(system)
    seen: set[uuid.UUID] = set()
    receipts: list[Receipt] = []
    for chunk in _chunks(_members(archive)):
        receipts.extend(
            _chunk_store(
                system, chunk, transmission_id=transmission_id, now=now, push=push, seen=seen
            )
        )
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


def _chunks(members: Iterator[tuple[str, bytes]]) -> Iterator[list[tuple[str, bytes]]]:
    chunk: list[tuple[str, bytes]] = []
    size = 0
    for name, content in members:
        chunk.append((name, content))
        size += len(content)
        if len(chunk) >= CHUNK_MEMBERS or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _chunk_store(
    system: MailSystem,
    chunk: list[tuple[str, bytes]],
    *,
    transmission_id: uuid.UUID,
    now: datetime,
    push: str,
    seen: set[uuid.UUID],
) -> list[Receipt]:
    """One receipt per member of the chunk, in member order; one transaction."""
    outcomes = _chunk_check(system, chunk, transmission_id=transmission_id, now=now, seen=seen)
    with transaction.atomic():
        _refuse_stored(outcomes)
        accepted = [outcome for outcome in outcomes if isinstance(outcome, Accepted)]
        stored: list[Receipt | Refusal] = []
        try:
            if accepted:
                with transaction.atomic():
                    stored = accepted_store_many(accepted, now=now, push=push)
        except IntegrityError:
            stored = [_one_store(item, now=now, push=push) for item in accepted]
        by_message = dict(zip([item.message.pk for item in accepted], stored, strict=True))
        receipts = []
        for (name, content), outcome in zip(chunk, outcomes, strict=True):
            if isinstance(outcome, Accepted):
                outcome = by_message[outcome.message.pk]
            if isinstance(outcome, Refusal):
                outcome = upload_refused_record(
                    system=system,
                    name=name,
                    content=content,
                    refusal=outcome,
                    transmission_id=transmission_id,
                    now=now,
                )
            receipts.append(outcome)
    return receipts


def _chunk_check(
    system: MailSystem,
    chunk: list[tuple[str, bytes]],
    *,
    transmission_id: uuid.UUID,
    now: datetime,
    seen: set[uuid.UUID],
) -> list[Accepted | Refusal]:
    """Each member checked and routed as a single message would be (reads only); a
    messageUUID met earlier in the archive is refused as a duplicate."""
    checked: list[Message | Refusal] = []
    recipients: dict = {}  # looked up once per chunk (the same answers within one request)
    for _name, content in chunk:
        try:
            message = message_check(
                system=system,
                content=content,
                query_uuid=None,
                transmission_id=transmission_id,
                now=now,
                recipients=recipients,
            )
        except MemoError as error:
            checked.append(Refusal.of_memo_error(error))
            continue
        except Refused as refused:
            checked.append(refused.refusal)
            continue
        if message.message_uuid in seen:
            checked.append(duplicate_refusal(str(message.message_uuid)))
            continue
        seen.add(message.message_uuid)
        checked.append(message)
    keys = {(m.recipient_id_type, m.recipient_id) for m in checked if isinstance(m, Message)}
    exempt = exempt_among(keys, on=localdate(now))
    systems: dict = {}
    return [
        accepted_of(
            item,
            content=content,
            now=now,
            exempt=(item.recipient_id_type, item.recipient_id) in exempt,
            systems=systems,
        )
        if isinstance(item, Message)
        else item
        for (_name, content), item in zip(chunk, checked, strict=True)
    ]


def _refuse_stored(outcomes: list[Accepted | Refusal]) -> None:
    """Members whose messageUUID is already on the platform become duplicate refusals (one
    query for the chunk)."""
    uuids = [o.message.message_uuid for o in outcomes if isinstance(o, Accepted)]
    found = Message.objects.filter(message_uuid__in=uuids).values_list("message_uuid", flat=True)
    stored = set(found)
    for index, outcome in enumerate(outcomes):
        if isinstance(outcome, Accepted) and outcome.message.message_uuid in stored:
            outcomes[index] = duplicate_refusal(str(outcome.message.message_uuid))


def _one_store(item: Accepted, *, now: datetime, push: str) -> Receipt | Refusal:
    """One member in a savepoint of its own (after the chunk's batch met a duplicate)."""
    try:
        with transaction.atomic():
            return accepted_store(item, now=now, push=push)
    except IntegrityError:
        if Message.objects.filter(message_uuid=item.message.message_uuid).exists():
            return duplicate_refusal(str(item.message.message_uuid))
        raise
