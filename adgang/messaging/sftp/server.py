"""The SFTP intake server for SFTP sender systems (SPEC §3, §13), built on asyncssh.

SFTP only: no shell, no exec, no scp, no port or agent forwarding, no pty. Public-key
authentication only (no password, no keyboard-interactive), decided by `auth.sftp_login`.
The host key is an ed25519 key generated into VAR_DIR on first start and kept, so clients
see the same server every time.

`Intake` holds what all sessions share (database threads, spool budget); `serve()` runs it
until asked to stop; `IntakeThread` runs it in a background thread (tests, embedding).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from pathlib import Path

import asyncssh
from django.conf import settings

from adgang.core.clock import now as clock_now
from adgang.messaging.sftp.auth import sftp_login
from adgang.messaging.sftp.filesystem import SenderFileSystem, SpoolBudget
from adgang.messaging.sftp.intake import DatabaseThreads

logger = logging.getLogger(__name__)

LOGIN_TIMEOUT_SECONDS = 30
# How long a stop waits for open connections to close.
CLOSE_TIMEOUT_SECONDS = 10


def host_key_load(path: Path) -> asyncssh.SSHKey:
    """The server's ed25519 host key, generated (mode 0600) the first time."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = asyncssh.generate_private_key("ssh-ed25519", comment="adgang-sftp")
        try:
            # O_EXCL: two servers starting at once must not overwrite each other's key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return asyncssh.read_private_key(path)
        with os.fdopen(fd, "wb") as out:
            out.write(key.export_private_key())
        logger.info("SFTP host key generated: %s", path)
        return key
    return asyncssh.read_private_key(path)


class Intake:
    """What every SFTP session of one server shares."""

    def __init__(self, *, spool_limit: int | None = None, db_workers: int = 4) -> None:
        self.db = DatabaseThreads(db_workers)
        self.spool = SpoolBudget(spool_limit or settings.ADGANG_SFTP_SPOOL_MAX_BYTES)
        self.connections: set[asyncssh.SSHServerConnection] = set()

    async def close(self) -> None:
        """Close the open connections (asyncssh's listener leaves them open), then let the
        database threads finish what they are doing."""
        open_connections = list(self.connections)
        waits = [asyncio.ensure_future(c.wait_closed()) for c in open_connections]
        for connection in open_connections:
            connection.close()
        if waits:
            await asyncio.wait(waits, timeout=CLOSE_TIMEOUT_SECONDS)
        await asyncio.get_running_loop().run_in_executor(None, self.db.shutdown)


class SenderLogin(asyncssh.SSHServer):
    """One SSH connection: who may log in (public key only) and as which system."""

    def __init__(self, intake: Intake) -> None:
        self._intake = intake
        self._connection: asyncssh.SSHServerConnection | None = None
        self.client_ip = ""
        # (user name, key) → the system, for the keys this connection's client has proven
        # or offered; the session uses the entry of the user name it finally logged in as.
        self._decided: dict[tuple[str, bytes], object] = {}
        self._systems: dict[str, object] = {}

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._connection = conn
        self._intake.connections.add(conn)
        peer = conn.get_extra_info("peername")
        self.client_ip = peer[0] if peer else ""

    def connection_lost(self, exc: Exception | None) -> None:
        self._intake.connections.discard(self._connection)

    def begin_auth(self, username: str) -> bool:
        return True  # every user must authenticate

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        decided_key = (username, key.public_data)
        if decided_key not in self._decided:
            result = await self._intake.db.run(
                sftp_login,
                username=username,
                offered_key_blob=key.public_data,
                client_ip=self.client_ip,
                now=clock_now(),
            )
            self._decided[decided_key] = result.pk if result else None
        system_id = self._decided[decided_key]
        if system_id is not None:
            self._systems[username] = system_id
        return system_id is not None

    def system_of(self, username: str):
        return self._systems[username]


def _file_system(intake: Intake):
    def start(chan: asyncssh.SSHServerChannel) -> SenderFileSystem:
        login: SenderLogin = chan.get_connection().get_owner()
        username = chan.get_extra_info("username")
        return SenderFileSystem(
            chan, intake=intake, system_id=login.system_of(username), client_ip=login.client_ip
        )

    return start


async def listen(intake: Intake, *, host: str, port: int) -> asyncssh.SSHAcceptor:
    """Start accepting SFTP connections on host:port."""
    host_key = host_key_load(Path(settings.ADGANG_SFTP_HOST_KEY))
    return await asyncssh.listen(
        host,
        port,
        server_factory=lambda: SenderLogin(intake),
        server_host_keys=[host_key],
        sftp_factory=_file_system(intake),
        allow_scp=False,
        agent_forwarding=False,
        x11_forwarding=False,
        allow_pty=False,
        login_timeout=LOGIN_TIMEOUT_SECONDS,
        reuse_address=True,
    )


async def serve(*, host: str, port: int, stop: asyncio.Event, ready=None) -> None:
    """Run the intake on host:port until `stop` is set; then close it cleanly.

    `ready(port)` is called once listening (the port actually bound, for port 0).
    """
    intake = Intake()
    acceptor = await listen(intake, host=host, port=port)
    bound = acceptor.get_port()
    logger.info("SFTP intake listening on %s:%s", host, bound)
    if ready is not None:
        ready(bound)
    try:
        await stop.wait()
    finally:
        acceptor.close()
        await acceptor.wait_closed()
        await intake.close()
        logger.info("SFTP intake stopped")


class IntakeThread:
    """The intake in a background thread with its own event loop (tests, embedding)."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="sftp-intake", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main())
        except BaseException as error:  # reported to start()
            self._error = error
            self._ready.set()
        finally:
            self._loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()

        def ready(port: int) -> None:
            self.port = port
            self._ready.set()

        await serve(host=self.host, port=self.port, stop=self._stop, ready=ready)

    def start(self, timeout: float = 10) -> IntakeThread:
        self._thread.start()
        if not self._ready.wait(timeout) or self._error is not None:
            raise RuntimeError(f"SFTP intake did not start: {self._error!r}")
        return self

    def is_running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 15) -> None:
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)
