"""The virtual file system an SFTP sender sees (SPEC §13). Nothing of it is on the disk.

    /             the home directory (uploads are accepted here too)
    /in/          uploads: *.xml (one MeMo message) or *.tar.lzma, *.tar.xz, *.lzma (a bulk)
    /receipts/    <receipt id>.json, one per receipt not yet removed; read-only; `rm` = read

An upload is spooled (memory, then a temporary file) while it is written and submitted when
the client closes it; the close answers once the receipt exists, so the sender may list the
receipts right after `put`. An upload the client never closes (a dropped connection) is
discarded. The spool is bounded: each upload by the sender API's size limits, all uploads in
flight together by `SpoolBudget`.

Every method overrides asyncssh's default, which would serve the real local file system.
"""

from __future__ import annotations

import logging
import posixpath
import stat
import tempfile
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import asyncssh
from asyncssh import (
    FXF_READ,
    FXF_WRITE,
    SFTPAttrs,
    SFTPFailure,
    SFTPName,
    SFTPNoSuchFile,
    SFTPOpUnsupported,
    SFTPPermissionDenied,
)

from adgang.core.clock import now as clock_now
from adgang.messaging.sftp import receipts
from adgang.messaging.sftp.auth import session_check
from adgang.messaging.sftp.intake import ACCEPTED_NAMES, upload_kind, upload_limit, upload_process

if TYPE_CHECKING:
    from adgang.messaging.sftp.server import Intake

logger = logging.getLogger(__name__)

ROOT, IN, RECEIPTS = "/", "/in", "/receipts"
DIRECTORIES = (ROOT, IN, RECEIPTS)
UPLOAD_DIRECTORIES = (ROOT, IN)
# Kept in memory up to this size, then in a temporary file.
SPOOL_MEMORY_BYTES = 1024 * 1024
LISTING_PAGE = 500

NOT_ACCEPTED = f"Only {ACCEPTED_NAMES} files can be uploaded."
READ_ONLY = "Receipts are read-only; remove a receipt file once you have read it."
NOT_ALLOWED = "Access denied."
TOO_LARGE = "The file is larger than the limit of {limit} bytes."
SPOOL_FULL = "The server is busy receiving other files; try again later."
NOT_PROCESSED = "The file could not be processed; upload it again."


