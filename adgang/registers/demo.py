"""Fixed records of the synthetic register that demo data and tests rely on (SPEC §1).

The organisations are the test personas of DESIGN.md (Kommune A, Kommune M, Virksomhed B)
plus a system supplier; the citizens cover each case the portal must handle: a normal
citizen, one without a folkeregister address, one living abroad and one who is deceased.
Every number has a valid check digit (CVR mod 11; CPR mod 11 too, though not required).
"""

from __future__ import annotations

from datetime import date

from adgang.registers.types import (
    COMPANY_ACTIVE,
    KIND_AUTHORITY,
    KIND_COMPANY,
    STATUS_ACTIVE,
    STATUS_DECEASED,
    STATUS_EMIGRATED,
    Address,
    CompanyRecord,
    PersonRecord,
)

KOMMUNE_A = CompanyRecord(
    cvr="31415926",
    name="Kommune A",
    address=Address(street="Rådhuspladsen 1", postcode="8000", city="Aarhus C"),
    status=COMPANY_ACTIVE,
    is_system_supplier=False,
    kind=KIND_AUTHORITY,
)
KOMMUNE_M = CompanyRecord(
    cvr="27182828",
    name="Kommune M",
    address=Address(street="Torvet 2", postcode="4000", city="Roskilde"),
    status=COMPANY_ACTIVE,
    is_system_supplier=False,
    kind=KIND_AUTHORITY,
)
VIRKSOMHED_B = CompanyRecord(
    cvr="16180335",
    name="Virksomhed B ApS",
    address=Address(street="Industrivej 14", postcode="5000", city="Odense C"),
    status=COMPANY_ACTIVE,
    is_system_supplier=False,
    kind=KIND_COMPANY,
)
LEVERANDOER_S = CompanyRecord(
    cvr="13572461",
    name="Leverandør S A/S",
    address=Address(street="Kongevejen 100", postcode="2800", city="Kongens Lyngby"),
    status=COMPANY_ACTIVE,
    is_system_supplier=True,
    kind=KIND_COMPANY,
)

LEVERANDOER_T = CompanyRecord(
    cvr="24681351",
    name="Leverandør T ApS",
    address=Address(street="Havnegade 7", postcode="9000", city="Aalborg"),
    status=COMPANY_ACTIVE,
    is_system_supplier=True,
    kind=KIND_COMPANY,
)

DEMO_COMPANIES: tuple[CompanyRecord, ...] = (
    KOMMUNE_A,
    KOMMUNE_M,
    VIRKSOMHED_B,
    LEVERANDOER_S,
    LEVERANDOER_T,
)

CITIZEN = PersonRecord(
    cpr="1503851284",
    name="Mette Hansen",
    status=STATUS_ACTIVE,
    status_date=date(2019, 8, 1),
    address=Address(street="Vestergade 12, 2. th.", postcode="8000", city="Aarhus C"),
    abroad=False,
    deceased=False,
    birth_date=date(1985, 3, 15),
)
CITIZEN_YOUNG = PersonRecord(
    cpr="1204034482",
    name="Freja Andersen",
    status=STATUS_ACTIVE,
    status_date=date(2023, 9, 1),
    address=Address(street="Nørregade 7, st. tv.", postcode="5000", city="Odense C"),
    abroad=False,
    deceased=False,
    birth_date=date(2003, 4, 12),
)
CITIZEN_NO_ADDRESS = PersonRecord(
    cpr="0207913375",
    name="Jens Peter Nielsen",
    status=STATUS_ACTIVE,
    status_date=date(2024, 1, 15),
    address=None,
    abroad=False,
    deceased=False,
    birth_date=date(1991, 7, 2),
)
CITIZEN_ABROAD = PersonRecord(
    cpr="2411682628",
    name="Karen Sørensen",
    status=STATUS_EMIGRATED,
    status_date=date(2021, 8, 1),
    address=Address(
        street="Södra Förstadsgatan 12", postcode="211 43", city="Malmö", country="Sverige"
    ),
    abroad=True,
    deceased=False,
    birth_date=date(1968, 11, 24),
)
CITIZEN_DECEASED = PersonRecord(
    cpr="3005541157",
    name="Poul Erik Madsen",
    status=STATUS_DECEASED,
    status_date=date(2024, 2, 12),
    address=Address(street="Skovvej 3", postcode="4000", city="Roskilde"),
    abroad=False,
    deceased=True,
    birth_date=date(1954, 5, 30),
)

DEMO_PERSONS: tuple[PersonRecord, ...] = (
    CITIZEN,
    CITIZEN_YOUNG,
    CITIZEN_NO_ADDRESS,
    CITIZEN_ABROAD,
    CITIZEN_DECEASED,
)
