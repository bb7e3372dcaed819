"""Accepting one MeMo message from a sender system (SPEC §13 "Sender API").

`message_submit` parses and validates outside any transaction (a 140 MiB message must not
hold SQLite's write lock while lxml works) and decides the route there too (`message_accept`:
exemption and receiver-system look-ups are reads), then `intake_store.accepted_store` writes
the message with its route and state, its content, the technical receipt, the route's row
(mailbox item, delivery or business receipt) and all its events in ONE transaction: one
INSERT per table, the events with one INSERT, no UPDATE. Bulk intake stores a chunk of
members with the same pieces (`bulk.py`). Every refusal is a `Refusal` and leaves nothing
behind.

Rules on top of `memo_rules` (NGDP-API.md "MeMo"):
- the MeMo senderID must be the calling system's organisation (a system never sends as
  another organisation): `sender.id.not.allowed`;
- a deceased citizen (CPR register) or a ceased company (CVR register) is closed:
  `recipient.is.closed`;
- a contactPointID that is a point of the recipient organisation gives the attachment
  limits (its "Max antal bilag" / "Max MB grænse"), else the platform defaults;
- a messageUUID is accepted once on the whole platform: `message.uuid.already.exists`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.db import IntegrityError, transaction
from django.utils.timezone import localdate

from adgang.accounts.models import Organisation
from adgang.accounts.selectors import organisation_by_cvr
from adgang.contacts.models import ContactPoint
from adgang.contacts.selectors import points_of
from adgang.core.clock import now as clock_now
from adgang.messaging.errors import BAD_REQUEST, SERVICE_UNAVAILABLE, Refusal, Refused
from adgang.messaging.intake_store import Accepted, accepted_store
from adgang.messaging.memo import Memo, MemoError, features, memo_parse
from adgang.messaging.memo_rules import (
    COPENHAGEN,
    RESOURCE,
    AttachmentLimits,
    FieldError,
    is_uuid,
    memo_validate,
)
from adgang.messaging.models import (
    TITLE_MAX_LENGTH,
    Message,
    MessageState,
    Receipt,
    ReceiptPush,
    kind_of,
)
from adgang.messaging.routing import route_plan
from adgang.registers.base import RegisterError
from adgang.registers.registry import get_register
from adgang.registers.types import COMPANY_CEASED
from adgang.systems.models import MailSystem

MAX_MESSAGE_BYTES = 140 * 1024 * 1024
MIB = 1024 * 1024

SENDER_NOT_ALLOWED = "sender.id.not.allowed"
RECIPIENT_CLOSED = "recipient.is.closed"
UUID_EXISTS = "message.uuid.already.exists"
REGISTER_UNAVAILABLE = "register.unavailable"


@dataclass(frozen=True)
class _Recipient:
    organisation: Organisation | None
    point: ContactPoint | None


def message_submit(
    *,
    system: MailSystem,
    content: bytes,
    query_uuid: str | None,
    transmission_id: uuid.UUID | None = None,
    now: datetime | None = None,
    receipt_push: str = ReceiptPush.SENT,
) -> Receipt | Refusal:
    """Accept one MeMo message from `system` (SPEC §13): the technical receipt, or a Refusal
    with nothing stored.

    The receipt is SENT: the answer to the upload carries it. A bulk member's receipt is not
    in any answer, so `bulk_submit` passes PULL or PENDING (see `receipt_push_for`).
    """
    now = now or clock_now()
    try:
        accepted = message_accept(
            system=system,
            content=content,
            query_uuid=query_uuid,
            transmission_id=transmission_id or uuid.uuid4(),
            now=now,
        )
        try:
            with transaction.atomic():
                return accepted_store(accepted, now=now, push=receipt_push)
        except IntegrityError:
            # The unique messageUUID refuses a duplicate, also one submitted at the same
            # moment; any other integrity error is not the sender's to fix.
            _refuse_duplicate(accepted.message.message_uuid)
            raise
    except MemoError as error:
        return Refusal.of_memo_error(error)
    except Refused as refused:
        return refused.refusal


def message_accept(
    *,
    system: MailSystem,
    content: bytes,
    query_uuid: str | None,
    transmission_id: uuid.UUID,
    now: datetime,
) -> Accepted:
    """Parse and check one MeMo (raises MemoError or Refused) and decide its route, outside
    any transaction: nothing is written."""
    message = message_check(
        system=system,
        content=content,
        query_uuid=query_uuid,
        transmission_id=transmission_id,
        now=now,
    )
    return accepted_of(message, content=content, now=now)


def message_check(
    *,
    system: MailSystem,
    content: bytes,
    query_uuid: str | None,
    transmission_id: uuid.UUID,
    now: datetime,
    recipients: dict | None = None,
) -> Message:
    """The unsaved, unrouted Message of a MeMo that passes every intake rule; raises
    MemoError or Refused. Reads only. `recipients`: a dict the caller keeps for a batch
    (bulk intake, one chunk), so a recipient organisation and point are looked up once."""
    # Only sizes and names of files are checked: the decoded bytes are not kept.
    memo = memo_parse(content, max_bytes=MAX_MESSAGE_BYTES, keep_content=False)
    recipient = _recipient_remembered(memo, recipients)
    _check(memo, system=system, recipient=recipient, query_uuid=query_uuid, now=now)
    return message_build(
        memo, content=content, system=system, recipient=recipient, tid=transmission_id, now=now
    )


def accepted_of(
    message: Message,
    *,
    content: bytes,
    now: datetime,
    exempt: bool | None = None,
    systems: dict | None = None,
) -> Accepted:
    """A checked message with its route decided (`routing.route_plan`; `exempt` when the
    caller looked the recipient up already, as bulk intake does for a chunk)."""
    held = message.state == MessageState.HELD
    plan = None if held else route_plan(message, now, exempt=exempt, systems=systems)
    if plan is not None:
        # Route and state go into the INSERT: no UPDATE after it.
        message.route, message.state = plan.route, plan.state
        message.delivered_at = plan.delivered_at
    return Accepted(message, bytes(content), held, plan)


def recipient_of(memo: Memo) -> _Recipient:
    """The recipient organisation (a known CVR) and its contact point, if the MeMo names one
    of its points."""
    recipient = memo.header.recipient
    if recipient.id_type != "CVR":
        return _Recipient(None, None)
    organisation = organisation_by_cvr(recipient.recipient_id)
    point = None
    if organisation is not None and is_uuid(memo.contact_point_id):
        point = points_of(organisation).filter(pk=memo.contact_point_id).first()
    return _Recipient(organisation, point)


def _recipient_remembered(memo: Memo, recipients: dict | None) -> _Recipient:
    if recipients is None:
        return recipient_of(memo)
    header = memo.header.recipient
    key = (header.id_type, header.recipient_id, memo.contact_point_id)
    if key not in recipients:
        recipients[key] = recipient_of(memo)
    return recipients[key]


def _limits(point: ContactPoint | None) -> AttachmentLimits:
    if point is None:
        return AttachmentLimits()
    return AttachmentLimits(
        max_count=point.effective_max_attachments,
        max_total_bytes=int(point.effective_max_message_mb * MIB),
    )


def _check(
    memo: Memo, *, system: MailSystem, recipient: _Recipient, query_uuid: str | None, now
) -> None:
    errors = memo_validate(memo, now=now, query_uuid=query_uuid, limits=_limits(recipient.point))
    sender = memo.header.sender
    if sender.id_type != "CVR" or sender.sender_id != system.organisation.cvr:
        errors.append(
            FieldError(
                RESOURCE,
                "MessageHeader.Sender.senderID",
                SENDER_NOT_ALLOWED,
                "senderID must be the CVR number of the sending system's organisation.",
                sender.sender_id,
            )
        )
    if not errors:
        # Register look-ups only for an otherwise valid message (the ids are valid then).
        errors.extend(_closed_recipient(memo))
    if errors:
        raise Refused(Refusal.of_field_errors(errors))


def _closed_recipient(memo: Memo) -> list[FieldError]:
    recipient = memo.header.recipient
    try:
        if recipient.id_type == "CPR":
            person = get_register().lookup_person(recipient.recipient_id)
            closed = person is not None and person.deceased
        else:
            company = get_register().lookup_company(recipient.recipient_id)
            closed = company is not None and company.status == COMPANY_CEASED
    except RegisterError:
        raise Refused(
            Refusal(
                SERVICE_UNAVAILABLE,
                REGISTER_UNAVAILABLE,
                "The CPR/CVR register cannot be reached; try again later.",
            )
        ) from None
    if not closed:
        return []
    return [
        FieldError(
            RESOURCE,
            "MessageHeader.Recipient.recipientID",
            RECIPIENT_CLOSED,
            "The recipient is deceased or has ceased and cannot receive Digital Post.",
            recipient.recipient_id,
        )
    ]


def _refuse_duplicate(message_uuid: uuid.UUID) -> None:
    if Message.objects.filter(message_uuid=message_uuid).exists():
        raise Refused(duplicate_refusal(str(message_uuid)))


def duplicate_refusal(message_uuid: str) -> Refusal:
    """`message.uuid.already.exists`: a messageUUID is accepted once on the platform."""
    return Refusal(
        BAD_REQUEST,
        UUID_EXISTS,
        "A message with this messageUUID has already been received.",
        (
            FieldError(
                RESOURCE,
                "MessageHeader.messageUUID",
                UUID_EXISTS,
                "A message with this messageUUID has already been received.",
                message_uuid,
            ),
        ),
    )


def message_create(
    memo: Memo,
    *,
    content: bytes,
    system: MailSystem,
    recipient: _Recipient,
    tid: uuid.UUID,
    now: datetime,
) -> Message:
    """Store the accepted MeMo as a Message, not routed yet (`notices.notice_send` stores the
    platform's own messages so). Inside the caller's transaction."""
    message = message_build(
        memo, content=content, system=system, recipient=recipient, tid=tid, now=now
    )
    message.save(force_insert=True)
    return message


def message_build(
    memo: Memo,
    *,
    content: bytes,
    system: MailSystem,
    recipient: _Recipient,
    tid: uuid.UUID,
    now: datetime,
) -> Message:
    """The Message of an accepted MeMo, unsaved, unrouted: HELD when its value date lies
    ahead, else QUEUED."""
    header = memo.header
    value_date = header.do_not_deliver_until_date
    deliver_after = None
    if value_date is not None:
        midnight = datetime.combine(value_date, time(0), tzinfo=COPENHAGEN)
        deliver_after = midnight.astimezone(UTC)
    held = value_date is not None and value_date > localdate(now)
    organisation = system.organisation
    return Message(
        message_uuid=uuid.UUID(header.message_uuid),
        memo_message_id=header.message_id[:100],
        transmission_id=tid,
        memo_version=memo.version,
        sender_organisation=organisation,
        sender_system=system,
        sender_id=organisation.cvr,
        recipient_id_type=header.recipient.id_type,
        recipient_id=header.recipient.recipient_id,
        recipient_organisation=recipient.organisation,
        contact_point_id=memo.contact_point_id[:64],
        resolved_point=recipient.point,
        message_type=header.message_type,
        kind=kind_of(
            message_type=header.message_type,
            legal_notification=header.legal_notification,
            mandatory=header.mandatory,
        ),
        title=header.label[:TITLE_MAX_LENGTH],
        mandatory=header.mandatory,
        legal_notification=header.legal_notification,
        value_date=value_date,
        deliver_after=deliver_after,
        content_responsible_id=memo.content_responsible_id[:64],
        representative_id=memo.representative_id[:64],
        attachment_count=len(memo.files),
        size_bytes=len(content),
        features=sorted(features(memo)),
        route="",  # decided by routing.message_route
        state=MessageState.HELD if held else MessageState.QUEUED,
        created_at=now,
    )
