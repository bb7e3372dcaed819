"""Reads of read accesses (SPEC §8) — for the Adgang pages and for the core.

Pages see only their own organisation's accesses (tenant isolation: another organisation's
access answers 404). The core asks `mailbox_items_visible`: what a holder may read in a
giver's platform mailbox.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from adgang.accounts.models import Organisation
from adgang.core.clock import now as clock_now
from adgang.exemptions.selectors import exemption_in_force
from adgang.messaging.mailboxes import mailbox_items
from adgang.messaging.models import MailboxItem
from adgang.readaccess.models import MAX_ACTIVE_PER_GIVER, ReadAccess


def accesses_of_giver(organisation: Organisation, cpr: str, *, at: datetime | None = None):
    """The giver's active accesses created by `organisation`, oldest first (the table)."""
    return (
        ReadAccess.objects.filter(organisation=organisation, giver__cpr=cpr)
        .active_at(at or clock_now())
        .select_related("giver")
        .order_by("created_at", "pk")
    )


def active_count(cpr: str, *, at: datetime | None = None) -> int:
    """How many active accesses the giver has on the whole platform (the limit of 10)."""
    return ReadAccess.objects.filter(giver__cpr=cpr).active_at(at or clock_now()).count()


def giver_at_limit(cpr: str, *, at: datetime | None = None) -> bool:
    return active_count(cpr, at=at) >= MAX_ACTIVE_PER_GIVER


def access_get(organisation: Organisation, access_id) -> ReadAccess:
    """One of `organisation`'s accesses, else 404 (also for a malformed id)."""
    return get_object_or_404(
        ReadAccess.objects.select_related("giver", "organisation"),
        pk=access_id,
        organisation=organisation,
    )


def access_for(holder_id_type: str, holder_id: str, giver_cpr: str, *, at: datetime):
    """The holder's active access to the giver's post, if any (any organisation made it)."""
    return (
        ReadAccess.objects.filter(
            holder_id_type=holder_id_type, holder_id=holder_id, giver__cpr=giver_cpr
        )
        .active_at(at)
        .first()
    )


def mailbox_items_visible(
    holder_id_type: str, holder_id: str, giver_cpr: str, *, at: datetime | None = None
) -> QuerySet[MailboxItem]:
    """The giver's platform-mailbox items that the holder may read (SPEC §8), newest first.

    Nothing without an active, unexpired access. When the giver was exempt and the access
    kept the exemption, and that exemption is still in force, only items placed before the
    exemption's effective date (Danish time) plus mandatory (obligatorisk) messages. Once the
    exemption is lifted the giver is enrolled and the access covers the whole mailbox.
    """
    moment = at or clock_now()
    access = access_for(holder_id_type, holder_id, giver_cpr, at=moment)
    items = mailbox_items("CPR", giver_cpr)
    if access is None:
        return items.none()
    if access.exemption_kept:
        exemption = exemption_in_force("CPR", giver_cpr, on=timezone.localdate(moment))
        if exemption is not None:
            items = items.filter(
                Q(placed_at__date__lt=exemption.effective_from) | Q(message__mandatory=True)
            )
    return items
