"""Notices from the platform through Digital Post (`adgang.messaging.notices`, SPEC §8)."""

import threading

import pytest
from django.db import connection

from adgang.accounts.models import Organisation
from adgang.audit.models import ActionLogEntry
from adgang.exemptions.models import Exemption
from adgang.messaging.events import EventTag
from adgang.messaging.memo import memo_parse
from adgang.messaging.models import (
    Delivery,
    MailboxItem,
    Message,
    MessageEvent,
    MessageState,
    Route,
)
from adgang.messaging.notices import (
    NOTICE_SYSTEM_NAME,
    PLATFORM_CVR,
    NoticeError,
    notice_send,
    platform_notice_system,
)
from adgang.systems.apikeys import apikey_header
from adgang.systems.auth import BAD_CREDENTIALS, authenticate_system
from adgang.systems.models import MailSystem
from tests.support.messaging_core import CITIZEN_CPR, COMPANY_B_CVR, receiver_system
from tests.support.messaging_ingest import T0


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)


def events(message):
    return list(
        MessageEvent.objects.filter(message=message)
        .order_by("occurred_at", "id")
        .values_list("event", flat=True)
    )


def test_a_notice_lands_in_the_citizens_platform_mailbox(db):
    message = notice_send(
        recipient_id_type="CPR", recipient_id=CITIZEN_CPR, title="Adgang oprettet", text="Hej"
    )
    message.refresh_from_db()
    assert message.route == Route.MAILBOX
    assert message.state == MessageState.DELIVERED
    assert message.sender_id == PLATFORM_CVR
    assert message.sender_system.name == NOTICE_SYSTEM_NAME
    assert MailboxItem.objects.filter(owner_id=CITIZEN_CPR, message=message).exists()
    assert EventTag.AVAILABLE_TO_RECIPIENT in events(message)
    assert EventTag.VALIDATED in events(message)


def test_the_notice_is_a_valid_memo_with_the_text_as_a_file(db):
    message = notice_send(
        recipient_id_type="CPR", recipient_id=CITIZEN_CPR, title="Titel æøå", text="Brødtekst"
    )
    memo = memo_parse(bytes(message.content.xml), keep_content=True)
    assert memo.header.label == "Titel æøå"
    assert memo.header.sender.sender_id == PLATFORM_CVR
    assert memo.header.recipient.recipient_id == CITIZEN_CPR
    assert memo.version == "1.2"


def test_a_company_with_a_receiver_system_gets_the_notice_there(personas):
    system, _ = receiver_system(personas.birgitte)
    message = notice_send(
        recipient_id_type="CVR", recipient_id=COMPANY_B_CVR, title="Adgang", text="Tekst"
    )
    assert message.route == Route.SYSTEM
    assert Delivery.objects.filter(message=message, system=system).exists()


def test_an_exempt_recipient_gets_no_notice(db, personas):
    Exemption.objects.create(
        id_type="CPR",
        number=CITIZEN_CPR,
        effective_from=T0.date(),
        organisation=personas.bob.organisation,
    )
    message = notice_send(recipient_id_type="CPR", recipient_id=CITIZEN_CPR, title="T", text="x")
    assert message.route == Route.NONE
    assert message.state == MessageState.REJECTED
    assert not MailboxItem.objects.filter(message=message).exists()


def test_the_platform_system_is_created_once_and_logged(db):
    for _ in range(3):
        notice_send(recipient_id_type="CPR", recipient_id=CITIZEN_CPR, title="T", text="x")
    organisation = Organisation.objects.get(cvr=PLATFORM_CVR)
    assert MailSystem.objects.filter(organisation=organisation).count() == 1
    assert ActionLogEntry.objects.filter(organisation=organisation, subject="System").count() == 1
    assert Message.objects.count() == 3


def test_no_api_key_opens_the_platform_system(db):
    from django.db import transaction

    with transaction.atomic():
        system = platform_notice_system(now=T0)
    header = apikey_header(system.pk, system.api_key_prefix + "A" * 35)
    assert authenticate_system(header, "127.0.0.1", T0) == BAD_CREDENTIALS


def test_a_bad_recipient_type_is_refused_and_nothing_is_stored(db):
    with pytest.raises(NoticeError):
        notice_send(recipient_id_type="XYZ", recipient_id="1", title="T", text="x")
    assert Message.objects.count() == 0


def test_an_invalid_recipient_number_is_refused_and_nothing_is_stored(db):
    with pytest.raises(NoticeError):
        notice_send(recipient_id_type="CPR", recipient_id="12", title="T", text="x")
    assert Message.objects.count() == 0
    assert not MailSystem.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_two_first_notices_at_once_create_one_platform_system():
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait(timeout=10)
            notice_send(recipient_id_type="CPR", recipient_id=CITIZEN_CPR, title="T", text="x")
        except Exception as error:  # checked below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert MailSystem.objects.filter(organisation__cvr=PLATFORM_CVR).count() == 1
    assert Message.objects.count() == 2
