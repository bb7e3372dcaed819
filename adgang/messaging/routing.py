"""Routing of accepted messages (SPEC §13 "Routing") and receipts for sender systems.

`message_route` runs when a message may go out: at submission, or at its value date
(valørdato) from the delivery helper's release job. In order:

1. NemSMS needs an active NemSMS registration: the notification goes to the registered
   phone through the SMS gateway; without one the message is refused ("NemSMS fejlet").
2. An exempt recipient (Fritagelse, SPEC §6) gets no digital post unless it is mandatory
   (obligatorisk): refused ("Afvist").
3. A recipient organisation with a receiver system gets a `Delivery` to the contact point's
   system, else its primary system (a company: its one receiver system). REST PULL systems
   find it AVAILABLE at once; REST PUSH and PUBLISH/SUBSCRIBE deliveries are PENDING for the
   delivery worker, which records the incoming events.
4. Everything else lands in the recipient's platform mailbox ("Tilgængelig for modtageren",
   and "Forkyndt" for a legal notification).

A refusal after acceptance gives the sender a business receipt NOT_ALLOWED.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.timezone import localdate

from adgang.contacts.selectors import point_resolve_system
from adgang.exemptions.selectors import is_exempt
from adgang.messaging.events import EventTag
from adgang.messaging.memo import memo_parse
from adgang.messaging.models import (
    Delivery,
    DeliveryPhase,
    DeliveryState,
    MailboxItem,
    Message,
    MessageEvent,
    MessageState,
    MessageType,
    Receipt,
    ReceiptKind,
    ReceiptPush,
    ReceiptStatus,
    Route,
)
from adgang.messaging.recording import event_build, event_record, events_write
from adgang.nemsms.gateway import sms_send
from adgang.nemsms.selectors import nemsms_registration_active
from adgang.systems.models import MailSystem, Protocol
from adgang.systems.selectors import systems_of

NEMSMS_NOT_REGISTERED = "recipient.nemsms.not.registered"
RECIPIENT_EXEMPT = "recipient.is.exempt"
# An accepted message not routed yet has no route and is HELD (value date ahead) or QUEUED
# (routing now, or released at its value date by the release job's HELD→QUEUED claim).
_UNROUTED = (MessageState.HELD, MessageState.QUEUED)


def receipt_for_sender(**fields) -> Receipt:
    """The one way to create a receipt for a sender system (NGDP-API.md "Receipt"); takes
    `receipt_build`'s keywords.

    REST PUSH senders with a receipt endpoint get it POSTed (push PENDING, due now); every
    other sender pulls it (REST PULL: GET /receipts/, SFTP: the receipts folder).
    """
    receipt = receipt_build(**fields)
    receipt.save(force_insert=True)
    return receipt


def receipt_build(
    *,
    system: MailSystem,
    message: Message | None,
    kind: str,
    status: str,
    error_code: str = "",
    error_message: str = "",
    transmission_id: uuid.UUID | None = None,
    now: datetime,
    message_uuid: str = "",
) -> Receipt:
    """The receipt `receipt_for_sender` writes, not saved yet (bulk intake writes a chunk's
    receipts with one statement)."""
    push = receipt_push_for(system)
    if transmission_id is None:
        transmission_id = message.transmission_id if message is not None else uuid.uuid4()
    if message is not None and not message_uuid:
        message_uuid = str(message.message_uuid)
    return Receipt(
        system=system,
        message=message,
        kind=kind,
        transmission_id=transmission_id,
        message_uuid=message_uuid[:64],
        error_code=error_code[:100],
        error_message=error_message,
        receipt_status=status,
        time_stamp=now,
        push=push,
        next_push_at=now if push == ReceiptPush.PENDING else None,
    )


def receipt_push_for(system: MailSystem) -> str:
    """PENDING (POSTed by the receipts worker) for REST PUSH senders with a receipt endpoint,
    else PULL."""
    if system.protocol == Protocol.REST_PUSH and system.receipt_endpoint:
        return ReceiptPush.PENDING
    return ReceiptPush.PULL


def message_route(message: Message, *, now: datetime) -> None:
    """Decide where an accepted message goes and hand it there (SPEC §13 "Routing").

    Idempotent: a message already routed, recalled or refused is left alone, so a release job
    that runs twice routes once. The message row is locked while routing.
    """
    # No savepoint of its own: inside intake's transaction a failure rolls back the intake.
    with transaction.atomic(savepoint=False):
        locked = Message.objects.select_for_update().filter(pk=message.pk).first()
        if locked is None or locked.route or locked.state not in _UNROUTED:
            return
        if locked.deliver_after is not None and locked.deliver_after > now:
            return  # its value date has not come: stays held
        if _was_held(locked):
            _record(EventTag.SENT_AFTER_VALUE_DATE, locked, now)
        _route(locked, now)
        # The caller's object follows the row (callers read route/state afterwards).
        for field in ("route", "state", "delivered_at"):
            setattr(message, field, getattr(locked, field))


def accepted_route(message: Message, *, now: datetime) -> None:
    """Route a message intake has just stored in the current transaction (no value date
    ahead): nobody else can see it yet, so there is nothing to lock or re-check."""
    _route(message, now)


def _was_held(message: Message) -> bool:
    """Held at submission: its value date lay after the day it was accepted."""
    return message.value_date is not None and message.value_date > localdate(message.created_at)


def _route(message: Message, now: datetime) -> None:
    plan = route_plan(message, now)
    if plan is None:
        _route_nemsms(message, now)
        return
    _settle(message, route=plan.route, state=plan.state, now=plan.delivered_at)
    events_write(route_apply(message, plan, now))


@dataclass(frozen=True)
class RoutePlan:
    """Where an accepted message goes (SPEC §13 "Routing"), decided before it is written, so
    intake's INSERT already carries the route and state and no UPDATE follows."""

    route: str
    state: str
    delivered_at: datetime | None
    system: MailSystem | None = None  # Route.SYSTEM: the receiver system
    refusal: tuple[str, str, str] | None = None  # Route.NONE: (event tag, error code, text)


