"""How the Digital Post core recognises a calling system: `authenticate_system` (SPEC §3, §13).

NGDP-API.md: 401 for credentials we do not recognise, 403 for a known system calling from an
address it may not use or outside its active window.
"""

import base64
from datetime import timedelta

import pytest

from adgang.systems.auth import LAST_USED_RESOLUTION, AuthRefusal, authenticate_system
from adgang.systems.models import MailSystem
from adgang.systems.rules import RECEIVER, SENDER
from adgang.systems.services import (
    Activation,
    system_delete,
    system_renew_api_key,
    system_update,
)
from tests.support.systems_core import ALLOWED_IP, OTHER_IP, T0, actor_of, create

MINUTE = timedelta(minutes=1)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)
    return T0


def refused_with(result, status: int, code: str) -> None:
    assert isinstance(result, AuthRefusal)
    assert not result
    assert (result.status, result.code) == (status, code)
    assert result.message


def secret_of(header: str) -> str:
    return base64.b64decode(header.split()[1]).decode().partition(":")[2]


# --- who may call from where ----------------------------------------------------------


ALLOWED = [
    pytest.param({"allowed_ips": (ALLOWED_IP,)}, ALLOWED_IP, id="single-address"),
    pytest.param({"allowed_ips": ("192.0.2.1", ALLOWED_IP)}, ALLOWED_IP, id="second-address"),
    pytest.param({"allowed_ips": (), "ip_range": "10.20.0.0/16"}, "10.20.255.1", id="cidr"),
    pytest.param({"allowed_ips": (), "ip_range": "10.0.0.1-10.0.0.9"}, "10.0.0.9", id="a-b"),
    pytest.param({"allowed_ips": ("2001:db8::7",)}, "2001:db8:0::7", id="ipv6"),
    pytest.param(
        {"allowed_ips": (), "ip_range": "2001:db8::/48"}, "2001:db8::abcd", id="ipv6-cidr"
    ),
    pytest.param({"allowed_ips": (ALLOWED_IP,)}, f"::ffff:{ALLOWED_IP}", id="ipv4-mapped"),
    pytest.param(
        {"allowed_ips": (), "ip_range": "10.0.0.0/24"}, "::ffff:10.0.0.3", id="mapped-cidr"
    ),
]


@pytest.mark.parametrize(("ips", "client_ip"), ALLOWED)
def test_the_receipts_key_authenticates_from_an_allowed_ip(personas, frozen, ips, client_ip):
    created = create(personas.alice, SENDER, **ips)
    system = authenticate_system(created.api_key, client_ip, frozen)
    assert isinstance(system, MailSystem)
    assert system.pk == created.system.pk
    assert system.organisation == personas.alice.organisation


REFUSED_IPS = [
    pytest.param({"allowed_ips": (ALLOWED_IP,)}, OTHER_IP, id="single-address"),
    pytest.param({"allowed_ips": (), "ip_range": "10.20.0.0/16"}, "10.21.0.1", id="cidr"),
    pytest.param({"allowed_ips": (), "ip_range": "10.0.0.1-10.0.0.9"}, "10.0.0.10", id="a-b"),
    pytest.param({"allowed_ips": ("2001:db8::7",)}, "2001:db8::8", id="ipv6"),
    pytest.param({"allowed_ips": (ALLOWED_IP,)}, "::ffff:198.51.100.7", id="ipv4-mapped"),
    pytest.param({"allowed_ips": (ALLOWED_IP,)}, "", id="no-address"),
    pytest.param({"allowed_ips": (ALLOWED_IP,)}, "unknown", id="garbage-address"),
]


@pytest.mark.parametrize(("ips", "client_ip"), REFUSED_IPS)
def test_the_key_is_refused_from_another_ip_with_403(personas, frozen, ips, client_ip):
    created = create(personas.alice, SENDER, **ips)
    refused_with(authenticate_system(created.api_key, client_ip, frozen), 403, "ip.not.allowed")


# --- credentials ----------------------------------------------------------------------


def test_a_wrong_secret_is_refused_with_401(personas, frozen):
    created = create(personas.alice, SENDER)
    secret = secret_of(created.api_key)
    for wrong in (secret[:-1] + ("A" if secret[-1] != "A" else "B"), secret + "x", secret[:8]):
        token = base64.b64encode(f"{created.system.pk}:{wrong}".encode()).decode()
        refused_with(
            authenticate_system(f"Basic {token}", ALLOWED_IP, frozen),
            401,
            "authorization.invalid",
        )


def test_another_systems_id_with_this_secret_is_refused_with_401(personas, frozen):
    mine = create(personas.alice, SENDER, name="Mit")
    other = create(personas.alice, SENDER, name="Andet")
    token = base64.b64encode(f"{other.system.pk}:{secret_of(mine.api_key)}".encode()).decode()
    refused_with(
        authenticate_system(f"Basic {token}", ALLOWED_IP, frozen), 401, "authorization.invalid"
    )


@pytest.mark.parametrize(
    "header",
    [
        "Bearer abc",
        "Basic",
        "Basic not-base64!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b"not-a-uuid:secret").decode(),
    ],
)
def test_a_malformed_header_is_refused_with_401(personas, frozen, header):
    create(personas.alice, SENDER)
    refused_with(authenticate_system(header, ALLOWED_IP, frozen), 401, "authorization.malformed")


