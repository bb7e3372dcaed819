"""Register value types (SPEC §1, "Registers")."""

import dataclasses
from datetime import date

import pytest

from adgang.registers.types import (
    KIND_AUTHORITY,
    STATUS_ACTIVE,
    STATUS_DECEASED,
    Address,
    CompanyRecord,
    PersonRecord,
)

ADDRESS = Address(street="Vestergade 1", postcode="8000", city="Aarhus C")


def _person(**changes):
    fields = {
        "cpr": "1503851284",
        "name": "Mette Hansen",
        "status": STATUS_ACTIVE,
        "status_date": None,
        "address": ADDRESS,
        "abroad": False,
        "deceased": False,
        "birth_date": date(1985, 3, 15),
    }
    return PersonRecord(**(fields | changes))


def _company(**changes):
    fields = {
        "cvr": "31415926",
        "name": "Kommune A",
        "address": ADDRESS,
        "status": "Aktiv",
        "is_system_supplier": False,
        "kind": KIND_AUTHORITY,
    }
    return CompanyRecord(**(fields | changes))


def test_records_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        _person().name = "Other"  # type: ignore[misc]


def test_address_country_defaults_to_denmark():
    assert ADDRESS.country == "Danmark"
    assert ADDRESS.lines() == ("Vestergade 1", "8000 Aarhus C")


def test_foreign_address_lines_include_country():
    address = Address(street="Kungsgatan 8", postcode="111 43", city="Stockholm", country="Sverige")
    assert address.lines() == ("Kungsgatan 8", "111 43 Stockholm", "Sverige")


@pytest.mark.parametrize(
    "cpr", ["150385-1284", "150385128", "15038512840", "15038512a4", 1503851284]
)
def test_person_cpr_must_be_ten_digits(cpr):
    with pytest.raises(ValueError, match="cpr"):
        _person(cpr=cpr)


def test_person_status_must_be_known():
    with pytest.raises(ValueError, match="status"):
        _person(status="Forsvundet")


def test_person_deceased_flag_matches_status():
    with pytest.raises(ValueError, match="deceased"):
        _person(status=STATUS_DECEASED, deceased=False)
    with pytest.raises(ValueError, match="deceased"):
        _person(deceased=True)


def test_person_without_address_has_no_folkeregister_address():
    assert _person().has_folkeregister_address
    assert not _person(address=None).has_folkeregister_address


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cvr": "3141592"}, "cvr"),
        ({"cvr": "\uff13\uff11\uff14\uff11\uff15\uff19\uff12\uff16"}, "cvr"),  # full-width digits
        ({"status": "Konkurs"}, "status"),
        ({"kind": "forening"}, "kind"),
    ],
)
def test_company_fields_are_checked(changes, field):
    with pytest.raises(ValueError, match=field):
        _company(**changes)


def test_company_kind_tells_authority():
    assert _company().is_authority
    assert not _company(kind="virksomhed").is_authority
