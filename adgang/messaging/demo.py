"""Demo data of the Digital Post core (SPEC §15 `manage.py demo`, SPEC §13).

Runs after `adgang.contacts.demo` (its contact points route the demo traffic). Idempotent:
the receiver system, its contact point, the exemption and the NemSMS registrations are found
by name or number, and the traffic (`demo_traffic`) is made only once.

What it makes:
- "Demo-modtager", Kommune A's REST PUSH receiver on https://127.0.0.1:8443/digitalpost/modtag,
  which `manage.py demo_receiver` serves; its id and API key go to `var/demo-receiver.json`
  (mode 0600), and the development certificate to `var/demo-tls/` (the portal trusts it
  through `ADGANG_OUTBOUND_CA_FILE`).
- A contact point "Digital Post til fagsystemet" attached to it.
- An exempt citizen (Karen Sørensen, emigrated) and NemSMS registrations: Mette Hansen
  confirmed, Freja Andersen still pending (so a NemSMS to her fails).
- Four months of traffic (`demo_traffic.load`).
"""

from django.db import transaction

from adgang.accounts import demo as accounts_demo
from adgang.accounts.models import Membership, Organisation
from adgang.audit.services import Actor
from adgang.contacts import selectors as contact_selectors
from adgang.contacts.models import ContactPoint, Target
from adgang.contacts.services import PointSpec, point_create
from adgang.core.devtls import self_signed_certificate
from adgang.messaging import demo_traffic
from adgang.messaging.demo_receiver import (
    credentials_path,
    credentials_read,
    credentials_write,
    tls_directory,
)
from adgang.systems.apikeys import apikey_matches, apikey_parse
from adgang.systems.models import MailSystem, Protocol
from adgang.systems.services import Activation, SystemSpec, system_create, system_renew_api_key

RECEIVER_NAME = "Demo-modtager"
RECEIVER_HOST, RECEIVER_PORT = "127.0.0.1", 8443
RECEIVER_ENDPOINT = f"https://{RECEIVER_HOST}:{RECEIVER_PORT}/digitalpost/modtag"
RECEIVER_POINT = "Digital Post til fagsystemet"
ADMIN_RID = "1001"  # Alice: Systemadministrator and Kontaktstrukturadministrator of Kommune A


def kommune_a() -> Organisation:
    return Organisation.objects.get(cvr=accounts_demo.ORGANISATIONS["A"][0])


def _alice() -> Actor:
    membership = Membership.objects.select_related("organisation").get(
        organisation__cvr=accounts_demo.ORGANISATIONS["A"][0], rid=ADMIN_RID
    )
    return Actor(membership.actor_id, membership.organisation.cvr, membership.rid)


def demo_receiver_system() -> MailSystem | None:
    return MailSystem.objects.alive().filter(organisation=kommune_a(), name=RECEIVER_NAME).first()


def _receiver_connect() -> tuple[MailSystem, str, int]:
    """The demo receiver system, created once, and its API key; when the credentials file
    does not hold a key that works for it, the key is renewed and the file rewritten (the
    secret is never stored anywhere else)."""
    system = demo_receiver_system()
    made = 0
    if system is None:
        created = system_create(
            actor=_alice(),
            organisation=kommune_a(),
            spec=SystemSpec(
                name=RECEIVER_NAME,
                supplier_name="Administrativ Adgang (demo)",
                is_receiver=True,
                protocol=Protocol.REST_PUSH,
                # It calls the portal from this machine to send its business receipts.
                allowed_ips=("127.0.0.1", "::1"),
                endpoint=RECEIVER_ENDPOINT,
                activation=Activation.NOW,
                contact_name="Demo-modtageren",
                contact_email="demo-modtager@kommune-a.example",
                contact_phone="89 40 20 00",
            ),
        )
        system, api_key, made = created.system, created.api_key, 1
    else:
        stored = (credentials_read(credentials_path()) or {}).get("api_key", "")
        if _works_for(system, stored):
            return system, stored, made
        api_key = system_renew_api_key(actor=_alice(), system=system)
    # Written now, not at commit: a rolled-back demo leaves a key that does not work, which
    # the next run notices and replaces.
    credentials_write(
        credentials_path(),
        {"system_id": str(system.pk), "api_key": api_key, "endpoint": RECEIVER_ENDPOINT},
    )
    return system, api_key, made


def _works_for(system: MailSystem, api_key: str) -> bool:
    parsed = apikey_parse(api_key)
    return (
        parsed is not None
        and parsed[0] == system.pk
        and apikey_matches(parsed[1], stored_hash=system.api_key_hash)
    )


def _receiver_point(system: MailSystem) -> int:
    organisation = kommune_a()
    if contact_selectors.points_of(organisation).filter(name=RECEIVER_POINT).exists():
        return 0
    point_create(
        actor=_alice(),
        organisation=organisation,
        spec=PointSpec(
            name=RECEIVER_POINT,
            description="Post, der leveres til demo-modtageren (REST PUSH).",
            targets=(Target.CITIZEN, Target.COMPANY, Target.AUTHORITY),
            keywords=("demo", "fagsystem"),
            system_id=system.pk,
            active=True,
        ),
    )
    return 1


def receiver_point() -> ContactPoint:
    return contact_selectors.points_of(kommune_a()).get(name=RECEIVER_POINT)


def load() -> dict[str, int]:
    with transaction.atomic():
        # The certificate first: the demo receiver serves it and the portal trusts it.
        self_signed_certificate(tls_directory())
        system, api_key, receivers = _receiver_connect()
        made = {
            "receiver": receivers,
            "points": _receiver_point(system),
        }
        made.update(demo_traffic.load(receiver_key=api_key))
    return made
