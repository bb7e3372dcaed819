"""NemSMS demo data (SPEC §15 `manage.py demo`), made through the services as a caseworker.

Mette Hansen (`registers.demo.CITIZEN`) is signed up and has confirmed +45 20 30 40 50;
Freja Andersen (`CITIZEN_YOUNG`) is signed up on +45 21 22 23 24 and has not confirmed yet
(her link waits in the SMS outbox; a NemSMS to her fails); Virksomhed B is signed up and
confirmed. Idempotent: someone who already has a registration is left as they are.
"""

from __future__ import annotations

from django.db import transaction

from adgang.accounts.models import Membership
from adgang.accounts.rights import BORGERSERVICE
from adgang.audit.services import Actor
from adgang.nemsms import services
from adgang.nemsms.models import NemSmsConfirmation, NemSmsIdType
from adgang.nemsms.selectors import nemsms_registration_live
from adgang.nemsms.tokens import token_hash
from adgang.registers import demo as register_demo

# (id type, number, name, phone, confirmed)
WANTED = (
    (NemSmsIdType.CPR, register_demo.CITIZEN.cpr, register_demo.CITIZEN.name, "+4520304050", True),
    (
        NemSmsIdType.CPR,
        register_demo.CITIZEN_YOUNG.cpr,
        register_demo.CITIZEN_YOUNG.name,
        "+4521222324",
        False,
    ),
    (
        NemSmsIdType.CVR,
        register_demo.VIRKSOMHED_B.cvr,
        register_demo.VIRKSOMHED_B.name,
        "+4540506070",
        True,
    ),
)


def _caseworker() -> Membership:
    """A Borgerservicemedarbejder of Kommune A (Bob in the demo personas)."""
    for membership in Membership.objects.select_related("organisation").filter(
        organisation__cvr=register_demo.KOMMUNE_A.cvr
    ):
        if BORGERSERVICE in membership.rights:
            return membership
    raise LookupError("The demo needs a Borgerservicemedarbejder in Kommune A (accounts demo).")


def _confirm_through_link(registration) -> None:
    """Confirm as the citizen would: the demo knows no token (only its hash is stored), so it
    swaps in one of its own for the open link, then presses "Bekræft" through the service."""
    token = f"demo-{registration.pk.hex}"
    NemSmsConfirmation.objects.filter(
        registration=registration, used_at__isnull=True, superseded_at__isnull=True
    ).update(token_hash=token_hash(token))
    services.nemsms_confirm(token=token)


def load() -> dict[str, int]:
    membership = _caseworker()
    actor = Actor(membership.actor_id, membership.organisation.cvr, membership.rid)
    made = 0
    with transaction.atomic():
        for id_type, number, name, phone, confirmed in WANTED:
            if nemsms_registration_live(id_type, number) is not None:
                continue
            change = services.nemsms_signup(
                actor=actor,
                organisation=membership.organisation,
                id_type=id_type,
                number=number,
                name=name,
                phone=phone,
            )
            if confirmed:
                _confirm_through_link(change.registration)
            made += 1
    return {"nemsms": made}
