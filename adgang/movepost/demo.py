"""Flyt post demo data (SPEC §15 `manage.py demo`): Kommune A has post on the platforms.

The demo traffic never leaves post for Kommune A on the platforms: routing sends an
authority's post to its primary system, and Kommune A has one. Post lies on the platforms
when it arrived while an authority had no receiver system (in the real world: before it
connected one). The demo makes that history with the core's own code: each letter from
Virksomhed B's "Fakturaafsender" goes through intake (`message_submit`: parsed, validated,
stored, "Modtaget" and the technical receipt), held by a value date of tomorrow so that
routing has not picked a system yet, and is then placed in the platform mailbox by routing's
mailbox step (`routing.route_mailbox`: the MailboxItem and "Tilgængelig for modtageren"),
as routing does for a recipient without a receiver system. Idempotent: fixed messageUUIDs;
existing ones are skipped.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils.timezone import localdate

from adgang.accounts import demo as accounts_demo
from adgang.accounts.models import Organisation
from adgang.contacts.selectors import points_of
from adgang.core.clock import now as clock_now
from adgang.messaging import routing
from adgang.messaging.demo_memo import Letter, memo_bytes
from adgang.messaging.ingest import message_submit
from adgang.messaging.models import Message, MessageState
from adgang.systems.models import MailSystem

NAMESPACE = uuid.UUID("5d0c6c3e-8a63-4c63-9a43-0e7b2f6a1c55")
LETTERS = 24  # every fourth is marked to one of Kommune A's contact points
SENDER = "Fakturaafsender"
LABELS = (
    "Faktura for rengøring af rådhuset",
    "Rykker: ubetalt faktura",
    "Kreditnota",
    "Tilbud på vedligeholdelse af grønne områder",
)


def demo_message_uuid(number: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"movepost-demo-{number}"))


def load() -> dict[str, int]:
    kommune_a = Organisation.objects.get(cvr=accounts_demo.ORGANISATIONS["A"][0])
    virksomhed_b = accounts_demo.ORGANISATIONS["B"][0]
    sender = MailSystem.objects.alive().filter(organisation__cvr=virksomhed_b, name=SENDER).first()
    if sender is None:
        return {"platform_post": 0}  # the messaging demo step connects the sender first
    marked = points_of(kommune_a).order_by("name").first()
    existing = set(
        Message.objects.filter(
            message_uuid__in=[demo_message_uuid(n) for n in range(LETTERS)]
        ).values_list("message_uuid", flat=True)
    )
    made = 0
    tomorrow = localdate(clock_now()) + timedelta(days=1)
    for number in range(LETTERS):
        message_uuid = demo_message_uuid(number)
        if uuid.UUID(message_uuid) in existing:
            continue
        letter = Letter(
            message_uuid=message_uuid,
            sender_cvr=virksomhed_b,
            recipient_id=kommune_a.cvr,
            recipient_type="CVR",
            label=LABELS[number % len(LABELS)],
            contact_point_id=str(marked.pk) if marked is not None and number % 4 == 0 else "",
            value_date=tomorrow,
        )
        with transaction.atomic():
            at = clock_now() - timedelta(days=LETTERS - number)
            message_submit(system=sender, content=memo_bytes(letter), query_uuid=None, now=at)
            message = Message.objects.filter(message_uuid=message_uuid).first()
            if message is None or message.state != MessageState.HELD:
                continue  # refused, or routed already: nothing to place
            routing.route_mailbox(message, at)
            made += 1
    return {"platform_post": made}
