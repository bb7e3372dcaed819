"""Reads for Systemtilslutning. Every query for an organisation's systems starts here, with
the organisation acting, so another organisation's system is simply not found (404)."""

import uuid

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from adgang.accounts.models import Organisation
from adgang.systems.models import MailSystem, SystemTemplate

# Overview sort keys (query parameter `sort`, "-" for descending) → model ordering.
SORTS = {
    "navn": ("name", "created_at"),
    "type": ("is_sender", "is_receiver", "name"),
    "aktiveret": ("active_from", "name"),
    "leverandoer": ("supplier_name", "name"),
    "status": ("state", "name"),
}


def systems_of(organisation: Organisation) -> QuerySet[MailSystem]:
    return MailSystem.objects.alive().filter(organisation=organisation)


def system_get(organisation: Organisation, system_id: uuid.UUID | str) -> MailSystem:
    """The organisation's own system, or 404 — also for another organisation's id."""
    try:
        return systems_of(organisation).select_related("template", "organisation").get(pk=system_id)
    except (MailSystem.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def systems_overview(
    organisation: Organisation, *, senders: bool = False, receivers: bool = False, sort: str = ""
) -> QuerySet[MailSystem]:
    """The overview's rows (SPEC §3): filter Afsendersystem / Modtagersystem, sortable."""
    rows = systems_of(organisation)
    if senders and not receivers:
        rows = rows.filter(is_sender=True)
    elif receivers and not senders:
        rows = rows.filter(is_receiver=True)
    key = sort.removeprefix("-")
    ordering = SORTS.get(key, SORTS["navn"])
    if sort.startswith("-"):
        ordering = tuple(f"-{field}" for field in ordering)
    return rows.order_by(*ordering)


def primary_system(organisation: Organisation) -> MailSystem | None:
    return systems_of(organisation).filter(is_primary=True).first()


def company_has_receiver(organisation: Organisation, *, exclude: uuid.UUID | None = None) -> bool:
    """SPEC §1: a company has exactly one receiver system."""
    if organisation.is_authority:
        return False
    rows = systems_of(organisation).filter(is_receiver=True)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.exists()


def templates_published() -> QuerySet[SystemTemplate]:
    """Standard supplier systems any organisation may choose (wizard step 1)."""
    return SystemTemplate.objects.filter(is_published=True).select_related("supplier")


def suppliers_with_templates() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        is_system_supplier=True, system_templates__is_published=True
    ).distinct()


def templates_of(supplier: Organisation) -> QuerySet[SystemTemplate]:
    return SystemTemplate.objects.filter(supplier=supplier)


def template_get(supplier: Organisation, template_id: uuid.UUID | str) -> SystemTemplate:
    try:
        return templates_of(supplier).get(pk=template_id)
    except (SystemTemplate.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404 from None
