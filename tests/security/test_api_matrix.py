"""The machine API's half of the access matrix (SPEC §13, NGDP-API.md "Authentication").

Generated from the OpenAPI document, so a new operation is covered the day it is added:
- every operation called without credentials answers 401 in the NgDP ErrorMessage shape and
  stores nothing;
- every operation names the test that proves a system of ANOTHER organisation gets none of
  this organisation's data (those tests live beside the operations; this module checks that
  each one exists, so the table cannot rot).
"""

import ast
import re
import uuid
from pathlib import Path

import pytest
from django.test import Client

from adgang.messaging.api import api
from tests.support.messaging_api import assert_error
from tests.support.messaging_ingest import store_counts

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "/apis/v1"


def operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return sorted(
        (method.upper(), path)
        for path, ops in schema["paths"].items()
        for method in ops
        if method in {"get", "put", "post", "delete", "patch"}
    )


OPERATIONS = operations()

# Operation → the test proving another organisation's system cannot reach this one's data
# (or, for the two reads the platforms make of any authority, that the read is intended).
ISOLATION = {
    ("GET", "/apis/v1/memos/"): "tests/messaging/test_api_receive.py"
    "::test_another_receiver_lists_nothing",
    ("POST", "/apis/v1/memos/"): "tests/messaging/test_api_send_refusals.py"
    "::test_invalid_message_is_refused_with_its_field_error",  # sender.id.not.allowed case
    ("GET", "/apis/v1/memos/{id}"): "tests/messaging/test_api_receive.py"
    "::test_another_systems_message_answers_404_and_changes_nothing",
    ("DELETE", "/apis/v1/memos/{id}"): "tests/messaging/test_api_receive.py"
    "::test_another_systems_message_answers_404_and_changes_nothing",
    ("POST", "/apis/v1/memos/{id}/receipt"): "tests/messaging/test_api_receive.py"
    "::test_business_receipt_for_another_systems_message_is_refused",
    ("GET", "/apis/v1/receipts/"): "tests/messaging/test_api_receipts.py"
    "::test_list_shows_no_other_systems_receipts",
    ("GET", "/apis/v1/receipts/{id}"): "tests/messaging/test_api_receipts.py"
    "::test_another_systems_receipt_answers_404_and_stays",
    ("DELETE", "/apis/v1/receipts/{id}"): "tests/messaging/test_api_receipts.py"
    "::test_another_systems_receipt_answers_404_and_stays",
    ("GET", "/apis/v1/organisations/subscriptions/"): "tests/messaging/test_api_subscriptions.py"
    "::test_another_systems_subscription_is_neither_listed_nor_deleted",
    ("POST", "/apis/v1/organisations/subscriptions/"): "tests/messaging/test_api_subscriptions.py"
    "::test_another_systems_subscription_is_neither_listed_nor_deleted",
    ("DELETE", "/apis/v1/organisations/subscriptions/{id}"): "tests/messaging/"
    "test_api_subscriptions.py::test_another_systems_subscription_is_neither_listed_nor_deleted",
    ("GET", "/apis/v1/organisations/{id}/logo"): "tests/authorityinfo/test_authorityinfo_api.py"
    "::test_any_system_of_any_organisation_reads_a_logo_by_id_or_cvr",
    ("PUT", "/apis/v1/organisations/{id}/logo"): "tests/authorityinfo/test_authorityinfo_api.py"
    "::test_a_system_of_another_organisation_cannot_change_or_delete_the_logo",
    ("DELETE", "/apis/v1/organisations/{id}/logo"): "tests/authorityinfo/"
    "test_authorityinfo_api.py::test_a_system_of_another_organisation_cannot_change_or_delete_the_logo",
    ("GET", "/apis/v1/organisations/{id}/privacy-policy"): "tests/authorityinfo/"
    "test_authorityinfo_api.py::test_any_system_reads_the_privacy_link_by_id_or_cvr",
    ("POST", "/apis/v1/mailboxes/{mailboxId}/system-fetches/"): "tests/movepost/"
    "test_movepost_api.py::test_refusals",
    ("GET", "/apis/v1/mailboxes/{mailboxId}/system-fetches/"): "tests/movepost/"
    "test_movepost_api.py::test_refusals",
}


def concrete(path: str) -> str:
    return re.sub(r"\{\w+\}", str(uuid.UUID(int=7)), path)


def test_every_operation_requires_system_auth():
    schema = api.get_openapi_schema()
    unprotected = [
        f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if not op.get("security")
    ]
    assert OPERATIONS and not unprotected


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_without_credentials_answers_401(db, method, path):
    before = store_counts()
    response = Client(enforce_csrf_checks=True).generic(
        method, concrete(path), b"{}", content_type="application/json"
    )
    assert_error(response, 401, "authorization.missing")
    assert "sessionid" not in response.cookies
    assert store_counts() == before


def test_every_operation_names_its_other_organisation_test():
    assert set(ISOLATION) == set(OPERATIONS)


@pytest.mark.parametrize(("operation", "node"), sorted(ISOLATION.items()))
def test_named_isolation_test_exists(operation, node):
    path, name = node.split("::")
    tree = ast.parse((ROOT / path).read_text())
    names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    assert name in names, f"{operation}: {node} does not exist"
