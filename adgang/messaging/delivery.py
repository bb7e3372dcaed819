"""The delivery worker (SPEC §3 delivery policy, §13 "Delivery"): hands PENDING deliveries to
REST PUSH receiver systems and notifies REST PUBLISH/SUBSCRIBE systems.

One run: expired leases are recovered, then due deliveries are claimed in small batches with
a conditional UPDATE (PENDING → IN_FLIGHT with a lease; on PostgreSQL the candidates are
picked with SKIP LOCKED so workers do not queue behind each other). The HTTP calls of a
batch run in parallel threads outside any transaction; then the outcomes are recorded in one
transaction, guarded by the lease this worker holds.

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
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import DateTimeField, F, Value, prefetch_related_objects
from django.db.models.functions import Coalesce

from adgang.core import metrics
from adgang.core.clock import now as clock_now
from adgang.messaging import outbound, policy
from adgang.messaging.events import EventTag, direction_of
from adgang.messaging.models import (
    Delivery,
    DeliveryPhase,
    DeliveryState,
    Message,
    MessageEvent,
    MessageState,
    ReceiptKind,
    ReceiptStatus,
)
from adgang.messaging.recording import event_fields_of, event_record
from adgang.messaging.routing import receipt_for_sender
from adgang.systems.models import MailSystem, Protocol

logger = logging.getLogger(__name__)

# Longer than one batch can take (its calls run in parallel, each bounded by connect + write
# + read timeouts and the total deadline), so a live worker's lease never runs out under it.
LEASE = timedelta(minutes=5)
PARALLEL = 16  # calls in flight per worker
MAX_BATCH_BYTES = 64 * 1024 * 1024  # MeMo held in memory per batch (a MeMo may be 140 MiB)
UNREACHABLE_CODE = "recipient.system.unreachable"
UNREACHABLE_TEXT = "The recipient system could not be reached; the message was not delivered."
NO_ENDPOINT_TEXT = "Modtagersystemet har intet end point."


def deliveries_run(*, now: datetime | None = None, limit: int = 100) -> int:
    """Attempt up to `limit` due deliveries (SPEC §3); return how many were attempted.

    Deliveries are claimed in small batches whose HTTP calls run in parallel threads (one
    slow receiver does not hold up the others); the threads only make the calls, the
    outcomes are recorded here, one transaction per batch.
    """
    now = now or clock_now()
    leases_recover(now)
    attempted = 0
    with ThreadPoolExecutor(max_workers=PARALLEL, thread_name_prefix="delivery") as pool:
        while attempted < limit:
            batch = _claim_batch(now, min(PARALLEL, limit - attempted))
            if not batch:
                break
            outcomes = list(pool.map(_call, batch))
            _record_batch(batch, outcomes, now)
            metrics.deliveries_attempted(outcomes)
            attempted += len(batch)
    return attempted


def leases_recover(now: datetime) -> int:
    """Deliveries whose worker died mid-call are due again (see the module docstring)."""
    return Delivery.objects.filter(state=DeliveryState.IN_FLIGHT, lease_until__lt=now).update(
        state=DeliveryState.PENDING, lease_until=None
    )


def _claim_batch(now: datetime, size: int) -> list[Delivery]:
    """Claim up to `size` due deliveries (at most MAX_BATCH_BYTES of MeMo, at least one).

    On PostgreSQL the candidates are row-locked with SKIP LOCKED, so concurrent workers take
    different rows; SQLite runs the transaction with the write lock taken at BEGIN
    (IMMEDIATE), so there the claim is serialised. Either way the conditional UPDATE
    (state still PENDING) is what makes a row this worker's.
    """
    lease = now + LEASE
    with transaction.atomic():
        # Ordered by the indexed column only, with no join, so PostgreSQL walks (state,
        # next_attempt_at) and stops after `size` rows instead of sorting every due row
        # (joining the message for its size here made it sort them all).
        candidates = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:size]
        )
        sizes = dict(
            Delivery.objects.filter(pk__in=candidates).values_list("pk", "message__size_bytes")
        )
        chosen, total = [], 0
        for pk in candidates:
            if chosen and total + sizes[pk] > MAX_BATCH_BYTES:
                break
            chosen.append(pk)
            total += sizes[pk]
        Delivery.objects.filter(pk__in=chosen, state=DeliveryState.PENDING).update(
            state=DeliveryState.IN_FLIGHT, lease_until=lease
        )
        claimed = list(
            Delivery.objects.filter(pk__in=chosen, state=DeliveryState.IN_FLIGHT, lease_until=lease)
            .select_related("message", "message__content", "system")
            .order_by("next_attempt_at")
        )
        # The threads make no queries: subscriptions are read here, only where notified.
        prefetch_related_objects(
            [d.system for d in claimed if d.system.protocol == Protocol.REST_PUBLISH_SUBSCRIBE],
            "subscriptions",
        )
        return claimed


def _call(delivery: Delivery) -> tuple[outbound.Outcome, str]:
    """The HTTP call of one attempt (in a pool thread: no database access here)."""
    try:
        return _call_system(delivery)
    except Exception:
        # A bug must not leave the batch IN_FLIGHT until the lease runs out: a failed attempt.
        logger.exception("Delivery %s: unexpected error", delivery.pk)
        return outbound.Outcome(False, error="Uventet fejl under afsendelsen."), ""


def _call_system(delivery: Delivery) -> tuple[outbound.Outcome, str]:
    system = delivery.system
    if system.protocol == Protocol.REST_PUBLISH_SUBSCRIBE:
        return _notify(delivery), ""
    if not system.endpoint:
        return outbound.Outcome(False, error=NO_ENDPOINT_TEXT), ""
    return _push(delivery), system.endpoint


def _record_batch(batch: list[Delivery], outcomes, now: datetime) -> None:
    """Record a batch's outcomes in one transaction: the rows still under this worker's
    lease are locked once, then one UPDATE per kind of outcome and one INSERT of all the
    events; only a phase's last failed attempt (rare) is handled delivery by delivery."""
    with transaction.atomic():
        held = _held_by_us(batch)
        mine = [
            (delivery, outcome, endpoint)
            for delivery, (outcome, endpoint) in zip(batch, outcomes, strict=True)
            if delivery.pk in held
        ]
        if len(mine) < len(batch):
            logger.warning(
                "Deliveries %s were taken over while this worker sent them",
                sorted(str(d.pk) for d in batch if d.pk not in held),
            )
        delivered = [(d, endpoint) for d, outcome, endpoint in mine if outcome.ok]
        failed = [(d, endpoint, outcome.error) for d, outcome, endpoint in mine if not outcome.ok]
        events = _record_successes(delivered, now)
        events += _record_failures(failed, now)
        MessageEvent.objects.bulk_create(events)
        for delivery, _endpoint, _error in failed:
            if delivery.next_attempt_at is None:
                _exhausted(delivery, now)


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
    subscriptions = sorted(delivery.system.subscriptions.all(), key=lambda s: s.created_at)
    for subscription in subscriptions:
        outcome = outbound.post(subscription.notification_url, json=body)
        if not outcome.ok:
            return outcome
    return outbound.Outcome(ok=True)


