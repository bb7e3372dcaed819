"""Releasing held messages at their value date (valørdato, SPEC §13 "Routing").

A message with a value date in the future is HELD at submission. When the date has come, a
worker claims it with a conditional UPDATE (HELD → QUEUED), so with any number of workers
each message is released once and a recall (HELD → RECALLED) and a release never both win.
The claim and the routing are one transaction: if routing fails the message stays HELD.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from adgang.core.clock import now as clock_now
from adgang.messaging.models import Message, MessageState
from adgang.messaging.routing import message_route

logger = logging.getLogger(__name__)


def messages_release_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """Route every HELD message whose value date has come; return how many were released."""
    now = now or clock_now()
    due = list(
        Message.objects.filter(state=MessageState.HELD, deliver_after__lte=now)
        .order_by("deliver_after", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    released = 0
    for message_id in due:
        try:
            released += _release(message_id, now)
        except Exception:
            # One message that cannot be routed must not hold back the others.
            logger.exception("Releasing held message %s failed", message_id)
    return released


def _release(message_id, now: datetime) -> int:
    with transaction.atomic():
        claimed = Message.objects.filter(
            pk=message_id, state=MessageState.HELD, deliver_after__lte=now
        ).update(state=MessageState.QUEUED)
        if claimed:
            message_route(Message.objects.get(pk=message_id), now=now)
    return claimed
