"""Register adapter for a real CPR/CVR register over HTTPS (SPEC §1, "Registers").

A small, Datafordeleren-like JSON protocol, configured by URL::

    ADGANG_REGISTER = {
        "BACKEND": "adgang.registers.http.HttpRegister",
        "OPTIONS": {"base_url": "https://register.example/api", "timeout": 5.0},
    }

Expected responses:

``GET {base_url}/cpr/{cpr}`` → 200 with::

    {"cpr": "0101901234", "name": "Mette Hansen", "status": "Aktiv",
     "status_date": "2019-08-01" | null, "birth_date": "1990-01-01",
     "abroad": false, "deceased": false,
     "address": {"street": "Vestergade 12", "postcode": "8000", "city": "Aarhus C",
                 "country": "Danmark"} | null}

``GET {base_url}/cvr/{cvr}`` → 200 with::

    {"cvr": "31415926", "name": "Kommune A", "status": "Aktiv", "kind": "myndighed",
     "is_system_supplier": false,
     "address": {"street": "Rådhuspladsen 1", "postcode": "8000", "city": "Aarhus C"}}

404 means "not in the register" (→ None). Transport failures and timeouts raise
`RegisterUnavailableError`; any other status or an unusable body raises
`RegisterResponseError`. The base URL comes from settings, never from user input, so it
needs no SSRF guard; the number in the path is normalised to digits first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar

import httpx
from django.utils.translation import gettext_lazy as _

from adgang.registers.base import (
    Register,
    RegisterResponseError,
    RegisterUnavailableError,
)
from adgang.registers.types import DENMARK, Address, CompanyRecord, PersonRecord
from adgang.registers.validation import normalise_cpr, normalise_cvr

UNAVAILABLE_MESSAGE = _("Registeret kunne ikke kontaktes. Prøv igen senere.")
BAD_RESPONSE_MESSAGE = _("Registeret svarede med data, der ikke kan læses.")

RecordT = TypeVar("RecordT", PersonRecord, CompanyRecord)


class HttpRegister(Register):
    """Look-ups against a remote register speaking the JSON shape in the module docstring."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = httpx.Timeout(timeout)
        self._client = httpx.Client(
            timeout=self.timeout, headers={"Accept": "application/json"}, follow_redirects=False
        )

    def close(self) -> None:
        self._client.close()

    def lookup_person(self, cpr: str) -> PersonRecord | None:
        number = normalise_cpr(cpr)
        body = self._get(f"/cpr/{number}")
        return None if body is None else _map(_person, body, number)

    def lookup_company(self, cvr: str) -> CompanyRecord | None:
        number = normalise_cvr(cvr)
        body = self._get(f"/cvr/{number}")
        return None if body is None else _map(_company, body, number)

    def companies(self, *, system_suppliers_only: bool = False) -> list[CompanyRecord]:
        raise NotImplementedError("A real register cannot list all companies.")

    def persons(self) -> Iterable[PersonRecord]:
        raise NotImplementedError("A real register cannot list all persons.")

    def _get(self, path: str) -> dict[str, Any] | None:
        try:
            response = self._client.get(self.base_url + path)
        except httpx.TransportError as error:  # timeouts, refused connections, TLS …
            raise RegisterUnavailableError(UNAVAILABLE_MESSAGE) from error
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        try:
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPStatusError, ValueError) as error:
            raise RegisterResponseError(BAD_RESPONSE_MESSAGE) from error
        if not isinstance(body, dict):
            raise RegisterResponseError(BAD_RESPONSE_MESSAGE)
        return body


def _map(mapper: Callable[[dict[str, Any]], RecordT], body: dict[str, Any], number: str) -> RecordT:
    """Apply a JSON → record mapper; any shape error, or a record for another number than
    the one asked for, becomes a RegisterResponseError."""
    try:
        record = mapper(body)
    except (KeyError, TypeError, ValueError) as error:
        raise RegisterResponseError(BAD_RESPONSE_MESSAGE) from error
    if number not in (getattr(record, "cpr", None), getattr(record, "cvr", None)):
        raise RegisterResponseError(BAD_RESPONSE_MESSAGE)
    return record


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a JSON string, got {value!r}")
    return value


def _address(data: dict[str, Any] | None) -> Address | None:
    if data is None:
        return None
    return Address(
        street=_text(data["street"]),
        postcode=_text(data["postcode"]),
        city=_text(data["city"]),
        country=_text(data.get("country") or DENMARK),
    )


def _optional_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected a JSON boolean, got {value!r}")
    return value


def _person(data: dict[str, Any]) -> PersonRecord:
    return PersonRecord(
        cpr=data["cpr"],
        name=_text(data["name"]),
        status=data["status"],
        status_date=_optional_date(data.get("status_date")),
        address=_address(data.get("address")),
        abroad=_flag(data["abroad"]),
        deceased=_flag(data["deceased"]),
        birth_date=date.fromisoformat(data["birth_date"]),
    )


def _company(data: dict[str, Any]) -> CompanyRecord:
    address = _address(data["address"])
    if address is None:
        raise ValueError("a company must have a head-office address")
    return CompanyRecord(
        cvr=data["cvr"],
        name=_text(data["name"]),
        address=address,
        status=data["status"],
        is_system_supplier=_flag(data.get("is_system_supplier", False)),
        kind=data["kind"],
    )
