"""Demo systems and standard supplier systems (SPEC §15 `manage.py demo`, SPEC §3).

Runs after `adgang.accounts.demo` (which makes the organisations and flags the two
suppliers). Idempotent: a template is found by supplier and name, a system by organisation
and name; what exists is left as it is, so running the demo twice adds nothing.

What it makes, through the same services the wizard uses (so the action log shows each
organisation's systemadministrator creating them):
- Leverandør S A/S and Leverandør T ApS, two published standard systems each (and S one
  unpublished draft);
- Kommune A: every protocol — a REST PULL receiver (its primary system), a REST PUSH
  sender, a REST PUBLISH/SUBSCRIBE receiver, an SFTP sender, a sender+receiver REST PUSH,
  a system from Leverandør S's standard system, one that activates in the future, one
  that deactivates in the future and one not activated;
- Kommune M: one REST PUSH receiver that moves existing post from Virk;
- Virksomhed B: every protocol within a company's one receiver system — a REST PUSH
  sender, an SFTP sender, and from Leverandør T's standard systems a REST PULL sender and
  its receiver system (REST PUBLISH/SUBSCRIBE).
Values go through the wizard's validation functions first, so the demo holds only what
the wizard would accept. Hostnames are under `.example` (RFC 2606) and IP addresses in the
documentation ranges (RFC 5737): nothing here points at a real service.
"""

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from adgang.accounts import demo as accounts_demo
from adgang.accounts.models import Membership, Organisation
from adgang.audit.services import Actor
from adgang.core.clock import now as clock_now
from adgang.systems import validation
from adgang.systems.models import MailSystem, Protocol, SystemTemplate
from adgang.systems.services import Activation, SystemSpec, system_create
from adgang.systems.template_services import TemplateSpec, template_create

# Fixed demo keys (public halves only; the private keys were thrown away).
SSH_KEY_KOMMUNE_A = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINe96Ru4taRDD8UxkzeYxM/aU3BKaEpZ9lWncGNWEyYp "
    "demo@kommune-a"
)
SSH_KEY_VIRKSOMHED_B = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPmZmHRRiIvkRhWeftWaIPrLCEqLc9ZGwZXhcEVZjl5r "
    "demo@virksomhed-b"
)

# Who creates what: (organisation key in accounts.demo.ORGANISATIONS, RID of its admin).
ADMINS = {"A": "1001", "M": "2001", "B": "3001", "S": "4001", "T": "6001"}

SENDER, RECEIVER, BOTH = ("sender",), ("receiver",), ("sender", "receiver")


def _template(name, description, types, protocol, ips, contact, **urls) -> dict:
    return {
        "name": name,
        "description": description,
        "types": types,
        "protocol": protocol,
        "ips": ips,
        "contact": contact,
        **urls,
    }


S_CONTACT = ("Leverandør S Drift", "drift@leverandoer-s.example", "70 20 30 40")
T_CONTACT = ("Leverandør T Support", "support@leverandoer-t.example", "+45 70 11 22 33")

TEMPLATES = {
    "S": [
        _template(
            "S-Post Integration",
            "Afsend og modtag Digital Post direkte fra S-Sag.",
            BOTH,
            Protocol.REST_PUSH,
            "198.51.100.10, 198.51.100.11",
            S_CONTACT,
            endpoint="https://dp.leverandoer-s.example/v1/indgaaende",
            receipt_endpoint="https://dp.leverandoer-s.example/v1/kvitteringer",
        ),
        _template(
            "S-Post Hent",
            "S-Sag henter selv post til organisationen.",
            RECEIVER,
            Protocol.REST_PULL,
            "198.51.100.0/28",
            S_CONTACT,
        ),
        _template(
            "S-Fil (kladde)",
            "Filbaseret afsendelse. Under afprøvning.",
            SENDER,
            Protocol.SFTP,
            "198.51.100.20",
            S_CONTACT,
            is_published=False,
        ),
    ],
    "T": [
        _template(
            "T-Forsendelse",
            "Masseforsendelse af breve, der hentes af Digital Post.",
            SENDER,
            Protocol.REST_PULL,
            "203.0.113.40, 203.0.113.41",
            T_CONTACT,
        ),
        _template(
            "T-Postkasse",
            "Virksomhedens postkasse hos Leverandør T; abonnerer på nye meddelelser.",
            RECEIVER,
            Protocol.REST_PUBLISH_SUBSCRIBE,
            "203.0.113.0/29",
            T_CONTACT,
            endpoint="https://postkasse.leverandoer-t.example/digitalpost/haendelser",
        ),
    ],
}


