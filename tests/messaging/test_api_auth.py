"""Who may call /apis/v1 (SPEC §3 "API keys", §13 "Sender API"; NGDP-API.md "Authentication").

A system authenticates with `Basic base64(systemId:apiKey)` from an allowed IP while active;
sending needs a sender system on a REST protocol, receiving a receiver system. Every refusal
is an NgDP ErrorMessage and stores nothing.
"""

import base64
import uuid
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings

from adgang.core import clock
from adgang.systems.services import Activation
from tests.support.messaging_api import (
    API,
    api_client,
    assert_error,
    auth_get,
    memo_post,
)
from tests.support.messaging_core import (
    CLIENT_IP,
    Protocol,
    memo_xml,
    receiver_system,
    sender_system,
)
from tests.support.messaging_ingest import store_counts
from tests.support.systems_core import OTHER_IP


def _basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


@pytest.fixture
def sender(personas):
    return sender_system(personas.alice)


def test_sender_with_a_valid_key_from_an_allowed_ip_is_accepted(sender):
    _, auth = sender

    response = memo_post(api_client(), auth, memo_xml())

    assert response.status_code == 201, response.content
    assert response.json()["receiptStatus"] == "RECEIVED"


def _wrong_key(system, auth) -> str:
    return _basic(f"{system.pk}:{'x' * 43}")


def _unknown_system(system, auth) -> str:
    return _basic(f"{uuid.uuid4()}:{'x' * 43}")


@pytest.mark.parametrize(
    ("make_header", "code"),
    [
        (lambda system, auth: None, "authorization.missing"),
        (lambda system, auth: "Bearer abc", "authorization.malformed"),
        (lambda system, auth: "Basic !!!notbase64", "authorization.malformed"),
        (lambda system, auth: _basic("no-colon"), "authorization.malformed"),
        (_wrong_key, "authorization.invalid"),
        (_unknown_system, "authorization.invalid"),
    ],
    ids=["no-header", "not-basic", "not-base64", "no-colon", "wrong-key", "unknown-system"],
)
def test_unrecognised_credentials_answer_401(sender, make_header, code):
    system, auth = sender
    before = store_counts()

    response = memo_post(api_client(), make_header(system, auth), memo_xml())

    assert_error(response, 401, code)
    assert store_counts() == before


def test_call_from_an_ip_the_system_does_not_allow_answers_403(sender):
    _, auth = sender
    before = store_counts()

    response = memo_post(api_client(ip=OTHER_IP), auth, memo_xml())

    assert_error(response, 403, "ip.not.allowed")
    assert store_counts() == before


@pytest.mark.parametrize(
    "window",
    [
        {"activation": Activation.NEVER},
        {"activation": Activation.AT, "active_from": timedelta(days=1)},
    ],
    ids=["never-activated", "activates-tomorrow"],
)
def test_inactive_system_answers_403(personas, window):
    if "active_from" in window:
        window = {**window, "active_from": clock.now() + window["active_from"]}
    _, auth = sender_system(personas.alice, **window)
    before = store_counts()

    response = memo_post(api_client(), auth, memo_xml())

    assert_error(response, 403, "system.not.active")
    assert store_counts() == before


def test_receiver_system_may_not_send(personas):
    _, auth = receiver_system(personas.alice, Protocol.REST_PULL)
    before = store_counts()

    response = memo_post(api_client(), auth, memo_xml())

    assert_error(response, 403, "system.type.not.allowed")
    assert store_counts() == before


def test_sftp_sender_may_not_use_rest(personas):
    _, auth = sender_system(personas.alice, Protocol.SFTP)
    before = store_counts()

    response = memo_post(api_client(), auth, memo_xml())

    assert_error(response, 403, "system.type.not.allowed")
    assert store_counts() == before


@pytest.mark.parametrize("path", ["/memos/", f"/memos/{uuid.UUID(int=1)}"])
def test_sender_system_may_not_receive(sender, path):
    _, auth = sender

    response = auth_get(api_client(), auth, path)

    assert_error(response, 403, "system.type.not.allowed")


def test_receiver_system_may_not_read_sender_receipts(personas):
    _, auth = receiver_system(personas.alice, Protocol.REST_PULL)

    response = auth_get(api_client(), auth, "/receipts/")

    assert_error(response, 403, "system.type.not.allowed")


def test_upload_needs_no_csrf_token_and_starts_no_session(sender):
    _, auth = sender
    client = api_client()  # enforce_csrf_checks=True

    response = memo_post(client, auth, memo_xml())

    assert response.status_code == 201
    assert "Set-Cookie" not in response
    assert not response.cookies
    assert Session.objects.count() == 0


@override_settings(ADGANG_API_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")
def test_behind_a_proxy_the_address_the_proxy_appended_counts(sender):
    _, auth = sender

    response = memo_post(
        api_client(ip="10.0.0.1"), auth, memo_xml(), HTTP_X_FORWARDED_FOR=f"{OTHER_IP}, {CLIENT_IP}"
    )

    assert response.status_code == 201, response.content


@override_settings(ADGANG_API_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")
def test_behind_a_proxy_an_address_the_client_wrote_itself_is_ignored(sender):
    _, auth = sender
    before = store_counts()

    # The client claims the allowed address; the proxy appends the real one.
    response = memo_post(
        api_client(ip="10.0.0.1"), auth, memo_xml(), HTTP_X_FORWARDED_FOR=f"{CLIENT_IP}, {OTHER_IP}"
    )

    assert_error(response, 403, "ip.not.allowed")
    assert store_counts() == before


def test_without_a_proxy_header_setting_a_forwarded_header_is_ignored(sender):
    _, auth = sender

    response = memo_post(api_client(ip=OTHER_IP), auth, memo_xml(), HTTP_X_FORWARDED_FOR=CLIENT_IP)

    assert_error(response, 403, "ip.not.allowed")


def test_auth_is_checked_before_the_body_is_looked_at(db):
    response = api_client().post(f"{API}/memos/", data=b"x", content_type="text/plain")

    assert_error(response, 401, "authorization.missing")
