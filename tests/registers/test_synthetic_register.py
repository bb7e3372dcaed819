"""The synthetic default register (SPEC §1, "Registers")."""

from collections import Counter

import pytest
from stdnum.dk import cpr as stdnum_cpr
from stdnum.dk import cvr as stdnum_cvr

from adgang.registers import danish_data, demo
from adgang.registers.base import Register
from adgang.registers.synthetic import (
    ABROAD_COUNT,
    AUTHORITY_COUNT,
    CEASED_COUNT,
    COMPANY_COUNT,
    DECEASED_COUNT,
    DEMO_COMPANIES,
    DEMO_PERSONS,
    NO_ADDRESS_COUNT,
    PERSON_COUNT,
    SyntheticRegister,
    cpr_century_digits,
    generate,
)
from adgang.registers.types import (
    COMPANY_CEASED,
    KIND_AUTHORITY,
    STATUS_ACTIVE,
    STATUS_DECEASED,
    STATUS_EMIGRATED,
)
from adgang.registers.validation import RegisterInputError

REGISTER = SyntheticRegister()
PERSONS = tuple(REGISTER.persons())
COMPANIES = REGISTER.companies()
GENERATED_PERSONS = PERSONS[len(DEMO_PERSONS) :]
GENERATED_COMPANIES = COMPANIES[len(DEMO_COMPANIES) :]


def test_is_a_register():
    assert isinstance(REGISTER, Register)


def test_same_seed_gives_identical_records():
    fresh = generate.__wrapped__(2026)
    assert fresh.persons == PERSONS
    assert fresh.companies == tuple(COMPANIES)


def test_different_seed_gives_different_records():
    other = SyntheticRegister(seed=7)
    assert set(p.cpr for p in other.persons()) != set(p.cpr for p in PERSONS)
    assert [c.name for c in other.companies()] != [c.name for c in COMPANIES]


def test_data_set_is_generated_once_per_seed():
    assert SyntheticRegister(seed=2026).dataset is REGISTER.dataset


def test_counts():
    assert len(GENERATED_PERSONS) == PERSON_COUNT >= 1000
    assert len(GENERATED_COMPANIES) == COMPANY_COUNT == 200


@pytest.mark.parametrize("seed", [2026, 1, 99])
def test_person_proportions(seed):
    generated = tuple(SyntheticRegister(seed).persons())[len(DEMO_PERSONS) :]
    no_address = [p for p in generated if p.status == STATUS_ACTIVE and p.address is None]
    abroad = [p for p in generated if p.abroad]
    deceased = [p for p in generated if p.deceased]
    assert len(no_address) == NO_ADDRESS_COUNT == 0.03 * len(generated)
    assert len(abroad) == ABROAD_COUNT == 0.03 * len(generated)
    assert len(deceased) == DECEASED_COUNT == 0.02 * len(generated)


def test_status_fields_agree():
    for person in PERSONS:
        assert person.abroad == (person.status == STATUS_EMIGRATED)
        assert person.deceased == (person.status == STATUS_DECEASED)
        assert person.status_date is not None
        assert person.birth_date <= person.status_date
        if person.address is not None:
            assert person.address.is_danish != person.abroad


def test_cpr_numbers_are_unique():
    assert len({p.cpr for p in PERSONS}) == len(PERSONS)


def test_every_cpr_is_valid_and_encodes_the_birth_date():
    for person in PERSONS:
        assert stdnum_cpr.is_valid(person.cpr), person
        assert stdnum_cpr.get_birth_date(person.cpr) == person.birth_date, person
        assert stdnum_cpr.checksum(person.cpr) == 0, person


def test_last_cpr_digit_matches_gender_of_first_name():
    for person in PERSONS:
        female = person.name.split()[0] in danish_data.FEMALE_FIRST_NAMES
        assert int(person.cpr[-1]) % 2 == (0 if female else 1), person


@pytest.mark.parametrize("year", range(1858, 2058))
def test_century_digits_follow_the_cpr_rules(year):
    for digit in "0123456789":
        number = f"0101{year % 100:02d}{digit}000"
        matches = stdnum_cpr.get_birth_date(number).year == year
        assert matches == (digit in cpr_century_digits(year))


def test_cvr_numbers_are_unique_and_valid():
    assert len({c.cvr for c in COMPANIES}) == len(COMPANIES)
    for company in COMPANIES:
        assert stdnum_cvr.is_valid(company.cvr), company