def _system(name, types=(), protocol="", ips="", **fields) -> dict:
    return {"name": name, "types": types, "protocol": protocol, "ips": ips, **fields}


A_CONTACT = ("IT-drift, Kommune A", "it-drift@kommune-a.example", "89 40 20 00")
M_CONTACT = ("Digitalisering, Kommune M", "digitalisering@kommune-m.example", "46 31 30 00")
B_CONTACT = ("IT, Virksomhed B", "it@virksomhed-b.example", "+45 66 12 34 00")

# Receivers of an authority first: the first receiver becomes its primary system.
SYSTEMS = {
    "A": [
        _system(
            "Fagsystem Modtager",
            RECEIVER,
            Protocol.REST_PULL,
            "192.0.2.10, 192.0.2.11",
            contact=A_CONTACT,
            supplier_name="Kommune A IT",
        ),
        _system(
            "Sagssystem Afsender",
            SENDER,
            Protocol.REST_PUSH,
            "192.0.2.20",
            contact=A_CONTACT,
            receipt_endpoint="https://post.kommune-a.example/digitalpost/kvitteringer",
        ),
        _system(
            "Hændelsesmodtager",
            RECEIVER,
            Protocol.REST_PUBLISH_SUBSCRIBE,
            "192.0.2.30",
            contact=A_CONTACT,
            endpoint="https://post.kommune-a.example/digitalpost/haendelser",
        ),
        _system(
            "Filafsender SFTP",
            SENDER,
            Protocol.SFTP,
            "192.0.2.40",
            contact=A_CONTACT,
            ssh_public_key=SSH_KEY_KOMMUNE_A,
        ),
        _system(
            "ESDH Afsender og modtager",
            BOTH,
            Protocol.REST_PUSH,
            "192.0.2.50, 192.0.2.51, 2001:db8::50",
            contact=A_CONTACT,
            supplier_name="ESDH-leverandøren",
            endpoint="https://esdh.kommune-a.example/digitalpost/ind",
            receipt_endpoint="https://esdh.kommune-a.example/digitalpost/kvitteringer",
            extra_email="esdh-drift@kommune-a.example",
        ),
        _system("Borgerservice via S-Post", template=("S", "S-Post Integration")),
        _system(
            "Nyt sagssystem",
            SENDER,
            Protocol.REST_PULL,
            "192.0.2.60",
            contact=A_CONTACT,
            activate_in=timedelta(days=30),
        ),
        _system(
            "Udfaset fagsystem",
            BOTH,
            Protocol.REST_PULL,
            "192.0.2.64-192.0.2.70",
            contact=A_CONTACT,
            deactivate_in=timedelta(days=60),
        ),
        _system(
            "Testsystem (ikke aktiveret)",
            SENDER,
            Protocol.REST_PULL,
            "192.0.2.80",
            contact=A_CONTACT,
            activation=Activation.NEVER,
        ),
    ],
    "M": [
        _system(
            "Postmodtager",
            RECEIVER,
            Protocol.REST_PUSH,
            "192.0.2.110",
            contact=M_CONTACT,
            endpoint="https://post.kommune-m.example/digitalpost/modtag",
            move_post_from_virk=True,
        ),
    ],
    "B": [
        _system(
            "Fakturaafsender",
            SENDER,
            Protocol.REST_PUSH,
            "203.0.113.100",
            contact=B_CONTACT,
            receipt_endpoint="https://erp.virksomhed-b.example/digitalpost/kvitteringer",
        ),
        _system(
            "Lønsedler SFTP",
            SENDER,
            Protocol.SFTP,
            "203.0.113.101",
            contact=B_CONTACT,
            ssh_public_key=SSH_KEY_VIRKSOMHED_B,
        ),
        _system("Masseforsendelse via T", template=("T", "T-Forsendelse")),
        _system("Virksomhedens postkasse", template=("T", "T-Postkasse")),
    ],
}


