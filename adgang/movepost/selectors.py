"""Reads of Flyt post (SPEC §12): the organisation's post on the platforms, its moves and the
contact points post may be moved to. Every read takes the acting organisation (another
organisation's move answers 404)."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from adgang.accounts.models import Organisation
from adgang.contacts.models import ContactPoint
from adgang.contacts.selectors import point_available, points_of
from adgang.core.clock import now as clock_now
from adgang.messaging.models import IdType, MailboxItem
from adgang.movepost.models import MoveState, PostMove


def platform_post(
    organisation: Organisation,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    cutoff: datetime | None = None,
) -> QuerySet[MailboxItem]:
    """The organisation's post on the platforms: messages to its CVR lying in the platform
    mailbox, not moved yet; within [start, end] (both included) when a period is given, and
    placed no later than `cutoff`. Index: MailboxItem(owner_id_type, owner_id, placed_at)."""
    items = MailboxItem.objects.filter(
        owner_id_type=IdType.CVR, owner_id=organisation.cvr, moved_at__isnull=True
    )
    if start is not None:
        items = items.filter(placed_at__gte=start)
    if end is not None:
        items = items.filter(placed_at__lte=end)
    if cutoff is not None:
        items = items.filter(placed_at__lte=cutoff)
    return items


def platform_post_count(
    organisation: Organisation, *, start: datetime | None = None, end: datetime | None = None
) -> int:
    return platform_post(organisation, start=start, end=end).count()


def moves_of(organisation: Organisation) -> QuerySet[PostMove]:
    return PostMove.objects.filter(organisation=organisation).order_by("-started_at")


def move_running(organisation: Organisation) -> PostMove | None:
    return moves_of(organisation).filter(state=MoveState.RUNNING).first()


def move_get(organisation: Organisation, move_id: uuid.UUID | str) -> PostMove:
    try:
        return moves_of(organisation).get(pk=move_id)
    except (PostMove.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def destination_points(
    organisation: Organisation, at: datetime | None = None
) -> list[ContactPoint]:
    """The contact points post may be moved to: active and attached to an active receiver
    system (the same availability routing uses), by name."""
    at = at or clock_now()
    candidates = points_of(organisation).select_related("system").order_by("name", "created_at")
    return [point for point in candidates if point_available(point, at)]


def point_find(organisation: Organisation, point_id: uuid.UUID | str | None) -> ContactPoint | None:
    """The organisation's own point by id; None for an unknown, malformed or another
    organisation's id (they are all "unknown" to the caller)."""
    if not point_id:
        return None
    try:
        return points_of(organisation).select_related("system").filter(pk=point_id).first()
    except (ValueError, TypeError, ValidationError):
        return None
