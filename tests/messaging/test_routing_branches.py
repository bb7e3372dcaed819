"""Routing of accepted messages (SPEC §13 "Routing"): each branch, with its events in the
right organisation's log and the sender's business receipt for a refusal after acceptance."""

import pytest

from adgang.exemptions.models import Exemption
from adgang.messaging.events import Direction, EventTag
from adgang.messaging.ingest import message_submit
from adgang.messaging.models import (
    Delivery,
    DeliveryPhase,
    DeliveryState,
    MailboxItem,
    Message,
    MessageState,
    Receipt,
    ReceiptKind,
    ReceiptPush,
    ReceiptStatus,
    Route,
)
from adgang.nemsms.models import NemSmsRegistration, NemSmsState, SmsOutbox
from tests.support.contacts_factories import build
from tests.support.messaging_core import (
    CITIZEN_CPR,
    COMPANY_B_CVR,
    KOMMUNE_M_CVR,
    Protocol,
    memo_xml,
    receiver_system,
    sender_system,
)
from tests.support.messaging_ingest import T0, ListSmsBackend, events_of

OUT = Direction.OUTGOING
PHONE = "+4520304050"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    """Systems are created and messages submitted at T0."""
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def sender(personas):
    system, _ = sender_system(personas.alice)
    return system


def submit(sender, **memo):
    receipt = message_submit(system=sender, content=memo_xml(**memo), query_uuid=None, now=T0)
    assert isinstance(receipt, Receipt), receipt
    return Message.objects.get(pk=receipt.message_id)


def accepted(org_id):
    return [(EventTag.VALIDATED, org_id, OUT), (EventTag.TECHNICAL_RECEIPT_SENT, org_id, OUT)]


def business_receipt(message) -> Receipt:
    return Receipt.objects.get(message=message, kind=ReceiptKind.BUSINESS)


# --- NemSMS ----------------------------------------------------------------------------


def test_nemsms_to_an_active_registration_is_sent_as_sms(sender):
    NemSmsRegistration.objects.create(
        id_type="CPR", number=CITIZEN_CPR, phone=PHONE, state=NemSmsState.ACTIVE
    )

    message = submit(sender, message_type="NEMSMS")

    sms = SmsOutbox.objects.get()
    assert (sms.phone, sms.text, sms.message_id) == (PHONE, "Du har fået en besked", message.pk)
    assert (message.route, message.state, message.delivered_at) == (
        Route.NEMSMS,
        MessageState.DELIVERED,
        T0,
    )
    org = sender.organisation_id
    assert events_of(message) == [*accepted(org), (EventTag.AVAILABLE_TO_RECIPIENT, org, OUT)]
    assert not MailboxItem.objects.exists()


def test_nemsms_goes_through_the_configured_sms_backend(sender, settings):
    settings.ADGANG_SMS_BACKEND = "tests.support.messaging_ingest.ListSmsBackend"
    ListSmsBackend.sent.clear()
    NemSmsRegistration.objects.create(
        id_type="CPR", number=CITIZEN_CPR, phone=PHONE, state=NemSmsState.ACTIVE
    )

    message = submit(sender, message_type="NEMSMS")

    assert ListSmsBackend.sent == [
        {"phone": PHONE, "text": "Du har fået en besked", "message_id": message.pk}
    ]
    assert not SmsOutbox.objects.exists()


@pytest.mark.parametrize("state", [None, NemSmsState.PENDING, NemSmsState.CANCELLED])
def test_nemsms_without_an_active_registration_fails_with_a_business_receipt(sender, state):
    if state is not None:
        NemSmsRegistration.objects.create(
            id_type="CPR", number=CITIZEN_CPR, phone=PHONE, state=state
        )

    message = submit(sender, message_type="NEMSMS")

    assert (message.route, message.state) == (Route.NONE, MessageState.REJECTED)
    org = sender.organisation_id
    assert events_of(message) == [*accepted(org), (EventTag.NEMSMS_FAILED, org, OUT)]
    receipt = business_receipt(message)
    assert (receipt.receipt_status, receipt.error_code, receipt.push) == (
        ReceiptStatus.NOT_ALLOWED,
        "recipient.nemsms.not.registered",
        ReceiptPush.PULL,
    )
    assert receipt.transmission_id == message.transmission_id
    assert not SmsOutbox.objects.exists()


def test_business_receipt_for_a_rest_push_sender_is_pushed(personas):
    sender, _ = sender_system(personas.alice, Protocol.REST_PUSH)

    message = submit(sender, message_type="NEMSMS")

    receipt = business_receipt(message)
    assert (receipt.push, receipt.next_push_at, receipt.system) == (ReceiptPush.PENDING, T0, sender)


# --- exemption ---------------------------------------------------------------------------


def exempt(personas, id_type="CPR", number=CITIZEN_CPR):
    Exemption.objects.create(
        id_type=id_type,
        number=number,
        effective_from=T0.date(),
        organisation=personas.alice.organisation,
    )


