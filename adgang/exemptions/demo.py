"""Demo exemptions (SPEC §6), made through the services by Bob, Borgerservice in Kommune A.

Idempotent: a number that has (or had) an exemption is left alone. Needs the accounts demo.
- Karen Sørensen (`CITIZEN_ABROAD`) emigrated: reason Udrejse, forwarding declined;
- one synthetic citizen: reason Andet, unopened post to the folkeregister address;
- two synthetic companies: one registered today, one with a backdated registration so its
  exemption expires soon (the page's "Fritaget indtil" and the expiry job have a case).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction

from adgang.accounts import demo as accounts_demo
from adgang.accounts.models import Membership
from adgang.audit.services import Actor
from adgang.core.clock import now, today
from adgang.exemptions.models import Exemption, ExemptionIdType, ExemptionReason, Forwarding
from adgang.exemptions.services import (
    COPENHAGEN,
    ForwardingChoice,
    company_expiry,
    exemption_citizen_create,
    exemption_company_create,
)
from adgang.registers import demo as register_demo
from adgang.registers.registry import get_register
from adgang.registers.types import STATUS_ACTIVE

CASEWORKER_RID = "1002"  # Bob: Borgerservicemedarbejder of Kommune A
NEAR_EXPIRY_DAYS = 20


def _bob() -> Membership:
    return Membership.objects.select_related("organisation").get(
        organisation__cvr=accounts_demo.ORGANISATIONS["A"][0], rid=CASEWORKER_RID
    )


def _known(id_type: str, number: str) -> bool:
    return Exemption.objects.filter(id_type=id_type, number=number).exists()


def demo_citizen():
    """A synthetic citizen (not one of the fixed demo persons other demos use)."""
    fixed = {person.cpr for person in register_demo.DEMO_PERSONS}
    return next(
        person
        for person in get_register().persons()
        if person.cpr not in fixed
        and person.status == STATUS_ACTIVE
        and person.has_folkeregister_address
    )


def demo_companies():
    """Two ordinary synthetic companies (no authority, no system supplier, active)."""
    fixed = {company.cvr for company in register_demo.DEMO_COMPANIES}
    found = [
        company
        for company in get_register().companies()
        if company.cvr not in fixed
        and not company.is_authority
        and not company.is_system_supplier
        and company.status == "Aktiv"
    ]
    return found[0], found[1]


def _backdated_registration() -> datetime:
    """A registration whose exemption expires on the coming 1 November."""
    coming = company_expiry(today().replace(year=today().year - 2))
    if coming <= today():
        coming = coming.replace(year=coming.year + 1)
    registered = coming.replace(year=coming.year - 2, month=1, day=15)
    return datetime.combine(registered, time(10, 0), tzinfo=COPENHAGEN)


def load() -> dict:
    membership = _bob()
    actor = Actor(membership.actor_id, membership.organisation.cvr, membership.rid)
    organisation = membership.organisation
    made = 0
    citizens = (
        (register_demo.CITIZEN_ABROAD, ExemptionReason.EMIGRATION, Forwarding.DECLINED),
        (demo_citizen(), ExemptionReason.OTHER, Forwarding.REGISTERED),
    )
    for person, reason, forwarding in citizens:
        if _known(ExemptionIdType.CPR, person.cpr):
            continue
        exemption_citizen_create(
            actor=actor,
            organisation=organisation,
            person=person,
            by_proxy=False,
            reason=reason,
            forwarding=ForwardingChoice(forwarding),
            now=now() - timedelta(days=200),
        )
        made += 1
    current, expiring = demo_companies()
    if not _known(ExemptionIdType.CVR, current.cvr):
        exemption_company_create(
            actor=actor,
            organisation=organisation,
            company=current,
            by_proxy=True,
            forwarding=ForwardingChoice(Forwarding.REGISTERED),
        )
        made += 1
    if not _known(ExemptionIdType.CVR, expiring.cvr):
        with transaction.atomic():
            exemption = exemption_company_create(
                actor=actor,
                organisation=organisation,
                company=expiring,
                by_proxy=False,
                forwarding=ForwardingChoice(Forwarding.DECLINED),
                now=_backdated_registration(),
            )
            if exemption.expires_on - today() > timedelta(days=30):
                # Outside September–October no registration date makes the rule's expiry fall
                # within 30 days; the demo still shows a company close to its expiry.
                Exemption.objects.filter(pk=exemption.pk).update(
                    expires_on=today() + timedelta(days=NEAR_EXPIRY_DAYS)
                )
        made += 1
    return {"exemptions": made}
