"""The CPR/CVR search forms of the caseworker pages (SPEC §6–§8): clear Danish errors next
to the field, and one search-log row per real look-up (SPEC §1)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adgang.audit.models import Register, SearchLogEntry
from adgang.registers import demo
from adgang.registers.base import RegisterUnavailableError
from adgang.registers.forms import (
    CPR_UNKNOWN,
    CVR_UNKNOWN,
    PERSON_DECEASED,
    CompanyLookupForm,
    PersonLookupForm,
)
from adgang.testing import login

REGISTER = Register.FRITAGELSESREGISTER


@pytest.fixture
def acting(personas, client):
    login(client, personas.bob)
    return client.get("/oversigt/").wsgi_request.acting


def person_form(acting, cpr, **kwargs):
    return PersonLookupForm({"cpr": cpr}, acting=acting, register=REGISTER, **kwargs)


def test_found_person_is_the_record_and_logged_under_the_pages_register(acting):
    form = person_form(acting, f"{demo.CITIZEN.cpr[:6]}-{demo.CITIZEN.cpr[6:]}")
    assert form.is_valid(), form.errors
    assert form.record == demo.CITIZEN
    assert form.cleaned_data["cpr"] == demo.CITIZEN.cpr
    entry = SearchLogEntry.objects.get()
    assert (entry.search_data, entry.register, entry.result_count) == (
        demo.CITIZEN.cpr,
        "Fritagelsesregister",
        1,
    )


def test_unknown_cpr_is_an_error_next_to_the_field_and_is_logged(acting):
    form = person_form(acting, "0101011234")
    assert not form.is_valid()
    assert form.errors["cpr"] == [str(CPR_UNKNOWN)]
    assert form.record is None
    assert SearchLogEntry.objects.get().result_count == 0


def test_malformed_cpr_is_refused_without_a_lookup(acting):
    form = person_form(acting, "12345")
    assert not form.is_valid()
    assert form.errors["cpr"] == ["CPR-nummeret skal bestå af 10 cifre."]
    assert not SearchLogEntry.objects.exists()


def test_deceased_citizen_is_refused_unless_the_page_allows_it(acting):
    form = person_form(acting, demo.CITIZEN_DECEASED.cpr)
    assert not form.is_valid()
    assert form.errors["cpr"] == [str(PERSON_DECEASED)]
    allowed = person_form(acting, demo.CITIZEN_DECEASED.cpr, refuse_deceased=False)
    assert allowed.is_valid()
    assert allowed.record.deceased


def test_register_unavailable_is_shown_next_to_the_field(acting, monkeypatch):
    def down(self, cpr):
        raise RegisterUnavailableError("CPR-registret svarer ikke. Prøv igen om lidt.")

    monkeypatch.setattr(type(_register()), "lookup_person", down)
    form = person_form(acting, demo.CITIZEN.cpr)
    assert not form.is_valid()
    assert form.errors["cpr"] == ["CPR-registret svarer ikke. Prøv igen om lidt."]


def _register():
    from adgang.registers.registry import get_register

    return get_register()


def test_company_found_and_unknown(acting):
    form = CompanyLookupForm({"cvr": demo.VIRKSOMHED_B.cvr}, acting=acting, register=REGISTER)
    assert form.is_valid(), form.errors
    assert form.record.name == demo.VIRKSOMHED_B.name
    unknown = CompanyLookupForm({"cvr": "12345674"}, acting=acting, register=REGISTER)
    assert not unknown.is_valid()
    assert unknown.errors["cvr"] == [str(CVR_UNKNOWN)]
    assert SearchLogEntry.objects.count() == 2


def test_empty_cvr_is_required(acting):
    form = CompanyLookupForm({"cvr": ""}, acting=acting, register=REGISTER)
    assert not form.is_valid()
    assert "cvr" in form.errors
    assert not SearchLogEntry.objects.exists()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=25))
def test_any_text_gives_a_record_or_a_field_error_never_an_exception(acting, text):
    form = person_form(acting, text)
    if form.is_valid():
        assert form.record is not None
    else:
        assert set(form.errors) == {"cpr"}
