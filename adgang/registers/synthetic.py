"""The default register adapter: a synthetic CPR/CVR register (SPEC §1, "Registers").

Everything is derived from one seed through `random.Random(seed)` and a fixed reference
date, so the same seed always yields the same persons and companies, on any machine and
on any day. The data set is generated on first use and cached per seed.

Per seed: the fixed demo records (`DEMO_PERSONS`, `DEMO_COMPANIES`) first, then 1,000
persons (3 % without a folkeregister address, 3 % living abroad, 2 % deceased) and
200 companies (20 municipalities, 10 system suppliers, a few ceased). Names are built from
common Danish names; numbers are valid (CPR dates and century digits, mod-11 check digits)
but the persons and companies are fictional.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from types import MappingProxyType

from adgang.registers import danish_data as data
from adgang.registers.base import Register
from adgang.registers.demo import DEMO_COMPANIES, DEMO_PERSONS
from adgang.registers.types import (
    COMPANY_ACTIVE,
    COMPANY_CEASED,
    KIND_AUTHORITY,
    KIND_COMPANY,
    STATUS_ACTIVE,
    STATUS_DECEASED,
    STATUS_EMIGRATED,
    Address,
    CompanyRecord,
    PersonRecord,
)
from adgang.registers.validation import normalise_cpr, normalise_cvr

__all__ = ["DEFAULT_SEED", "DEMO_COMPANIES", "DEMO_PERSONS", "SyntheticRegister", "generate"]

DEFAULT_SEED = 2026
# The synthetic world's "today": generation never reads the clock.
REFERENCE_DATE = date(2026, 1, 1)

PERSON_COUNT = 1000
NO_ADDRESS_COUNT = 30
ABROAD_COUNT = 30
DECEASED_COUNT = 20
COMPANY_COUNT = 200
AUTHORITY_COUNT = 20
CEASED_COUNT = 6

_CPR_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2)
_CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2)


@dataclass(frozen=True)
class Dataset:
    """One seed's register contents, with indexes for look-up."""

    persons: tuple[PersonRecord, ...]
    companies: tuple[CompanyRecord, ...]
    persons_by_cpr: Mapping[str, PersonRecord]
    companies_by_cvr: Mapping[str, CompanyRecord]


@functools.lru_cache(maxsize=8)
def generate(seed: int = DEFAULT_SEED) -> Dataset:
    """Build (once per seed) the synthetic register's persons and companies."""
    rng = random.Random(seed)
    persons = _persons(rng)
    companies = _companies(rng)
    return Dataset(
        persons=persons,
        companies=companies,
        persons_by_cpr=MappingProxyType({p.cpr: p for p in persons}),
        companies_by_cvr=MappingProxyType({c.cvr: c for c in companies}),
    )


class SyntheticRegister(Register):
    """Register adapter over the seeded synthetic data set (SPEC §1, "Registers")."""

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        self.seed = seed

    @property
    def dataset(self) -> Dataset:
        return generate(self.seed)

    def lookup_person(self, cpr: str) -> PersonRecord | None:
        return self.dataset.persons_by_cpr.get(normalise_cpr(cpr))

    def lookup_company(self, cvr: str) -> CompanyRecord | None:
        return self.dataset.companies_by_cvr.get(normalise_cvr(cvr))

    def companies(self, *, system_suppliers_only: bool = False) -> list[CompanyRecord]:
        companies = self.dataset.companies
        if system_suppliers_only:
            return [c for c in companies if c.is_system_supplier]
        return list(companies)

    def persons(self) -> Iterable[PersonRecord]:
        return self.dataset.persons


# --- numbers -------------------------------------------------------------------------


def cpr_century_digits(year: int) -> str:
    """The 7th CPR digits that place a two-digit year in `year`'s century (CPR rules)."""
    two_digit = year % 100
    if 1858 <= year <= 1899:
        return "5678"
    if 1900 <= year <= 1999:
        return "012349" if two_digit >= 37 else "0123"
    if 2000 <= year <= 2036:
        return "456789"
    if 2037 <= year <= 2057:
        return "5678"
    raise ValueError(f"CPR numbers cannot encode the year {year}")


def _check_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    """The digit making the weighted sum divisible by 11, or None if it would be 10."""
    check = -sum(w * int(d) for w, d in zip(weights, digits, strict=True)) % 11
    return None if check == 10 else check


def _new_cpr(rng: random.Random, birth: date, female: bool, used: set[str]) -> str:
    # The last digit is odd for men and even for women; retry until the mod-11 digit fits.
    prefix = f"{birth.day:02d}{birth.month:02d}{birth.year % 100:02d}"
    century = cpr_century_digits(birth.year)
    while True:
        body = f"{prefix}{rng.choice(century)}{rng.randrange(100):02d}"
        check = _check_digit(body, _CPR_WEIGHTS)
        if check is None or check % 2 != (0 if female else 1):
            continue
        number = f"{body}{check}"
        if number not in used:
            used.add(number)
            return number


def _new_cvr(rng: random.Random, used: set[str]) -> str:
    while True:
        body = str(rng.randrange(1_000_000, 10_000_000))
        check = _check_digit(body, _CVR_WEIGHTS)
        if check is not None and f"{body}{check}" not in used:
            used.add(f"{body}{check}")
            return f"{body}{check}"


# --- persons -------------------------------------------------------------------------