@pytest.mark.parametrize("header", [None, ""])
def test_a_missing_header_is_refused_with_401(personas, frozen, header):
    refused_with(authenticate_system(header, ALLOWED_IP, frozen), 401, "authorization.missing")


def test_an_unknown_system_id_is_refused_with_401(personas, frozen):
    created = create(personas.alice, SENDER)
    token = base64.b64encode(
        f"00000000-0000-4000-8000-000000000000:{secret_of(created.api_key)}".encode()
    ).decode()
    refused_with(
        authenticate_system(f"Basic {token}", ALLOWED_IP, frozen), 401, "authorization.invalid"
    )


# --- the active window ----------------------------------------------------------------


def test_a_key_is_refused_before_activation_and_accepted_from_it(personas, frozen):
    start = frozen + timedelta(hours=1)
    created = create(personas.alice, SENDER, activation=Activation.AT, active_from=start)
    refused_with(
        authenticate_system(created.api_key, ALLOWED_IP, start - timedelta(seconds=1)),
        403,
        "system.not.active",
    )
    assert authenticate_system(created.api_key, ALLOWED_IP, start)


def test_a_key_of_a_system_never_activated_is_refused(personas, frozen):
    created = create(personas.alice, SENDER, activation=Activation.NEVER)
    refused_with(
        authenticate_system(created.api_key, ALLOWED_IP, frozen + timedelta(days=365)),
        403,
        "system.not.active",
    )


def test_a_key_is_refused_from_the_deactivation_time(personas, frozen):
    until = frozen + timedelta(days=1)
    created = create(personas.alice, SENDER, active_to=until)
    assert authenticate_system(created.api_key, ALLOWED_IP, until - timedelta(seconds=1))
    refused_with(authenticate_system(created.api_key, ALLOWED_IP, until), 403, "system.not.active")


def test_a_key_is_refused_after_deactivation_through_the_details_page(personas, frozen):
    created = create(personas.alice, SENDER)
    system_update(
        actor=actor_of(personas.alice),
        system=created.system,
        changes={"active_to": frozen + MINUTE},
    )
    refused_with(
        authenticate_system(created.api_key, ALLOWED_IP, frozen + MINUTE), 403, "system.not.active"
    )


def test_a_key_is_refused_after_deletion(personas, frozen):
    created = create(personas.alice, RECEIVER)
    system_delete(actor=actor_of(personas.alice), system=created.system)
    refused_with(
        authenticate_system(created.api_key, ALLOWED_IP, frozen), 401, "authorization.invalid"
    )


def test_after_renewal_the_old_key_is_refused_and_the_new_one_works(personas, frozen):
    created = create(personas.alice, SENDER)
    renewed = system_renew_api_key(actor=actor_of(personas.alice), system=created.system)
    refused_with(
        authenticate_system(created.api_key, ALLOWED_IP, frozen), 401, "authorization.invalid"
    )
    assert authenticate_system(renewed, ALLOWED_IP, frozen).pk == created.system.pk


def test_renewal_twice_leaves_only_the_last_key(personas, frozen):
    created = create(personas.alice, SENDER)
    actor = actor_of(personas.alice)
    first = system_renew_api_key(actor=actor, system=created.system)
    second = system_renew_api_key(actor=actor, system=created.system)
    assert not authenticate_system(first, ALLOWED_IP, frozen)
    assert authenticate_system(second, ALLOWED_IP, frozen)


# --- last used ------------------------------------------------------------------------


def last_used(created):
    return MailSystem.objects.get(pk=created.system.pk).last_used_at


def test_a_new_system_was_never_used(personas, frozen):
    assert last_used(create(personas.alice, SENDER)) is None


def test_last_used_is_recorded_at_the_first_call(personas, frozen):
    created = create(personas.alice, SENDER)
    authenticate_system(created.api_key, ALLOWED_IP, frozen)
    assert last_used(created) == frozen


def test_last_used_is_written_at_most_once_a_minute(personas, time_machine, frozen):
    created = create(personas.alice, SENDER)
    authenticate_system(created.api_key, ALLOWED_IP, frozen)
    for seconds in (1, 30, 59, 60):
        time_machine.move_to(frozen + timedelta(seconds=seconds), tick=False)
        authenticate_system(created.api_key, ALLOWED_IP, frozen + timedelta(seconds=seconds))
        assert last_used(created) == frozen, seconds
    later = frozen + LAST_USED_RESOLUTION + timedelta(seconds=1)
    authenticate_system(created.api_key, ALLOWED_IP, later)
    assert last_used(created) == later


def test_last_used_is_not_recorded_for_a_refused_call(personas, frozen):
    created = create(personas.alice, SENDER)
    authenticate_system(created.api_key, OTHER_IP, frozen)
    authenticate_system(created.api_key.replace("Basic ", "Basic x"), ALLOWED_IP, frozen)
    assert last_used(created) is None


def test_recording_last_used_changes_nothing_else(personas, frozen):
    created = create(personas.alice, SENDER)
    before = MailSystem.objects.filter(pk=created.system.pk).values().get()
    authenticate_system(created.api_key, ALLOWED_IP, frozen)
    after = MailSystem.objects.filter(pk=created.system.pk).values().get()
    assert {k: v for k, v in after.items() if before[k] != v} == {"last_used_at": frozen}
