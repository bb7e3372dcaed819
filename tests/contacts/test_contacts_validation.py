"""Checking what a person types about contact groups and points (SPEC §4, guide §6.3–6.4).

Unit tests with the exact Danish message for every bad input of issue 4, the accepted edge
cases, and property tests (hypothesis) that the validators never fail with anything but a
ValidationError and that what they accept obeys the rule.
"""

import contextlib
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import ean

from adgang.contacts.validation import (
    KLE_PATTERN,
    keyword_is_allowed,
    validate_capacity,
    validate_codes,
    validate_external_link,
    validate_group_description,
    validate_input_fields,
    validate_internal_note,
    validate_keywords,
    validate_name,
    validate_point_description,
    validate_targets,
)

VALID_GLN = "5790000000012"


def messages_of(call) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.messages


def message_of(call) -> str:
    messages = messages_of(call)
    assert len(messages) == 1, messages
    return messages[0]


def field_errors(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def codes(*pairs: tuple[str, str]) -> list[dict]:
    return [{"type": t, "code": c} for t, c in pairs]


# --- names and descriptions -----------------------------------------------------------


@pytest.mark.parametrize("what", ["kontaktpunktet", "kontaktgruppen"])
def test_name_of_51_characters_is_refused(what):
    assert (
        message_of(lambda: validate_name("x" * 51, what=what))
        == "Navnet må højst være 50 tegn (du har skrevet 51)."
    )


@pytest.mark.parametrize("value", ["", "   ", None, "\n\t"])
def test_name_is_required(value):
    assert (
        message_of(lambda: validate_name(value, what="kontaktpunktet"))
        == "Giv kontaktpunktet et navn."
    )


def test_name_of_exactly_50_characters_is_accepted():
    assert validate_name("æ" * 50, what="kontaktgruppen") == "æ" * 50


def test_name_whitespace_is_collapsed_before_counting():
    name = "  Borger   service " + " " * 40
    assert validate_name(name, what="kontaktpunktet") == "Borger service"


def test_name_with_a_nul_character_is_refused():
    assert (
        message_of(lambda: validate_name("Bor\x00ger", what="kontaktpunktet"))
        == "Teksten indeholder tegn, der ikke kan bruges."
    )


def test_point_description_of_251_characters_is_refused():
    assert (
        message_of(lambda: validate_point_description("x" * 251))
        == "Beskrivelsen må højst være 250 tegn (du har skrevet 251)."
    )


def test_group_description_of_256_characters_is_refused():
    assert (
        message_of(lambda: validate_group_description("x" * 256))
        == "Beskrivelsen må højst være 255 tegn (du har skrevet 256)."
    )


@pytest.mark.parametrize(
    ("validate", "message"),
    [
        (validate_point_description, "Giv kontaktpunktet en beskrivelse."),
        (validate_group_description, "Giv kontaktgruppen en beskrivelse."),
    ],
)
def test_description_is_required(validate, message):
    assert message_of(lambda: validate("  \r\n ")) == message


@pytest.mark.parametrize(
    ("validate", "limit"),
    [(validate_point_description, 250), (validate_group_description, 255)],
)
def test_description_at_its_limit_is_accepted(validate, limit):
    assert validate("ø" * limit) == "ø" * limit


def test_description_keeps_line_breaks_and_counts_crlf_as_one():
    text = ("a" * 124 + "\r\n") + "b" * 125  # 250 characters once "\r\n" is one break
    assert validate_point_description(text) == "a" * 124 + "\n" + "b" * 125


def test_internal_note_is_optional():
    assert validate_internal_note(None) == ""
    assert validate_internal_note("  ") == ""


def test_internal_note_over_1000_characters_is_refused():
    assert validate_internal_note("n" * 1000) == "n" * 1000
    assert (
        message_of(lambda: validate_internal_note("n" * 1001))
        == "Den interne note må højst være 1000 tegn (du har skrevet 1001)."
    )


# --- target groups --------------------------------------------------------------------


@pytest.mark.parametrize("values", [[], None, [""], ["  "]])
def test_at_least_one_target_group(values):
    assert message_of(lambda: validate_targets(values)) == "Vælg mindst én målgruppe."


@pytest.mark.parametrize("value", ["ALIEN", "Borgere", 3])
def test_unknown_target_group_is_refused(value):
    assert message_of(lambda: validate_targets([value])) == (
        f"»{value}« er ikke en målgruppe. Vælg Borger, Virksomhed eller Myndighed."
    )


def test_targets_are_deduplicated_in_a_fixed_order():
    assert validate_targets(["AUTHORITY", "CITIZEN", "AUTHORITY", "COMPANY"]) == [
        "CITIZEN",
        "COMPANY",
        "AUTHORITY",
    ]


def test_targets_are_also_read_by_their_danish_label():
    assert validate_targets(["myndighed", " Borger "]) == ["CITIZEN", "AUTHORITY"]


# --- keywords -------------------------------------------------------------------------


@pytest.mark.parametrize("keyword", ["x!", "hvad#", "hvorfor?", "!#?", "a-b", "e_mail", "½"])
def test_keyword_with_special_characters_is_refused(keyword):
    assert message_of(lambda: validate_keywords([keyword])) == (
        f"Søgeordet »{keyword}« må kun indeholde bogstaver, tal og mellemrum."
    )


def test_keyword_of_31_characters_is_refused():
    keyword = "k" * 31
    assert message_of(lambda: validate_keywords([keyword])) == (
        f"Søgeordet »{keyword}« må højst være 30 tegn (du har skrevet 31)."
    )


@pytest.mark.parametrize("values", [[], None, ["", "   "]])
def test_at_least_one_keyword(values):
    assert message_of(lambda: validate_keywords(values)) == "Angiv mindst ét søgeord."


def test_every_bad_keyword_is_reported():
    assert messages_of(lambda: validate_keywords(["ok", "a!", "b?"])) == [
        "Søgeordet »a!« må kun indeholde bogstaver, tal og mellemrum.",
        "Søgeordet »b?« må kun indeholde bogstaver, tal og mellemrum.",
    ]


@pytest.mark.parametrize(
    "keyword", ["k" * 30, "æblegrød", "Øresund 2024", "Århus", "Straße", "Καλημέρα", "日本"]
)
def test_keyword_of_letters_digits_and_spaces_is_accepted(keyword):
    assert validate_keywords([keyword]) == [keyword]


def test_keywords_are_collapsed_and_deduplicated_ignoring_case():
    assert validate_keywords(["  Pas   og kørekort ", "pas OG kørekort", "Skat"]) == [
        "Pas og kørekort",
        "Skat",
    ]


# --- codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code_type", "first", "second", "label"),
    [
        ("KLE", "27.24.00", "27.24", "KLE"),
        ("FORM", "02.02.04", "02.02.05", "FORM"),
        ("SOR", "123", "456", "SOR"),
        ("GLN", VALID_GLN, "5790000000029", "EAN/GLN"),
    ],
)
def test_at_most_one_code_of_each_standard_type(code_type, first, second, label):
    assert ean.is_valid("5790000000029")
    assert (
        message_of(lambda: validate_codes(codes((code_type, first), (code_type, second))))
        == f"Du kan kun angive én {label}-kode."
    )


