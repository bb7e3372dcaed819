"""REST PUBLISH/SUBSCRIBE subscriptions over the API (SPEC §13; NGDP-API.md
`/apis/v1/organisations/subscriptions/`): a PUBLISH/SUBSCRIBE receiver creates, lists and
deletes its own; nobody else sees or deletes them."""

import uuid

import pytest

from adgang.messaging.models import Subscription
from tests.support.messaging_api import API, api_client, assert_error, auth_delete, auth_get
from tests.support.messaging_core import Protocol, receiver_system

PATH = "/organisations/subscriptions/"
URL = "https://post.kommune-a.dk/notify"


@pytest.fixture
def subscriber(personas):
    return receiver_system(personas.alice, Protocol.REST_PUBLISH_SUBSCRIBE)


def _create(auth, body):
    return api_client().post(
        f"{API}{PATH}", data=body, content_type="application/json", HTTP_AUTHORIZATION=auth
    )


def test_subscriber_creates_and_lists_a_subscription(subscriber):
    system, auth = subscriber

    response = _create(auth, {"notificationUrl": URL, "subscriptionOperations": ["MEMO_AVAILABLE"]})

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["notificationUrl"] == URL
    assert created["subscriptionOperations"] == ["MEMO_AVAILABLE"]
    assert Subscription.objects.get().system == system
    listed = auth_get(api_client(), auth, PATH).json()
    assert [s["id"] for s in listed] == [created["id"]]


def test_subscriber_deletes_its_subscription(subscriber):
    _, auth = subscriber
    created = _create(auth, {"notificationUrl": URL}).json()

    response = auth_delete(api_client(), auth, f"{PATH}{created['id']}")

    assert response.status_code == 204
    assert not Subscription.objects.exists()


def test_another_systems_subscription_is_neither_listed_nor_deleted(personas, subscriber):
    _, auth = subscriber
    created = _create(auth, {"notificationUrl": URL}).json()
    _, other_auth = receiver_system(personas.maja, Protocol.REST_PUBLISH_SUBSCRIBE)

    assert auth_get(api_client(), other_auth, PATH).json() == []
    response = auth_delete(api_client(), other_auth, f"{PATH}{created['id']}")

    assert_error(response, 404, "subscription.not.found")
    assert Subscription.objects.count() == 1


def test_unknown_subscription_answers_404(subscriber):
    assert_error(
        auth_delete(api_client(), subscriber[1], f"{PATH}{uuid.uuid4()}"),
        404,
        "subscription.not.found",
    )


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"notificationUrl": "http://post.kommune-a.dk/n"}, 400, "notification.url.not.https"),
        (
            {"notificationUrl": URL, "subscriptionOperations": ["X"]},
            400,
            "subscription.operation.not.allowed",
        ),
        ({}, 400, "request.invalid"),
    ],
    ids=["not-https", "unknown-operation", "no-url"],
)
def test_bad_subscription_is_refused(subscriber, body, status, code):
    response = _create(subscriber[1], body)

    assert response.status_code == status
    error = response.json()
    assert set(error) == {"code", "message", "fieldErrors"}
    assert error["code"] == code
    assert not Subscription.objects.exists()


def test_pull_receiver_may_not_subscribe(personas):
    _, auth = receiver_system(personas.alice, Protocol.REST_PULL)

    response = _create(auth, {"notificationUrl": URL})

    assert_error(response, 403, "system.protocol.not.allowed")
    assert not Subscription.objects.exists()
