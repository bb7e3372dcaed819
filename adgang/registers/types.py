"""Value types returned by every register adapter (SPEC §1, "Registers").

The records are frozen so one generated or fetched record can be shared safely between
requests and threads. They carry what the portal shows about a person (CPR) or a company
(CVR); whether a person is exempt from Digital Post or has unopened post is *not* register
data and is answered by the exemptions and messaging apps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Person statuses, using the CPR register's own Danish labels (shown as is in the UI).
STATUS_ACTIVE = "Aktiv"
STATUS_EMIGRATED = "Udrejst"
STATUS_DECEASED = "Død"
PERSON_STATUSES = (STATUS_ACTIVE, STATUS_EMIGRATED, STATUS_DECEASED)

# Company statuses (CVR register labels).
COMPANY_ACTIVE = "Aktiv"
COMPANY_CEASED = "Ophørt"
COMPANY_STATUSES = (COMPANY_ACTIVE, COMPANY_CEASED)

# Organisation kinds (SPEC §1): `myndighed` = public authority, `virksomhed` = company.
KIND_AUTHORITY = "myndighed"
KIND_COMPANY = "virksomhed"
COMPANY_KINDS = (KIND_AUTHORITY, KIND_COMPANY)

DENMARK = "Danmark"


def _require_digits(value: str, length: int, field: str) -> None:
    is_digits = isinstance(value, str) and value.isascii() and value.isdigit()
    if not (is_digits and len(value) == length):
        raise ValueError(f"{field} must be {length} ASCII digits, got {value!r}")


def _require_choice(value: str, choices: tuple[str, ...], field: str) -> None:
    if value not in choices:
        raise ValueError(f"{field} must be one of {choices}, got {value!r}")


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address; `street` holds street name, number and floor/door."""

    street: str
    postcode: str
    city: str
    country: str = DENMARK

    @property
    def is_danish(self) -> bool:
        return self.country == DENMARK

    def lines(self) -> tuple[str, ...]:
        """The address as the lines printed on an envelope."""
        city_line = f"{self.postcode} {self.city}".strip()
        if self.is_danish:
            return (self.street, city_line)
        return (self.street, city_line, self.country)


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A person in the CPR register.

    `cpr` is 10 digits without a dash. `address` is the folkeregister address (the
    registered home address); `None` means the person has none (e.g. "uden fast bopæl"),
    or, for a person living abroad, that no foreign address is known. `status_date` is the
    date the current status took effect (moving in, emigration or death).
    """

    cpr: str
    name: str
    status: str
    status_date: date | None
    address: Address | None
    abroad: bool
    deceased: bool
    birth_date: date

    def __post_init__(self) -> None:
        _require_digits(self.cpr, 10, "cpr")
        _require_choice(self.status, PERSON_STATUSES, "status")
        if self.deceased != (self.status == STATUS_DECEASED):
            raise ValueError("deceased must be True exactly when status is 'Død'")

    @property
    def has_folkeregister_address(self) -> bool:
        return self.address is not None and not self.abroad


@dataclass(frozen=True, slots=True)
class CompanyRecord:
    """A company or public authority in the CVR register (`cvr` is 8 digits)."""

    cvr: str
    name: str
    address: Address
    status: str
    is_system_supplier: bool
    kind: str

    def __post_init__(self) -> None:
        _require_digits(self.cvr, 8, "cvr")
        _require_choice(self.status, COMPANY_STATUSES, "status")
        _require_choice(self.kind, COMPANY_KINDS, "kind")

    @property
    def is_authority(self) -> bool:
        return self.kind == KIND_AUTHORITY
