"""Receiving over REST PULL and answering with a business receipt (SPEC §13 "Delivery";
NGDP-API.md "Receiving"): list, fetch, delete ("Afhentet"), `POST /memos/{id}/receipt`.
A system never sees, fetches or acknowledges another system's message."""

import uuid

import pytest

from adgang.messaging.events import EventTag
from adgang.messaging.models import (
    Delivery,
    DeliveryState,
    Message,
    MessageEvent,
    Receipt,
    ReceiptKind,
)
from tests.support.messaging_api import (
    API,
    api_client,
    assert_error,
    auth_delete,
    auth_get,
    memo_post,
)
from tests.support.messaging_core import (
    KOMMUNE_M_CVR,
    Protocol,
    memo_xml,
    receiver_system,
    sender_system,
)
from tests.support.messaging_ingest import store_counts


@pytest.fixture
def parties(personas):
    """Kommune A sends; Kommune M's primary system pulls; Virksomhed B's system is another
    receiver that must see nothing of it."""
    _, sender_auth = sender_system(personas.alice)
    _, receiver_auth = receiver_system(personas.maja, Protocol.REST_PULL)
    _, stranger_auth = receiver_system(personas.birgitte, Protocol.REST_PULL)
    return sender_auth, receiver_auth, stranger_auth


@pytest.fixture
def delivered(parties):
    sender_auth, _, _ = parties
    content = memo_xml(recipient_type="CVR", recipient_id=KOMMUNE_M_CVR, label="Til Kommune M")
    assert memo_post(api_client(), sender_auth, content).status_code == 201
    return Message.objects.get(), content


def _receipt_post(auth, message_id, body):
    return api_client().post(
        f"{API}/memos/{message_id}/receipt",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )


def test_receiver_lists_the_message_waiting_for_it(parties, delivered):
    _, receiver_auth, _ = parties
    message, _ = delivered

    response = auth_get(api_client(), receiver_auth, "/memos/")

    assert response.status_code == 200
    body = response.json()
    assert (body["page"], body["size"], body["totalElements"], body["totalPages"]) == (0, 20, 1, 1)
    [item] = body["content"]
    assert item["messageId"] == str(message.pk)
    assert item["messageUUID"] == str(message.message_uuid)
    assert item["title"] == "Til Kommune M"
    assert item["recipientId"] == KOMMUNE_M_CVR


def test_another_receiver_lists_nothing(parties, delivered):
    _, _, stranger_auth = parties

    body = auth_get(api_client(), stranger_auth, "/memos/").json()

    assert body["content"] == []
    assert body["totalElements"] == 0


