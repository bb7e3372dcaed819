"""A sender system pulls its receipts (SPEC §13 "business receipts … can be pulled";
NGDP-API.md `GET /apis/v1/receipts/`, `GET|DELETE /apis/v1/receipts/{id}`): only its own,
oldest first, paged; deleted ones are gone; another system's answers 404."""

import uuid
from datetime import timedelta

import pytest

from adgang.messaging.models import Receipt, ReceiptKind, ReceiptPush, ReceiptStatus
from adgang.messaging.routing import receipt_for_sender
from tests.support.messaging_api import api_client, assert_error, auth_delete, auth_get
from tests.support.messaging_core import sender_system
from tests.support.messaging_ingest import T0


def _receipts(system, count: int, *, status=ReceiptStatus.INVALID) -> list[Receipt]:
    """`count` member receipts of a bulk upload, one second apart (what bulk intake makes)."""
    return [
        receipt_for_sender(
            system=system,
            message=None,
            kind=ReceiptKind.TECHNICAL,
            status=status,
            error_code="memo.xml.malformed",
            error_message="Not XML.",
            now=T0 + timedelta(seconds=index),
            message_uuid=str(uuid.UUID(int=index + 1)),
        )
        for index in range(count)
    ]


@pytest.fixture
def sender(personas):
    return sender_system(personas.alice)


@pytest.fixture
def other_sender(personas):
    return sender_system(personas.maja)


def test_list_pages_the_systems_receipts_oldest_first(sender):
    system, auth = sender
    receipts = _receipts(system, 5)

    first = auth_get(api_client(), auth, "/receipts/", page=0, size=2).json()
    last = auth_get(api_client(), auth, "/receipts/", page=2, size=2).json()

    assert (first["page"], first["size"], first["totalElements"], first["totalPages"]) == (
        0,
        2,
        5,
        3,
    )
    assert [r["receiptId"] for r in first["content"]] == [str(r.pk) for r in receipts[:2]]
    assert [r["receiptId"] for r in last["content"]] == [str(receipts[4].pk)]
    item = first["content"][0]
    assert item["receiptStatus"] == "INVALID"
    assert item["errorCode"] == "memo.xml.malformed"
    assert item["messageUUID"] == str(uuid.UUID(int=1))
    assert item["messageId"] is None


def test_list_shows_no_other_systems_receipts(sender, other_sender):
    _receipts(other_sender[0], 3)

    body = auth_get(api_client(), sender[1], "/receipts/").json()

    assert body["content"] == []
    assert body["totalElements"] == 0


def test_list_leaves_out_answered_and_deleted_receipts(sender):
    system, auth = sender
    sent, deleted, waiting = _receipts(system, 3)
    Receipt.objects.filter(pk=sent.pk).update(push=ReceiptPush.SENT)
    auth_delete(api_client(), auth, f"/receipts/{deleted.pk}")

    body = auth_get(api_client(), auth, "/receipts/").json()

    assert [r["receiptId"] for r in body["content"]] == [str(waiting.pk)]


def test_receipts_a_push_sender_could_not_be_given_can_be_pulled(sender):
    system, auth = sender
    [receipt] = _receipts(system, 1)
    Receipt.objects.filter(pk=receipt.pk).update(push=ReceiptPush.FAILED)

    body = auth_get(api_client(), auth, "/receipts/").json()

    assert [r["receiptId"] for r in body["content"]] == [str(receipt.pk)]


def test_get_reads_one_receipt_and_keeps_it(sender):
    system, auth = sender
    [receipt] = _receipts(system, 1)

    response = auth_get(api_client(), auth, f"/receipts/{receipt.pk}")

    assert response.status_code == 200
    assert response.json()["receiptId"] == str(receipt.pk)
    assert Receipt.objects.get().deleted_at is None


def test_get_with_delete_reads_and_removes_it(sender):
    system, auth = sender
    [receipt] = _receipts(system, 1)

    response = auth_get(api_client(), auth, f"/receipts/{receipt.pk}", delete="true")

    assert response.json()["receiptId"] == str(receipt.pk)
    assert Receipt.objects.get().deleted_at is not None
    assert_error(auth_get(api_client(), auth, f"/receipts/{receipt.pk}"), 404, "receipt.not.found")


def test_delete_answers_204_and_a_second_delete_404(sender):
    system, auth = sender
    [receipt] = _receipts(system, 1)

    assert auth_delete(api_client(), auth, f"/receipts/{receipt.pk}").status_code == 204
    assert_error(
        auth_delete(api_client(), auth, f"/receipts/{receipt.pk}"), 404, "receipt.not.found"
    )


@pytest.mark.parametrize("method", ["get", "delete"])
def test_another_systems_receipt_answers_404_and_stays(sender, other_sender, method):
    [receipt] = _receipts(other_sender[0], 1)
    call = auth_get if method == "get" else auth_delete

    response = call(api_client(), sender[1], f"/receipts/{receipt.pk}")

    assert_error(response, 404, "receipt.not.found")
    assert Receipt.objects.get().deleted_at is None


def test_malformed_receipt_id_answers_400(sender):
    response = auth_get(api_client(), sender[1], "/receipts/123")

    assert_error(response, 400, "request.invalid")


@pytest.mark.parametrize(
    "params", [{"page": -1}, {"size": 0}, {"size": 1001}], ids=["page", "size-0", "size-big"]
)
def test_bad_paging_answers_400(sender, params):
    body = assert_error(
        auth_get(api_client(), sender[1], "/receipts/", **params), 400, "request.invalid"
    )

    assert body["fieldErrors"][0]["resource"] == "query"