def route_plan(
    message: Message,
    now: datetime,
    *,
    exempt: bool | None = None,
    systems: dict | None = None,
) -> RoutePlan | None:
    """Steps 2–4 of the routing rules for `message` (stored or not yet); None for NemSMS,
    which is routed after the message is stored (its SMS refers to the stored message).
    `exempt`: whether the recipient is exempt today, when the caller looked it up already;
    `systems`: a dict the caller keeps for a batch, so each (organisation, contact point)
    is resolved once (bulk intake does both for a chunk)."""
    if message.message_type == MessageType.NEMSMS:
        return None
    if exempt is None:
        exempt = is_exempt(message.recipient_id_type, message.recipient_id, on=localdate(now))
    if exempt and not message.mandatory:
        refusal = (EventTag.REJECTED, RECIPIENT_EXEMPT, _EXEMPT_TEXT)
        return RoutePlan(Route.NONE, MessageState.REJECTED, None, refusal=refusal)
    if systems is None:
        system = _receiver_system(message, now)
    else:
        point_id = message.resolved_point_id or message.contact_point_id
        key = (message.recipient_organisation_id, point_id)
        if key not in systems:
            systems[key] = _receiver_system(message, now)
        system = systems[key]
    if system is not None:
        pulled = system.protocol == Protocol.REST_PULL
        state = MessageState.DELIVERED if pulled else MessageState.QUEUED
        return RoutePlan(Route.SYSTEM, state, now if pulled else None, system=system)
    return RoutePlan(Route.MAILBOX, MessageState.DELIVERED, now)


def route_apply(message: Message, plan: RoutePlan, now: datetime) -> list[MessageEvent]:
    """Write what the plan needs besides the message row, which already carries its route
    and state: the delivery, the mailbox item or the business receipt. Answers the route's
    events unsaved, in order, for the caller to write with `events_write`."""
    rows, events = route_rows(message, plan, now)
    for row in rows:
        row.save(force_insert=True)
    return events


