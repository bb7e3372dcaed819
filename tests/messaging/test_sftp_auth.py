"""Who may log in to the SFTP intake (SPEC §3, §13): the decisions, without the network."""

import logging
from datetime import timedelta

import asyncssh
import pytest
import time_machine

from adgang.core.clock import now
from adgang.messaging.sftp import auth
from adgang.messaging.sftp.auth import key_matches, session_check, sftp_login
from adgang.systems.models import MailSystem, Protocol
from adgang.systems.rules import BOTH, SENDER
from adgang.systems.services import Activation, system_delete
from tests.support.systems_core import ALLOWED_IP, OTHER_IP, T0, actor_of, create

pytestmark = pytest.mark.django_db


@pytest.fixture
def key():
    return asyncssh.generate_private_key("ssh-ed25519", comment="sender@kommune-a")


def public_line(private_key) -> str:
    return private_key.export_public_key("openssh").decode().strip()


@pytest.fixture
def sftp_system(personas, key):
    return create(personas.alice, SENDER, Protocol.SFTP, ssh_public_key=public_line(key)).system


def login(system_or_username, key, ip=ALLOWED_IP, at=None):
    username = (
        system_or_username
        if isinstance(system_or_username, str)
        else system_or_username.ssh_username
    )
    return sftp_login(
        username=username, offered_key_blob=key.public_data, client_ip=ip, now=at or now()
    )


def test_the_registered_key_from_an_allowed_ip_logs_in_as_the_system(sftp_system, key):
    assert login(sftp_system, key) == sftp_system


def test_another_key_is_refused(sftp_system):
    other = asyncssh.generate_private_key("ssh-ed25519")

    assert login(sftp_system, other) == auth.WRONG_KEY


def test_an_ip_the_system_does_not_allow_is_refused(sftp_system, key):
    assert login(sftp_system, key, ip=OTHER_IP) == auth.IP_NOT_ALLOWED


def test_an_ipv4_mapped_ipv6_address_is_the_same_caller(sftp_system, key):
    assert login(sftp_system, key, ip=f"::ffff:{ALLOWED_IP}") == sftp_system


def test_a_system_never_activated_is_refused(personas, key):
    system = create(
        personas.alice,
        SENDER,
        Protocol.SFTP,
        ssh_public_key=public_line(key),
        activation=Activation.NEVER,
    ).system

    assert login(system, key) == auth.INACTIVE


def test_a_system_after_its_deactivation_is_refused(personas, key):
    with time_machine.travel(T0, tick=False):
        system = create(personas.alice, SENDER, Protocol.SFTP, ssh_public_key=public_line(key))
    system = system.system
    MailSystem.objects.filter(pk=system.pk).update(active_to=T0 + timedelta(days=1))

    assert login(system, key, at=T0 + timedelta(hours=23)) == system
    assert login(system, key, at=T0 + timedelta(days=1)) == auth.INACTIVE


def test_a_deleted_system_is_unknown(sftp_system, key, personas):
    system_delete(actor=actor_of(personas.alice), system=sftp_system)

    assert login(sftp_system, key) == auth.UNKNOWN_USER


def test_a_rest_systems_user_name_is_refused(personas, key):
    rest = create(personas.alice, SENDER, Protocol.REST_PULL).system

    assert login(f"sys-{rest.pk.hex[:12]}", key) == auth.NOT_SFTP_SENDER


def test_a_rest_sender_and_receiver_is_refused(personas, key):
    both = create(personas.alice, BOTH, Protocol.REST_PULL).system

    assert login(f"sys-{both.pk.hex[:12]}", key) == auth.NOT_SFTP_SENDER


@pytest.mark.parametrize(
    "username",
    ["", "root", "sys-", "sys-xyz", "sys-000000000000", "SYS-0123456789ab", "sys-0123456789abc"],
)
def test_user_names_of_no_system_are_unknown(sftp_system, key, username):
    assert login(username, key) == auth.UNKNOWN_USER


def test_the_user_name_in_upper_case_is_unknown(sftp_system, key):
    assert login(sftp_system.ssh_username.upper(), key) == auth.UNKNOWN_USER


def test_the_key_is_compared_not_its_comment_or_spacing(key):
    registered = public_line(key).replace(" ", "  ", 1).replace("sender@kommune-a", "other")

    assert key_matches(registered, key.public_data)


@pytest.mark.parametrize("registered", ["", "ssh-ed25519", "ssh-ed25519 !!!", "not a key"])
def test_an_unreadable_registered_key_matches_nothing(key, registered):
    assert not key_matches(registered, key.public_data)


def test_a_refusal_is_logged_with_its_reason_and_without_the_key(sftp_system, key, caplog):
    other = asyncssh.generate_private_key("ssh-ed25519")

    with caplog.at_level(logging.INFO, logger="adgang.messaging.sftp.auth"):
        login(sftp_system, other)

    assert "reason=ssh.key.mismatch" in caplog.text
    assert sftp_system.ssh_username in caplog.text
    offered = public_line(other).split()[1]
    assert offered not in caplog.text
    assert public_line(key).split()[1] not in caplog.text


def test_the_session_check_refuses_a_system_deactivated_after_login(personas, key):
    with time_machine.travel(T0, tick=False):
        system = create(personas.alice, SENDER, Protocol.SFTP, ssh_public_key=public_line(key))
    system = system.system
    assert session_check(system.pk, ALLOWED_IP, T0 + timedelta(hours=1)) == system
    MailSystem.objects.filter(pk=system.pk).update(active_to=T0 + timedelta(hours=2))

    assert session_check(system.pk, ALLOWED_IP, T0 + timedelta(hours=3)) == auth.INACTIVE


def test_the_session_check_refuses_another_ip(sftp_system):
    assert session_check(sftp_system.pk, OTHER_IP, now()) == auth.IP_NOT_ALLOWED
