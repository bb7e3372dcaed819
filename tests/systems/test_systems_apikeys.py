"""API keys of connected systems: `Basic base64(<id>:<secret>)`, only a hash kept (SPEC §3)."""

import base64
import hashlib
import uuid

import pytest
from django.forms.models import model_to_dict
from hypothesis import given
from hypothesis import strategies as st

from adgang.audit.models import ActionLogEntry
from adgang.systems.apikeys import (
    PREFIX_LENGTH,
    apikey_header,
    apikey_issue,
    apikey_matches,
    apikey_parse,
)
from adgang.systems.models import MailSystem
from adgang.systems.rules import RECEIVER
from adgang.systems.services import system_renew_api_key
from tests.support.systems_core import actor_of, create

SYSTEM_ID = uuid.UUID("6f1c1b7e-2a4d-4c8e-9f3a-0b5d7e9a1c2f")
# Secrets as text that can be encoded (no lone surrogates), never empty.
secrets_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def secret_of(header: str) -> str:
    return apikey_parse(header)[1]


# --- the header -----------------------------------------------------------------------


def test_apikey_header_is_basic_base64_of_id_colon_secret():
    assert apikey_header(SYSTEM_ID, "hemmelig") == f"Basic {b64(f'{SYSTEM_ID}:hemmelig')}"


@given(system_id=st.uuids(), secret=secrets_text)
def test_property_apikey_parse_reads_what_apikey_header_wrote(system_id, secret):
    assert apikey_parse(apikey_header(system_id, secret)) == (system_id, secret)


@pytest.mark.parametrize(
    "header",
    [
        f"basic {b64(f'{SYSTEM_ID}:s')}",
        f"BASIC {b64(f'{SYSTEM_ID}:s')}",
        f"  Basic   {b64(f'{SYSTEM_ID}:s')}  ",
        f"Basic {b64(f'{str(SYSTEM_ID).upper()}:s')}",
    ],
)
def test_apikey_parse_accepts_spelling_variants_of_the_scheme_and_id(header):
    assert apikey_parse(header) == (SYSTEM_ID, "s")


def test_apikey_parse_keeps_colons_inside_the_secret():
    assert apikey_parse(f"Basic {b64(f'{SYSTEM_ID}:a:b:')}") == (SYSTEM_ID, "a:b:")


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "   ",
        "Basic",
        "Basic ",
        f"Bearer {b64(f'{SYSTEM_ID}:s')}",
        f"Digest {b64(f'{SYSTEM_ID}:s')}",
        b64(f"{SYSTEM_ID}:s"),
        "Basic !!!!",
        "Basic abc",
        "Basic " + b64(f"{SYSTEM_ID}:s")[:-2],
        f"Basic {b64('not-a-uuid:s')}",
        f"Basic {b64(f'{SYSTEM_ID}')}",
        f"Basic {b64(f'{SYSTEM_ID}:')}",
        f"Basic {b64(':secret')}",
        "Basic " + base64.b64encode(b"\xff\xfe:\x80").decode(),
        f"Basic {b64(f'{SYSTEM_ID}:s')} extra",
        "Basic æøå",
    ],
)
def test_apikey_parse_answers_none_for_what_is_not_our_header(header):
    assert apikey_parse(header) is None


@given(st.text())
def test_property_apikey_parse_never_raises_on_any_text(text):
    result = apikey_parse(text)
    assert result is None or (isinstance(result[0], uuid.UUID) and result[1])


@given(st.binary())
def test_property_apikey_parse_never_raises_on_any_basic_token(payload):
    result = apikey_parse(f"Basic {base64.b64encode(payload).decode()}")
    assert result is None or (isinstance(result[0], uuid.UUID) and result[1])


@given(st.text(alphabet="ABCDEFabcdef0123456789+/=-: ", max_size=80))
def test_property_apikey_parse_never_raises_on_base64_like_tokens(token):
    apikey_parse(f"Basic {token}")


# --- issuing and checking -------------------------------------------------------------


def test_apikey_issue_makes_a_long_random_secret_with_its_prefix_and_hash():
    key = apikey_issue()
    assert len(key.secret) >= 43  # 256 bits, url-safe base64
    assert key.prefix == key.secret[:PREFIX_LENGTH]
    assert key.hash == hashlib.sha256(key.secret.encode()).hexdigest()
    assert key.secret not in key.hash


def test_apikey_issue_never_repeats():
    assert len({apikey_issue().secret for _ in range(50)}) == 50


def test_apikey_matches_only_the_right_secret():
    key = apikey_issue()
    assert apikey_matches(key.secret, stored_hash=key.hash)
    assert not apikey_matches(key.secret + "x", stored_hash=key.hash)
    assert not apikey_matches(key.secret[:-1], stored_hash=key.hash)
    assert not apikey_matches(key.secret, stored_hash="")


# --- what is stored -------------------------------------------------------------------


def stored_texts(system: MailSystem) -> list[str]:
    """Every column of the system's row and every log entry about it, as text."""
    row = MailSystem.objects.filter(pk=system.pk).values().get()
    entries = ActionLogEntry.objects.filter(object_id=str(system.pk))
    logged = [str(v) for entry in entries for v in model_to_dict(entry).values()]
    return [str(v) for v in row.values()] + logged


def assert_not_stored(system: MailSystem, header: str) -> None:
    secret = secret_of(header)
    token = header.split()[1]
    for text in stored_texts(system):
        assert secret not in text
        assert token not in text


def test_only_a_prefix_and_hash_of_the_secret_are_stored(personas):
    created = create(personas.alice, RECEIVER)
    system = MailSystem.objects.get(pk=created.system.pk)
    secret = secret_of(created.api_key)
    assert system.api_key_prefix == secret[:PREFIX_LENGTH]
    assert system.api_key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert_not_stored(system, created.api_key)


def test_a_renewed_secret_is_not_stored_either(personas):
    created = create(personas.alice, RECEIVER)
    header = system_renew_api_key(actor=actor_of(personas.alice), system=created.system)
    assert header != created.api_key
    assert apikey_parse(header)[0] == created.system.pk
    assert_not_stored(created.system, header)
    assert_not_stored(created.system, created.api_key)