def test_company_names_are_unique():
    assert len({c.name for c in COMPANIES}) == len(COMPANIES)


def test_company_mix():
    kinds = Counter(c.kind for c in GENERATED_COMPANIES)
    assert kinds[KIND_AUTHORITY] == AUTHORITY_COUNT
    assert all(c.name.lower().endswith("kommune") for c in GENERATED_COMPANIES if c.is_authority)
    suppliers = [c for c in GENERATED_COMPANIES if c.is_system_supplier]
    assert [c.name for c in suppliers] == list(danish_data.SYSTEM_SUPPLIERS)
    assert sum(c.status == COMPANY_CEASED for c in GENERATED_COMPANIES) == CEASED_COUNT


def test_system_supplier_filter():
    suppliers = REGISTER.companies(system_suppliers_only=True)
    assert suppliers == [c for c in COMPANIES if c.is_system_supplier]
    assert demo.LEVERANDOER_S in suppliers
    assert len(suppliers) == len(danish_data.SYSTEM_SUPPLIERS) + 2


def test_companies_returns_a_fresh_list():
    REGISTER.companies().clear()
    assert REGISTER.companies() == COMPANIES


def test_addresses_use_real_postcode_pairs():
    pairs = {(postcode, city) for postcode, city, _ in danish_data.POSTCODES}
    for record in (*PERSONS, *COMPANIES):
        if record.address is not None and record.address.is_danish:
            assert (record.address.postcode, record.address.city) in pairs


def test_demo_records_come_first_and_in_every_seed():
    for seed in (2026, 5):
        register = SyntheticRegister(seed)
        assert tuple(register.persons())[: len(DEMO_PERSONS)] == DEMO_PERSONS
        assert tuple(register.companies()[: len(DEMO_COMPANIES)]) == DEMO_COMPANIES


@pytest.mark.parametrize("person", DEMO_PERSONS, ids=lambda p: p.name)
def test_demo_persons_can_be_looked_up(person):
    assert REGISTER.lookup_person(person.cpr) is person
    assert REGISTER.lookup_person(f"{person.cpr[:6]}-{person.cpr[6:]}") is person


@pytest.mark.parametrize("company", DEMO_COMPANIES, ids=lambda c: c.name)
def test_demo_companies_can_be_looked_up(company):
    assert REGISTER.lookup_company(company.cvr) is company
    assert REGISTER.lookup_company(f"DK {company.cvr}") is company


def test_demo_companies_are_the_design_personas():
    names = {c.name: c for c in DEMO_COMPANIES}
    assert names["Kommune A"].kind == names["Kommune M"].kind == KIND_AUTHORITY
    assert names["Virksomhed B ApS"].kind == "virksomhed"
    assert names["Leverandør S A/S"].is_system_supplier


def test_demo_persons_cover_every_case():
    assert demo.CITIZEN.has_folkeregister_address
    assert demo.CITIZEN_NO_ADDRESS.address is None
    assert demo.CITIZEN_NO_ADDRESS.status == STATUS_ACTIVE
    assert demo.CITIZEN_ABROAD.abroad and demo.CITIZEN_ABROAD.status == STATUS_EMIGRATED
    assert demo.CITIZEN_DECEASED.deceased and demo.CITIZEN_DECEASED.status_date
    assert demo.CITIZEN_YOUNG.cpr[6] in cpr_century_digits(demo.CITIZEN_YOUNG.birth_date.year)


def test_unknown_numbers_answer_none():
    known = {p.cpr for p in PERSONS}
    unknown_cpr = next(f"010190{n:04d}" for n in range(10_000) if f"010190{n:04d}" not in known)
    assert REGISTER.lookup_person(unknown_cpr) is None
    known_cvr = {c.cvr for c in COMPANIES}
    unknown_cvr = next(
        f"{n}"
        for n in range(10_000_000, 99_999_999)
        if stdnum_cvr.is_valid(str(n)) and str(n) not in known_cvr
    )
    assert REGISTER.lookup_company(unknown_cvr) is None


@pytest.mark.parametrize("method", ["lookup_person", "lookup_company"])
def test_malformed_numbers_raise_input_error(method):
    with pytest.raises(RegisterInputError):
        getattr(REGISTER, method)("12-34")
