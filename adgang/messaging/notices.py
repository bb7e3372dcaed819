"""Notices from the platform itself through Digital Post (SPEC §8: "giver and holder are
notified through Digital Post").

`notice_send` stores and routes a MeMo message exactly as intake does (`ingest.py`: message,
content, "Valideret" event, `accepted_route`), but without a sender API call: the sender is the
platform operator, Digitaliseringsstyrelsen, through one internal sender system that no API key
can use (its secret hash is random and nobody ever saw a secret). Routing then decides as for
any message: the recipient's receiver system or its platform mailbox; an exempt recipient gets
nothing, since a notice is not mandatory post.

The operator organisation and the internal system are got or created inside the caller's
transaction; the organisation's row is locked before the system is looked for, so two notices
at the same moment create one system (and the unique CVR makes one organisation).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from datetime import UTC, datetime

from django.db import transaction
from lxml import etree

from adgang.accounts.models import Organisation, OrganisationKind
from adgang.audit.models import Subject
from adgang.audit.services import SYSTEM, action_record
from adgang.core.clock import now as clock_now
from adgang.messaging.events import EventTag
from adgang.messaging.ingest import message_create, recipient_of
from adgang.messaging.memo import memo_parse
from adgang.messaging.memo_rules import memo_validate
from adgang.messaging.models import TITLE_MAX_LENGTH, Message, MessageContent
from adgang.messaging.recording import event_record
from adgang.messaging.routing import accepted_route
from adgang.systems.models import MailSystem, Protocol, SystemState

PLATFORM_CVR = "34051178"
PLATFORM_NAME = "Digitaliseringsstyrelsen"
NOTICE_SYSTEM_NAME = "Digital Post – meddelelser fra platformen"
MEMO_NS = "https://DigitalPost.dk/MeMo-1"
NOTICE_FILENAME = "meddelelse.txt"


class NoticeError(ValueError):
    """A notice that would not be a valid MeMo message (a programming error)."""


def notice_send(
    *,
    recipient_id_type: str,
    recipient_id: str,
    title: str,
    text: str,
    now: datetime | None = None,
) -> Message:
    """Send `title` and `text` to a CPR or CVR as a Digital Post message from the platform.

    Runs in the caller's transaction (or its own): a failure leaves nothing behind. Returns
    the routed message (`route`, `state` say where it went).
    """
    if recipient_id_type not in ("CPR", "CVR"):
        raise NoticeError(f"recipient_id_type must be CPR or CVR, got {recipient_id_type!r}")
    now = now or clock_now()
    with transaction.atomic():
        system = platform_notice_system(now=now)
        content = notice_memo(
            recipient_id_type=recipient_id_type,
            recipient_id=recipient_id,
            title=title[:TITLE_MAX_LENGTH],
            text=text,
            now=now,
        )
        memo = memo_parse(content, keep_content=False)
        errors = memo_validate(memo, now=now)
        if errors:
            raise NoticeError("; ".join(f"{e.field}: {e.message}" for e in errors))
        message = message_create(
            memo,
            content=content,
            system=system,
            recipient=recipient_of(memo),
            tid=uuid.uuid4(),
            now=now,
        )
        MessageContent.objects.create(message=message, xml=content)
        event_record(
            tag=EventTag.VALIDATED,
            organisation=message.sender_organisation_id,
            message=message,
            at=now,
        )
        accepted_route(message, now=now)
    return message


def platform_notice_system(*, now: datetime) -> MailSystem:
    """The operator's internal sender system, created the first time (logged as System)."""
    organisation, _created = Organisation.objects.get_or_create(
        cvr=PLATFORM_CVR,
        defaults={"name": PLATFORM_NAME, "kind": OrganisationKind.MYNDIGHED},
    )
    systems = (
        MailSystem.objects.alive()
        .filter(organisation=organisation, name=NOTICE_SYSTEM_NAME)
        .order_by("created_at")
    )
    system = systems.first()
    if system is not None:  # every notice after the first: no lock
        return system
    # First notice: serialise the create (MailSystem names are not unique), then look again.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    system = systems.first()
    if system is not None:
        return system
    system = MailSystem.objects.create(
        organisation=organisation,
        name=NOTICE_SYSTEM_NAME,
        is_sender=True,
        protocol=Protocol.REST_PULL,
        contact_name=PLATFORM_NAME,
        contact_email="digitalpost@digst.dk",
        contact_phone="+4533925200",
        active_from=now,
        state=SystemState.ACTIVE,
        # No secret was ever issued: the hash of random bytes matches no key anyone holds.
        api_key_prefix=secrets.token_hex(4),
        api_key_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
        api_key_issued_at=now,
        created_at=now,
        updated_at=now,
    )
    action_record(
        actor=SYSTEM,
        organisation=organisation,
        subject=Subject.SYSTEM,
        event="Oprettet",
        object_id=system.pk,
        object_name=system.name,
        reason="Intern afsender af platformens meddelelser (Adgang)",
    )
    return system


def _sub(parent, name: str, text: str | None = None):
    element = etree.SubElement(parent, f"{{{MEMO_NS}}}{name}")
    if text is not None:
        element.text = text
    return element


def notice_memo(
    *, recipient_id_type: str, recipient_id: str, title: str, text: str, now: datetime
) -> bytes:
    """A minimal MeMo 1.2 message: header (sender = the operator) and one text file."""
    root = etree.Element(f"{{{MEMO_NS}}}Message", nsmap={"memo": MEMO_NS})
    root.set("memoVersion", "1.2")
    header = _sub(root, "MessageHeader")
    _sub(header, "messageType", "DIGITALPOST")
    _sub(header, "messageUUID", str(uuid.uuid4()))
    _sub(header, "label", title)
    sender = _sub(header, "Sender")
    _sub(sender, "senderID", PLATFORM_CVR)
    _sub(sender, "idType", "CVR")
    _sub(sender, "label", PLATFORM_NAME)
    recipient = _sub(header, "Recipient")
    _sub(recipient, "recipientID", recipient_id)
    _sub(recipient, "idType", recipient_id_type)
    _sub(recipient, "label", "Modtager")
    body = _sub(root, "MessageBody")
    _sub(body, "createdDateTime", now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    document = _sub(body, "MainDocument")
    _sub(document, "mainDocumentID", "1")
    _sub(document, "label", title)
    file = _sub(document, "File")
    _sub(file, "encodingFormat", "text/plain")
    _sub(file, "filename", NOTICE_FILENAME)
    _sub(file, "language", "da")
    _sub(file, "content", base64.b64encode(text.encode("utf-8")).decode("ascii"))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