def test_exempt_recipient_gets_no_digital_post(personas, sender):
    exempt(personas)

    message = submit(sender)

    assert (message.route, message.state) == (Route.NONE, MessageState.REJECTED)
    org = sender.organisation_id
    assert events_of(message) == [*accepted(org), (EventTag.REJECTED, org, OUT)]
    receipt = business_receipt(message)
    assert (receipt.receipt_status, receipt.error_code) == (
        ReceiptStatus.NOT_ALLOWED,
        "recipient.is.exempt",
    )
    assert not MailboxItem.objects.exists()


def test_mandatory_post_reaches_an_exempt_recipient(personas, sender):
    exempt(personas)

    message = submit(sender, mandatory=True)

    assert (message.route, message.state) == (Route.MAILBOX, MessageState.DELIVERED)
    assert MailboxItem.objects.get().message == message
    assert not Receipt.objects.filter(kind=ReceiptKind.BUSINESS).exists()


# --- mailboxes ---------------------------------------------------------------------------


def test_legal_notification_to_a_citizen_is_available_and_legally_notified(sender):
    message = submit(sender, legal_notification=True)

    org = sender.organisation_id
    assert events_of(message) == [
        *accepted(org),
        (EventTag.AVAILABLE_TO_RECIPIENT, org, OUT),
        (EventTag.LEGALLY_NOTIFIED, org, OUT),
    ]


def test_company_without_a_receiver_system_gets_it_in_its_mailbox(sender):
    message = submit(sender, recipient_type="CVR", recipient_id=COMPANY_B_CVR)

    item = MailboxItem.objects.get()
    assert (item.owner_id_type, item.owner_id) == ("CVR", COMPANY_B_CVR)
    assert (message.route, message.state) == (Route.MAILBOX, MessageState.DELIVERED)
    assert message.recipient_organisation.cvr == COMPANY_B_CVR


def test_authority_without_a_receiver_system_gets_it_in_its_mailbox(sender):
    message = submit(sender, recipient_type="CVR", recipient_id=KOMMUNE_M_CVR)

    assert (message.route, MailboxItem.objects.get().owner_id) == (Route.MAILBOX, KOMMUNE_M_CVR)


# --- receiver systems --------------------------------------------------------------------


def test_authority_post_goes_to_its_primary_system_available_for_pull(personas, sender):
    primary, _ = receiver_system(personas.maja, Protocol.REST_PULL)

    message = submit(sender, recipient_type="CVR", recipient_id=KOMMUNE_M_CVR)

    delivery = Delivery.objects.get()
    assert (delivery.system, delivery.organisation, delivery.phase, delivery.state) == (
        primary,
        personas.maja.organisation,
        DeliveryPhase.RECEIVER,
        DeliveryState.AVAILABLE,
    )
    assert (message.route, message.state, message.delivered_at) == (
        Route.SYSTEM,
        MessageState.DELIVERED,
        T0,
    )
    assert events_of(message) == accepted(sender.organisation_id)
    assert not MailboxItem.objects.exists()


def test_post_to_a_contact_point_goes_to_the_points_system_pending_for_push(personas, sender):
    receiver_system(personas.maja, Protocol.REST_PULL, name="Primær")
    pushed, _ = receiver_system(personas.maja, Protocol.REST_PUSH, name="Byg")
    point = build(personas.maja.organisation, points=["Byg"], point_fields={"system": pushed})[
        "Byg"
    ]

    message = submit(
        sender, recipient_type="CVR", recipient_id=KOMMUNE_M_CVR, contact_point_id=str(point.pk)
    )

    delivery = Delivery.objects.get()
    assert (delivery.system, delivery.state, delivery.next_attempt_at) == (
        pushed,
        DeliveryState.PENDING,
        T0,
    )
    assert (message.route, message.state, message.delivered_at) == (
        Route.SYSTEM,
        MessageState.QUEUED,
        None,
    )
    assert message.resolved_point == point


def test_post_to_an_inactive_contact_point_goes_to_the_primary_system(personas, sender):
    primary, _ = receiver_system(personas.maja, Protocol.REST_PULL, name="Primær")
    other, _ = receiver_system(personas.maja, Protocol.REST_PUSH, name="Byg")
    point = build(
        personas.maja.organisation, points=["Byg"], point_fields={"system": other, "active": False}
    )["Byg"]

    submit(sender, recipient_type="CVR", recipient_id=KOMMUNE_M_CVR, contact_point_id=str(point.pk))

    assert Delivery.objects.get().system == primary


def test_publish_subscribe_system_gets_a_pending_delivery(personas, sender):
    receiver, _ = receiver_system(personas.maja, Protocol.REST_PUBLISH_SUBSCRIBE)

    submit(sender, recipient_type="CVR", recipient_id=KOMMUNE_M_CVR)

    delivery = Delivery.objects.get()
    assert (delivery.system, delivery.state, delivery.next_attempt_at) == (
        receiver,
        DeliveryState.PENDING,
        T0,
    )


def test_company_with_a_receiver_system_gets_it_there(personas, sender):
    receiver, _ = receiver_system(personas.birgitte, Protocol.REST_PUSH)

    message = submit(sender, recipient_type="CVR", recipient_id=COMPANY_B_CVR)

    assert Delivery.objects.get().system == receiver
    assert message.route == Route.SYSTEM
    assert not MailboxItem.objects.exists()
