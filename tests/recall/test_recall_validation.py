"""The MeddelelsesID field's rule (validation.message_id_parse): a UUID written as 32 hex
digits, plain or in 8-4-4-4-12 groups; anything else gets one clear message."""

import re
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adgang.recall.validation import (
    MESSAGE_ID_EMPTY,
    MESSAGE_ID_INVALID,
    MessageIdError,
    message_id_parse,
)

BLANKS = st.text(alphabet=" \t\n", max_size=3)


@given(st.uuids(), st.sampled_from([str, lambda u: u.hex]), st.booleans(), BLANKS, BLANKS)
def test_every_uuid_in_either_spelling_and_either_case_is_accepted(value, spell, upper, a, b):
    text = spell(value)
    text = text.upper() if upper else text

    assert message_id_parse(f"{a}{text}{b}") == value


def oracle(text: str) -> uuid.UUID | None:
    """An independent statement of the rule, through the standard library."""
    stripped = text.strip()
    if not stripped.isascii():
        return None
    try:
        value = uuid.UUID(stripped)
    except ValueError:
        return None
    return value if stripped.lower() in (str(value), value.hex) else None


@given(
    st.one_of(
        st.text(max_size=60),
        st.text(alphabet="0123456789abcdefABCDEF-{}:urn ", max_size=50),
        st.uuids().map(lambda u: str(u).replace("-", "", 1)),
        st.uuids().map(lambda u: "{" + str(u) + "}"),
    )
)
def test_exactly_the_two_spellings_are_accepted(text):
    expected = oracle(text)
    if expected is None:
        with pytest.raises(MessageIdError):
            message_id_parse(text)
    else:
        assert message_id_parse(text) == expected


@given(st.text(min_size=37, max_size=500).filter(lambda t: len(t.strip()) > 36))
def test_anything_longer_than_a_message_id_is_refused(text):
    with pytest.raises(MessageIdError) as refused:
        message_id_parse(text)
    assert refused.value.code == "invalid"


@pytest.mark.parametrize("text", ["", " ", "\t\n", None])
def test_an_empty_field_asks_for_the_id(text):
    with pytest.raises(MessageIdError) as refused:
        message_id_parse(text)
    assert (refused.value.code, refused.value.message) == ("required", MESSAGE_ID_EMPTY)


def test_the_invalid_message_names_the_form_with_an_example():
    assert re.search(r"32 tal og bogstaver", str(MESSAGE_ID_INVALID))
    example = re.search(r"[0-9a-f-]{36}", str(MESSAGE_ID_INVALID)).group(0)
    assert message_id_parse(example) == uuid.UUID(example)


def test_ten_thousand_characters_are_refused_at_once():
    with pytest.raises(MessageIdError):
        message_id_parse("a" * 10_000)
