"""Parsing and checking what a person types about a system (SPEC §3 "Tilslutning", "Kontakt").

Each function returns the normalised value or raises `django.core.exceptions.ValidationError`
with a Danish message fit to show next to the field. Forms, the details page's edit forms and
`manage.py system add` all call these, so every path refuses the same input the same way.
"""

import base64
import binascii
import hashlib
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import phonenumbers
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_ssh_public_key
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from adgang.registers.validation import RegisterInputError, normalise_cvr
from adgang.systems.models import MAX_IP_ADDRESSES, NAME_MAX_LENGTH, URL_MAX_LENGTH

MIN_RSA_BITS = 2048
MAX_SSH_KEY_LENGTH = 16_384
EMAIL_MAX_LENGTH = 254  # the model field's length (RFC 5321 path limit)
# Digits with the usual separators, "+" only in front: phonenumbers would otherwise read
# letters as a keypad word ("33 12 AB CD" → 33 12 22 23).
PHONE_CHARACTERS = re.compile(r"\+?[0-9 ().\-]+")


def _has_control_character(text: str) -> bool:
    # NUL and friends: PostgreSQL refuses NUL in text, and none belongs in a name or URL.
    return any(unicodedata.category(c) == "Cc" for c in text)


def validate_name(value: str, *, empty_message: str | None = None) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise ValidationError(empty_message or _("Giv systemet et navn."), code="required")
    if _has_control_character(name):
        raise ValidationError(_("Navnet indeholder tegn, der ikke kan bruges."), code="invalid")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("Navnet må højst være %(max)d tegn (du har skrevet %(count)d).")
            % {"max": NAME_MAX_LENGTH, "count": len(name)},
            code="max_length",
        )
    return name


@dataclass(frozen=True)
class AllowedIps:
    """Up to 32 single addresses, or exactly one range (SPEC §3)."""

    addresses: tuple[str, ...] = ()
    range: str = ""

    @property
    def as_list(self) -> list[str]:
        return [self.range] if self.range else list(self.addresses)


def _is_range(token: str) -> bool:
    return "/" in token or "-" in token


def _parse_range(token: str) -> str:
    problem = ValidationError(
        _("»%(value)s« er ikke en gyldig IP-range. Skriv fx 10.0.0.0/24 eller 10.0.0.1-10.0.0.20.")
        % {"value": token},
        code="invalid_range",
    )
    if "%" in token:  # an IPv6 zone ("fe80::1%eth0") names a local interface, not a caller
        raise problem
    if "/" in token:
        try:
            network = ipaddress.ip_network(token)
        except ValueError:
            pass
        else:
            if network.prefixlen == 0:
                raise _everyone(token)
            return str(network)
        try:
            network = ipaddress.ip_network(token, strict=False)
        except ValueError:
            raise problem from None
        raise ValidationError(
            _("»%(value)s« er ikke en netværksadresse. Mente du %(network)s?")
            % {"value": token, "network": network},
            code="invalid_range",
        )
    first, _sep, last = token.partition("-")
    try:
        start, end = ipaddress.ip_address(first), ipaddress.ip_address(last)
    except ValueError:
        raise problem from None
    if start.version != end.version or start > end:
        raise ValidationError(
            _(
                "IP-rangen »%(value)s« skal starte med den laveste adresse, og begge "
                "adresser skal være af samme type (IPv4 eller IPv6)."
            )
            % {"value": token},
            code="invalid_range",
        )
    if int(start) == 0 and int(end) == (2**start.max_prefixlen) - 1:
        raise _everyone(token)
    return f"{start}-{end}"


def _everyone(token: str) -> ValidationError:
    # A range of every address would switch the IP check off (NGDP-API.md "Authentication").
    return ValidationError(
        _("IP-rangen »%(value)s« omfatter alle adresser. Angiv kun systemets egne adresser.")
        % {"value": token},
        code="all_addresses",
    )


_RANGE_DASH = re.compile(r"\s*-\s*")


def parse_allowed_ips(text: str) -> AllowedIps:
    """Addresses separated by commas, spaces or new lines, or one range (CIDR or a–b)."""
    # "10.0.0.1 - 10.0.0.9" is one range, not two addresses and a dash.
    text = _RANGE_DASH.sub("-", text or "")
    tokens = [t for t in text.replace(",", " ").replace(";", " ").split() if t]
    if not tokens:
        raise ValidationError(_("Angiv mindst én IP-adresse eller én IP-range."), code="required")
    ranges = [t for t in tokens if _is_range(t)]
    if len(ranges) > 1:
        raise ValidationError(_("Du kan kun angive én IP-range."), code="two_ranges")
    if ranges and len(tokens) > 1:
        raise ValidationError(
            _("Angiv enten IP-adresser eller én IP-range, ikke begge dele."),
            code="range_and_addresses",
        )
    if ranges:
        return AllowedIps(range=_parse_range(ranges[0]))
    addresses: list[str] = []
    for token in tokens:
        try:
            if "%" in token:  # a zone id is local to a host; see _parse_range
                raise ValueError(token)
            address = str(ipaddress.ip_address(token))
        except ValueError:
            raise ValidationError(
                _("»%(value)s« er ikke en gyldig IP-adresse.") % {"value": token},
                code="invalid_ip",
            ) from None
        if address not in addresses:
            addresses.append(address)
    if len(addresses) > MAX_IP_ADDRESSES:
        raise ValidationError(
            _("Du kan højst angive %(max)d IP-adresser (du har angivet %(count)d).")
            % {"max": MAX_IP_ADDRESSES, "count": len(addresses)},
            code="too_many",
        )
    return AllowedIps(addresses=tuple(addresses))