def _organisation(key: str) -> Organisation:
    return Organisation.objects.get(cvr=accounts_demo.ORGANISATIONS[key][0])


def _actor(key: str) -> Actor:
    membership = Membership.objects.select_related("organisation").get(
        organisation__cvr=accounts_demo.ORGANISATIONS[key][0], rid=ADMINS[key]
    )
    return Actor(membership.actor_id, membership.organisation.cvr, membership.rid)


def _https(value: str, what: str) -> str:
    return validation.validate_https_url(value, what=what) if value else ""


def _contact(contact: tuple[str, str, str]) -> dict:
    name, email, phone = contact
    return {
        "contact_name": validation.validate_name(name),
        "contact_email": validation.validate_email(email),
        "contact_phone": validation.validate_phone(phone),
    }


def _template_spec(data: dict) -> TemplateSpec:
    ips = validation.parse_allowed_ips(data["ips"])
    return TemplateSpec(
        name=data["name"],
        description=data["description"],
        is_sender="sender" in data["types"],
        is_receiver="receiver" in data["types"],
        protocol=data["protocol"],
        allowed_ips=ips.addresses,
        ip_range=ips.range,
        endpoint=_https(data.get("endpoint", ""), "End point"),
        receipt_endpoint=_https(data.get("receipt_endpoint", ""), "Kvitterings-end point"),
        is_published=data.get("is_published", True),
        **_contact(data["contact"]),
    )


def _on_the_hour(moment: datetime) -> datetime:
    """A demo time that reads well on screen: the whole hour, Danish time."""
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    return local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def _system_spec(data: dict, at: datetime) -> SystemSpec:
    if "template" in data:
        supplier_key, template_name = data["template"]
        template = SystemTemplate.objects.get(
            supplier=_organisation(supplier_key), name=template_name
        )
        return SystemSpec(name=data["name"], template_id=template.pk)
    ips = validation.parse_allowed_ips(data["ips"])
    spec = SystemSpec(
        name=validation.validate_name(data["name"]),
        supplier_name=data.get("supplier_name", ""),
        is_sender="sender" in data["types"],
        is_receiver="receiver" in data["types"],
        protocol=data["protocol"],
        allowed_ips=ips.addresses,
        ip_range=ips.range,
        endpoint=_https(data.get("endpoint", ""), "End point"),
        receipt_endpoint=_https(data.get("receipt_endpoint", ""), "Kvitterings-end point"),
        ssh_public_key=(
            validation.validate_ssh_public_key(data["ssh_public_key"])
            if "ssh_public_key" in data
            else ""
        ),
        move_post_from_virk=data.get("move_post_from_virk", False),
        extra_email=validation.validate_email(data.get("extra_email", ""), required=False),
        activation=data.get("activation", Activation.NOW),
        **_contact(data["contact"]),
    )
    if "activate_in" in data:
        spec = replace(
            spec, activation=Activation.AT, active_from=_on_the_hour(at + data["activate_in"])
        )
    if "deactivate_in" in data:
        spec = replace(spec, active_to=_on_the_hour(at + data["deactivate_in"]))
    return spec


@transaction.atomic
def load() -> dict[str, int]:
    at = clock_now()
    made = {"templates": 0, "systems": 0}
    for key, templates in TEMPLATES.items():
        supplier, actor = _organisation(key), _actor(key)
        for data in templates:
            if SystemTemplate.objects.filter(supplier=supplier, name=data["name"]).exists():
                continue
            template_create(actor=actor, supplier=supplier, spec=_template_spec(data), now=at)
            made["templates"] += 1
    for key, systems in SYSTEMS.items():
        organisation, actor = _organisation(key), _actor(key)
        for data in systems:
            if (
                MailSystem.objects.alive()
                .filter(organisation=organisation, name=data["name"])
                .exists()
            ):
                continue
            system_create(
                actor=actor, organisation=organisation, spec=_system_spec(data, at), now=at
            )
            made["systems"] += 1
    return made
