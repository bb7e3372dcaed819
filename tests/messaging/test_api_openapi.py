"""The API's contract (SPEC §15 "Machine API": OpenAPI at /apis/v1/openapi.json; NGDP-API.md):
every operation documented with Basic security, NgDP's Receipt and ErrorMessage with
examples, and every error — unknown path, wrong method, database down — in NgDP's shape."""

import uuid

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import resolve

from adgang.accounts.access import ACCESS_ATTRIBUTE
from adgang.messaging.api import senders
from tests.support.messaging_api import API, api_client, assert_error, memo_post
from tests.support.messaging_core import Protocol, memo_xml, receiver_system, sender_system
from tests.support.messaging_ingest import store_counts

NGDP_OPERATIONS = {
    ("post", "/apis/v1/memos/"),
    ("get", "/apis/v1/memos/"),
    ("get", "/apis/v1/memos/{id}"),
    ("delete", "/apis/v1/memos/{id}"),
    ("post", "/apis/v1/memos/{id}/receipt"),
    ("get", "/apis/v1/receipts/"),
    ("get", "/apis/v1/receipts/{id}"),
    ("delete", "/apis/v1/receipts/{id}"),
    ("post", "/apis/v1/organisations/subscriptions/"),
    ("get", "/apis/v1/organisations/subscriptions/"),
    ("delete", "/apis/v1/organisations/subscriptions/{id}"),
    ("get", "/apis/v1/organisations/{id}/logo"),
    ("put", "/apis/v1/organisations/{id}/logo"),
    ("delete", "/apis/v1/organisations/{id}/logo"),
    ("get", "/apis/v1/organisations/{id}/privacy-policy"),
    ("post", "/apis/v1/mailboxes/{mailboxId}/system-fetches/"),
    ("get", "/apis/v1/mailboxes/{mailboxId}/system-fetches/"),
}


@pytest.fixture(scope="module")
def document():
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_openapi_names_the_api_and_ngdp_version(document):
    assert document["info"]["title"] == "Administrativ Adgang – Digital Post API"
    assert document["info"]["version"] == "1.68.0"


def test_openapi_has_exactly_the_ngdp_operations_we_implement(document):
    assert {(method, path) for method, path, _ in _operations(document)} == NGDP_OPERATIONS


def test_every_operation_is_documented_and_needs_basic_auth(document):
    schemes = document["components"]["securitySchemes"]
    assert list(schemes.values()) == [{"type": "http", "scheme": "basic"}]
    for method, path, operation in _operations(document):
        assert operation.get("summary"), (method, path)
        assert operation.get("description"), (method, path)
        assert operation["security"] == [{name: []} for name in schemes], (method, path)
        assert "401" in operation["responses"], (method, path)


def test_receipt_and_error_message_have_ngdp_fields_and_examples(document):
    schemas = document["components"]["schemas"]
    receipt, error = schemas["Receipt"], schemas["ErrorMessage"]
    assert {
        "transmissionId",
        "messageUUID",
        "messageId",
        "errorCode",
        "errorMessage",
        "timeStamp",
        "receiptStatus",
    } <= set(receipt["properties"])
    assert set(error["properties"]) == {"code", "message", "fieldErrors"}
    assert receipt["examples"] and error["examples"]
    assert set(schemas["FieldError"]["properties"]) == {
        "resource",
        "field",
        "code",
        "message",
        "rejectedValue",
    }


def test_upload_documents_every_accepted_media_type(document):
    body = document["paths"]["/apis/v1/memos/"]["post"]["requestBody"]["content"]

    assert set(body) == {"application/xml", "text/xml", "application/x-lzma", "multipart/form-data"}
    assert "<memo:Message" in body["application/xml"]["example"]


def test_there_is_no_docs_page_that_would_need_external_scripts(db):
    assert_error(Client().get(f"{API}/docs"), 404, "resource.not.found")


@pytest.mark.parametrize("path", ["/", "/nothing-here", "/memos", "/apis/v2/"])
def test_unknown_path_under_the_api_answers_an_error_message(db, path):
    assert_error(Client().get(f"{API}{path}"), 404, "resource.not.found")


def test_wrong_method_answers_405_with_allow(db):
    response = Client().put(f"{API}/memos/")

    assert_error(response, 405, "method.not.allowed")
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


def test_api_views_declare_system_access_for_the_rights_meta_test():
    """They authenticate systems, not people: no login, no rights (see api/__init__.py)."""
    access = getattr(resolve(f"{API}/memos/").func, ACCESS_ATTRIBUTE)

    assert access.login is False
    assert access.rights == ()


def test_database_down_during_an_upload_answers_503_with_a_receipt(personas, monkeypatch):
    _, auth = sender_system(personas.alice)
    before = store_counts()

    def database_down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(senders, "message_submit", database_down)
    content = memo_xml()

    response = memo_post(api_client(), auth, content)

    assert response.status_code == 503
    body = response.json()
    assert body["receiptStatus"] == "NOT_ALLOWED"
    assert body["errorCode"] == "service.unavailable"
    assert body["messageId"] is None
    assert store_counts() == before


def test_database_down_elsewhere_answers_503_error_message(personas, monkeypatch):
    _, auth = sender_system(personas.alice)

    def database_down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("adgang.messaging.api.auth.authenticate_system", database_down)

    response = api_client().get(f"{API}/receipts/", HTTP_AUTHORIZATION=auth)

    assert_error(response, 503, "service.unavailable")


def test_json_body_over_the_memory_limit_answers_413(personas):
    _, auth = receiver_system(personas.alice, Protocol.REST_PULL)
    before = store_counts()
    body = '{"receiptStatus": "COMPLETED", "errorMessage": "' + "x" * (3 * 1024 * 1024) + '"}'

    response = api_client().post(
        f"{API}/memos/{uuid.uuid4()}/receipt",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )

    assert_error(response, 413, "request.too.large")
    assert store_counts() == before


def test_unexpected_error_answers_500_without_a_traceback(personas, monkeypatch):
    _, auth = sender_system(personas.alice)

    def bug(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(senders, "receipts_page", bug)

    response = api_client().get(f"{API}/receipts/", HTTP_AUTHORIZATION=auth)

    assert_error(response, 500, "internal.error")
    assert b"secret detail" not in response.content