def test_receiver_fetches_the_memo_exactly_as_sent(parties, delivered):
    _, receiver_auth, _ = parties
    message, content = delivered

    response = auth_get(api_client(), receiver_auth, f"/memos/{message.pk}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response.content == content


def test_delete_marks_the_message_fetched_and_removes_it_from_the_list(parties, delivered):
    _, receiver_auth, _ = parties
    message, _ = delivered

    response = auth_delete(api_client(), receiver_auth, f"/memos/{message.pk}")

    assert response.status_code == 204
    assert Delivery.objects.get().state == DeliveryState.FETCHED
    assert MessageEvent.objects.filter(message=message, event=EventTag.FETCHED).count() == 1
    assert auth_get(api_client(), receiver_auth, "/memos/").json()["content"] == []
    assert_error(
        auth_delete(api_client(), receiver_auth, f"/memos/{message.pk}"), 404, "message.not.found"
    )


@pytest.mark.parametrize("method", ["get", "delete"])
def test_another_systems_message_answers_404_and_changes_nothing(parties, delivered, method):
    _, _, stranger_auth = parties
    message, _ = delivered
    before = store_counts()

    call = auth_get if method == "get" else auth_delete
    response = call(api_client(), stranger_auth, f"/memos/{message.pk}")

    assert_error(response, 404, "message.not.found")
    assert store_counts() == before
    assert Delivery.objects.get().state == DeliveryState.AVAILABLE


def test_unknown_message_answers_404(parties):
    _, receiver_auth, _ = parties

    response = auth_get(api_client(), receiver_auth, f"/memos/{uuid.uuid4()}")

    assert_error(response, 404, "message.not.found")


def test_malformed_message_id_answers_400(parties):
    _, receiver_auth, _ = parties

    response = auth_get(api_client(), receiver_auth, "/memos/not-a-uuid")

    body = assert_error(response, 400, "request.invalid")
    assert body["fieldErrors"][0]["resource"] == "path"
    assert body["fieldErrors"][0]["field"] == "id"


@pytest.mark.parametrize(
    "params",
    [{"page": -1}, {"size": 0}, {"size": 101}, {"page": "x"}, {"sort": "title,asc"}],
    ids=["negative-page", "size-zero", "size-too-large", "page-not-a-number", "unknown-sort"],
)
def test_bad_paging_answers_400(parties, params):
    _, receiver_auth, _ = parties

    response = auth_get(api_client(), receiver_auth, "/memos/", **params)

    assert response.status_code == 400
    assert response.json()["code"] in {"request.invalid", "sort.invalid"}


def test_business_receipt_reaches_the_sender_as_its_receipt(parties, delivered):
    sender_auth, receiver_auth, _ = parties
    message, _ = delivered

    response = _receipt_post(receiver_auth, message.pk, {"receiptStatus": "COMPLETED"})

    assert response.status_code == 201, response.content
    assert response.json()["receiptStatus"] == "COMPLETED"
    assert response.json()["messageId"] == str(message.pk)
    pulled = auth_get(api_client(), sender_auth, "/receipts/").json()["content"]
    [business] = [r for r in pulled if r["receiptStatus"] == "COMPLETED"]
    assert business["messageUUID"] == str(message.message_uuid)
    assert (
        MessageEvent.objects.filter(message=message, event=EventTag.BUSINESS_RECEIPT_RECEIVED)
        .get()
        .organisation.cvr
        == KOMMUNE_M_CVR
    )


def test_invalid_business_receipt_carries_the_receivers_error(parties, delivered):
    _, receiver_auth, _ = parties
    message, _ = delivered
    body = {"receiptStatus": "INVALID", "errorCode": "doc.unreadable", "errorMessage": "Ulæselig"}

    response = _receipt_post(receiver_auth, message.pk, body)

    assert response.status_code == 201
    receipt = Receipt.objects.get(kind=ReceiptKind.BUSINESS)
    assert (receipt.error_code, receipt.error_message) == ("doc.unreadable", "Ulæselig")


def test_business_receipt_for_another_systems_message_is_refused(parties, delivered):
    _, _, stranger_auth = parties
    message, _ = delivered
    before = store_counts()

    response = _receipt_post(stranger_auth, message.pk, {"receiptStatus": "COMPLETED"})

    assert_error(response, 404, "message.not.found")
    assert store_counts() == before


def test_business_receipt_for_an_unknown_message_is_refused(parties, delivered):
    _, receiver_auth, _ = parties
    before = store_counts()

    response = _receipt_post(receiver_auth, uuid.uuid4(), {"receiptStatus": "COMPLETED"})

    assert_error(response, 404, "message.not.found")
    assert store_counts() == before


@pytest.mark.parametrize(
    "body",
    ["{not json", {"receiptStatus": "MAYBE"}, {}, {"receiptStatus": "COMPLETED", "errorCode": 5}],
    ids=["not-json", "unknown-status", "no-status", "wrong-type"],
)
def test_malformed_business_receipt_answers_400(parties, delivered, body):
    _, receiver_auth, _ = parties
    message, _ = delivered
    before = store_counts()

    response = _receipt_post(receiver_auth, message.pk, body)

    error = assert_error(response, 400, "request.invalid")
    if isinstance(body, dict):  # a JSON body with wrong fields names them
        assert error["fieldErrors"][0]["resource"] == "body"
    assert store_counts() == before


def test_received_status_is_not_a_business_receipt(parties, delivered):
    _, receiver_auth, _ = parties
    message, _ = delivered
    before = store_counts()

    response = _receipt_post(receiver_auth, message.pk, {"receiptStatus": "RECEIVED"})

    assert_error(response, 400, "receipt.status.not.allowed")
    assert store_counts() == before


def test_second_business_receipt_is_refused(parties, delivered):
    _, receiver_auth, _ = parties
    message, _ = delivered
    assert (
        _receipt_post(receiver_auth, message.pk, {"receiptStatus": "COMPLETED"}).status_code == 201
    )
    before = store_counts()

    response = _receipt_post(receiver_auth, message.pk, {"receiptStatus": "COMPLETED"})

    assert_error(response, 409, "business.receipt.already.received")
    assert store_counts() == before
