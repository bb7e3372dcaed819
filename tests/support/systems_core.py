"""Test data for the Systemtilslutning core tests (rules, validation, auth, schedule, audit).

Systems are created through the real service (`system_create`), never with the ORM, so the
tests see exactly what the wizard and `manage.py system add` produce.
"""

from dataclasses import replace
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from adgang.accounts.context import ActingContext
from adgang.audit.models import ActionLogEntry, Subject
from adgang.audit.services import Actor
from adgang.systems.models import MailSystem, Protocol
from adgang.systems.rules import BOTH, COMBINATIONS, RECEIVER, SENDER, requirements
from adgang.systems.services import Activation, Created, SystemSpec, system_create

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Copenhagen
ALLOWED_IP = "192.0.2.10"
OTHER_IP = "198.51.100.7"
ENDPOINT = "https://post.kommune-a.dk/modtag"
RECEIPT_ENDPOINT = "https://post.kommune-a.dk/kvittering"
SUPPLIER_CVR = "10150817"  # a CVR with a valid control digit (not one of the demo orgs)

TYPE_NAMES = {SENDER: "sender", RECEIVER: "receiver", BOTH: "sender+receiver"}
ALL_TYPES = (SENDER, RECEIVER, BOTH)
# (types, protocol) pairs of SPEC §3's table, and every other pair.
VALID_PAIRS = sorted(COMBINATIONS, key=lambda pair: (TYPE_NAMES[pair[0]], pair[1]))
INVALID_PAIRS = [
    (types, protocol)
    for types in ALL_TYPES
    for protocol in Protocol.values
    if (types, protocol) not in COMBINATIONS
]


def pair_id(pair) -> str:
    types, protocol = pair
    return f"{TYPE_NAMES[types]}-{protocol}"


def ed25519_public_key() -> str:
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()


def actor_of(membership) -> Actor:
    return Actor.of(ActingContext(membership.person, membership, membership.organisation))


def spec_for(types=SENDER, protocol: str = Protocol.REST_PULL, **overrides) -> SystemSpec:
    """A complete, valid spec for the combination: exactly the fields it requires filled."""
    needs = requirements(types, protocol)
    base = SystemSpec(
        name=f"System {TYPE_NAMES.get(types, 'x')} {protocol}",
        is_sender="sender" in types,
        is_receiver="receiver" in types,
        protocol=protocol,
        allowed_ips=(ALLOWED_IP,),
        endpoint=ENDPOINT if needs and needs.endpoint else "",
        receipt_endpoint=RECEIPT_ENDPOINT if needs and needs.receipt_endpoint else "",
        ssh_public_key=ed25519_public_key() if needs and needs.ssh_key else "",
        activation=Activation.NOW,
        contact_name="IT-drift",
        contact_email="it-drift@kommune-a.dk",
        contact_phone="+45 33 12 34 56",
    )
    return replace(base, **overrides)


def create(membership, types=SENDER, protocol: str = Protocol.REST_PULL, now=None, **overrides):
    """Create a system for the membership's organisation, acting as that membership."""
    created: Created = system_create(
        actor=actor_of(membership),
        organisation=membership.organisation,
        spec=spec_for(types, protocol, **overrides),
        now=now,
    )
    return created


def reload(system: MailSystem) -> MailSystem:
    return MailSystem.objects.get(pk=system.pk)


def system_log(system_id=None):
    """The action log entries about systems (optionally one system), oldest first."""
    rows = ActionLogEntry.objects.filter(subject=Subject.SYSTEM)
    if system_id is not None:
        rows = rows.filter(object_id=str(system_id))
    return rows.order_by("occurred_at", "field")


def snapshot() -> tuple:
    """Everything a refused change must leave untouched: systems and system log entries."""
    systems = tuple(
        MailSystem.objects.order_by("pk").values_list(
            "pk", "version", "is_primary", "is_receiver", "deleted_at", "api_key_hash"
        )
    )
    return systems, system_log().count()