@pytest.mark.parametrize(
    "kle", ["2", "27.2", "27.24.0", "27.24.00.00", "27,24", "27-24-00", "aa.bb", "27.24.", "２７"]
)
def test_malformed_kle_code_is_refused(kle):
    assert message_of(lambda: validate_codes(codes(("KLE", kle)))) == (
        "KLE-koden skal have formen NN.NN.NN, fx 27.24.00, eller en del af den, fx 27.24."
    )


@pytest.mark.parametrize("kle", ["27", "27.24", "27.24.00", " 00.01.99 "])
def test_kle_code_and_its_prefixes_are_accepted(kle):
    assert validate_codes(codes(("KLE", kle))) == [{"type": "KLE", "code": kle.strip()}]


@pytest.mark.parametrize("number", ["5790000000013", "5790000000010", "4006381333932"])
def test_ean_with_a_wrong_check_digit_is_refused(number):
    assert not ean.is_valid(number)
    assert (
        message_of(lambda: validate_codes(codes(("GLN", number))))
        == "EAN/GLN-nummeret har et forkert kontrolciffer."
    )


@pytest.mark.parametrize("number", ["579000000001", "57900000000120", "96385074", "579000000001x"])
def test_ean_must_have_13_digits(number):
    assert (
        message_of(lambda: validate_codes(codes(("GLN", number))))
        == "EAN/GLN-nummeret skal bestå af 13 cifre."
    )


