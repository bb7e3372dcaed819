"""The one HTTP client for calls Digital Post makes to connected systems (SPEC §3, §13;
DESIGN "HTTP out"): REST PUSH deliveries, PUBLISH/SUBSCRIBE notifications, receipts.

- Only https URLs; TLS is verified against the system store plus
  `settings.ADGANG_OUTBOUND_CA_FILE` (the demo receiver's and the tests' self-signed
  certificate), never switched off.
- SSRF guard: the host name is resolved here and every address it resolves to must be
  public (not private, loopback, link-local, multicast, reserved …) unless
  `settings.ADGANG_OUTBOUND_ALLOW_PRIVATE`. The connection then goes to the address that was
  checked, with SNI, certificate check and `Host` still the host name, so a DNS answer that
  changes between check and connect (rebinding) cannot redirect the call.
- Explicit timeouts (connect 5 s, read/write 30 s) and a total deadline on the answer; no
  redirects are followed (a 3xx is a failed call); at most `MAX_ANSWER_BYTES` are read.

Callers never see an exception: `post()` answers an `Outcome` whose `error` is the Danish
text the message log shows for a failed attempt.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.conf import settings

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
TOTAL_TIMEOUT = 60.0
MAX_ANSWER_BYTES = 64 * 1024


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
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return address.is_global and not address.is_multicast


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


def _target(url: str) -> tuple[str, dict[str, str], dict]:
    """(URL with the checked address, headers, httpx extensions) for calling `url`."""
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
    return target, {"Host": host_header}, {"sni_hostname": host}


def post(url: str, *, files=None, json=None) -> Outcome:
    """POST to a connected system's URL; see the module docstring for the guarantees."""
    try:
        target, headers, extensions = _target(url)
    except Refused as refusal:
        return Outcome(ok=False, error=str(refusal))
    timeout = httpx.Timeout(
        _timeout("ADGANG_OUTBOUND_READ_TIMEOUT", READ_TIMEOUT),
        connect=_timeout("ADGANG_OUTBOUND_CONNECT_TIMEOUT", CONNECT_TIMEOUT),
    )
    deadline = time.monotonic() + _timeout("ADGANG_OUTBOUND_TOTAL_TIMEOUT", TOTAL_TIMEOUT)
    try:
        with httpx.Client(
            verify=_tls_context(settings.ADGANG_OUTBOUND_CA_FILE),
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,  # no proxy from the environment: we checked this address
        ) as client:
            request = client.build_request(
                "POST", target, headers=headers, files=files, json=json, extensions=extensions
            )
            response = client.send(request, stream=True)
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


def _drain(response: httpx.Response, deadline: float) -> None:
    """Read (and drop) at most MAX_ANSWER_BYTES of the answer, within the total deadline."""
    read = 0
    for chunk in response.iter_raw():
        read += len(chunk)
        if time.monotonic() > deadline:
            raise TimeoutError("Systemet svarede ikke færdigt i tide (timeout).")
        if read >= MAX_ANSWER_BYTES:
            break
