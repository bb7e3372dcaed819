"""A tiny threaded HTTPS receiver in the bench process for REST PUSH deliveries: it answers
200 to every POST and counts each `file` part's filename (the messageUUID, NGDP-API.md
"Receiving") per path, so the suite can say whether every message arrived exactly once.

TLS uses `adgang.core.devtls.self_signed_certificate`; the delivery workers trust it through
`ADGANG_OUTBOUND_CA_FILE` (verification is never switched off)."""

from __future__ import annotations

import re
import socket
import ssl
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from adgang.core.devtls import self_signed_certificate

_FILENAME = re.compile(rb'filename="([^"]+)"')


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        names = [match.decode() for match in _FILENAME.findall(body)]
        with self.server.lock:
            for name in names:
                self.server.received[(self.path, name)] += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024

    def get_request(self):
        sock, address = super().get_request()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.lock:
            self.connections += 1
        return sock, address


class Receiver:
    def __init__(self, directory: Path) -> None:
        cert, key = self_signed_certificate(directory, name="bench-receiver")
        self.ca_file = str(cert)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.lock = threading.Lock()
        self._server.received = Counter()
        self._server.connections = 0
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"https://127.0.0.1:{self.port}{path}"

    def counts(self, path: str) -> Counter:
        with self._server.lock:
            return Counter({n: c for (p, n), c in self._server.received.items() if p == path})

    @property
    def connections(self) -> int:
        """Connections accepted so far."""
        with self._server.lock:
            return self._server.connections

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def exactly_once(counts: Counter, expected: list[str]) -> dict:
    """Losses, duplicates and strangers among what arrived, against what should have."""
    wanted = set(expected)
    return {
        "received": sum(counts[name] for name in wanted),
        "lost": sum(1 for name in wanted if counts[name] == 0),
        "duplicated": sum(1 for name in wanted if counts[name] > 1),
        "other": sum(c for name, c in counts.items() if name not in wanted),
    }
