"""Calling /apis/v1 through Django's test client as a system would (SPEC §13, NGDP-API.md).

Every test system allows only `CLIENT_IP`, so the client sends from that address; CSRF
checks are enforced, as a browser-facing deployment would, to prove the API needs no token.
"""

import re

from django.test import Client

from tests.support.messaging_core import CLIENT_IP

API = "/apis/v1"
XML = "application/xml"
_UUID_IN_MEMO = re.compile(rb"<memo:messageUUID>([^<]*)</memo:messageUUID>")


def api_client(ip: str = CLIENT_IP) -> Client:
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=ip)


def uuid_of(content: bytes) -> str:
    """The messageUUID of a MeMo message (what a sender puts in ?memo-message-uuid=)."""
    return _UUID_IN_MEMO.search(content).group(1).decode()


def memo_post(
    client: Client,
    auth: str | None,
    content: bytes,
    *,
    query_uuid: str | None = "",
    content_type: str = XML,
    **extra,
):
    """POST one message. `query_uuid=""` (default) sends the message's own messageUUID,
    None sends no query parameter."""
    if query_uuid == "":
        query_uuid = uuid_of(content)
    url = f"{API}/memos/"
    if query_uuid is not None:
        url += f"?memo-message-uuid={query_uuid}"
    headers = {"HTTP_AUTHORIZATION": auth} if auth else {}
    return client.post(url, data=content, content_type=content_type, **headers, **extra)


def auth_get(client: Client, auth: str, path: str, **params):
    return client.get(f"{API}{path}", params, HTTP_AUTHORIZATION=auth)


def auth_delete(client: Client, auth: str, path: str):
    return client.delete(f"{API}{path}", HTTP_AUTHORIZATION=auth)


def assert_error(response, status: int, code: str) -> dict:
    """The response is an NgDP ErrorMessage with this status and code."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "fieldErrors"}
    assert body["code"] == code, body
    assert body["message"]
    return body