@pytest.mark.parametrize("spelling", [VALID_GLN, "579 0000 000012", "579-0000000012"])
def test_valid_gln_is_accepted_and_compacted(spelling):
    assert ean.validate(VALID_GLN) == VALID_GLN  # the check digit is right by python-stdnum
    assert validate_codes(codes(("EAN/GLN", spelling))) == [{"type": "GLN", "code": VALID_GLN}]


def test_eleven_user_defined_codes_are_refused():
    eleven = codes(*[("CUSTOM", f"intern-{i}") for i in range(11)])
    assert (
        message_of(lambda: validate_codes(eleven))
        == "Du kan højst angive 10 brugerdefinerede koder."
    )


def test_ten_user_defined_codes_and_one_of_each_standard_type_are_accepted():
    given_codes = codes(
        *[("CUSTOM", f"intern-{i}") for i in range(10)],
        ("GLN", VALID_GLN),
        ("SOR", "123456789012345678"),
        ("KLE", "27.24.00"),
        ("FORM", "02.02.04"),
    )
    accepted = validate_codes(given_codes)
    assert [c["type"] for c in accepted[:4]] == ["FORM", "KLE", "SOR", "GLN"]
    assert [c["code"] for c in accepted[4:]] == [f"intern-{i}" for i in range(10)]


@pytest.mark.parametrize("sor", ["12a", "1234567890123456789", "-1", "1.2"])
def test_sor_code_must_be_1_to_18_digits(sor):
    assert (
        message_of(lambda: validate_codes(codes(("SOR", sor))))
        == "SOR-koden skal bestå af 1 til 18 cifre."
    )


@pytest.mark.parametrize("form", ["02 02 04", "02/02", "ø.1"])
def test_form_code_with_other_characters_is_refused(form):
    assert (
        message_of(lambda: validate_codes(codes(("FORM", form))))
        == "FORM-koden må kun indeholde bogstaver, tal, punktum og bindestreg."
    )


@pytest.mark.parametrize("code_type", ["FORM", "CUSTOM"])
def test_code_of_51_characters_is_refused(code_type):
    code = "a" * 51
    assert message_of(lambda: validate_codes(codes((code_type, code)))) == (
        f"Koden »{code}« må højst være 50 tegn (du har skrevet 51)."
    )


def test_the_same_user_defined_code_twice_is_refused():
    assert (
        message_of(lambda: validate_codes(codes(("CUSTOM", "Sag"), ("CUSTOM", "sag"))))
        == "Koden »sag« er angivet mere end én gang."
    )


def test_empty_code_rows_are_dropped():
    assert validate_codes(codes(("KLE", ""), ("CUSTOM", "  "), ("", ""))) == []
    assert validate_codes(None) == []


def test_code_without_a_known_type_is_refused():
    assert (
        message_of(lambda: validate_codes(codes(("ISBN", "123"))))
        == "Vælg kodens type: FORM, KLE, SOR, EAN/GLN eller brugerdefineret."
    )


# --- capacity -------------------------------------------------------------------------


@pytest.mark.parametrize("mb", ["100", "99,6", "0", "0,0", "-1", "1000", Decimal("99.51") * 10])
def test_message_size_out_of_range_is_refused(mb):
    assert field_errors(lambda: validate_capacity(mb, None)) == {
        "max_message_mb": ["Den maksimale beskedstørrelse skal være mellem 0,1 og 99,5 MB."]
    }


