"""The privacy-link rule (SPEC §9, guide §11.3): "URL'en skal starte med https:// og må max.
være 2048 tegn" — and must lead where it says (no hidden characters, no userinfo, a real
domain name)."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from adgang.authorityinfo.validation import privacy_link_clean

GOOD = "https://www.kommune-a.dk/privatlivspolitik"


def _refusal(value) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        privacy_link_clean(value)
    return caught.value


@pytest.mark.parametrize(
    "link",
    [
        GOOD,
        "https://kommune-a.dk",
        "https://www.kommune-a.dk:8443/sti/til/politik?version=2#afsnit",
        "https://københavn.dk/privatliv",
        "https://xn--kbenhavn-54a.dk/privatliv",
        "https://sub.domain.example.co.uk/a_b-c~d/%C3%A6",
        "https://www.kommune-a.dk/" + "a" * (2048 - len("https://www.kommune-a.dk/")),
    ],
)
def test_good_links_are_accepted_as_typed(link):
    assert privacy_link_clean(link) == link


def test_spaces_around_the_link_are_trimmed():
    assert privacy_link_clean(f"  {GOOD}\n") == GOOD


def test_an_upper_case_scheme_is_stored_in_lower_case():
    assert privacy_link_clean("HTTPS://www.kommune-a.dk/p") == "https://www.kommune-a.dk/p"


@pytest.mark.parametrize(
    ("link", "code", "text"),
    [
        ("", "required", "Indtast linket"),
        ("   ", "required", "Indtast linket"),
        ("http://www.kommune-a.dk/privatliv", "scheme", "skal starte med https://"),
        ("javascript:alert(1)", "scheme", "skal starte med https://"),
        ("data:text/html,<script>alert(1)</script>", "scheme", "skal starte med https://"),
        ("//www.kommune-a.dk/privatliv", "scheme", "skal starte med https://"),
        ("/privatliv", "scheme", "skal starte med https://"),
        ("www.kommune-a.dk", "scheme", "skal starte med https://"),
        ("ftp://www.kommune-a.dk", "scheme", "skal starte med https://"),
        (" javascript:https://x.dk", "scheme", "skal starte med https://"),
        ("https://www.kommune a.dk/", "invisible", "mellemrum"),
        ("https://www.kommune-a.dk/a b", "invisible", "mellemrum"),
        ("https://www.kommune-a.dk/a\tb", "invisible", "mellemrum"),
        ("https://www.kommune-a.dk/\nx", "invisible", "mellemrum"),
        ("https://www.kommune\u200b-a.dk/", "invisible", "usynlige tegn"),
        ("https://www.kommune-a.dk/\u202egnp.exe", "invisible", "usynlige tegn"),
        ("https://www.kommune-a.dk/a\u00a0b", "invisible", "mellemrum"),
        ("https://www.kommune-a.dk@evil.example/", "userinfo", "brugernavn"),
        ("https://user:pass@www.kommune-a.dk/", "userinfo", "brugernavn"),
        ("https://www.kommune-a.dk\\@evil.example/", "invalid", "ikke en gyldig URL"),
        ("https://", "host", "gyldigt domænenavn"),
        ("https:///privatliv", "host", "gyldigt domænenavn"),
        ("https://localhost/privatliv", "host", "gyldigt domænenavn"),
        ("https://127.0.0.1/privatliv", "host", "gyldigt domænenavn"),
        ("https://10.0.0.1/privatliv", "host", "gyldigt domænenavn"),
        ("https://[::1]/privatliv", "host", "gyldigt domænenavn"),
        ("https://-kommune.dk/", "host", "gyldigt domænenavn"),
        ("https://kommune..dk/", "host", "gyldigt domænenavn"),
        ("https://kommune.d/", "host", "gyldigt domænenavn"),
        ("https://kommune_a.dk/", "host", "gyldigt domænenavn"),
        ("https://www.kommune-a.dk:99999/", "invalid", "ikke en gyldig URL"),
        ("https://www.kommune-a.dk:abc/", "invalid", "ikke en gyldig URL"),
    ],
)
def test_bad_links_are_refused_with_a_danish_reason(link, code, text):
    refusal = _refusal(link)

    assert refusal.code == code
    assert text in " ".join(refusal.messages)


def test_a_link_over_2048_characters_is_refused_and_says_how_long_it_is():
    link = "https://www.kommune-a.dk/" + "a" * (2049 - len("https://www.kommune-a.dk/"))

    refusal = _refusal(link)

    assert refusal.code == "too_long"
    assert refusal.messages == ["Linket må højst være 2048 tegn. Det er 2049 tegn."]


@pytest.mark.parametrize("value", [None, 42, b"https://x.dk", ["https://x.dk"]])
def test_values_that_are_not_text_are_refused(value):
    assert _refusal(value).code == "required"


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=3000), st.text().map(lambda t: "https://" + t)))
def test_any_text_is_either_refused_or_a_clean_https_link(text):
    try:
        link = privacy_link_clean(text)
    except ValidationError as refusal:
        assert refusal.messages
    else:
        assert link.startswith("https://")
        assert len(link) <= 2048
        assert not any(ch.isspace() for ch in link)
        assert "@" not in link.split("/")[2]
        assert privacy_link_clean(link) == link  # idempotent


_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
_path = st.from_regex(r"(/[A-Za-z0-9._~%-]{0,30}){0,5}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(
    labels=st.lists(_label, min_size=1, max_size=4),
    tld=st.from_regex(r"[a-z]{2,10}", fullmatch=True),
    path=_path,
)
def test_every_well_formed_https_link_is_accepted(labels, tld, path):
    link = "https://" + ".".join([*labels, tld]) + path

    assert privacy_link_clean(link) == link
