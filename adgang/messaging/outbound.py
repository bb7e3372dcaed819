"""The one HTTP client for calls Digital Post makes to connected systems (SPEC §3, §13;
DESIGN "HTTP out"): REST PUSH deliveries, PUBLISH/SUBSCRIBE notifications, receipts.

- Only https URLs; TLS is verified against the system store plus
  `settings.ADGANG_OUTBOUND_CA_FILE` (the demo receiver's and the tests' self-signed
  certificate), never switched off.
- SSRF guard: the host name is resolved here and every address it resolves to must be
  public (not private, loopback, link-local, multicast, reserved, nor an IPv6 form of such
  an IPv4 address: NAT64, 6to4, IPv4-compatible …) unless
  `settings.ADGANG_OUTBOUND_ALLOW_PRIVATE`. The connection then goes to the address that was
  checked, with SNI, certificate check and `Host` still the host name, so a DNS answer that
  changes between check and connect (rebinding) cannot redirect the call.
- Explicit timeouts (connect 5 s, read/write 30 s) and a total deadline on the answer; no
  redirects are followed (a 3xx is a failed call); at most `MAX_ANSWER_BYTES` are read.
- Keep-alive: connections are pooled per (scheme, host, port, checked address, CA file), one
  httpx transport per key in a process-wide LRU (`_Transports`). The check above still runs
  on every call, and its answer is part of the key, so a call only ever reuses a connection
  to the address it has just checked (a DNS answer that changes gets a new pool); the host
  is part of the key too, so a connection's SNI and certificate check are always the host
  name's. Bounded: `POOL_CONNECTIONS` per key, idle connections closed after
  `KEEPALIVE_SECONDS`, at most `MAX_TRANSPORTS` keys. The transport is used without an httpx
  `Client`: no cookies carried from one call to the next, no redirects, no proxy.
- Never sent twice: a connection the receiver closed while it was idle is noticed before it
  is used (httpcore drops an idle connection whose socket is readable) and the call goes out
  on a new one. A connection that breaks after the request was written is a failed attempt,
  never retried here: the receiver may have stored the message, and the delivery policy's
  next attempt (SPEC §3) is the only resend. Keep-alive is kept shorter than common servers'
  idle timeouts (gunicorn 2 s, Apache/uvicorn/Node 5 s), so the race of a receiver closing
  a connection just as a request is written on it stays rare; httpx's own retries (connect
  failures only) stay off, as before.

Callers never see an exception: `post()` answers an `Outcome` whose `error` is the Danish
text the message log shows for a failed attempt.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.conf import settings

from adgang.systems.validation import address_is_internal

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
TOTAL_TIMEOUT = 60.0
MAX_ANSWER_BYTES = 64 * 1024
POOL_CONNECTIONS = 32  # per key: above the delivery worker's parallel calls (delivery.PARALLEL)
KEEPALIVE_SECONDS = 1.0  # below the idle timeouts of common servers (see the docstring)
MAX_TRANSPORTS = 64  # keys kept per process; the least recently used is closed first
# What httpx.Client sent before the pool (the transport alone sends no default headers).
HEADERS = {
    "Accept": "*/*",
    "Accept-Encoding": "gzip, deflate",
    "Connection": "keep-alive",
    "User-Agent": f"python-httpx/{httpx.__version__}",
}


@dataclass(frozen=True)
class Outcome:
    ok: bool  # the system answered 2xx
    status: int | None = None
    error: str = ""  # why the call failed, as the message log shows it


class Refused(Exception):
    """The URL may not be called (not https, internal address, unresolvable host)."""


def _timeout(name: str, default: float) -> float:
    # Tests shorten the timeouts through settings; production keeps the defaults.
    return float(getattr(settings, name, default))


@lru_cache(maxsize=4)
def _tls_context(ca_file: str) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A public unicast address; an IPv6 form that carries an IPv4 address (NAT64, 6to4,
    IPv4-compatible) only when that IPv4 address is public too (the input check's rule)."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return not address_is_internal(address)


def resolve_checked(host: str, port: int) -> str:
    """The address to connect to for `host`, after the SSRF check (see the module docstring).

    Every address the name resolves to must pass, so a name that answers with one public and
    one internal address is refused as a whole.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(f"Værtsnavnet {host} kunne ikke slås op ({error}).") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise Refused(f"Værtsnavnet {host} har ingen adresse.")
    if not settings.ADGANG_OUTBOUND_ALLOW_PRIVATE:
        internal = [str(a) for a in addresses if not _is_public(a)]
        if internal:
            raise Refused(
                f"Adressen {host} peger på en intern adresse ({', '.join(internal)}); "
                "der er ikke forbundet."
            )
    return str(addresses[0])


@dataclass(frozen=True)
class _Key:
    """What a pooled connection is good for: one checked address of one host name."""

    scheme: str
    host: str
    port: int
    address: str
    ca_file: str


