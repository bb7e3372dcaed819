"""The one adapter interface for the CPR and CVR registers (SPEC §1, "Registers").

SPEC §1 requires that every staff look-up of a CPR/CVR is written to the staff search log
(§7.5). Adapters do not log. Views and API endpoints must therefore never call an adapter
directly: they go through the audit-logging look-up service, which obtains the configured
adapter from `adgang.registers.registry.get_register()` and writes the search log entry.
Only that service, system code (e.g. routing) and demo/test tooling call adapters.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable

from adgang.registers.types import CompanyRecord, PersonRecord


class RegisterError(Exception):
    """Base class for failures of a register adapter (not of the caller's input).

    The message is Danish and safe to show to staff; technical details travel in
    `__cause__` for the server log.
    """


class RegisterUnavailableError(RegisterError):
    """The register could not be reached or did not answer in time."""


class RegisterResponseError(RegisterError):
    """The register answered, but with something the adapter cannot use."""


class Register(abc.ABC):
    """A source of person (CPR) and company (CVR) records.

    Look-up methods accept a number with or without separators and normalise it with
    `adgang.registers.validation`; a malformed number raises `RegisterInputError`, a
    well-formed number the register does not know returns `None`. Failures of the register
    itself raise a `RegisterError`.
    """

    @abc.abstractmethod
    def lookup_person(self, cpr: str) -> PersonRecord | None:
        """The person with this CPR number, or None if the register has no such person."""

    @abc.abstractmethod
    def lookup_company(self, cvr: str) -> CompanyRecord | None:
        """The company with this CVR number, or None if the register has no such company."""

    @abc.abstractmethod
    def companies(self, *, system_suppliers_only: bool = False) -> list[CompanyRecord]:
        """All companies (for demo/test tooling only; a real register may not support it)."""

    @abc.abstractmethod
    def persons(self) -> Iterable[PersonRecord]:
        """All persons (for demo/test tooling only; a real register may not support it)."""