@pytest.mark.parametrize("mb", ["45,55", "abc", "4 5", "1e1", "45,", "NaN", Decimal("Infinity")])
def test_message_size_must_be_a_number_with_at_most_one_decimal(mb):
    assert field_errors(lambda: validate_capacity(mb, None)) == {
        "max_message_mb": [
            "Den maksimale beskedstørrelse skal være et tal med højst én decimal, fx 45,5."
        ]
    }


@pytest.mark.parametrize(
    ("mb", "expected"),
    [
        ("99.5", Decimal("99.5")),
        ("99,5", Decimal("99.5")),
        (" 45,5 ", Decimal("45.5")),
        ("0,1", Decimal("0.1")),
        ("10", Decimal("10.0")),
        ("10,50", Decimal("10.5")),
        (Decimal("99.5"), Decimal("99.5")),
        (12, Decimal("12.0")),
        (2.5, Decimal("2.5")),
    ],
)
def test_message_size_up_to_99_5_is_accepted(mb, expected):
    assert validate_capacity(mb, None) == (expected, None)


@pytest.mark.parametrize("attachments", ["11", 11, -1, "100"])
def test_attachments_out_of_range_are_refused(attachments):
    assert field_errors(lambda: validate_capacity(None, attachments)) == {
        "max_attachments": ["Antallet af bilag skal være mellem 0 og 10."]
    }


@pytest.mark.parametrize("attachments", ["2,5", "to", 2.5])
def test_attachments_must_be_a_whole_number(attachments):
    assert field_errors(lambda: validate_capacity(None, attachments)) == {
        "max_attachments": ["Antallet af bilag skal være et helt tal mellem 0 og 10."]
    }


@pytest.mark.parametrize(("attachments", "expected"), [("10", 10), (10, 10), ("0", 0), (3.0, 3)])
def test_attachments_from_0_to_10_are_accepted(attachments, expected):
    assert validate_capacity(None, attachments) == (None, expected)


def test_capacity_not_given_is_none_and_the_default_given_is_kept():
    assert validate_capacity("", None) == (None, None)
    assert validate_capacity("99,5", "10") == (Decimal("99.5"), 10)


def test_both_capacity_errors_are_placed_on_their_fields():
    assert set(field_errors(lambda: validate_capacity("100", "11"))) == {
        "max_message_mb",
        "max_attachments",
    }


# --- external link --------------------------------------------------------------------


def test_no_external_link_is_all_empty():
    assert validate_external_link("", None, " ", "") == {
        "link_headline": "",
        "link_description": "",
        "link_text": "",
        "link_url": "",
    }


def test_external_link_is_accepted_at_its_limits():
    assert validate_external_link("o" * 50, "b" * 250, "t" * 50, " https://kommune.dk/ansøg ") == {
        "link_headline": "o" * 50,
        "link_description": "b" * 250,
        "link_text": "t" * 50,
        "link_url": "https://kommune.dk/ansøg",
    }


@pytest.mark.parametrize("url", ["http://kommune.dk/ansog", "ftp://kommune.dk/"])
def test_external_link_must_be_https(url):
    assert field_errors(lambda: validate_external_link("Ansøg", "", "Gå til", url)) == {
        "link_url": [
            "Linket skal benytte SSL (https-protokol), fx https://post.eksempel.dk/modtag."
        ]
    }


def test_external_link_texts_over_their_limits_are_refused():
    errors = field_errors(
        lambda: validate_external_link("o" * 51, "b" * 251, "t" * 51, "https://kommune.dk/")
    )
    assert errors == {
        "link_headline": ["Overskriften må højst være 50 tegn (du har skrevet 51)."],
        "link_description": ["Beskrivelsen af linket må højst være 250 tegn (du har skrevet 251)."],
        "link_text": ["Linkteksten må højst være 50 tegn (du har skrevet 51)."],
    }


def test_external_link_needs_headline_and_text_with_a_url():
    assert field_errors(lambda: validate_external_link("", "", "", "https://kommune.dk/")) == {
        "link_headline": ["Angiv en overskrift til linket."],
        "link_text": ["Angiv en linktekst."],
    }


