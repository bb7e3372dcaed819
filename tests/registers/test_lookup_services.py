"""Every staff look-up of a CPR/CVR is written to the staff search log (SPEC §1, §5)."""

import pytest

from adgang.audit.models import Register, SearchLogEntry
from adgang.registers import demo
from adgang.registers.services import company_lookup, person_lookup
from adgang.registers.validation import RegisterInputError
from adgang.testing import login


@pytest.fixture
def acting(personas, client):
    login(client, personas.bob)
    return client.get("/oversigt/").wsgi_request.acting


def test_person_lookup_found_is_logged_with_one_result(acting):
    record = person_lookup(
        acting=acting, cpr=demo.CITIZEN.cpr, register=Register.FRITAGELSESREGISTER
    )
    assert record == demo.CITIZEN
    entry = SearchLogEntry.objects.get()
    assert (entry.search_data, entry.register, entry.result_count) == (
        demo.CITIZEN.cpr,
        "Fritagelsesregister",
        1,
    )
    assert entry.actor == "CVR:31415926-RID:1002"
    assert entry.organisation == acting.organisation


def test_person_lookup_not_found_is_logged_with_zero_results(acting):
    assert person_lookup(acting=acting, cpr="0101011234", register=Register.CPR) is None
    assert SearchLogEntry.objects.get().result_count == 0


def test_company_lookup_is_logged(acting):
    record = company_lookup(
        acting=acting, cvr=f"DK {demo.VIRKSOMHED_B.cvr}", register=Register.NEMSMSREGISTER
    )
    assert record.name == "Virksomhed B ApS"
    entry = SearchLogEntry.objects.get()
    assert (entry.search_data, entry.result_count) == (demo.VIRKSOMHED_B.cvr, 1)


@pytest.mark.parametrize("bad", ["", "12345", "3213131313", "abcdefghij"])
def test_malformed_cpr_is_refused_and_not_logged(acting, bad):
    with pytest.raises(RegisterInputError):
        person_lookup(acting=acting, cpr=bad, register=Register.CPR)
    assert not SearchLogEntry.objects.exists()
