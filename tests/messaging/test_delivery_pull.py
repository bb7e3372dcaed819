"""REST PULL for receiver systems (SPEC §13; NGDP-API.md "Receiving"): a system lists,
fetches and deletes ("Afhentet") only the messages available to it."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from adgang.messaging.events import EventTag
from adgang.messaging.models import DeliveryState, MessageEvent, MessageState
from adgang.messaging.pull import BadPaging, NotFound, pull_delete, pull_get, pull_list
from adgang.systems.models import Protocol
from tests.support.messaging_core import receiver_system
from tests.support.messaging_delivery import delivery_for, message_for, pull_sender

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def puller(personas):
    system, _key = receiver_system(personas.maja, Protocol.REST_PULL)
    return system


def available_message(sender, system, time_machine=None, at=None):
    if time_machine is not None:
        time_machine.move_to(at, tick=False)
    organisation = system.organisation
    message = message_for(
        sender_system=sender,
        recipient_organisation=organisation,
        recipient_id=organisation.cvr,
        state=MessageState.DELIVERED,
    )
    delivery = delivery_for(message, system, state=DeliveryState.AVAILABLE)
    return message, delivery


def test_list_shows_the_systems_available_messages_oldest_first(personas, puller, time_machine):
    sender = pull_sender(personas)
    first, _ = available_message(sender, puller, time_machine, T0)
    second, _ = available_message(sender, puller, time_machine, T0 + timedelta(minutes=1))

    page = pull_list(puller, page=0, size=10, sort="createdAt,asc")

    assert [item.message_id for item in page.items] == [first.pk, second.pk]
    assert (page.total_elements, page.total_pages) == (2, 1)
    assert page.items[0].message_uuid == first.message_uuid
    assert page.items[0].title == first.title


def test_list_sorts_newest_first_and_pages_from_zero(personas, puller, time_machine):
    sender = pull_sender(personas)
    messages = [
        available_message(sender, puller, time_machine, T0 + timedelta(minutes=n))[0]
        for n in range(5)
    ]

    page = pull_list(puller, page=1, size=2, sort="createdAt,desc")

    assert [item.message_id for item in page.items] == [messages[2].pk, messages[1].pk]
    assert (page.page, page.size, page.total_elements, page.total_pages) == (1, 2, 5, 3)


def test_list_leaves_out_fetched_and_other_systems_messages(personas, puller):
    sender = pull_sender(personas)
    other, _key = receiver_system(personas.birgitte, Protocol.REST_PULL)
    available_message(sender, other)
    fetched, _ = available_message(sender, puller)
    pull_delete(puller, fetched.pk)

    assert pull_list(puller, page=0, size=10, sort="createdAt,asc").items == []


@pytest.mark.parametrize(
    ("page", "size", "sort", "code"),
    [
        (-1, 10, "createdAt,asc", "page.invalid"),
        (0, 0, "createdAt,asc", "size.invalid"),
        (0, 101, "createdAt,asc", "size.invalid"),
        (0, 10, "title,asc", "sort.invalid"),
        (0, 10, "createdAt,sideways", "sort.invalid"),
    ],
)
def test_bad_paging_is_refused(puller, page, size, sort, code):
    with pytest.raises(BadPaging) as refused:
        pull_list(puller, page=page, size=size, sort=sort)
    assert refused.value.code == code


def test_get_returns_the_memo_xml_exactly_as_sent(personas, puller):
    message, _ = available_message(pull_sender(personas), puller)

    assert pull_get(puller, message.pk) == bytes(message.content.xml)
    assert pull_get(puller, str(message.pk)) == bytes(message.content.xml)


def test_another_systems_message_is_not_found(personas, puller):
    other, _key = receiver_system(personas.birgitte, Protocol.REST_PULL)
    message, delivery = available_message(pull_sender(personas), other)
    events_before = MessageEvent.objects.count()

    for call in (pull_get, pull_delete):
        with pytest.raises(NotFound):
            call(puller, message.pk)

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.AVAILABLE
    assert MessageEvent.objects.count() == events_before


@pytest.mark.parametrize("message_id", [uuid.UUID(int=7), "not-a-uuid", ""])
def test_an_unknown_id_is_not_found(puller, message_id):
    with pytest.raises(NotFound):
        pull_get(puller, message_id)
    with pytest.raises(NotFound):
        pull_delete(puller, message_id)


def test_delete_marks_fetched_and_records_afhentet_in_the_receivers_log(
    personas, puller, time_machine
):
    message, delivery = available_message(pull_sender(personas), puller, time_machine, T0)
    time_machine.move_to(T0 + timedelta(hours=2), tick=False)

    pull_delete(puller, message.pk)

    delivery.refresh_from_db()
    message.refresh_from_db()
    assert (delivery.state, delivery.finished_at) == (
        DeliveryState.FETCHED,
        T0 + timedelta(hours=2),
    )
    assert message.state == MessageState.FETCHED
    [event] = MessageEvent.objects.filter(message=message)
    assert (event.event, event.direction, event.organisation, event.recipient_system_id) == (
        EventTag.FETCHED,
        "IN",
        personas.maja.organisation,
        puller.pk,
    )
    assert event.get_event_display() == "Afhentet"


def test_a_deleted_message_can_be_neither_fetched_nor_deleted_again(personas, puller):
    message, _ = available_message(pull_sender(personas), puller)
    pull_delete(puller, message.pk)

    with pytest.raises(NotFound):
        pull_get(puller, message.pk)
    with pytest.raises(NotFound):
        pull_delete(puller, message.pk)
    assert MessageEvent.objects.filter(message=message, event=EventTag.FETCHED).count() == 1
