"""The delivery worker (SPEC §3 delivery policy, §13 "Delivery"): hands PENDING deliveries to
REST PUSH receiver systems and notifies REST PUBLISH/SUBSCRIBE systems.

One run: expired leases are recovered, then due deliveries are claimed one at a time with a
conditional UPDATE (PENDING → IN_FLIGHT with a lease; on PostgreSQL the candidate row is
picked with SKIP LOCKED so workers do not queue behind each other). The HTTP call is made
outside any transaction, then the outcome is recorded in one transaction, guarded by the
lease this worker holds.

Crash semantics (at-least-once): a worker that dies after the receiver answered 2xx but
before the outcome is recorded leaves the delivery IN_FLIGHT; when its lease expires it is
PENDING again and is POSTed a second time. Receivers dedupe by messageUUID, which is the
filename of the `file` part. Without a crash a delivery is never sent again after a 2xx:
the unique (message, system) row and the claim make sure of that with any number of workers.

When the receiver phase is exhausted (12 attempts over 7 days) the message goes to the
organisation's primary system (3 attempts); when that is exhausted too (or there is no
other primary) the message FAILED and the sender gets a business receipt INVALID.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F

from adgang.core.clock import now as clock_now
from adgang.messaging import outbound, policy
from adgang.messaging.events import EventTag
from adgang.messaging.models import (
    Delivery,
    DeliveryPhase,
    DeliveryState,
    Message,
    MessageState,
    ReceiptKind,
    ReceiptStatus,
)
from adgang.messaging.recording import event_record
from adgang.messaging.routing import receipt_for_sender
from adgang.systems.models import MailSystem, Protocol

logger = logging.getLogger(__name__)

# Longer than one call can take (connect + write + read + total deadline), so a live
# worker's lease never runs out under it.
LEASE = timedelta(minutes=5)
UNREACHABLE_CODE = "recipient.system.unreachable"
UNREACHABLE_TEXT = "The recipient system could not be reached; the message was not delivered."
NO_ENDPOINT_TEXT = "Modtagersystemet har intet end point."


def deliveries_run(*, now: datetime | None = None, limit: int = 100) -> int:
    """Attempt up to `limit` due deliveries (SPEC §3); return how many were attempted."""
    now = now or clock_now()
    leases_recover(now)
    attempted = 0
    while attempted < limit:
        delivery = _claim_next(now)
        if delivery is None:
            break
        _attempt(delivery, now)
        attempted += 1
    return attempted


def leases_recover(now: datetime) -> int:
    """Deliveries whose worker died mid-call are due again (see the module docstring)."""
    return Delivery.objects.filter(state=DeliveryState.IN_FLIGHT, lease_until__lt=now).update(
        state=DeliveryState.PENDING, lease_until=None
    )


def _claim_next(now: datetime) -> Delivery | None:
    """Claim one due delivery for this worker, or None when nothing is due."""
    while True:
        with transaction.atomic():
            candidate = (
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at", "id")
                .values_list("pk", flat=True)
                .first()
            )
            if candidate is None:
                return None
            # The conditional UPDATE is the claim; the row lock above only spares PostgreSQL
            # workers from racing for the same row (SQLite serialises writers anyway).
            claimed = Delivery.objects.filter(pk=candidate, state=DeliveryState.PENDING).update(
                state=DeliveryState.IN_FLIGHT, lease_until=now + LEASE
            )
        if claimed:
            return Delivery.objects.select_related("message", "system", "message__content").get(
                pk=candidate
            )


def _attempt(delivery: Delivery, now: datetime) -> None:
    system = delivery.system
    if system.protocol == Protocol.REST_PUBLISH_SUBSCRIBE:
        outcome, endpoint = _notify(delivery), ""
    else:
        endpoint = system.endpoint
        outcome = _push(delivery) if endpoint else outbound.Outcome(False, error=NO_ENDPOINT_TEXT)
    with transaction.atomic():
        if outcome.ok:
            _record_success(delivery, endpoint, now)
        else:
            _record_failure(delivery, endpoint, outcome.error, now)


def _push(delivery: Delivery) -> outbound.Outcome:
    """REST PUSH (NGDP-API.md): multipart part `file`, filename = messageUUID, MeMo XML."""
    message = delivery.message
    content = bytes(message.content.xml)
    files = {"file": (str(message.message_uuid), content, "application/xml")}
    return outbound.post(delivery.system.endpoint, files=files)


def _notify(delivery: Delivery) -> outbound.Outcome:
    """PUBLISH/SUBSCRIBE: tell every subscription; all must answer 2xx (a repeated
    notification is harmless: the system pulls what is available)."""
    message = delivery.message
    body = {"messageId": str(message.pk), "messageUUID": str(message.message_uuid)}
    for subscription in delivery.system.subscriptions.order_by("created_at"):
        outcome = outbound.post(subscription.notification_url, json=body)
        if not outcome.ok:
            return outcome
    return outbound.Outcome(ok=True)


def _held_by_us(delivery: Delivery):
    return Delivery.objects.filter(
        pk=delivery.pk, state=DeliveryState.IN_FLIGHT, lease_until=delivery.lease_until
    )


def _record_success(delivery: Delivery, endpoint: str, now: datetime) -> None:
    pulled = delivery.system.protocol == Protocol.REST_PUBLISH_SUBSCRIBE
    state = DeliveryState.AVAILABLE if pulled else DeliveryState.DELIVERED
    updated = _held_by_us(delivery).update(
        state=state,
        attempts=F("attempts") + 1,
        first_attempt_at=delivery.first_attempt_at or now,
        lease_until=None,
        last_error="",
        finished_at=None if pulled else now,
    )
    if not updated:
        logger.warning("Delivery %s was taken over while this worker sent it", delivery.pk)
        return
    _message_delivered(delivery.message, now)
    if pulled:
        # Notified: the system pulls it now ("Tilgængelig for modtageren", sender's log).
        event_record(
            tag=EventTag.AVAILABLE_TO_RECIPIENT,
            organisation=delivery.message.sender_organisation_id,
            message=delivery.message,
            at=now,
            recipient_system_id=delivery.system_id,
        )
    else:
        event_record(
            tag=EventTag.SENT_TO_RECIPIENT_SYSTEM,
            organisation=delivery.organisation_id,
            message=delivery.message,
            at=now,
            recipient_system_id=delivery.system_id,
            endpoint=endpoint,
        )


def _message_delivered(message: Message, now: datetime) -> None:
    Message.objects.filter(pk=message.pk, state=MessageState.QUEUED).update(
        state=MessageState.DELIVERED, delivered_at=now
    )


def _record_failure(delivery: Delivery, endpoint: str, error: str, now: datetime) -> None:
    first = delivery.first_attempt_at or now
    attempts = delivery.attempts + 1
    due = policy.next_attempt_at(delivery.phase, attempts, first)
    updated = _held_by_us(delivery).update(
        state=DeliveryState.PENDING if due else DeliveryState.IN_FLIGHT,
        attempts=attempts,
        first_attempt_at=first,
        next_attempt_at=due,
        last_error=error,
    )
    if not updated:
        logger.warning("Delivery %s was taken over while this worker sent it", delivery.pk)
        return
    event_record(
        tag=EventTag.SENT_TO_RECIPIENT_SYSTEM_FAILED,
        organisation=delivery.organisation_id,
        message=delivery.message,
        at=now,
        recipient_system_id=delivery.system_id,
        endpoint=endpoint,
        error_message=error,
    )
    if due is None:
        _exhausted(delivery, now)


def _exhausted(delivery: Delivery, now: datetime) -> None:
    """The phase's last attempt failed: on to the primary system, else give up (SPEC §3)."""
    primary = _primary_for(delivery, now) if delivery.phase == DeliveryPhase.RECEIVER else None
    final = DeliveryState.SUPERSEDED if primary else DeliveryState.FAILED
    Delivery.objects.filter(pk=delivery.pk).update(
        state=final, lease_until=None, next_attempt_at=None, finished_at=now
    )
    if primary is None:
        _message_failed(delivery.message, now)
        return
    pulled = primary.protocol == Protocol.REST_PULL
    Delivery.objects.create(
        message=delivery.message,
        system=primary,
        organisation_id=primary.organisation_id,
        phase=DeliveryPhase.PRIMARY,
        state=DeliveryState.AVAILABLE if pulled else DeliveryState.PENDING,
        next_attempt_at=None if pulled else now,
        created_at=now,
    )
    if pulled:
        _message_delivered(delivery.message, now)
        event_record(
            tag=EventTag.AVAILABLE_TO_RECIPIENT,
            organisation=delivery.message.sender_organisation_id,
            message=delivery.message,
            at=now,
            recipient_system_id=primary.pk,
        )


