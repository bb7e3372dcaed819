"""Drive the "Opret system" wizard through Django's test client, step by step, as a browser
would post it (field prefixes, the wizard's management form, the Tilbage/Redigér buttons).

`WizardDriver(client, organisation)` posts one step at a time and follows the redirect, so
each call returns the page the person sees next. `valid_steps(...)` gives complete, valid
input for every SPEC §3 combination.
"""

import html
import re
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


class WizardDriver:
    def __init__(self, client, organisation) -> None:
        self.client = client
        self.prefix = f"systems_create_{organisation.pk.hex}"
        self.management = f"{self.prefix}-current_step"

    def stored(self) -> dict:
        """The step data the wizard keeps in the session, by step."""
        return self.client.session.get(f"wizard_{self.prefix}", {}).get("step_data", {})

    def start(self):
        return self.client.get(BASE, follow=True)

    def get(self, step: str):
        return self.client.get(f"{BASE}{step}/", follow=True)

    def payload(self, step: str, data: dict | None = None, **extra) -> dict:
        body = {self.management: step}
        body.update({f"{step}-{name}": value for name, value in (data or {}).items()})
        body.update(extra)
        return body

    def post(self, step: str, data: dict | None = None, *, follow: bool = True, **extra):
        return self.client.post(f"{BASE}{step}/", self.payload(step, data, **extra), follow=follow)

    def back(self, step: str, data: dict | None = None, *, to: str):
        """ "Tilbage" (or "Redigér" from the summary) with what is typed on `step`."""
        return self.post(step, data, wizard_goto_step=to)

    def cancel(self, step: str, data: dict | None = None, *, follow: bool = True):
        return self.post(step, data, follow=follow, wizard_cancel="1")

    def fill_until(self, last: str, steps: Steps):
        """Post every input step up to and including `last`; the response of the last post."""
        response = self.start()
        for step in STEPS:
            response = self.post(step, steps.of(step))
            if step == last:
                return response
        raise AssertionError(f"unknown step {last}")

    def complete(self, steps: Steps):
        """All steps and "Tilslut"; the receipt page (or the page that refused)."""
        return self.fill_until(SUMMARY, steps)


def current_step(response) -> str:
    """The step a wizard page shows (from its URL)."""
    match = re.search(r"/opret/([^/]+)/$", response.request["PATH_INFO"])
    return match.group(1) if match else ""


def field_error(response, step: str, name: str) -> str:
    """The message shown next to the field (its DKFDS error span), "" if none."""
    content = response.content.decode()
    match = re.search(
        rf'<span class="form-error-message" id="id_{re.escape(step)}-{re.escape(name)}-error">'
        r'<span class="sr-only">[^<]*</span>(.*?)</span>',
        content,
        re.S,
    )
    return html.unescape(match.group(1)).strip() if match else ""


def shown_value(response, name: str):
    """What the re-rendered form shows in the field (its bound value)."""
    return response.context["form"][name].value()


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