def route_rows(
    message: Message, plan: RoutePlan, now: datetime
) -> tuple[list[Delivery | MailboxItem | Receipt], list[MessageEvent]]:
    """The rows (unsaved) that `route_apply` writes, and the route's events: bulk intake
    writes a chunk's rows of each kind with one statement."""
    if plan.route == Route.SYSTEM:
        return [_delivery_build(message, plan.system, now)], []
    if plan.route == Route.MAILBOX:
        item = MailboxItem(
            owner_id_type=message.recipient_id_type,
            owner_id=message.recipient_id,
            message=message,
            placed_at=now,
        )
        events = [_event(EventTag.AVAILABLE_TO_RECIPIENT, message, now)]
        if message.legal_notification:
            events.append(_event(EventTag.LEGALLY_NOTIFIED, message, now))
        return [item], events
    tag, code, text = plan.refusal
    receipt = receipt_build(
        system=message.sender_system,
        message=message,
        kind=ReceiptKind.BUSINESS,
        status=ReceiptStatus.NOT_ALLOWED,
        error_code=code,
        error_message=text,
        now=now,
    )
    return [receipt], [_event(tag, message, now, error_message=text)]


_EXEMPT_TEXT = "The recipient is exempt from Digital Post and the message is not mandatory."
_NEMSMS_TEXT = "The recipient has no active NemSMS registration."


def _route_nemsms(message: Message, now: datetime) -> None:
    registration = nemsms_registration_active(message.recipient_id_type, message.recipient_id)
    if registration is None:
        _refuse(
            message, now, tag=EventTag.NEMSMS_FAILED, code=NEMSMS_NOT_REGISTERED, text=_NEMSMS_TEXT
        )
        return
    sms_send(phone=registration.phone, text=_sms_text(message), message=message)
    _settle(message, route=Route.NEMSMS, state=MessageState.DELIVERED, now=now)
    _record(EventTag.AVAILABLE_TO_RECIPIENT, message, now)


def _sms_text(message: Message) -> str:
    """The MeMo `notification` (what a NemSMS says), else its title."""
    memo = memo_parse(bytes(message.content.xml), keep_content=False)
    return memo.header.notification or message.title


def _receiver_system(message: Message, now: datetime) -> MailSystem | None:
    """The contact point's receiver system, else the primary system (SPEC §3, §13); a company
    has no primary, so its one live receiver system."""
    organisation = message.recipient_organisation
    if organisation is None:
        return None
    point_id = message.resolved_point_id or message.contact_point_id or None
    system = point_resolve_system(organisation, point_id, now)
    if system is None and not organisation.is_authority:
        candidates = systems_of(organisation).filter(is_receiver=True).order_by("created_at")
        system = next((s for s in candidates if s.is_active_at(now)), None)
    return system


def _delivery_build(message: Message, system: MailSystem, now: datetime) -> Delivery:
    pulled = system.protocol == Protocol.REST_PULL
    return Delivery(
        message=message,
        system=system,
        organisation_id=system.organisation_id,
        phase=DeliveryPhase.RECEIVER,
        state=DeliveryState.AVAILABLE if pulled else DeliveryState.PENDING,
        next_attempt_at=None if pulled else now,
        created_at=now,
    )


def route_mailbox(message: Message, now: datetime) -> None:
    """Place the message in the recipient's platform mailbox (delivered, "Tilgængelig for
    modtageren"). Routing's last step; the Flyt post demo uses it to put post on the platforms."""
    _settle(message, route=Route.MAILBOX, state=MessageState.DELIVERED, now=now)
    plan = RoutePlan(Route.MAILBOX, MessageState.DELIVERED, now)
    events_write(route_apply(message, plan, now))


def _refuse(message: Message, now: datetime, *, tag: str, code: str, text: str) -> None:
    """Refused after acceptance: event in the sender's log, business receipt NOT_ALLOWED."""
    _settle(message, route=Route.NONE, state=MessageState.REJECTED, now=None)
    event_record(
        tag=tag,
        organisation=message.sender_organisation_id,
        message=message,
        at=now,
        error_message=text,
    )
    receipt_for_sender(
        system=message.sender_system,
        message=message,
        kind=ReceiptKind.BUSINESS,
        status=ReceiptStatus.NOT_ALLOWED,
        error_code=code,
        error_message=text,
        now=now,
    )


def _settle(message: Message, *, route: str, state: str, now: datetime | None) -> None:
    message.route = route
    message.state = state
    message.delivered_at = now
    message.save(update_fields=["route", "state", "delivered_at"])


def _record(tag: str, message: Message, now: datetime) -> None:
    event_record(tag=tag, organisation=message.sender_organisation_id, message=message, at=now)


def _event(tag: str, message: Message, now: datetime, **fields) -> MessageEvent:
    return event_build(
        tag=tag, organisation=message.sender_organisation_id, message=message, at=now, **fields
    )