def _target(url: str) -> tuple[str, dict[str, str], _Key]:
    """(URL with the checked address, headers, pool key) for calling `url`."""
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError:
        raise Refused(f"Adressen {url!r} er ikke gyldig.") from None
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise Refused(f"Adressen {url!r} er ikke en https-adresse.")
    host = parts.hostname
    address = resolve_checked(host, port)
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{port}"
    target = urlunsplit(("https", netloc, parts.path or "/", parts.query, ""))
    host_header = host if port == 443 else f"{parts.netloc.rsplit('@', 1)[-1]}"
    key = _Key("https", host, port, address, settings.ADGANG_OUTBOUND_CA_FILE or "")
    return target, {**HEADERS, "Host": host_header}, key


def post(url: str, *, files=None, json=None) -> Outcome:
    """POST to a connected system's URL; see the module docstring for the guarantees."""
    try:
        target, headers, key = _target(url)
    except Refused as refusal:
        return Outcome(ok=False, error=str(refusal))
    timeout = httpx.Timeout(
        _timeout("ADGANG_OUTBOUND_READ_TIMEOUT", READ_TIMEOUT),
        connect=_timeout("ADGANG_OUTBOUND_CONNECT_TIMEOUT", CONNECT_TIMEOUT),
    )
    deadline = time.monotonic() + _timeout("ADGANG_OUTBOUND_TOTAL_TIMEOUT", TOTAL_TIMEOUT)
    extensions = {"sni_hostname": key.host, "timeout": timeout.as_dict()}
    try:
        request = httpx.Request(
            "POST", target, headers=headers, files=files, json=json, extensions=extensions
        )
        with _transports.lease(key) as transport:
            response = transport.handle_request(request)
            try:
                _drain(response, deadline)
            finally:
                response.close()
    except httpx.TimeoutException:
        return Outcome(ok=False, error="Systemet svarede ikke i tide (timeout).")
    except TimeoutError as error:
        return Outcome(ok=False, error=str(error))
    except httpx.HTTPError as error:
        return Outcome(ok=False, error=f"Forbindelsen til systemet fejlede: {error}")
    if 200 <= response.status_code < 300:
        return Outcome(ok=True, status=response.status_code)
    return Outcome(
        ok=False,
        status=response.status_code,
        error=f"Systemet svarede HTTP {response.status_code}.",
    )


@dataclass
class _Entry:
    transport: httpx.HTTPTransport
    users: int = 0
    last_used: float = field(default_factory=time.monotonic)
    retired: bool = False  # out of the LRU: closed when its last user is done


class _Transports:
    """The process-wide LRU of pooled transports, safe for the delivery worker's threads.

    A transport leaves the LRU when it is the least recently used of more than
    MAX_TRANSPORTS, or idle longer than KEEPALIVE_SECONDS (its connections have expired
    anyway); it is closed at once when no call is using it, else by its last user. A forked
    child starts with none (it must not share its parent's sockets).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[_Key, _Entry] = OrderedDict()
        self._pid = os.getpid()

    @contextmanager
    def lease(self, key: _Key):
        with self._lock:
            if self._pid != os.getpid():
                self._entries, self._pid = OrderedDict(), os.getpid()
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = _Entry(_transport(key.ca_file))
            self._entries.move_to_end(key)
            entry.users += 1
            closing = self._retire_stale(time.monotonic())
        _close(closing)
        try:
            yield entry.transport
        finally:
            with self._lock:
                entry.users -= 1
                entry.last_used = time.monotonic()
                done = entry.retired and entry.users == 0
            if done:
                entry.transport.close()

    def _retire_stale(self, now: float) -> list[_Entry]:
        """Take stale entries out of the LRU (lock held); answer those to close now."""
        stale = [
            key
            for number, (key, entry) in enumerate(self._entries.items())
            if number < len(self._entries) - MAX_TRANSPORTS
            or (entry.users == 0 and now - entry.last_used > KEEPALIVE_SECONDS)
        ]
        closing = []
        for key in stale:
            entry = self._entries.pop(key)
            entry.retired = True
            if entry.users == 0:
                closing.append(entry)
        return closing

    def close_all(self) -> None:
        with self._lock:
            entries = list(self._entries.values())
            self._entries.clear()
            for entry in entries:
                entry.retired = True
            idle = [entry for entry in entries if entry.users == 0]
        _close(idle)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def _transport(ca_file: str) -> httpx.HTTPTransport:
    return httpx.HTTPTransport(
        verify=_tls_context(ca_file),
        trust_env=False,  # no proxy or certificate settings from the environment
        limits=httpx.Limits(
            max_connections=POOL_CONNECTIONS,
            max_keepalive_connections=POOL_CONNECTIONS,
            keepalive_expiry=KEEPALIVE_SECONDS,
        ),
    )


def _close(entries: list[_Entry]) -> None:
    for entry in entries:
        entry.transport.close()


_transports = _Transports()


def transports_close() -> None:
    """Close every pooled connection of this process (tests; a worker shutting down)."""
    _transports.close_all()


def _drain(response: httpx.Response, deadline: float) -> None:
    """Read (and drop) at most MAX_ANSWER_BYTES of the answer, within the total deadline."""
    read = 0
    for chunk in response.iter_raw():
        read += len(chunk)
        if time.monotonic() > deadline:
            raise TimeoutError("Systemet svarede ikke færdigt i tide (timeout).")
        if read >= MAX_ANSWER_BYTES:
            break