def test_external_link_texts_without_a_url_ask_for_the_url():
    assert field_errors(lambda: validate_external_link("Ansøg", "", "Gå til", "")) == {
        "link_url": ["Angiv linkets adresse (URL), fx https://www.kommune.dk/selvbetjening."]
    }


# --- input fields ---------------------------------------------------------------------


def test_three_input_fields_are_refused():
    assert (
        message_of(lambda: validate_input_fields(["Sagsnummer", "CPR", "Journalnummer"]))
        == "Du kan højst tilføje to informationsfelter."
    )


def test_input_field_title_of_26_characters_is_refused():
    assert message_of(lambda: validate_input_fields(["t" * 26])) == "Titlen må højst være 25 tegn."


def test_two_input_fields_of_25_characters_are_accepted_and_blanks_dropped():
    assert validate_input_fields(["", "a" * 25, "  ", " Sags  nummer "]) == [
        "a" * 25,
        "Sags nummer",
    ]
    assert validate_input_fields(None) == []


def test_two_input_fields_with_the_same_title_are_refused():
    assert (
        message_of(lambda: validate_input_fields(["Sagsnummer", "sagsnummer"]))
        == "Informationsfelterne skal have forskellige titler."
    )


# --- properties -----------------------------------------------------------------------

anything = st.one_of(
    st.none(),
    st.text(),
    st.integers(),
    st.floats(allow_nan=True),
    st.decimals(allow_nan=True),
    st.booleans(),
    st.lists(st.one_of(st.text(), st.integers(), st.none())),
)
code_rows = st.lists(
    st.one_of(
        st.fixed_dictionaries(
            {
                "type": st.one_of(
                    st.sampled_from(["FORM", "KLE", "SOR", "GLN", "CUSTOM"]), st.text()
                ),
                "code": st.one_of(st.text(max_size=60), st.integers(), st.none()),
            }
        ),
        st.text(),
        st.none(),
    ),
    max_size=14,
)

VALIDATORS = [
    lambda v: validate_name(v, what="kontaktpunktet"),
    validate_group_description,
    validate_point_description,
    validate_internal_note,
    validate_targets,
    validate_keywords,
    validate_codes,
    validate_input_fields,
    lambda v: validate_capacity(v, v),
    lambda v: validate_external_link(v, v, v, v),
]


def returns_or_refuses(call) -> None:
    with contextlib.suppress(ValidationError):
        call()


@pytest.mark.parametrize("validate", VALIDATORS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=anything)
def test_validators_fail_only_with_a_validation_error(validate, value):
    returns_or_refuses(lambda: validate(value))


@settings(max_examples=300, deadline=None)
@given(rows=code_rows)
def test_codes_fail_only_with_a_validation_error(rows):
    returns_or_refuses(lambda: validate_codes(rows))


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.text(max_size=40), max_size=6))
def test_accepted_keywords_satisfy_the_rule(values):
    try:
        keywords = validate_keywords(values)
    except ValidationError:
        return
    assert keywords
    assert len({k.casefold() for k in keywords}) == len(keywords)
    for keyword in keywords:
        assert 1 <= len(keyword) <= 30
        assert keyword == " ".join(keyword.split())
        assert keyword_is_allowed(keyword)
        assert not re.search(r"[!#?\-_.,;:/\\@&%*+=()\[\]{}<>\"']", keyword)


@settings(max_examples=300, deadline=None)
@given(
    code=st.one_of(
        st.from_regex(r"\A[0-9]{2}(\.[0-9]{2}){0,3}\Z"),
        st.text(alphabet="0123456789.", max_size=12),
        st.text(max_size=10),
    )
)
def test_kle_is_accepted_exactly_when_it_has_the_kle_form(code):
    stripped = " ".join(code.split())
    try:
        accepted = validate_codes(codes(("KLE", code)))
    except ValidationError:
        assert stripped and not re.fullmatch(r"[0-9]{2}(\.[0-9]{2}){0,2}", stripped)
        return
    if not stripped:
        assert accepted == []
    else:
        assert re.fullmatch(r"[0-9]{2}(\.[0-9]{2}){0,2}", stripped)
        assert KLE_PATTERN.fullmatch(accepted[0]["code"])
