"""Test data for Flyt post: an authority's post on the platforms, receiver systems with
contact points to move it to."""

from __future__ import annotations

import uuid
from datetime import datetime

from adgang.contacts.models import ContactPoint, Target
from adgang.core.clock import now
from adgang.messaging.models import (
    IdType,
    MailboxItem,
    Message,
    MessageContent,
    MessageKind,
    MessageState,
    MessageType,
    Route,
)
from tests.support.messaging_core import memo_xml, receiver_system, sender_system
from tests.support.systems_core import Protocol


def point_make(organisation, system, name: str = "Borgerservice", *, active: bool = True):
    return ContactPoint.objects.create(
        organisation=organisation,
        name=name,
        description=f"Om {name}",
        targets=[Target.CITIZEN],
        keywords=["test"],
        system=system,
        active=active,
    )


def receiver_with_point(membership, name: str = "Borgerservice", protocol=Protocol.REST_PULL):
    """A live receiver system of the membership's organisation and an active point on it."""
    system, _key = receiver_system(membership, protocol, name=f"Modtager {name}")
    return system, point_make(membership.organisation, system, name)


def sender_of(membership):
    system, _key = sender_system(membership, Protocol.REST_PULL, name="Afsender til platform")
    return system


def platform_post(
    sender,
    organisation,
    count: int = 1,
    *,
    placed_at: datetime | None = None,
    point: ContactPoint | None = None,
    content: bool = True,
) -> list[MailboxItem]:
    """`count` messages to the organisation's CVR lying in its platform mailbox, as routing
    leaves them when no receiver system takes them (bulk inserts). `content=False` leaves out
    the MeMo XML (moving never reads it), for the big crash test."""
    at = placed_at or now()
    messages, contents, items = [], [], []
    for _ in range(count):
        message_uuid = uuid.uuid4()
        message = Message(
            message_uuid=message_uuid,
            transmission_id=uuid.uuid4(),
            memo_version="1.2",
            sender_organisation=sender.organisation,
            sender_system=sender,
            sender_id=sender.organisation.cvr,
            recipient_id_type=IdType.CVR,
            recipient_id=organisation.cvr,
            recipient_organisation=organisation,
            contact_point_id=str(point.pk) if point else "",
            resolved_point=point,
            message_type=MessageType.DIGITALPOST,
            kind=MessageKind.LETTER,
            title="Post på platformen",
            route=Route.MAILBOX,
            state=MessageState.DELIVERED,
            created_at=at,
            delivered_at=at,
        )
        messages.append(message)
        if content:
            contents.append(
                MessageContent(
                    message=message,
                    xml=memo_xml(
                        message_uuid=str(message_uuid),
                        sender_cvr=sender.organisation.cvr,
                        recipient_id=organisation.cvr,
                        recipient_type="CVR",
                    ),
                )
            )
        items.append(
            MailboxItem(
                owner_id_type=IdType.CVR,
                owner_id=organisation.cvr,
                message=message,
                placed_at=at,
            )
        )
    Message.objects.bulk_create(messages, batch_size=1000)
    MessageContent.objects.bulk_create(contents, batch_size=1000)
    return MailboxItem.objects.bulk_create(items, batch_size=1000)
