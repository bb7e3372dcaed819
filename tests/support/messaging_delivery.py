"""Test support for delivery (SPEC §3, §13): a real HTTPS receiver in a thread whose
behaviour a test switches, and a small factory for messages with a delivery.

The receiver serves TLS with `adgang.core.devtls.self_signed_certificate`; the delivery
client trusts it through `ADGANG_OUTBOUND_CA_FILE`, exactly as with the demo receiver.
"""

from __future__ import annotations

import json
import socket
import ssl
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from adgang.core.clock import now
from adgang.core.devtls import self_signed_certificate
from adgang.messaging.memo import memo_parse
from adgang.messaging.models import (
    Delivery,
    DeliveryPhase,
    DeliveryState,
    IdType,
    Message,
    MessageContent,
    MessageState,
    Route,
    kind_of,
)
from adgang.systems.models import Protocol
from tests.support.messaging_core import memo_xml, receiver_system, sender_system

OK, FAIL_500, FAIL_429, RESET, SLOW, DRIP, REDIRECT = (
    "ok",
    "500",
    "429",
    "reset",
    "slow",
    "drip",
    "redirect",
)


@dataclass
class Received:
    path: str
    filename: str
    content_type: str
    body: bytes
    host: str


@dataclass
class ReceiverState:
    mode: str = OK
    slow_seconds: float = 2.0
    received: list[Received] = field(default_factory=list)
    notifications: list[dict] = field(default_factory=list)
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def uuids(self) -> list[str]:
        with self.lock:
            return [item.filename for item in self.received]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet test output
        pass

    def do_POST(self) -> None:
        state: ReceiverState = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        mode = state.mode
        if mode == RESET:
            # An abortive close: the client sees "connection reset by peer".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if mode == SLOW:
            time.sleep(state.slow_seconds)
        if mode in (OK, SLOW, DRIP):
            self._record(state, body)
        status = {FAIL_500: 500, FAIL_429: 429, REDIRECT: 302}.get(mode, 200)
        self._answer(status, drip=state.slow_seconds if mode == DRIP else 0)

    def _record(self, state: ReceiverState, body: bytes) -> None:
        content_type = self.headers.get("Content-Type", "")
        host = self.headers.get("Host", "")
        with state.lock:
            if content_type.startswith("application/json"):
                state.notifications.append(json.loads(body))
                return
            parsed = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
            )
            for part in parsed.iter_parts():
                state.received.append(
                    Received(
                        path=self.path,
                        filename=part.get_filename() or "",
                        content_type=part.get_content_type(),
                        body=part.get_payload(decode=True),
                        host=host,
                    )
                )

    def _answer(self, status: int, *, drip: float) -> None:
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "https://127.0.0.1:1/elsewhere")
        payload = b"{}" + (b" " * 10 if drip else b"")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if not drip:
            self.wfile.write(payload)
            return
        for byte in payload:  # a slow drip: each byte well within the read timeout
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(drip / len(payload))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def get_request(self):
        sock, address = super().get_request()
        # Without it, headers and body in separate writes meet delayed ACKs: 40 ms a request.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.state.lock:
            self.state.connections += 1
        return sock, address


class Receiver:
    """A running HTTPS receiver on 127.0.0.1: `url(path)`, `state` (mode, what arrived)."""

    def __init__(self, directory: Path) -> None:
        cert, key = self_signed_certificate(directory, name="receiver")
        self.ca_file = str(cert)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.state = ReceiverState()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = self.state
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str = "/modtag", host: str = "127.0.0.1") -> str:
        return f"https://{host}:{self.port}{path}"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def message_for(
    *,
    sender_system,
    recipient_organisation,
    recipient_id: str,
    recipient_type: str = IdType.CVR,
    state: str = MessageState.QUEUED,
    value_date=None,
    deliver_after=None,
    created_at=None,
    **memo_changes,
) -> Message:
    """A stored message as ingest would store it (Message + MessageContent)."""
    xml = memo_xml(
        recipient_id=recipient_id,
        recipient_type=recipient_type,
        sender_cvr=sender_system.organisation.cvr,
        value_date=value_date,
        **memo_changes,
    )
    memo = memo_parse(xml, keep_content=False)
    header = memo.header
    message = Message.objects.create(
        message_uuid=uuid.UUID(str(header.message_uuid)),
        transmission_id=uuid.uuid4(),
        memo_version="1.2",
        sender_organisation=sender_system.organisation,
        sender_system=sender_system,
        sender_id=sender_system.organisation.cvr,
        recipient_id_type=recipient_type,
        recipient_id=recipient_id,
        recipient_organisation=recipient_organisation,
        message_type="DIGITALPOST",
        kind=kind_of(message_type="DIGITALPOST", legal_notification=False, mandatory=False),
        title=header.label,
        value_date=value_date,
        deliver_after=deliver_after,
        size_bytes=len(xml),
        route="" if state == MessageState.HELD else Route.SYSTEM,
        state=state,
        created_at=created_at or now(),
    )
    MessageContent.objects.create(message=message, xml=xml)
    return message


def delivery_for(message: Message, system, *, state: str = DeliveryState.PENDING) -> Delivery:
    """The delivery routing creates for a message to a receiver system."""
    at = now()
    return Delivery.objects.create(
        message=message,
        system=system,
        organisation_id=system.organisation_id,
        phase=DeliveryPhase.RECEIVER,
        state=state,
        next_attempt_at=at if state == DeliveryState.PENDING else None,
        created_at=at,
    )


def running_receiver(tmp_path, settings):
    """For a test module's `receiver` fixture (`yield from running_receiver(...)`): a running
    HTTPS receiver the delivery client trusts; internal addresses allowed."""
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = True
    settings.ADGANG_OUTBOUND_READ_TIMEOUT = 1.0
    settings.ADGANG_OUTBOUND_TOTAL_TIMEOUT = 3.0
    with Receiver(tmp_path / "tls") as running:
        settings.ADGANG_OUTBOUND_CA_FILE = running.ca_file
        yield running


def pull_sender(personas):
    """Kommune A's REST PULL sender system (it pulls its receipts)."""
    system, _key = sender_system(personas.alice, Protocol.REST_PULL)
    return system


def push_receiver(membership, url: str):
    """A REST PUSH receiver system of the membership's organisation posting to `url`."""
    system, _key = receiver_system(membership, Protocol.REST_PUSH, endpoint=url)
    return system


def message_to(sender, system, **changes) -> tuple[Message, Delivery]:
    """A queued message from `sender` to `system`'s organisation, with its PENDING delivery."""
    organisation = system.organisation
    message = message_for(
        sender_system=sender,
        recipient_organisation=organisation,
        recipient_id=organisation.cvr,
        **changes,
    )
    return message, delivery_for(message, system)
