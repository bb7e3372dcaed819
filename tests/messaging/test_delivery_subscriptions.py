"""REST PUBLISH/SUBSCRIBE (SPEC §13; NGDP-API.md): subscriptions of a receiver system and the
notification that a message is ready to pull."""

import uuid

import pytest

from adgang.audit.models import ActionLogEntry, Subject
from adgang.messaging.delivery import deliveries_run
from adgang.messaging.errors import Refusal
from adgang.messaging.events import EventTag
from adgang.messaging.models import DeliveryState, MessageEvent, MessageState, Subscription
from adgang.messaging.pull import pull_get
from adgang.messaging.subscriptions import (
    MAX_SUBSCRIPTIONS,
    SubscriptionNotFound,
    subscription_create,
    subscription_delete,
    subscription_list,
)
from adgang.systems.models import Protocol
from tests.support.messaging_core import receiver_system
from tests.support.messaging_delivery import (
    FAIL_500,
    message_to,
    pull_sender,
    running_receiver,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(tmp_path, settings):
    yield from running_receiver(tmp_path, settings)


@pytest.fixture
def publisher(personas, settings):
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = True
    system, _key = receiver_system(
        personas.maja, Protocol.REST_PUBLISH_SUBSCRIBE, endpoint="https://post.kommune-m.dk/n"
    )
    return system


def test_a_subscription_is_created_listed_and_deleted(publisher):
    created = subscription_create(
        publisher, notification_url="https://post.kommune-m.dk/ny", operations=("MEMO_AVAILABLE",)
    )

    assert subscription_list(publisher) == [created]
    assert created.operations == ["MEMO_AVAILABLE"]
    subscription_delete(publisher, created.pk)
    assert subscription_list(publisher) == []


def test_creating_and_deleting_a_subscription_is_in_the_action_log(publisher):
    url = "https://post.kommune-m.dk/ny"
    created = subscription_create(publisher, notification_url=url)
    subscription_delete(publisher, created.pk)

    entries = ActionLogEntry.objects.filter(object_id=str(publisher.pk), subject=Subject.SYSTEM)
    logged = list(
        entries.filter(field__startswith="Abonnement")
        .order_by("occurred_at", "event")
        .values_list("event", "before", "after", "actor", "organisation")
    )
    actor = f"System:{publisher.pk}"
    organisation = publisher.organisation_id
    assert logged == [
        ("Oprettet", "", url, actor, organisation),
        ("Slettet", url, "", actor, organisation),
    ]


def test_a_refused_subscription_writes_nothing_to_the_action_log(publisher):
    before = ActionLogEntry.objects.count()
    refusal = subscription_create(publisher, notification_url="http://post.kommune-m.dk/ny")
    with pytest.raises(SubscriptionNotFound):
        subscription_delete(publisher, uuid.uuid4())

    assert isinstance(refusal, Refusal)
    assert ActionLogEntry.objects.count() == before


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://post.kommune-m.dk/ny", "notification.url.not.https"),
        ("", "notification.url.required"),
        ("post.kommune-m.dk", "notification.url.invalid"),
        ("https://bruger:kode@post.kommune-m.dk/", "notification.url.credentials"),
    ],
)
def test_a_bad_notification_url_is_refused(publisher, url, code):
    refusal = subscription_create(publisher, notification_url=url)

    assert isinstance(refusal, Refusal)
    assert (refusal.status, refusal.code) == (400, code)
    assert refusal.field_errors[0].field == "notificationUrl"
    assert Subscription.objects.count() == 0


def test_an_internal_notification_url_is_refused_in_production_settings(publisher, settings):
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = False

    refusal = subscription_create(publisher, notification_url="https://10.0.0.5/ny")

    assert refusal.code == "notification.url.internal"
    assert Subscription.objects.count() == 0


def test_only_a_publish_subscribe_receiver_may_subscribe(personas):
    pusher, _key = receiver_system(personas.birgitte, Protocol.REST_PUSH)

    refusal = subscription_create(pusher, notification_url="https://post.virksomhed-b.dk/ny")

    assert (refusal.status, refusal.code) == (403, "system.protocol.not.allowed")
    assert Subscription.objects.count() == 0


def test_unknown_operations_are_refused(publisher):
    refusal = subscription_create(
        publisher, notification_url="https://post.kommune-m.dk/ny", operations=("EVERYTHING",)
    )

    assert refusal.code == "subscription.operation.not.allowed"
    assert Subscription.objects.count() == 0


def test_a_system_has_at_most_ten_subscriptions(publisher):
    for n in range(MAX_SUBSCRIPTIONS):
        subscription_create(publisher, notification_url=f"https://post.kommune-m.dk/{n}")

    refusal = subscription_create(publisher, notification_url="https://post.kommune-m.dk/11")

    assert refusal.code == "subscription.limit.reached"
    assert Subscription.objects.count() == MAX_SUBSCRIPTIONS


def test_another_systems_subscription_cannot_be_deleted_or_seen(personas, publisher):
    other, _key = receiver_system(
        personas.birgitte, Protocol.REST_PUBLISH_SUBSCRIBE, endpoint="https://b.example.dk/n"
    )
    theirs = subscription_create(other, notification_url="https://b.example.dk/ny")

    assert subscription_list(publisher) == []
    for subscription_id in (theirs.pk, uuid.UUID(int=1), "nope"):
        with pytest.raises(SubscriptionNotFound):
            subscription_delete(publisher, subscription_id)
    assert Subscription.objects.filter(pk=theirs.pk).exists()


def test_a_notified_system_finds_the_message_available(personas, publisher, receiver):
    subscription_create(publisher, notification_url=receiver.url("/ny"))
    message, delivery = message_to(pull_sender(personas), publisher)

    deliveries_run()

    assert receiver.state.notifications == [
        {"messageId": str(message.pk), "messageUUID": str(message.message_uuid)}
    ]
    delivery.refresh_from_db()
    message.refresh_from_db()
    assert (delivery.state, message.state) == (DeliveryState.AVAILABLE, MessageState.DELIVERED)
    assert pull_get(publisher, message.pk) == bytes(message.content.xml)
    assert MessageEvent.objects.get(message=message).event == EventTag.AVAILABLE_TO_RECIPIENT


def test_without_subscriptions_the_message_is_available_at_once(personas, publisher):
    _message, delivery = message_to(pull_sender(personas), publisher)

    deliveries_run()

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.AVAILABLE


def test_a_failed_notification_is_retried_by_the_policy(personas, publisher, receiver):
    subscription_create(publisher, notification_url=receiver.url("/ny"))
    receiver.state.mode = FAIL_500
    message, delivery = message_to(pull_sender(personas), publisher)

    deliveries_run()

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 1)
    event = MessageEvent.objects.get(message=message)
    assert (event.event, event.error_message) == (
        EventTag.SENT_TO_RECIPIENT_SYSTEM_FAILED,
        "Systemet svarede HTTP 500.",
    )
