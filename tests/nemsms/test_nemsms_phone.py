"""The NemSMS phone number rule (SPEC §7): a valid Danish mobile number, stored in E.164."""

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adgang.nemsms.phone import (
    PHONE_CHARACTERS_WRONG,
    PHONE_EMPTY,
    PHONE_FOREIGN,
    PHONE_INVALID,
    PHONE_NOT_MOBILE,
    PhoneInputError,
    phone_display,
    phone_normalise,
)


@pytest.mark.parametrize(
    "typed",
    [
        "20304050",
        "20 30 40 50",
        "+45 20304050",
        "+4520304050",
        "0045 20 30 40 50",
        "004520304050",
        "(+45) 20-30-40-50",
        "  20 30 40 50  ",
        "20.30.40.50",
    ],
)
def test_danish_mobile_number_is_stored_in_e164(typed):
    assert phone_normalise(typed) == "+4520304050"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", PHONE_EMPTY),
        ("   ", PHONE_EMPTY),
        ("+46 70 123 45 67", PHONE_FOREIGN),
        ("0046701234567", PHONE_FOREIGN),
        ("+1 202 555 0143", PHONE_FOREIGN),
        ("1234", PHONE_INVALID),
        ("123456789", PHONE_INVALID),
        ("12345678", PHONE_INVALID),
        ("+45 2030 405", PHONE_INVALID),
        ("+99 123", PHONE_INVALID),
        ("20304050 ext 5", PHONE_CHARACTERS_WRONG),
        ("2030abcd", PHONE_CHARACTERS_WRONG),
        ("20+304050", PHONE_CHARACTERS_WRONG),
        ("=1+1", PHONE_CHARACTERS_WRONG),
        ("2" * 40, PHONE_CHARACTERS_WRONG),
        ("80 12 34 56", PHONE_NOT_MOBILE),  # toll-free
        ("90 12 34 56", PHONE_NOT_MOBILE),  # premium rate
    ],
)
def test_bad_phone_number_is_refused_with_a_danish_message(typed, message):
    with pytest.raises(PhoneInputError) as refused:
        phone_normalise(typed)
    assert refused.value.message == message


@pytest.mark.parametrize("value", [None, 20304050, b"20304050"])
def test_a_non_text_value_is_refused(value):
    with pytest.raises(PhoneInputError):
        phone_normalise(value)


def test_display_groups_a_danish_number_in_pairs():
    assert phone_display("+4520304050") == "+45 20 30 40 50"
    assert phone_display("") == ""


# --- properties -----------------------------------------------------------------------------

EIGHT_DIGITS = st.from_regex(r"[2-9][0-9]{7}", fullmatch=True)
SEPARATORS = st.sampled_from(["", " ", "-", "."])
PREFIXES = st.sampled_from(["", "+45", "+45 ", "0045", "0045 ", "(+45) "])


def _spread(digits: str, separator: str) -> str:
    return separator.join(digits[i : i + 2] for i in range(0, 8, 2))


@given(digits=EIGHT_DIGITS, prefix=PREFIXES, separator=SEPARATORS)
def test_normalising_accepts_any_spelling_of_the_same_number_alike(digits, prefix, separator):
    """Whatever the prefix and separators, the answer is the same: one E.164 number, or the
    same refusal."""
    typed = prefix + _spread(digits, separator)
    try:
        plain = phone_normalise(digits)
    except PhoneInputError as error:
        with pytest.raises(PhoneInputError) as refused:
            phone_normalise(typed)
        assert refused.value.code == error.code
    else:
        assert phone_normalise(typed) == plain == "+45" + digits


@given(st.text(max_size=40))
def test_normalising_any_text_gives_e164_danish_mobile_or_a_refusal(text):
    try:
        result = phone_normalise(text)
    except PhoneInputError as error:
        assert error.code.startswith("phone_") and str(error.message)
        return
    assert result.startswith("+45") and len(result) == 11 and result[1:].isdigit()
    number = phonenumbers.parse(result)
    assert phonenumbers.is_valid_number(number)
    assert phone_normalise(result) == result  # idempotent


@given(st.from_regex(r"\+(4[0-46-9]|[1-35-9][0-9]?)[0-9]{6,10}", fullmatch=True))
def test_no_foreign_number_is_ever_accepted(text):
    with pytest.raises(PhoneInputError):
        phone_normalise(text)