def _forms(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> tuple:
    """An address and its other spelling: 192.0.2.1 and ::ffff:192.0.2.1 are one caller.

    A dual-stack proxy reports IPv4 callers in the mapped IPv6 form, and an administrator
    may have typed either.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        return (ip, ip.ipv4_mapped) if ip.ipv4_mapped is not None else (ip,)
    return (ip, ipaddress.IPv6Address(f"::ffff:{ip}"))


def ip_allowed(client_ip: str, *, addresses: list[str], ip_range: str) -> bool:
    """Is `client_ip` one of the addresses or inside the range? (used by authentication)."""
    try:
        client = _forms(ipaddress.ip_address(client_ip))
    except ValueError:
        return False
    try:
        if ip_range:
            if "/" in ip_range:
                network = ipaddress.ip_network(ip_range)
                return any(ip in network for ip in client)
            first, _sep, last = ip_range.partition("-")
            start, end = ipaddress.ip_address(first), ipaddress.ip_address(last)
            return any(ip.version == start.version and start <= ip <= end for ip in client)
        allowed = {form for a in addresses for form in _forms(ipaddress.ip_address(a))}
    except ValueError:  # a stored value the parser would refuse: let no one in
        return False
    return any(ip in allowed for ip in client)


# IPv6 prefixes that carry an IPv4 address in their last 32 bits and reach it through a
# translator or relay: NAT64 (RFC 6052) and the deprecated IPv4-compatible form (::/96).
# Some Python versions call these `is_global` whatever IPv4 address they carry.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: local use only
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address forwards to (mapped, 6to4, NAT64, compatible)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or ip in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_is_internal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Not a public unicast address, also when it is an IPv6 form of an internal IPv4 one."""
    if not ip.is_global or ip.is_multicast:
        return True
    if ip.version == 6:
        if ip in _NAT64_LOCAL:
            return True
        embedded = _embedded_ipv4(ip)
        return embedded is not None and (not embedded.is_global or embedded.is_multicast)
    return False


def _host_is_internal(host: str) -> bool:
    host = host.lower().rstrip(".")  # "localhost." is localhost
    if host in {"localhost", "localhost.localdomain"} or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address_is_internal(ip)


def validate_https_url(value: str, *, what: str) -> str:
    """An absolute https URL Digital Post may call (SPEC §3; DESIGN "HTTP out": no SSRF).

    `what` names the field in the message ("End point", "Kvitterings-end point"). Internal
    addresses (loopback, private, link-local) are refused unless
    `ADGANG_OUTBOUND_ALLOW_PRIVATE` is set (tests and the demo); delivery checks again after
    name resolution.
    """
    url = (value or "").strip()
    if not url:
        raise ValidationError(_("Angiv %(what)s.") % {"what": what}, code="required")
    if len(url) > URL_MAX_LENGTH:
        raise ValidationError(
            _("%(what)s må højst være %(max)d tegn.") % {"what": what, "max": URL_MAX_LENGTH},
            code="max_length",
        )
    example = "https://post.eksempel.dk/modtag"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if (
        parts is None
        or not parts.scheme
        or not parts.hostname
        or any(c.isspace() for c in url)
        or _has_control_character(url)
    ):
        raise ValidationError(
            _("%(what)s skal være en fuld adresse, der begynder med https://, fx %(example)s.")
            % {"what": what, "example": example},
            code="invalid",
        )
    if parts.scheme.lower() != "https":
        raise ValidationError(
            _("%(what)s skal benytte SSL (https-protokol), fx %(example)s.")
            % {"what": what, "example": example},
            code="not_https",
        )
    if parts.username or parts.password:
        raise ValidationError(
            _("%(what)s må ikke indeholde brugernavn eller adgangskode.") % {"what": what},
            code="credentials",
        )
    if port is not None and not 0 < port < 65536:
        raise ValidationError(_("Portnummeret er ikke gyldigt."), code="port")
    if _host_is_internal(parts.hostname) and not settings.ADGANG_OUTBOUND_ALLOW_PRIVATE:
        raise ValidationError(
            _("%(what)s må ikke pege på en intern adresse (fx localhost eller 10.x.x.x).")
            % {"what": what},
            code="internal",
        )
    try:
        # Host names as DNS allows them; this also refuses numeric shorthands such as
        # "127.1" or "2130706433" that a resolver would read as a loopback address.
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        raise ValidationError(
            _("%(what)s skal være en fuld adresse, der begynder med https://, fx %(example)s.")
            % {"what": what, "example": example},
            code="invalid",
        ) from None
    return url


_PRIVATE_KEY_MARKERS = ("PRIVATE KEY", "PUTTY-USER-KEY-FILE")


def _ssh_blob(encoded: str) -> bytes | None:
    """The key's binary form, or None unless `encoded` is strict base64."""
    try:
        return base64.b64decode(encoded.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


def validate_ssh_public_key(value: str) -> str:
    """A valid OpenSSH public key: ed25519, ecdsa, or rsa of at least 2048 bit (SPEC §3).

    The line is "<type> <base64 key> [comment]"; the comment may be any text.
    """
    text = (value or "").strip()
    if not text:
        raise ValidationError(_("Indsæt systemets offentlige SSH-nøgle."), code="required")
    if any(marker in text.upper() for marker in _PRIVATE_KEY_MARKERS):
        raise ValidationError(
            _(
                "Du har indsat en privat nøgle. Indsæt kun den offentlige nøgle (filen ender "
                "typisk på .pub), og lav et nyt nøglepar, da den private nøgle ikke længere "
                "kan regnes for hemmelig."
            ),
            code="private_key",
        )
    unreadable = ValidationError(
        _(
            "SSH-nøglen kan ikke læses. Indsæt en offentlig OpenSSH-nøgle på én linje, der "
            "begynder med ssh-ed25519, ecdsa-sha2-nistp256 eller ssh-rsa."
        ),
        code="invalid",
    )
    if len(text) > MAX_SSH_KEY_LENGTH or _has_control_character(text):
        raise unreadable  # also more than one line
    parts = text.split(None, 2)
    if parts[0] == "ssh-dss":
        # Checked by name: cryptography is dropping DSA, so it may not even parse it.
        raise ValidationError(
            _("DSA-nøgler understøttes ikke. Brug en ed25519-, ecdsa- eller RSA-nøgle."),
            code="dsa",
        )
    blob = _ssh_blob(parts[1]) if len(parts) > 1 else None
    if blob is None:
        raise unreadable
    try:
        key = load_ssh_public_key(f"{parts[0]} {parts[1]}".encode("ascii"))
    except (ValueError, UnicodeEncodeError, TypeError, UnsupportedAlgorithm):
        raise unreadable from None
    if isinstance(key, dsa.DSAPublicKey):  # pragma: no cover - refused by name above
        raise ValidationError(
            _("DSA-nøgler understøttes ikke. Brug en ed25519-, ecdsa- eller RSA-nøgle."),
            code="dsa",
        )
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_BITS:
        raise ValidationError(
            _("RSA-nøglen er på %(bits)d bit. Den skal være på mindst %(min)d bit.")
            % {"bits": key.key_size, "min": MIN_RSA_BITS},
            code="rsa_too_short",
        )
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey):
        raise unreadable
    return text


def validate_delegated_cvr(value: str) -> str:
    """Systemfuldmagt: the supplier's CVR number (checked with its control digit)."""
    if not (value or "").strip():
        return ""
    try:
        return normalise_cvr(value)
    except RegisterInputError as error:
        raise ValidationError(str(error), code=error.code) from None


def validate_email(value: str, *, required: bool = True) -> str:
    email = (value or "").strip()
    if not email:
        if required:
            raise ValidationError(_("Angiv en e-mailadresse."), code="required")
        return ""
    invalid = _("Indtast en gyldig e-mailadresse, fx it-drift@kommune.dk.")
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValidationError(invalid, code="invalid")
    EmailValidator(message=invalid)(email)
    return email.lower() if email.count("@") == 1 else email


def validate_phone(value: str) -> str:
    """A Danish or international phone number, stored in international format."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(_("Angiv et telefonnummer."), code="required")
    invalid = ValidationError(
        _("Telefonnummeret er ikke gyldigt. Skriv fx 33 12 34 56 eller +45 33 12 34 56."),
        code="invalid",
    )
    if not PHONE_CHARACTERS.fullmatch(text):
        raise invalid
    try:
        number = phonenumbers.parse(text, "DK")
    except phonenumbers.NumberParseException:
        raise invalid from None
    if not phonenumbers.is_valid_number(number):
        raise invalid
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def ssh_key_fingerprint(public_key: str) -> str:
    """SHA256 fingerprint as `ssh-keygen -l` prints it, for the details page."""
    parts = (public_key or "").split()
    blob = _ssh_blob(parts[1]) if len(parts) > 1 else None
    if not blob:
        return ""
    digest = hashlib.sha256(blob).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")
