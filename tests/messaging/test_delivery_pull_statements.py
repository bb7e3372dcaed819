"""REST PULL's cost per message (issue 10; SPEC §13 "Delivery"): fetching reads the delivery,
its message and the content in one query; deleting is one conditional UPDATE that both finds
and guards the delivery, then the message's state and the "Afhentet" event, in one
transaction. Counted in statements, not time (savepoints of the test transaction aside)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adgang.messaging.events import EventTag
from adgang.messaging.models import DeliveryState, MessageEvent, MessageState
from adgang.messaging.pull import NotFound, pull_delete, pull_get
from adgang.systems.models import Protocol
from tests.support.messaging_core import receiver_system
from tests.support.messaging_delivery import delivery_for, message_for, pull_sender

pytestmark = pytest.mark.django_db


@pytest.fixture
def puller(personas):
    system, _key = receiver_system(personas.maja, Protocol.REST_PULL)
    return system


@pytest.fixture
def available(personas, puller):
    organisation = puller.organisation
    message = message_for(
        sender_system=pull_sender(personas),
        recipient_organisation=organisation,
        recipient_id=organisation.cvr,
        state=MessageState.DELIVERED,
    )
    return message, delivery_for(message, puller, state=DeliveryState.AVAILABLE)


def statements(captured) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"]
        .upper()
        .startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
    ]


def test_fetch_is_one_query(puller, available):
    message, _delivery = available

    with CaptureQueriesContext(connection) as captured:
        xml = pull_get(puller, message.pk)

    assert xml == bytes(message.content.xml)
    assert len(statements(captured)) == 1


def test_delete_is_one_guarded_update_then_the_message_and_the_event(puller, available):
    message, delivery = available

    with CaptureQueriesContext(connection) as captured:
        pull_delete(puller, message.pk)

    sql = statements(captured)
    assert [s.split()[0].upper() for s in sql] == ["UPDATE", "SELECT", "UPDATE", "INSERT"], sql
    delivery.refresh_from_db()
    message.refresh_from_db()
    assert (delivery.state, message.state) == (DeliveryState.FETCHED, MessageState.FETCHED)
    assert MessageEvent.objects.filter(message=message, event=EventTag.FETCHED).count() == 1


def test_a_second_delete_costs_one_statement_and_changes_nothing(puller, available):
    message, _delivery = available
    pull_delete(puller, message.pk)

    with CaptureQueriesContext(connection) as captured, pytest.raises(NotFound):
        pull_delete(puller, message.pk)

    assert len(statements(captured)) == 1
    assert MessageEvent.objects.filter(message=message, event=EventTag.FETCHED).count() == 1
