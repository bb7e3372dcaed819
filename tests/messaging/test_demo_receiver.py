"""The demo receiver (SPEC §15): a REST PUSH receiver over HTTPS that stores each message once
and sends the portal a business receipt (NGDP-API.md "REST PUSH", "Business receipt").

The receiver runs for real in a thread with a self-signed certificate; the "portal" that
takes its receipts is a real HTTP server in a thread too (the end-to-end test through the
portal's own API is in test_demo_receiver_portal.py).
"""

import json
import ssl
import threading
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pytest

from adgang.core.devtls import self_signed_certificate
from adgang.messaging.demo_receiver import (
    DemoReceiverServer,
    MessageStore,
    PortalCredentials,
    ReceiptSender,
    credentials_read,
    credentials_write,
)
from tests.support.messaging_core import memo_xml

AUTHORIZATION = "Basic ZGVtbzpkZW1v"


class _PortalStandIn(BaseHTTPRequestHandler):
    """Records each business receipt the receiver posts: (path, Authorization, JSON)."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, self.headers["Authorization"], json.loads(body)))
        self.send_response(self.server.answers.pop(0) if self.server.answers else 201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def portal():
    server = HTTPServer(("127.0.0.1", 0), _PortalStandIn)
    server.received = []
    server.answers = []  # statuses to answer first (then 201)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def tls(tmp_path):
    return self_signed_certificate(tmp_path / "tls")


@pytest.fixture
def receiver(tmp_path, tls, portal):
    cert, key = tls
    receipts = ReceiptSender(
        PortalCredentials(
            portal_url=f"http://127.0.0.1:{portal.server_address[1]}",
            authorization=AUTHORIZATION,
        )
    )
    receipts.start()
    server = DemoReceiverServer(
        ("127.0.0.1", 0),
        store=MessageStore(tmp_path / "inbox"),
        cert=cert,
        key=key,
        receipts=receipts,
    )
    server.serve_in_thread()
    yield server
    server.shutdown()
    server.server_close()
    receipts.stop()


def trusting(tls) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(tls[0]))


def push(server, *, filename, content, tls, message_id=None, part="file"):
    headers = {"X-Message-Id": message_id} if message_id else {}
    with httpx.Client(verify=trusting(tls), timeout=10) as client:
        return client.post(
            f"{server.url}/digitalpost/modtag",
            files={part: (filename, content, "application/xml")},
            headers=headers,
        )


def receipts_sent(server):
    server.receipts.stop()  # drains the queue: every receipt due has been posted
    return server.receipts.sent


def test_serves_https_with_the_development_certificate(receiver, tls):
    answer = httpx.get(f"{receiver.url}/", verify=trusting(tls), timeout=10)

    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "messages": 0}


def test_refuses_plain_http(receiver):
    with pytest.raises(httpx.HTTPError):
        httpx.get(receiver.url.replace("https://", "http://") + "/", timeout=5)


def test_stores_the_pushed_message_under_its_message_uuid(receiver, tls):
    message_uuid = str(uuid.uuid4())
    xml = memo_xml(message_uuid=message_uuid)

    answer = push(receiver, filename=message_uuid, content=xml, tls=tls)

    assert answer.status_code == 200
    assert answer.json() == {"messageUUID": message_uuid, "new": True}
    assert (receiver.store.directory / f"{message_uuid}.xml").read_bytes() == xml


def test_posts_a_completed_business_receipt_with_its_own_api_key(receiver, tls, portal):
    message_uuid, message_id = str(uuid.uuid4()), str(uuid.uuid4())

    push(
        receiver,
        filename=message_uuid,
        content=memo_xml(message_uuid=message_uuid),
        tls=tls,
        message_id=message_id,
    )

    assert receipts_sent(receiver) == [(message_id, 201)]
    [(path, authorization, body)] = portal.received
    assert path == f"/apis/v1/memos/{message_id}/receipt"
    assert authorization == AUTHORIZATION
    assert body["receiptStatus"] == "COMPLETED"
    assert (body["messageUUID"], body["messageId"], body["errorCode"]) == (
        message_uuid,
        message_id,
        "",
    )


def test_addresses_the_receipt_by_message_uuid_without_a_message_id_header(receiver, tls, portal):
    message_uuid = str(uuid.uuid4())

    push(receiver, filename=message_uuid, content=memo_xml(message_uuid=message_uuid), tls=tls)

    receipts_sent(receiver)
    [(path, _authorization, _body)] = portal.received
    assert path == f"/apis/v1/memos/{message_uuid}/receipt"


def test_a_repeated_delivery_is_answered_200_and_handled_once(receiver, tls, portal):
    message_uuid = str(uuid.uuid4())
    first = memo_xml(message_uuid=message_uuid, label="Første")

    answers = [
        push(receiver, filename=message_uuid, content=first, tls=tls),
        push(receiver, filename=message_uuid, content=memo_xml(message_uuid=message_uuid), tls=tls),
    ]

    assert [a.status_code for a in answers] == [200, 200]
    assert [a.json()["new"] for a in answers] == [True, False]
    assert (receiver.store.directory / f"{message_uuid}.xml").read_bytes() == first
    assert len(receipts_sent(receiver)) == 1
    assert len(portal.received) == 1


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<not xml", "memo.invalid"),
        (memo_xml(message_uuid=str(uuid.uuid4())), "memo.uuid.mismatch"),
    ],
    ids=["unparsable", "other-uuid"],
)
def test_a_message_it_cannot_read_gets_an_invalid_receipt(receiver, tls, portal, content, code):
    message_uuid = str(uuid.uuid4())

    answer = push(receiver, filename=message_uuid, content=content, tls=tls)

    assert answer.status_code == 200  # delivered; the receipt says it could not be read
    receipts_sent(receiver)
    [(_path, _authorization, body)] = portal.received
    assert (body["receiptStatus"], body["errorCode"]) == ("INVALID", code)
    assert body["errorMessage"]


@pytest.mark.parametrize(
    ("filename", "part", "status", "error"),
    [
        ("../../etc/passwd", "file", 400, "The filename must be the messageUUID."),
        ("brev.xml", "file", 400, "The filename must be the messageUUID."),
        (str(uuid.uuid4()), "attachment", 400, "No part named 'file'."),
    ],
    ids=["path", "not-a-uuid", "wrong-part"],
)
def test_refuses_a_push_that_is_not_a_message_file(
    receiver, tls, portal, filename, part, status, error
):
    answer = push(receiver, filename=filename, content=memo_xml(), tls=tls, part=part)

    assert (answer.status_code, answer.json()) == (status, {"error": error})
    assert list(receiver.store.directory.iterdir()) == []
    assert receipts_sent(receiver) == []
    assert portal.received == []


def test_refuses_a_body_that_is_not_multipart(receiver, tls):
    answer = httpx.post(
        f"{receiver.url}/",
        content=memo_xml(),
        verify=trusting(tls),
        timeout=10,
        headers={"Content-Type": "application/xml"},
    )

    assert (answer.status_code, answer.json()) == (415, {"error": "Expected multipart/form-data."})
    assert list(receiver.store.directory.iterdir()) == []


def test_credentials_file_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "demo-receiver.json"
    path.write_text("{}")
    path.chmod(0o644)

    credentials_write(path, {"system_id": "x", "api_key": "Basic y"})

    assert path.stat().st_mode & 0o777 == 0o600
    assert credentials_read(path) == {"system_id": "x", "api_key": "Basic y"}


def test_a_receipt_for_a_delivery_not_recorded_yet_is_sent_again(receiver, tls, portal):
    portal.answers = [404]  # the portal has not recorded our answer to its push yet
    message_uuid = str(uuid.uuid4())

    push(receiver, filename=message_uuid, content=memo_xml(message_uuid=message_uuid), tls=tls)

    assert receipts_sent(receiver) == [(message_uuid, 201)]
    assert len(portal.received) == 2