def _held_by_us(batch: list[Delivery]) -> set:
    """The batch's deliveries still IN_FLIGHT under its lease (one claim, one lease), locked
    until the recording commits."""
    if not batch:
        return set()
    return set(_leased(batch).select_for_update().values_list("pk", flat=True))


def _leased(deliveries: list[Delivery]):
    return Delivery.objects.filter(
        pk__in=[d.pk for d in deliveries],
        state=DeliveryState.IN_FLIGHT,
        lease_until=deliveries[0].lease_until,
    )


def _record_successes(delivered: list[tuple[Delivery, str]], now: datetime) -> list:
    """A batch's successful attempts: one UPDATE per kind (pushed, notified), one for the
    messages; answers their events, unsaved."""
    if not delivered:
        return []
    pulled = [d for d, _ in delivered if _is_pulled(d)]
    pushed = [d for d, _ in delivered if not _is_pulled(d)]
    for deliveries, state, finished in (
        (pulled, DeliveryState.AVAILABLE, None),
        (pushed, DeliveryState.DELIVERED, now),
    ):
        if deliveries:
            _leased(deliveries).update(
                state=state,
                attempts=F("attempts") + 1,
                first_attempt_at=Coalesce("first_attempt_at", Value(now, DateTimeField())),
                lease_until=None,
                last_error="",
                finished_at=finished,
            )
    Message.objects.filter(
        pk__in=[d.message_id for d, _ in delivered], state=MessageState.QUEUED
    ).update(state=MessageState.DELIVERED, delivered_at=now)
    return [_success_event(delivery, endpoint, now) for delivery, endpoint in delivered]


