"""The demo receiver: a small REST PUSH receiver system for development (SPEC §13, §15).

It plays the part of a vendor's receiver system so that `make run` shows the whole delivery
chain: Digital Post POSTs `multipart/form-data` with a part `file` (filename = messageUUID,
content = the MeMo XML) to its https endpoint (NGDP-API.md "REST PUSH"); it stores the
message under `<storage>/<messageUUID>.xml`, answers 200, and then sends its business receipt
(`POST /apis/v1/memos/{id}/receipt`, COMPLETED, or INVALID when the XML does not parse) to
the portal with its own API key.

It deduplicates by messageUUID: Digital Post may deliver again after a lost answer, and a
receiver must then answer 2xx without handling the message twice. The receipt is sent after
the answer, from a thread of its own, because the portal records the delivery only when our
answer arrives; a receipt that came first would be for a message not yet delivered (404), so
that one is sent again a little later, as are receipts the portal could not take (5xx).

Plain standard library (http.server, ssl, email's MIME parser) plus httpx for the receipt:
it runs beside the portal and must not need anything the portal does not.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import logging
import os
import queue
import ssl
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from django.conf import settings

from adgang.messaging.memo import MemoError, memo_parse

logger = logging.getLogger(__name__)

# NgDP allows messages up to 140 MiB; the demo receiver takes what the portal may send.
MAX_BODY_BYTES = 140 * 1024 * 1024
# How the portal tells a REST PUSH receiver the message's id (NgDP `messageId`), which the
# business receipt's path needs. Without it, the receipt is addressed by messageUUID.
MESSAGE_ID_HEADER = "X-Message-Id"
RECEIPT_ATTEMPTS = 6
RECEIPT_BACKOFF_SECONDS = 0.5  # then 1, 2, 4, 8 s
# 404: the portal records a delivery when our answer reaches it, so a receipt sent right after
# the answer may find the message not delivered yet. 5xx and no answer: the portal is busy.
RETRIED_STATUSES = frozenset({404})
RECEIPT_TIMEOUT = httpx.Timeout(10.0)


def credentials_path() -> Path:
    """Where `manage.py demo` leaves the demo receiver's system id and API key (mode 0600)."""
    return Path(settings.VAR_DIR) / "demo-receiver.json"


def storage_directory() -> Path:
    return Path(settings.VAR_DIR) / "demo-receiver"


def tls_directory() -> Path:
    """The self-signed certificate's home; `ADGANG_OUTBOUND_CA_FILE` defaults to its dev.crt."""
    return Path(settings.VAR_DIR) / "demo-tls"


def credentials_write(path: Path, data: dict) -> None:
    """Write the credentials readable by their owner only: the file holds an API secret."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(data, handle, indent=2)
    path.chmod(0o600)  # O_CREAT's mode does not apply to a file that existed


def credentials_read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class PortalCredentials:
    """Where and as whom the receiver sends its business receipts."""

    portal_url: str  # e.g. http://127.0.0.1:8000
    authorization: str  # "Basic base64(systemId:apiKey)"


@dataclass(frozen=True)
class Stored:
    message_uuid: str
    message_id: str
    path: Path
    is_new: bool


def receipt_body(*, message_uuid: str, message_id: str, xml: bytes) -> dict:
    """The business receipt for a stored message (NGDP-API.md "Receipt")."""
    status, code, text = "COMPLETED", "", ""
    try:
        memo = memo_parse(xml)
    except MemoError as error:
        status, code, text = "INVALID", "memo.invalid", str(error)
    else:
        if memo.header.message_uuid.lower() != message_uuid.lower():
            status, code = "INVALID", "memo.uuid.mismatch"
            text = "The file name is not the messageUUID of the message."
    return {
        "transmissionId": None,
        "messageUUID": message_uuid,
        "messageId": message_id,
        "errorCode": code,
        "errorMessage": text,
        "timeStamp": datetime.now(UTC).isoformat(),
        "receiptStatus": status,
    }


class ReceiptSender:
    """Sends business receipts to the portal one by one, retrying a portal that is down."""

    def __init__(self, credentials: PortalCredentials, *, verify: bool | str = True) -> None:
        self.credentials = credentials
        self.verify = verify
        self.sent: list[tuple[str, int]] = []  # (messageId, HTTP status) for the log and tests
        self._queue: queue.Queue[dict | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="demo-receipts", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=RECEIPT_TIMEOUT.read or 10)

    def submit(self, receipt: dict) -> None:
        self._queue.put(receipt)

    def idle(self) -> bool:
        return self._queue.unfinished_tasks == 0

    def _run(self) -> None:
        with httpx.Client(timeout=RECEIPT_TIMEOUT, verify=self.verify) as client:
            while (receipt := self._queue.get()) is not None:
                try:
                    self._send(client, receipt)
                finally:
                    self._queue.task_done()
            self._queue.task_done()

    def _send(self, client: httpx.Client, receipt: dict) -> None:
        message_id = receipt["messageId"] or receipt["messageUUID"]
        url = f"{self.credentials.portal_url.rstrip('/')}/apis/v1/memos/{message_id}/receipt"
        headers = {"Authorization": self.credentials.authorization}
        status = 0
        for attempt in range(RECEIPT_ATTEMPTS):
            try:
                answer = client.post(url, json=receipt, headers=headers)
            except httpx.HTTPError as error:
                logger.warning("Business receipt for %s: %s", message_id, error)
            else:
                status = answer.status_code
                logger.info("Business receipt for %s: HTTP %s", message_id, status)
                if status < 500 and status not in RETRIED_STATUSES:
                    break
            if attempt + 1 < RECEIPT_ATTEMPTS:
                time.sleep(RECEIPT_BACKOFF_SECONDS * 2**attempt)
        self.sent.append((message_id, status))


class MessageStore:
    """`<directory>/<messageUUID>.xml`, written once: a repeated delivery finds it there."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def put(self, *, message_uuid: str, message_id: str, xml: bytes) -> Stored:
        path = self.directory / f"{message_uuid}.xml"
        with self._lock:  # two deliveries of one message at once store it once
            if path.exists():
                return Stored(message_uuid, message_id, path, is_new=False)
            partial = path.with_suffix(".part")
            partial.write_bytes(xml)
            partial.replace(path)  # atomic: a crash never leaves half a message under its name
        return Stored(message_uuid, message_id, path, is_new=True)