def _primary_for(delivery: Delivery, now: datetime) -> MailSystem | None:
    """The receiving organisation's live primary system, when it is another system and has
    not had this message already."""
    primary = (
        MailSystem.objects.receivers()
        .filter(organisation_id=delivery.organisation_id, is_primary=True)
        .exclude(pk=delivery.system_id)
        .first()
    )
    if primary is None or not primary.is_active_at(now):
        return None
    if Delivery.objects.filter(message_id=delivery.message_id, system=primary).exists():
        return None
    return primary


def _message_failed(message: Message, now: datetime) -> None:
    """Every attempt failed: the message FAILED, "Fejlet" in the sender's log, and a business
    receipt INVALID for the sender system."""
    Message.objects.filter(pk=message.pk).update(state=MessageState.FAILED)
    event_record(
        tag=EventTag.FAILED,
        organisation=message.sender_organisation_id,
        message=message,
        at=now,
        error_message=UNREACHABLE_TEXT,
    )
    receipt_for_sender(
        system=message.sender_system,
        message=message,
        kind=ReceiptKind.BUSINESS,
        status=ReceiptStatus.INVALID,
        error_code=UNREACHABLE_CODE,
        error_message=UNREACHABLE_TEXT,
        transmission_id=message.transmission_id,
        now=now,
    )
