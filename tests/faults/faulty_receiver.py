"""A misbehaving HTTPS receiver for the fault suite: the tests' `Receiver` (a real TLS server
in a thread) with a handler that can also hang past the client's timeout, accept a message and
then hang, and answer 429 with Retry-After.

`state.received` holds what the receiver *stored* (one entry per stored copy, so a duplicate
shows); `state.calls` every POST it got with the behaviour it showed, stored or not.
"""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP

from tests.support.messaging_delivery import Receiver, ReceiverState, _Handler

OK = "ok"
RESET = "reset"  # an abortive close before answering: "connection reset by peer"
HANG = "hang"  # no answer within the client's read timeout; nothing stored
STORE_THEN_HANG = "store-then-hang"  # stored, but the answer comes after the client gave up
FAIL_500 = "500"
FAIL_429 = "429"  # with Retry-After
SLOW = "slow"  # stored and answered 200, slowly but within the client's timeout
STORING = (OK, STORE_THEN_HANG, SLOW)


@dataclass
class FaultState(ReceiverState):
    hang_seconds: float = 0.8
    calls: list[tuple[str, str]] = field(default_factory=list)  # (messageUUID, mode)

    def stored(self) -> dict[str, int]:
        """messageUUID → how many copies the receiver stored."""
        counts: dict[str, int] = {}
        for message_uuid in self.uuids():
            counts[message_uuid] = counts.get(message_uuid, 0) + 1
        return counts


def _uuid_of(content_type: str, body: bytes) -> str:
    parsed = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    return next((part.get_filename() or "" for part in parsed.iter_parts()), "")


class _FaultyHandler(_Handler):
    def do_POST(self) -> None:
        state: FaultState = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        mode = state.mode
        with state.lock:
            state.calls.append((_uuid_of(self.headers.get("Content-Type", ""), body), mode))
        if mode == RESET:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if mode in (OK, SLOW, STORE_THEN_HANG):
            if mode == SLOW:
                time.sleep(state.slow_seconds)
            self._record(state, body)
        if mode in (HANG, STORE_THEN_HANG):
            time.sleep(state.hang_seconds)
            self.close_connection = True
            return
        status = {FAIL_500: 500, FAIL_429: 429}.get(mode, 200)
        self.send_response(status)
        if status == 429:
            self.send_header("Retry-After", "60")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


class FaultyReceiver(Receiver):
    def __init__(self, directory) -> None:
        super().__init__(directory)
        self.state = FaultState()
        self._server.state = self.state
        self._server.RequestHandlerClass = _FaultyHandler


def running_faulty_receiver(tmp_path, settings):
    """For a `receiver` fixture: a running FaultyReceiver the delivery client trusts, with
    short client timeouts (read 0.5 s, total 2 s); internal addresses allowed."""
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = True
    settings.ADGANG_OUTBOUND_READ_TIMEOUT = 0.5
    settings.ADGANG_OUTBOUND_TOTAL_TIMEOUT = 2.0
    with FaultyReceiver(tmp_path / "tls") as running:
        settings.ADGANG_OUTBOUND_CA_FILE = running.ca_file
        yield running
