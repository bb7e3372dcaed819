"""A value date (valørdato, SPEC §13): the message is held, not routed, until its date; then
routing records "Sendt til modtager efter valør" and delivers it once."""

from datetime import date, datetime, timedelta

import pytest

from adgang.messaging.events import Direction, EventTag
from adgang.messaging.ingest import message_submit
from adgang.messaging.models import MailboxItem, Message, MessageState, Route
from adgang.messaging.routing import message_route
from tests.support.messaging_core import memo_xml, sender_system
from tests.support.messaging_ingest import T0, events_of

OUT = Direction.OUTGOING
VALUE_DATE = date(2026, 3, 10)
# Midnight of the value date in Copenhagen (CET, UTC+1) in UTC.
DELIVER_AFTER = datetime.fromisoformat("2026-03-09T23:00:00+00:00")


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def held(personas):
    system, _ = sender_system(personas.alice)
    receipt = message_submit(
        system=system, content=memo_xml(value_date=VALUE_DATE), query_uuid=None, now=T0
    )
    return Message.objects.get(pk=receipt.message_id)


def test_message_with_a_future_value_date_is_held_and_not_routed(held):
    assert (held.state, held.route) == (MessageState.HELD, "")
    assert (held.value_date, held.deliver_after) == (VALUE_DATE, DELIVER_AFTER)
    assert not MailboxItem.objects.exists()
    org = held.sender_organisation_id
    assert events_of(held) == [
        (EventTag.AWAITING_VALUE_DATE, org, OUT),
        (EventTag.TECHNICAL_RECEIPT_SENT, org, OUT),
    ]


def test_routing_before_the_value_date_leaves_it_held(held):
    message_route(held, now=DELIVER_AFTER - timedelta(seconds=1))

    held.refresh_from_db()
    assert (held.state, held.route) == (MessageState.HELD, "")
    assert not MailboxItem.objects.exists()
    assert len(events_of(held)) == 2


def test_routing_at_the_value_date_records_sent_after_value_date_and_delivers(held):
    message_route(held, now=DELIVER_AFTER)

    held.refresh_from_db()
    assert (held.state, held.route, held.delivered_at) == (
        MessageState.DELIVERED,
        Route.MAILBOX,
        DELIVER_AFTER,
    )
    assert MailboxItem.objects.get().message == held
    org = held.sender_organisation_id
    assert events_of(held)[2:] == [
        (EventTag.SENT_AFTER_VALUE_DATE, org, OUT),
        (EventTag.AVAILABLE_TO_RECIPIENT, org, OUT),
    ]


def test_released_message_claimed_as_queued_is_routed_as_after_its_value_date(held):
    # The release job claims HELD→QUEUED before it calls message_route.
    Message.objects.filter(pk=held.pk).update(state=MessageState.QUEUED)

    message_route(held, now=DELIVER_AFTER)

    assert [tag for tag, _, _ in events_of(held)][2] == EventTag.SENT_AFTER_VALUE_DATE
    assert MailboxItem.objects.get().message == held


def test_routing_twice_routes_once(held):
    message_route(held, now=DELIVER_AFTER)
    message_route(held, now=DELIVER_AFTER + timedelta(hours=1))

    assert MailboxItem.objects.count() == 1
    assert len(events_of(held)) == 4


def test_recalled_message_is_not_routed(held):
    Message.objects.filter(pk=held.pk).update(state=MessageState.RECALLED)

    message_route(held, now=DELIVER_AFTER)

    assert not MailboxItem.objects.exists()
    assert len(events_of(held)) == 2