def _is_pulled(delivery: Delivery) -> bool:
    return delivery.system.protocol == Protocol.REST_PUBLISH_SUBSCRIBE


def _success_event(delivery: Delivery, endpoint: str, now: datetime) -> MessageEvent:
    if _is_pulled(delivery):
        # Notified: the system pulls it now ("Tilgængelig for modtageren", sender's log).
        return _event(
            EventTag.AVAILABLE_TO_RECIPIENT,
            organisation_id=delivery.message.sender_organisation_id,
            delivery=delivery,
            at=now,
        )
    return _event(
        EventTag.SENT_TO_RECIPIENT_SYSTEM,
        organisation_id=delivery.organisation_id,
        delivery=delivery,
        at=now,
        endpoint=endpoint,
    )


def _record_failures(failed: list[tuple[Delivery, str, str]], now: datetime) -> list:
    """A batch's failed attempts: the next attempt per the policy (SPEC §3), one UPDATE per
    group of deliveries that get the same values (a batch to one receiver that is down is
    one group); answers their events, unsaved. A delivery whose phase is exhausted keeps
    `next_attempt_at` None (in memory too) for `_exhausted`."""
    groups: dict[tuple, list[Delivery]] = {}
    events = []
    for delivery, endpoint, error in failed:
        first = delivery.first_attempt_at or now
        attempts = delivery.attempts + 1
        due = policy.next_attempt_at(delivery.phase, attempts, first)
        delivery.attempts, delivery.first_attempt_at = attempts, first
        delivery.next_attempt_at, delivery.last_error = due, error
        groups.setdefault((attempts, first, due, error), []).append(delivery)
        events.append(
            _event(
                EventTag.SENT_TO_RECIPIENT_SYSTEM_FAILED,
                organisation_id=delivery.organisation_id,
                delivery=delivery,
                at=now,
                endpoint=endpoint,
                error_message=error,
            )
        )
    for (attempts, first, due, error), deliveries in groups.items():
        _leased(deliveries).update(
            state=DeliveryState.PENDING if due else DeliveryState.IN_FLIGHT,
            attempts=attempts,
            first_attempt_at=first,
            next_attempt_at=due,
            last_error=error,
        )
    return events


def _event(tag: str, *, organisation_id, delivery: Delivery, at: datetime, **values):
    """The event `recording.event_record` writes for this delivery's message, unsaved, so a
    batch's events go in one INSERT (same fields: tests/messaging/test_delivery_recording.py
    compares the two)."""
    message = delivery.message
    fields = {
        "organisation_id": organisation_id,
        "direction": direction_of(tag),
        "event": tag,
        "occurred_at": at,
        "endpoint": values.get("endpoint", "")[:2048],
        "error_message": values.get("error_message", ""),
        "receipt_status": "",
        "recipient_system_id": delivery.system_id,
    }
    fields.update(event_fields_of(message))
    fields["sender_system_id"] = message.sender_system_id
    return MessageEvent(**fields)


def _message_delivered(message: Message, now: datetime) -> None:
    Message.objects.filter(pk=message.pk, state=MessageState.QUEUED).update(
        state=MessageState.DELIVERED, delivered_at=now
    )


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