class _Refused(Exception):
    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


def uploaded_file(content_type: str, body: bytes) -> tuple[str, bytes]:
    """(filename, content) of the part named `file` of a multipart/form-data body."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise _Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Expected multipart/form-data.")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    for part in parsed.iter_parts() if parsed.is_multipart() else ():
        if part.get_param("name", header="content-disposition") == "file":
            return part.get_filename() or "", part.get_payload(decode=True) or b""
    raise _Refused(HTTPStatus.BAD_REQUEST, "No part named 'file'.")


def message_uuid_of(filename: str) -> str:
    """The filename is the messageUUID; anything else (a path, say) is refused."""
    name = filename.removesuffix(".xml")
    try:
        return str(uuid.UUID(name))
    except ValueError:
        raise _Refused(HTTPStatus.BAD_REQUEST, "The filename must be the messageUUID.") from None


class _Handler(BaseHTTPRequestHandler):
    server: DemoReceiverServer
    server_version = "AdgangDemoReceiver/1"

    def do_GET(self) -> None:  # a health check for people and scripts
        stored = len(list(self.server.store.directory.glob("*.xml")))
        self._answer(HTTPStatus.OK, {"status": "ok", "messages": stored})

    def do_POST(self) -> None:
        try:
            stored = self._receive()
        except _Refused as refusal:
            self._answer(refusal.status, {"error": str(refusal)})
            return
        self._answer(HTTPStatus.OK, {"messageUUID": stored.message_uuid, "new": stored.is_new})
        if stored.is_new and self.server.receipts is not None:
            self.server.receipts.submit(
                receipt_body(
                    message_uuid=stored.message_uuid,
                    message_id=stored.message_id,
                    xml=stored.path.read_bytes(),
                )
            )

    def _receive(self) -> Stored:
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0:
            raise _Refused(HTTPStatus.LENGTH_REQUIRED, "Content-Length is required.")
        if length > MAX_BODY_BYTES:
            raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "The message is too large.")
        body = self.rfile.read(length)
        filename, xml = uploaded_file(self.headers.get("Content-Type", ""), body)
        return self.server.store.put(
            message_uuid=message_uuid_of(filename),
            message_id=self.headers.get(MESSAGE_ID_HEADER, "").strip(),
            xml=xml,
        )

    def _answer(self, status: HTTPStatus, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:
        logger.log(self.server.log_level, "%s %s", self.address_string(), format % args)


class DemoReceiverServer(ThreadingHTTPServer):
    """An HTTPS server on (host, port) serving `cert`/`key`; `port=0` picks a free port."""

    daemon_threads = True
    log_level = logging.INFO  # each request; the demo's stand-in logs at DEBUG

    def __init__(
        self,
        address: tuple[str, int],
        *,
        store: MessageStore,
        cert: Path,
        key: Path,
        receipts: ReceiptSender | None = None,
    ) -> None:
        super().__init__(address, _Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(cert, key)
        # The handshake runs in the request's thread, so a slow client never blocks accept().
        self.socket = context.wrap_socket(
            self.socket, server_side=True, do_handshake_on_connect=False
        )
        self.store = store
        self.receipts = receipts

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"https://{host}:{port}"

    def serve_in_thread(self) -> threading.Thread:
        thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.1}, name="demo-receiver"
        )
        thread.daemon = True
        thread.start()
        return thread
