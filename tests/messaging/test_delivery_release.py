"""Release at the value date (valørdato, SPEC §13 "Routing"), lease recovery of the delivery
worker, and the periodic jobs that run both."""

from datetime import UTC, date, datetime, timedelta

import pytest

from adgang.core.scheduler import registered_jobs
from adgang.messaging import tasks
from adgang.messaging.delivery import LEASE, deliveries_run
from adgang.messaging.events import EventTag
from adgang.messaging.models import (
    Delivery,
    DeliveryState,
    MailboxItem,
    MessageEvent,
    MessageState,
    Route,
)
from adgang.messaging.release import messages_release_due
from tests.support.messaging_delivery import (
    delivery_for,
    message_for,
    message_to,
    pull_sender,
    push_receiver,
    running_receiver,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
VALUE_DATE = date(2026, 3, 10)
DELIVER_AFTER = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)


@pytest.fixture
def receiver(tmp_path, settings):
    yield from running_receiver(tmp_path, settings)


def held_to(personas, organisation=None, recipient_id="0101011234", recipient_type="CPR"):
    return message_for(
        sender_system=pull_sender(personas),
        recipient_organisation=organisation,
        recipient_id=recipient_id,
        recipient_type=recipient_type,
        state=MessageState.HELD,
        value_date=VALUE_DATE,
        deliver_after=DELIVER_AFTER,
        created_at=T0,
    )


def test_a_held_message_stays_held_before_its_value_date(personas):
    message = held_to(personas)

    assert messages_release_due(now=DELIVER_AFTER - timedelta(seconds=1)) == 0

    message.refresh_from_db()
    assert (message.state, message.route) == (MessageState.HELD, "")


def test_at_its_value_date_a_held_message_is_routed_once(personas):
    message = held_to(personas)

    assert messages_release_due(now=DELIVER_AFTER) == 1
    assert messages_release_due(now=DELIVER_AFTER + timedelta(minutes=1)) == 0

    message.refresh_from_db()
    assert (message.state, message.route) == (MessageState.DELIVERED, Route.MAILBOX)
    assert MailboxItem.objects.filter(message=message).count() == 1
    sent_after = MessageEvent.objects.filter(message=message, event=EventTag.SENT_AFTER_VALUE_DATE)
    assert [event.occurred_at for event in sent_after] == [DELIVER_AFTER]


def test_a_released_message_to_a_receiver_system_is_delivered_by_the_worker(
    personas, receiver, time_machine
):
    time_machine.move_to(T0, tick=False)
    system = push_receiver(personas.maja, receiver.url())
    organisation = personas.maja.organisation
    message = held_to(personas, organisation, organisation.cvr, "CVR")

    time_machine.move_to(DELIVER_AFTER, tick=False)
    messages_release_due()
    deliveries_run()

    assert receiver.state.uuids() == [str(message.message_uuid)]
    assert Delivery.objects.get(message=message).system == system


def test_a_delivery_whose_worker_died_is_sent_after_its_lease(personas, receiver, time_machine):
    time_machine.move_to(T0, tick=False)
    system = push_receiver(personas.maja, receiver.url())
    message, delivery = message_to(pull_sender(personas), system)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.IN_FLIGHT, lease_until=T0 + LEASE
    )

    assert deliveries_run() == 0  # the lease still holds: another worker may be sending
    time_machine.move_to(T0 + LEASE + timedelta(seconds=1), tick=False)
    assert deliveries_run() == 1

    assert receiver.state.uuids() == [str(message.message_uuid)]
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED


def test_a_pending_delivery_not_yet_due_is_left_alone(personas, receiver, time_machine):
    time_machine.move_to(T0, tick=False)
    system = push_receiver(personas.maja, receiver.url())
    message = message_for(
        sender_system=pull_sender(personas),
        recipient_organisation=system.organisation,
        recipient_id=system.organisation.cvr,
    )
    delivery = delivery_for(message, system)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=T0 + timedelta(minutes=15))

    assert deliveries_run() == 0
    assert receiver.state.received == []


def test_the_delivery_jobs_are_registered_every_15_seconds():
    jobs = {job.name: job for job in registered_jobs()}

    for name in ("messaging.deliveries", "messaging.release", "messaging.receipts_push"):
        assert jobs[name].every == timedelta(seconds=15)


def test_a_job_run_loops_while_full_batches_come_back():
    batches = iter([tasks.BATCH, tasks.BATCH, 3, tasks.BATCH])

    assert tasks._drain(lambda limit: next(batches)) == 2 * tasks.BATCH + 3