def _date_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _person_name(rng: random.Random, female: bool) -> str:
    parts = [rng.choice(data.FEMALE_FIRST_NAMES if female else data.MALE_FIRST_NAMES)]
    if rng.random() < 0.2:
        parts.append(rng.choice(data.FEMALE_MIDDLE_NAMES if female else data.MALE_MIDDLE_NAMES))
    if rng.random() < 0.15:
        parts.append(rng.choice(data.SURNAMES))
    parts.append(rng.choice(data.SURNAMES))
    return " ".join(dict.fromkeys(parts))  # no "Jensen Jensen"


def _danish_address(rng: random.Random) -> Address:
    postcode, city, _municipality = rng.choice(data.POSTCODES)
    number = f"{rng.randint(1, 120)}{rng.choice(('', '', '', '', 'A', 'B'))}"
    street = f"{rng.choice(data.STREET_NAMES)} {number}{rng.choice(data.FLOOR_SUFFIXES)}"
    return Address(street=street, postcode=postcode, city=city)


def _foreign_address(rng: random.Random) -> Address | None:
    if rng.random() < 0.3:
        return None  # emigrated without a known foreign address
    street, postcode, city, country = rng.choice(data.FOREIGN_ADDRESSES)
    return Address(street=street, postcode=postcode, city=city, country=country)


def _person(rng: random.Random, kind: str, used: set[str]) -> PersonRecord:
    female = rng.random() < 0.5
    oldest = date(1926, 1, 1)
    youngest = date(1955, 12, 31) if kind == "deceased" else date(2010, 12, 31)
    birth = _date_between(rng, oldest, youngest)
    since = _date_between(rng, max(birth, date(1990, 1, 1)), REFERENCE_DATE)
    address: Address | None = _danish_address(rng)
    status = STATUS_ACTIVE
    if kind == "no_address":
        address = None
    elif kind == "abroad":
        status, address = STATUS_EMIGRATED, _foreign_address(rng)
    elif kind == "deceased":
        status = STATUS_DECEASED
    return PersonRecord(
        cpr=_new_cpr(rng, birth, female, used),
        name=_person_name(rng, female),
        status=status,
        status_date=since,
        address=address,
        abroad=kind == "abroad",
        deceased=kind == "deceased",
        birth_date=birth,
    )


def _persons(rng: random.Random) -> tuple[PersonRecord, ...]:
    special = NO_ADDRESS_COUNT + ABROAD_COUNT + DECEASED_COUNT
    kinds = (
        ["no_address"] * NO_ADDRESS_COUNT
        + ["abroad"] * ABROAD_COUNT
        + ["deceased"] * DECEASED_COUNT
        + ["normal"] * (PERSON_COUNT - special)
    )
    rng.shuffle(kinds)
    used = {p.cpr for p in DEMO_PERSONS}
    return (*DEMO_PERSONS, *(_person(rng, kind, used) for kind in kinds))


# --- companies -----------------------------------------------------------------------


def _town(city: str) -> str:
    # "København K" -> "København", "Nykøbing F" -> "Nykøbing": postal district letters go.
    head, _, tail = city.rpartition(" ")
    return head if head and tail.isupper() and len(tail) <= 2 else city


def _company_name(rng: random.Random) -> str:
    surname, other = rng.sample(data.SURNAMES, 2)
    word, trade = rng.choice(data.NAME_WORDS), rng.choice(data.TRADES)
    form, town = rng.choice(data.COMPANY_FORMS), _town(rng.choice(data.POSTCODES)[1])
    return rng.choice(
        (
            f"{surname} & Co {form}",
            f"{surname} & {other} I/S",
            f"{word} {trade} {form}",
            f"{town} {trade} {form}",
            f"{surname}s {trade} {form}",
            f"{surname} Holding ApS",
        )
    )


def _company(
    rng: random.Random, name: str, kind: str, used: set[str], *, supplier: bool = False
) -> CompanyRecord:
    return CompanyRecord(
        cvr=_new_cvr(rng, used),
        name=name,
        address=_danish_address(rng),
        status=COMPANY_ACTIVE,
        is_system_supplier=supplier,
        kind=kind,
    )


def _municipality(rng: random.Random, name: str, used: set[str]) -> CompanyRecord:
    postcode, city = next((p, c) for p, c, m in data.POSTCODES if m == name)
    street = f"{rng.choice(('Rådhuspladsen', 'Rådhustorvet', 'Torvet'))} {rng.randint(1, 5)}"
    return CompanyRecord(
        cvr=_new_cvr(rng, used),
        name=name,
        address=Address(street=street, postcode=postcode, city=city),
        status=COMPANY_ACTIVE,
        is_system_supplier=False,
        kind=KIND_AUTHORITY,
    )


def _companies(rng: random.Random) -> tuple[CompanyRecord, ...]:
    used = {c.cvr for c in DEMO_COMPANIES}
    municipalities = sorted({m for _p, _c, m in data.POSTCODES})
    authorities = [_municipality(rng, m, used) for m in rng.sample(municipalities, AUTHORITY_COUNT)]
    suppliers = [
        _company(rng, name, KIND_COMPANY, used, supplier=True) for name in data.SYSTEM_SUPPLIERS
    ]
    names = {c.name for c in (*DEMO_COMPANIES, *authorities, *suppliers)}
    ordinary: list[CompanyRecord] = []
    while len(authorities) + len(suppliers) + len(ordinary) < COMPANY_COUNT:
        name = _company_name(rng)
        if name not in names:
            names.add(name)
            ordinary.append(_company(rng, name, KIND_COMPANY, used))
    for index in rng.sample(range(len(ordinary)), CEASED_COUNT):
        ordinary[index] = _ceased(ordinary[index])
    return (*DEMO_COMPANIES, *authorities, *suppliers, *ordinary)


def _ceased(company: CompanyRecord) -> CompanyRecord:
    return replace(company, status=COMPANY_CEASED)
