"""Shared helpers for the exemption tests."""

from adgang.audit.services import Actor
from adgang.exemptions.models import Forwarding
from adgang.exemptions.services import (
    ForwardingChoice,
    exemption_citizen_create,
    exemption_company_create,
)
from adgang.registers import demo as register_demo


def actor_of(membership) -> Actor:
    return Actor(membership.actor_id, membership.organisation.cvr, membership.rid)


def exempt_citizen(membership, person=register_demo.CITIZEN, **kwargs):
    kwargs.setdefault("by_proxy", False)
    kwargs.setdefault("reason", "OTHER")
    kwargs.setdefault("forwarding", ForwardingChoice(Forwarding.DECLINED))
    return exemption_citizen_create(
        actor=actor_of(membership), organisation=membership.organisation, person=person, **kwargs
    )


def exempt_company(membership, company=register_demo.VIRKSOMHED_B, **kwargs):
    kwargs.setdefault("by_proxy", False)
    kwargs.setdefault("forwarding", ForwardingChoice(Forwarding.REGISTERED))
    return exemption_company_create(
        actor=actor_of(membership), organisation=membership.organisation, company=company, **kwargs
    )
