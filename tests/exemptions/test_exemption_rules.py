"""Unit and property tests of the exemption rules: company expiry, addresses, postcodes."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from adgang.exemptions.forms import (
    MSG_NO_REGISTERED_ADDRESS,
    MSG_POSTCODE_DK,
    CitizenExemptForm,
    CompanyExemptForm,
    initial_from,
    postcode_error,
)
from adgang.exemptions.services import company_expiry, expiry_moment
from adgang.registers import demo as register_demo

CPH = ZoneInfo("Europe/Copenhagen")


def test_company_expiry_example_from_the_spec():
    assert company_expiry(date(2026, 3, 5)) == date(2028, 11, 1)
    assert company_expiry(date(2026, 12, 31)) == date(2028, 11, 1)
    assert company_expiry(date(2026, 11, 2)) == date(2028, 11, 1)


def test_expiry_moment_is_midnight_danish_time_in_winter_and_summer():
    assert expiry_moment(date(2028, 11, 1)) == datetime(2028, 11, 1, tzinfo=CPH)
    assert expiry_moment(date(2028, 11, 1)).utcoffset() == timedelta(hours=1)
    assert expiry_moment(date(2028, 7, 1)).utcoffset() == timedelta(hours=2)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2200, 12, 31)))
def test_company_expiry_is_1_november_two_calendar_years_later(registered):
    expiry = company_expiry(registered)
    assert (expiry.month, expiry.day) == (11, 1)
    assert expiry.year == registered.year + 2
    # Between 22 and 34 months: never shorter than the year after registration.
    assert date(registered.year + 1, 12, 31) < expiry


@given(st.from_regex(r"[1-9][0-9]{3}", fullmatch=True))
def test_every_four_digit_danish_postcode_is_accepted(postcode):
    assert postcode_error(postcode, "Danmark") is None
    assert postcode_error(f" {postcode} ", "danmark") is None


@given(st.text(max_size=20))
def test_a_danish_postcode_is_four_digits_not_starting_with_zero(text):
    stripped = text.strip()
    ok = len(stripped) == 4 and stripped.isascii() and stripped.isdigit() and stripped[0] != "0"
    assert (postcode_error(text, "Danmark") is None) == ok


@given(st.text(max_size=30))
def test_a_foreign_postcode_never_crashes_and_is_never_empty(text):
    error = postcode_error(text, "Frankrig")
    if not text.strip():
        assert error is not None
    assert error is None or isinstance(error, str)


@given(
    st.fixed_dictionaries(
        {
            "by_proxy": st.sampled_from(["ja", "nej", "", "x"]),
            "reason": st.sampled_from(["OTHER", "EMIGRATION", "", "BOGUS"]),
            "declined": st.sampled_from(["on", ""]),
            "destination": st.sampled_from(["REGISTERED", "ALTERNATIVE", "", "X"]),
            "street": st.text(max_size=30),
            "postcode": st.text(max_size=14),
            "city": st.text(max_size=20),
            "country": st.text(max_size=20),
        }
    ),
    st.booleans(),
)
def test_the_citizen_form_never_crashes_and_always_gives_complete_answers(data, registered):
    address = register_demo.CITIZEN.address if registered else None
    form = CitizenExemptForm(data, registered_address=address)
    if form.is_valid():
        answers = form.answers()
        assert answers["reason"] in ("OTHER", "EMIGRATION")
        if answers["forwarding"] == "ALTERNATIVE":
            assert all(answers["address"][key] for key in ("street", "postcode", "city"))
        if answers["forwarding"] == "REGISTERED":
            assert registered
        # What was kept shows again on "Redigér" and validates the same.
        again = CitizenExemptForm({**_as_data(initial_from(answers))}, registered_address=address)
        assert again.is_valid(), again.errors
        assert again.answers() == answers


def _as_data(initial: dict) -> dict:
    data = dict(initial)
    if data.pop("declined", False):
        data["declined"] = "on"
    return data


def test_without_a_folkeregister_address_the_alternative_address_is_required():
    form = CitizenExemptForm({"by_proxy": "nej", "reason": "EMIGRATION"}, registered_address=None)
    assert not form.is_valid()
    assert form.errors["destination"] == [str(MSG_NO_REGISTERED_ADDRESS)]
    # The folkeregister choice is not offered at all.
    assert [value for value, _ in form.fields["destination"].choices] == ["ALTERNATIVE"]


def test_declining_needs_no_address():
    form = CitizenExemptForm(
        {"by_proxy": "ja", "reason": "EMIGRATION", "declined": "on"}, registered_address=None
    )
    assert form.is_valid(), form.errors
    assert form.answers() == {
        "by_proxy": True,
        "reason": "EMIGRATION",
        "forwarding": "DECLINED",
        "address": {},
    }


def test_an_alternative_address_needs_each_part_with_a_message_at_each_field():
    form = CompanyExemptForm(
        {"by_proxy": "nej", "destination": "ALTERNATIVE", "postcode": "12", "country": "Danmark"},
        registered_address=register_demo.VIRKSOMHED_B.address,
    )
    assert not form.is_valid()
    assert form.errors["street"] == ["Angiv vejnavn og husnummer."]
    assert form.errors["city"] == ["Angiv by."]
    assert form.errors["postcode"] == [str(MSG_POSTCODE_DK)]


def test_missing_choices_have_danish_messages():
    form = CitizenExemptForm({}, registered_address=register_demo.CITIZEN.address)
    assert not form.is_valid()
    assert form.errors["by_proxy"] == ["Vælg om det sker via fuldmagt."]
    assert form.errors["reason"] == ["Vælg en fritagelsesårsag."]
    assert "destination" in form.errors
