"""REST PUSH delivery (SPEC §3, §13; NGDP-API.md "Receiving"): what the receiver gets, what
is recorded on success, and that every kind of failure is a failed attempt with nothing lost."""

import pytest

from adgang.messaging.delivery import deliveries_run
from adgang.messaging.events import EventTag
from adgang.messaging.models import DeliveryState, MessageEvent, MessageState
from tests.support.messaging_delivery import (
    DRIP,
    FAIL_429,
    FAIL_500,
    REDIRECT,
    RESET,
    SLOW,
    message_to,
    pull_sender,
    push_receiver,
    running_receiver,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(tmp_path, settings):
    yield from running_receiver(tmp_path, settings)


@pytest.fixture
def sender(personas):
    return pull_sender(personas)


def test_push_posts_the_memo_as_multipart_file_named_by_message_uuid(
    personas,
    receiver,
    sender,
):
    system = push_receiver(personas.maja, receiver.url())
    message, _delivery = message_to(sender, system)

    assert deliveries_run() == 1

    [received] = receiver.state.received
    assert received.path == "/modtag"
    assert received.filename == str(message.message_uuid)
    assert received.content_type == "application/xml"
    assert received.body == bytes(message.content.xml)


def test_push_keeps_the_host_name_of_the_endpoint(personas, receiver, sender):
    system = push_receiver(personas.maja, receiver.url(host="localhost"))
    message_to(sender, system)

    deliveries_run()

    [received] = receiver.state.received
    assert received.host == f"localhost:{receiver.port}"


def test_delivered_push_records_sent_in_the_receiving_organisations_log(
    personas,
    receiver,
    sender,
    time_machine,
):
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    system = push_receiver(personas.maja, receiver.url())
    message, delivery = message_to(sender, system)

    deliveries_run()

    delivery.refresh_from_db()
    message.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.lease_until) == (
        DeliveryState.DELIVERED,
        1,
        None,
    )
    assert (message.state, message.delivered_at) == (MessageState.DELIVERED, delivery.finished_at)
    [event] = MessageEvent.objects.filter(message=message)
    assert event.event == EventTag.SENT_TO_RECIPIENT_SYSTEM
    assert event.direction == "IN"
    assert event.organisation == personas.maja.organisation
    assert event.recipient_system_id == system.pk
    assert event.endpoint == receiver.url()
    assert event.occurred_at.isoformat() == "2026-03-02T10:00:00+00:00"


def test_a_delivered_message_is_not_sent_again(personas, receiver, sender):
    system = push_receiver(personas.maja, receiver.url())
    message_to(sender, system)

    deliveries_run()
    assert deliveries_run() == 0

    assert len(receiver.state.received) == 1


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        (FAIL_500, "Systemet svarede HTTP 500."),
        (FAIL_429, "Systemet svarede HTTP 429."),
        (REDIRECT, "Systemet svarede HTTP 302."),
        (SLOW, "Systemet svarede ikke i tide (timeout)."),
        (DRIP, "Systemet svarede ikke færdigt i tide (timeout)."),
    ],
)
def test_a_failing_receiver_gives_a_failed_attempt_due_again_in_15_minutes(
    personas,
    receiver,
    sender,
    settings,
    time_machine,
    mode,
    error,
):
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=True)
    settings.ADGANG_OUTBOUND_TOTAL_TIMEOUT = 1.0
    receiver.state.mode = mode
    receiver.state.slow_seconds = 2.0
    system = push_receiver(personas.maja, receiver.url())
    message, delivery = message_to(sender, system)

    deliveries_run()

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == (
        DeliveryState.PENDING,
        1,
        error,
    )
    assert (delivery.next_attempt_at - delivery.first_attempt_at).total_seconds() == 15 * 60
    [event] = MessageEvent.objects.filter(message=message)
    assert (event.event, event.error_message, event.organisation_id) == (
        EventTag.SENT_TO_RECIPIENT_SYSTEM_FAILED,
        error,
        personas.maja.organisation.pk,
    )
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED


def test_a_connection_reset_is_a_failed_attempt(personas, receiver, sender):
    receiver.state.mode = RESET
    system = push_receiver(personas.maja, receiver.url())
    message, delivery = message_to(sender, system)

    deliveries_run()

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING
    assert delivery.last_error.startswith("Forbindelsen til systemet fejlede:")
    assert MessageEvent.objects.get(message=message).event == (
        EventTag.SENT_TO_RECIPIENT_SYSTEM_FAILED
    )


def test_a_closed_port_is_a_failed_attempt(personas, receiver, sender):
    system = push_receiver(personas.maja, "https://127.0.0.1:1/modtag")
    _message, delivery = message_to(sender, system)

    deliveries_run()

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING
    assert delivery.last_error.startswith("Forbindelsen til systemet fejlede:")


def test_an_untrusted_certificate_is_a_failed_attempt(
    personas,
    receiver,
    sender,
    settings,
):
    system = push_receiver(personas.maja, receiver.url())
    _message, delivery = message_to(sender, system)
    settings.ADGANG_OUTBOUND_CA_FILE = ""

    deliveries_run()

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING
    assert "CERTIFICATE_VERIFY_FAILED" in delivery.last_error
    assert receiver.state.received == []


def test_a_failed_receiver_that_recovers_gets_the_message_once(
    personas,
    receiver,
    sender,
    time_machine,
):
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    receiver.state.mode = FAIL_500
    system = push_receiver(personas.maja, receiver.url())
    message, delivery = message_to(sender, system)
    deliveries_run()

    receiver.state.mode = "ok"
    time_machine.move_to("2026-03-02 10:15:00+00:00", tick=False)
    deliveries_run()
    time_machine.move_to("2026-03-02 11:00:00+00:00", tick=False)
    deliveries_run()

    assert receiver.state.uuids() == [str(message.message_uuid)]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 2)
