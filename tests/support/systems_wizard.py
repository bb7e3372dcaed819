"""Drive the "Opret system" wizard through Django's test client, step by step, as a browser
would post it (field prefixes, the wizard's management form, the Tilbage/Redigér buttons).

`WizardDriver(client, organisation)` posts one step at a time and follows the redirect, so
each call returns the page the person sees next. `valid_steps(...)` gives complete, valid
input for every SPEC §3 combination.
"""

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from adgang.accounts.models import Organisation
from adgang.systems.models import Protocol, SystemTemplate
from adgang.systems.rules import requirements
from tests.support.wizard_client import (  # noqa: F401 -- re-exported
    WizardClient,
    current_step,
    field_error,
    shown_value,
)

BASE = "/systemtilslutning/opret/"
SYSTEM, CONNECTION, ACTIVATION, CONTACT, SUMMARY = (
    "system",
    "tilslutning",
    "aktivering",
    "kontakt",
    "opsummering",
)
STEPS = (SYSTEM, CONNECTION, ACTIVATION, CONTACT, SUMMARY)
ALLOWED_IP = "192.0.2.10"
ENDPOINT = "https://post.kommune-a.dk/modtag"
RECEIPT_ENDPOINT = "https://post.kommune-a.dk/kvittering"


def ed25519_key() -> str:
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()


def ecdsa_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return key.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()


def rsa_key(bits: int) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
    return key.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()


def private_ed25519_key() -> str:
    key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()).decode()


def connection_for(types: frozenset[str], protocol: str, **overrides) -> dict:
    """Valid Tilslutning input with exactly the fields the combination requires."""
    needs = requirements(types, protocol)
    data = {"protocol": protocol, "ips": ALLOWED_IP}
    if needs is not None and needs.endpoint:
        data["endpoint"] = ENDPOINT
    if needs is not None and needs.receipt_endpoint:
        data["receipt_endpoint"] = RECEIPT_ENDPOINT
    if needs is not None and needs.ssh_key:
        data["ssh_public_key"] = ed25519_key()
    data.update(overrides)
    return data


@dataclass
class Steps:
    """The four input steps' data (field names without the step prefix)."""

    system: dict = field(
        default_factory=lambda: {"setup": "scratch", "name": "Sagssystem", "types": ["sender"]}
    )
    connection: dict = field(default_factory=lambda: {"protocol": "REST_PULL", "ips": ALLOWED_IP})
    activation: dict = field(default_factory=lambda: {"activation": "now"})
    contact: dict = field(
        default_factory=lambda: {
            "contact_name": "IT-drift",
            "contact_email": "it-drift@kommune-a.dk",
            "contact_phone": "33 12 34 56",
        }
    )

    def of(self, step: str) -> dict:
        return {
            SYSTEM: self.system,
            CONNECTION: self.connection,
            ACTIVATION: self.activation,
            CONTACT: self.contact,
            SUMMARY: {},
        }[step]


def valid_steps(types: frozenset[str] = frozenset({"sender"}), protocol="REST_PULL", **kw) -> Steps:
    return Steps(
        system={"setup": "scratch", "name": "Sagssystem", "types": sorted(types)},
        connection=connection_for(types, protocol),
        **kw,
    )


class WizardDriver(WizardClient):
    steps = STEPS

    def __init__(self, client, organisation) -> None:
        super().__init__(client, base=BASE, prefix=f"systems_create_{organisation.pk.hex}")


def standard_template_of(supplier: Organisation, name: str) -> SystemTemplate:
    """A published REST PUSH sender+receiver standard system of `supplier` (guide §5.6)."""
    Organisation.objects.filter(pk=supplier.pk).update(is_system_supplier=True)
    return SystemTemplate.objects.create(
        supplier=supplier,
        name=name,
        is_sender=True,
        is_receiver=True,
        protocol=Protocol.REST_PUSH,
        allowed_ips=["62.242.35.178"],
        endpoint="https://crs.leverandoer-s.dk/inbound",
        receipt_endpoint="https://css.leverandoer-s.dk/receipt",
        contact_name="Leverandør S drift",
        contact_email="drift@leverandoer-s.dk",
        contact_phone="+45 70 10 20 30",
    )
