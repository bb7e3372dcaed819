"""Normalising and masking CPR/CVR input (SPEC §1, "Registers"; DESIGN "Personal data")."""

import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.dk import cpr as stdnum_cpr
from stdnum.dk import cvr as stdnum_cvr

from adgang.registers.validation import (
    CPR_DATE,
    CPR_EMPTY,
    CPR_FUTURE,
    CPR_LENGTH,
    CVR_CHECKSUM,
    CVR_EMPTY,
    CVR_LEADING_ZERO,
    CVR_LENGTH,
    RegisterInputError,
    format_cpr,
    mask_cpr,
    normalise_cpr,
    normalise_cvr,
)

SEPARATORS = st.sampled_from(["", "", "", " ", "-", "  ", " - ", "\u00a0"])


def _with_separators(number: str, separators: list[str]) -> str:
    return "".join(sep + char for sep, char in zip(separators, number + " ", strict=False))


@st.composite
def valid_cprs(draw) -> str:
    """Any 10 digits whose date part is a real date in the century the 7th digit names."""
    birth = draw(st.dates(datetime.date(1858, 1, 1), datetime.date.today()))
    serial = draw(st.integers(0, 9999))
    number = f"{birth:%d%m}{birth.year % 100:02d}{serial:04d}"
    assume(stdnum_cpr.get_birth_date(number) == birth)
    return number


@st.composite
def valid_cvrs(draw) -> str:
    body = draw(st.integers(1_000_000, 9_999_999))
    numbers = [f"{body}{digit}" for digit in range(10)]
    valid = [n for n in numbers if stdnum_cvr.is_valid(n)]
    assume(valid)
    return valid[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1503851284", "1503851284"),
        ("150385-1284", "1503851284"),
        (" 150385 1284 ", "1503851284"),
        ("15 03 85 - 12 84", "1503851284"),
        ("150385\u20131284", "1503851284"),  # en dash, as pasted from documents
        ("0101900000", "0101900000"),  # no mod-11 check since 2007
    ],
)
def test_normalise_cpr_accepts_separators(value, expected):
    assert normalise_cpr(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", CPR_EMPTY),
        ("  - ", CPR_EMPTY),
        (None, CPR_EMPTY),
        ("150385128", CPR_LENGTH),
        ("15038512845", CPR_LENGTH),
        ("15038512a4", CPR_LENGTH),
        ("150385.1284", CPR_LENGTH),
        ("١٥٠٣٨٥١٢٨٤", CPR_LENGTH),  # Arabic-Indic digits are not CPR digits
        ("3202851284", CPR_DATE),
        ("2902011284", CPR_DATE),  # 2001 was no leap year
        ("0013851284", CPR_DATE),
    ],
)
def test_normalise_cpr_rejects_with_danish_message(value, message):
    with pytest.raises(RegisterInputError) as info:
        normalise_cpr(value)
    assert str(info.value) == message


def test_normalise_cpr_rejects_birth_date_after_today():
    with pytest.raises(RegisterInputError, match=str(CPR_FUTURE)):
        normalise_cpr("0101304000", today=datetime.date(2026, 1, 1))
    assert normalise_cpr("0101304000", today=datetime.date(2030, 1, 1)) == "0101304000"


def test_input_error_is_a_value_error_with_a_code():
    with pytest.raises(ValueError) as info:
        normalise_cvr("123")
    assert info.value.code == "cvr_length"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31415926", "31415926"),
        ("3141 5926", "31415926"),
        ("31-41-59-26", "31415926"),
        ("DK31415926", "31415926"),
        ("dk 31 41 59 26", "31415926"),
    ],
)
def test_normalise_cvr_accepts_separators(value, expected):
    assert normalise_cvr(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", CVR_EMPTY),
        (None, CVR_EMPTY),
        ("3141592", CVR_LENGTH),
        ("314159260", CVR_LENGTH),
        ("3141592x", CVR_LENGTH),
        ("03141592", CVR_LEADING_ZERO),
        ("31415927", CVR_CHECKSUM),
    ],
)
def test_normalise_cvr_rejects_with_danish_message(value, message):
    with pytest.raises(RegisterInputError) as info:
        normalise_cvr(value)
    assert str(info.value) == message


@given(valid_cprs(), st.lists(SEPARATORS, min_size=11, max_size=11))
def test_any_valid_cpr_is_accepted_with_separators(number, separators):
    assert normalise_cpr(_with_separators(number, separators)) == number


@given(valid_cvrs(), st.lists(SEPARATORS, min_size=9, max_size=9), st.sampled_from(["", "DK"]))
def test_any_valid_cvr_is_accepted_with_separators(number, separators, prefix):
    assert normalise_cvr(prefix + _with_separators(number, separators)) == number


@given(st.one_of(st.text(), st.text(alphabet="0123456789 -\t\n")))
def test_cpr_input_either_normalises_or_raises_register_input_error(value):
    try:
        number = normalise_cpr(value)
    except RegisterInputError as error:
        assert error.code.startswith("cpr_")
    else:
        assert len(number) == 10
        assert stdnum_cpr.is_valid(number)


@given(st.one_of(st.text(), st.text(alphabet="0123456789 -DKdk.\n")))
def test_cvr_input_either_normalises_or_raises_register_input_error(value):
    try:
        number = normalise_cvr(value)
    except RegisterInputError as error:
        assert error.code.startswith("cvr_")
    else:
        assert stdnum_cvr.is_valid(number)


@given(st.text(alphabet="0123456789 -", max_size=14))
def test_cpr_acceptance_agrees_with_stdnum(value):
    try:
        normalise_cpr(value)
    except RegisterInputError:
        assert not stdnum_cpr.is_valid(value)
    else:
        assert stdnum_cpr.is_valid(value)


@given(st.text(alphabet="0123456789 -", max_size=12))
def test_cvr_acceptance_agrees_with_stdnum(value):
    try:
        normalise_cvr(value)
    except RegisterInputError:
        assert not stdnum_cvr.is_valid(value)
    else:
        assert stdnum_cvr.is_valid(value)


@given(valid_cvrs(), st.integers(0, 7), st.integers(1, 9))
def test_any_single_digit_change_breaks_a_cvr(number, position, delta):
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    with pytest.raises(RegisterInputError) as info:
        normalise_cvr(changed)
    assert info.value.code in {"cvr_checksum", "cvr_leading_zero"}


@given(valid_cprs(), st.lists(SEPARATORS, min_size=11, max_size=11))
def test_mask_keeps_only_the_date_part(number, separators):
    masked = mask_cpr(_with_separators(number, separators))
    assert masked == f"{number[:6]}-****"
    assert masked == format_cpr(number)[:7] + "****"
    assert mask_cpr(format_cpr(number)) == mask_cpr(normalise_cpr(format_cpr(number))) == masked


def test_mask_cpr_example():
    assert mask_cpr("0101901234") == "010190-****"


@pytest.mark.parametrize("value", ["010190-****", "01019012", "", None])
def test_mask_cpr_rejects_what_is_not_a_cpr(value):
    with pytest.raises(RegisterInputError):
        mask_cpr(value)