class SpoolBudget:
    """The bytes all uploads in flight may hold together (event-loop only, so no lock)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, amount: int) -> bool:
        if self.used + amount > self.limit:
            return False
        self.used += amount
        return True

    def give_back(self, amount: int) -> None:
        self.used = max(0, self.used - amount)


@dataclass
class Upload:
    name: str
    limit: int
    # Closed by SenderFileSystem._discard, whatever becomes of the upload.
    spool: tempfile.SpooledTemporaryFile = field(
        default_factory=lambda: tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115
    )
    size: int = 0
    broken: bool = False  # a write was refused: the file is incomplete and is dropped


@dataclass
class ReceiptHandle:
    file: receipts.ReceiptFile


def directory_attrs() -> SFTPAttrs:
    return SFTPAttrs(permissions=stat.S_IFDIR | 0o755, mtime=int(time.time()), nlink=2)


def file_attrs(size: int, mtime: int, mode: int = 0o444) -> SFTPAttrs:
    return SFTPAttrs(permissions=stat.S_IFREG | mode, size=size, mtime=mtime, atime=mtime)


def resolve(path: bytes) -> str:
    """The absolute, normalised virtual path; relative paths start at the home, `/`."""
    try:
        text = path.decode("utf-8")
    except UnicodeDecodeError:
        raise SFTPNoSuchFile("No such file") from None
    if "\x00" in text:
        raise SFTPNoSuchFile("No such file")
    return posixpath.normpath(posixpath.join(ROOT, text)).replace("//", "/")


class SenderFileSystem(asyncssh.SFTPServer):
    """One SFTP session of one logged-in sender system."""

    def __init__(self, chan, *, intake: Intake, system_id, client_ip: str) -> None:
        super().__init__(chan)
        self._intake = intake
        self._system_id = system_id
        self._client_ip = client_ip
        self._username = chan.get_extra_info("username") or ""
        self._open: dict[int, Upload] = {}

    # -- helpers -------------------------------------------------------------------------

    async def _db(self, function, /, *args, **kwargs):
        return await self._intake.db.run(function, *args, **kwargs)

    async def _require_access(self) -> None:
        allowed = await self._db(session_check, self._system_id, self._client_ip, clock_now())
        if not allowed:
            raise SFTPPermissionDenied(NOT_ALLOWED)

    async def _receipt(self, path: str) -> receipts.ReceiptFile:
        parent, name = posixpath.split(path)
        receipt_id = receipts.receipt_id_of(name) if parent == RECEIPTS else None
        found = None
        if receipt_id is not None:
            found = await self._db(receipts.receipt_read, self._system_id, receipt_id)
        if found is None:
            raise SFTPNoSuchFile("No such file")
        return found

    def _discard(self, upload: Upload) -> None:
        upload.spool.close()
        self._intake.spool.give_back(upload.size)
        self._open.pop(id(upload), None)

    # -- names -----------------------------------------------------------------------------

    def format_user(self, uid) -> str:
        return self._username

    def format_group(self, gid) -> str:
        return "adgang"

    def realpath(self, path: bytes) -> bytes:
        return resolve(path).encode()

    async def stat(self, path: bytes) -> SFTPAttrs:
        where = resolve(path)
        if where in DIRECTORIES:
            return directory_attrs()
        found = await self._receipt(where)
        return file_attrs(found.size, found.mtime)

    lstat = stat

    async def scandir(self, path: bytes):
        where = resolve(path)
        if where not in DIRECTORIES:
            raise SFTPNoSuchFile("No such directory")
        await self._require_access()
        for name in (b".", b".."):
            yield SFTPName(name, attrs=directory_attrs())
        if where == ROOT:
            for name in (b"in", b"receipts"):
                yield SFTPName(name, attrs=directory_attrs())
        elif where == RECEIPTS:
            async for entry in self._receipt_entries():
                yield entry

    async def _receipt_entries(self):
        after = None
        while True:
            page = await self._db(
                receipts.receipts_page, self._system_id, after=after, size=LISTING_PAGE
            )
            for file, _key in page:
                yield SFTPName(file.name.encode(), attrs=file_attrs(file.size, file.mtime))
            if len(page) < LISTING_PAGE:
                return
            after = page[-1][1]

    # -- files -----------------------------------------------------------------------------

    async def open(self, path: bytes, pflags: int, attrs: SFTPAttrs):
        where = resolve(path)
        parent, name = posixpath.split(where)
        if where in DIRECTORIES:
            raise SFTPPermissionDenied("Is a directory")
        if parent in UPLOAD_DIRECTORIES:
            if not pflags & FXF_WRITE:
                raise SFTPNoSuchFile("No such file")  # uploads are not kept
            kind = upload_kind(name)
            if kind is None or pflags & FXF_READ:
                raise SFTPPermissionDenied(NOT_ACCEPTED)
            await self._require_access()
            upload = Upload(name=name, limit=upload_limit(kind))
            self._open[id(upload)] = upload
            return upload
        if parent == RECEIPTS:
            if pflags & FXF_WRITE:
                raise SFTPPermissionDenied(READ_ONLY)
            await self._require_access()
            return ReceiptHandle(await self._receipt(where))
        raise SFTPNoSuchFile("No such file")

    def write(self, file_obj, offset: int, data: bytes) -> int:
        if not isinstance(file_obj, Upload):
            raise SFTPPermissionDenied(READ_ONLY)
        end = offset + len(data)
        if file_obj.broken:
            raise SFTPFailure(NOT_PROCESSED)
        if end > file_obj.limit:
            file_obj.broken = True
            raise SFTPFailure(TOO_LARGE.format(limit=file_obj.limit))
        growth = max(0, end - file_obj.size)
        if not self._intake.spool.take(growth):
            file_obj.broken = True
            raise SFTPFailure(SPOOL_FULL)
        file_obj.spool.seek(offset)
        file_obj.spool.write(data)
        file_obj.size += growth
        return len(data)

    def read(self, file_obj, offset: int, size: int) -> bytes:
        if not isinstance(file_obj, ReceiptHandle):
            raise SFTPPermissionDenied("Uploads cannot be read.")
        return file_obj.file.content[offset : offset + size]

    def fstat(self, file_obj) -> SFTPAttrs:
        if isinstance(file_obj, ReceiptHandle):
            return file_attrs(file_obj.file.size, file_obj.file.mtime)
        return file_attrs(file_obj.size, int(time.time()), mode=0o644)

    async def close(self, file_obj) -> None:
        if not isinstance(file_obj, Upload):
            return
        try:
            if file_obj.broken or self._session_over():
                return
            file_obj.spool.seek(0)
            content = file_obj.spool.read()
            result = await self._submit(file_obj.name, content)
        finally:
            self._discard(file_obj)
        if not isinstance(result, list):
            raise SFTPPermissionDenied(NOT_ALLOWED)

    def _session_over(self) -> bool:
        """Is the session ending? asyncssh then closes the handles the client left open; such
        an upload was never finished and must not be submitted."""
        return self.connection.is_closed() or self.channel.is_closing()

    async def _submit(self, name: str, content: bytes):
        try:
            return await self._db(
                upload_process,
                system_id=self._system_id,
                client_ip=self._client_ip,
                name=name,
                content=content,
                now=clock_now(),
            )
        except Exception:
            # The sender must learn that no receipt will come, so it can send the file again.
            logger.exception("SFTP upload %r of system %s failed", name, self._system_id)
            raise SFTPFailure(NOT_PROCESSED) from None

    async def remove(self, path: bytes) -> None:
        where = resolve(path)
        parent, name = posixpath.split(where)
        receipt_id = receipts.receipt_id_of(name) if parent == RECEIPTS else None
        if receipt_id is None:
            raise SFTPPermissionDenied("Only receipt files can be removed.")
        await self._require_access()
        removed = await self._db(
            receipts.receipt_remove, self._system_id, receipt_id, now=clock_now()
        )
        if not removed:
            raise SFTPNoSuchFile("No such file")

    # -- what the intake does not offer ----------------------------------------------------

    async def setstat(self, path: bytes, attrs: SFTPAttrs) -> None:
        await self.stat(path)  # times and modes are not kept; a missing file is an error

    lsetstat = setstat

    def fsetstat(self, file_obj, attrs: SFTPAttrs) -> None:
        return None

    def fsync(self, file_obj) -> None:
        return None

    def mkdir(self, path: bytes, attrs: SFTPAttrs) -> None:
        raise SFTPPermissionDenied("Directories cannot be created.")

    def rmdir(self, path: bytes) -> None:
        raise SFTPPermissionDenied("Directories cannot be removed.")

    def rename(self, oldpath: bytes, newpath: bytes) -> None:
        raise SFTPPermissionDenied("Files cannot be renamed.")

    posix_rename = rename

    def readlink(self, path: bytes) -> bytes:
        raise SFTPNoSuchFile("No such link")

    def symlink(self, oldpath: bytes, newpath: bytes) -> None:
        raise SFTPPermissionDenied("Links cannot be created.")

    link = symlink

    def lock(self, file_obj, offset: int, length: int, flags: int) -> None:
        raise SFTPOpUnsupported("Locks are not supported.")

    def unlock(self, file_obj, offset: int, length: int) -> None:
        raise SFTPOpUnsupported("Locks are not supported.")

    def statvfs(self, path: bytes):
        raise SFTPOpUnsupported("statvfs is not supported.")

    def fstatvfs(self, file_obj):
        raise SFTPOpUnsupported("statvfs is not supported.")

    def exit(self) -> None:
        """The session ended: drop every upload the client did not close (not submitted)."""
        for upload in list(self._open.values()):
            self._discard(upload)
