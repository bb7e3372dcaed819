"""The privacy-policy link rule (SPEC §9, guide §11.3): "URL'en skal starte med https:// og
må max. være 2048 tegn".

Decisions beyond the guide's two rules, because the link is shown to citizens inside Digital
Post and must lead where it says:
- Whitespace, control and invisible format characters (zero-width space, bidi overrides)
  anywhere are refused: they hide what the link really is. Spaces around the link are
  trimmed (a copy-paste artefact), not refused.
- `https://name@host` (userinfo) is refused: `https://kommune.dk@evil.example` opens
  evil.example. A backslash is refused too (browsers read it as `/`).
- The host must be a domain name with at least two labels and a top-level domain of letters
  (or an IDN such as `københavn.dk`); IP addresses and `localhost` are refused.
- The link is never fetched by the server (no SSRF): "Afprøv link" opens it in the
  administrator's own browser.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from adgang.authorityinfo.models import PRIVACY_LINK_MAX_LENGTH

SCHEME_PREFIX = "https://"
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Co", "Cs", "Cn"})
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_url_shape = URLValidator(schemes=["https"])

MESSAGES = {
    "required": _("Indtast linket til jeres privatlivspolitik."),
    "too_long": _("Linket må højst være 2048 tegn. Det er %(count)d tegn."),
    "scheme": _("Linket skal starte med https://"),
    "invisible": _("Linket må ikke indeholde mellemrum, linjeskift eller usynlige tegn."),
    "userinfo": _(
        "Linket må ikke indeholde et brugernavn eller tegnet @ før domænet "
        "(fx https://navn@domæne.dk)."
    ),
    "host": _(
        "Linket skal indeholde et gyldigt domænenavn, fx https://www.kommune.dk/privatlivspolitik."
    ),
    "invalid": _("Linket er ikke en gyldig URL."),
}


def _refuse(key: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[key], code=key, params=params or None)


def _host_check(hostname: str) -> None:
    if not hostname:
        raise _refuse("host")
    try:
        ascii_host = hostname.rstrip(".").encode("idna").decode("ascii").lower()
    except (UnicodeError, ValueError):
        raise _refuse("host") from None
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise _refuse("host")
    if not _TLD.match(labels[-1]):  # also refuses IPv4 addresses (digits only)
        raise _refuse("host")


def privacy_link_clean(value: object) -> str:
    """The link as it is stored, or a ValidationError with the Danish reason (SPEC §9).

    Only ValidationError ever leaves this function, whatever `value` is.
    """
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise _refuse("required")
    if len(text) > PRIVACY_LINK_MAX_LENGTH:
        raise _refuse("too_long", count=len(text))
    if text[: len(SCHEME_PREFIX)].lower() != SCHEME_PREFIX:
        raise _refuse("scheme")
    text = SCHEME_PREFIX + text[len(SCHEME_PREFIX) :]
    if any(unicodedata.category(ch) in _INVISIBLE_CATEGORIES for ch in text):
        raise _refuse("invisible")
    if "\\" in text:
        raise _refuse("invalid")
    try:
        parts = urlsplit(text)
        hostname = parts.hostname or ""
        port = parts.port  # ValueError for a port that is not a number in range
    except ValueError:
        raise _refuse("invalid") from None
    if "@" in parts.netloc:
        raise _refuse("userinfo")
    if port == 0:
        raise _refuse("invalid")
    if hostname.startswith("[") or ":" in hostname:
        raise _refuse("host")  # an IPv6 literal
    _host_check(hostname)
    try:
        _url_shape(text)
    except ValidationError:
        raise _refuse("invalid") from None
    return text
