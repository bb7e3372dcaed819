"""The demo receiver against the real portal (SPEC §13, §15): the delivery worker pushes a
message to it over HTTPS, it stores the message and sends its business receipt to the
portal's API (a live server), and the sender system gets that receipt.

Everything runs for real: the portal in pytest-django's live server, the demo receiver in a
thread with a self-signed certificate the portal trusts through ADGANG_OUTBOUND_CA_FILE.
"""

import uuid

import pytest

from adgang.core.devtls import self_signed_certificate
from adgang.messaging.delivery import deliveries_run
from adgang.messaging.demo_receiver import (
    DemoReceiverServer,
    MessageStore,
    PortalCredentials,
    ReceiptSender,
)
from adgang.messaging.events import EventTag
from adgang.messaging.ingest import message_submit
from adgang.messaging.models import MessageEvent, Receipt, ReceiptKind
from tests.support.messaging_core import (
    KOMMUNE_M_CVR,
    Protocol,
    memo_xml,
    receiver_system,
    sender_system,
)


@pytest.fixture
def demo_receiver(tmp_path, settings, live_server):
    cert, key = self_signed_certificate(tmp_path / "tls")
    settings.ADGANG_OUTBOUND_CA_FILE = str(cert)
    settings.ADGANG_OUTBOUND_ALLOW_PRIVATE = True
    server = DemoReceiverServer(
        ("127.0.0.1", 0), store=MessageStore(tmp_path / "inbox"), cert=cert, key=key
    )
    server.serve_in_thread()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def connected(personas, demo_receiver, live_server):
    """Kommune M's only receiver (so its primary system) is the demo receiver; Kommune A
    sends from a REST PULL sender system."""
    system, api_key = receiver_system(
        personas.maja,
        Protocol.REST_PUSH,
        endpoint=f"{demo_receiver.url}/digitalpost/modtag",
        allowed_ips=("127.0.0.1",),
    )
    # Receipts queue up until the test starts the sender: on SQLite the live server shares the
    # test's one in-memory connection, so the portal must not take a receipt while the test
    # thread is still recording the delivery.
    demo_receiver.receipts = ReceiptSender(
        PortalCredentials(portal_url=live_server.url, authorization=api_key)
    )
    sender, _key = sender_system(personas.alice, Protocol.REST_PULL)
    return sender, system


def test_a_pushed_message_is_stored_and_its_business_receipt_reaches_the_sender(
    connected, demo_receiver
):
    sender, receiver = connected
    message_uuid = str(uuid.uuid4())
    submitted = message_submit(
        system=sender,
        content=memo_xml(
            message_uuid=message_uuid, recipient_id=KOMMUNE_M_CVR, recipient_type="CVR"
        ),
        query_uuid=None,
    )

    assert deliveries_run() == 1
    demo_receiver.receipts.start()
    demo_receiver.receipts.stop()  # every receipt queued has been posted

    assert (demo_receiver.store.directory / f"{message_uuid}.xml").exists()
    assert demo_receiver.receipts.sent == [(message_uuid, 201)]
    receipt = Receipt.objects.get(message_id=submitted.message_id, kind=ReceiptKind.BUSINESS)
    assert (receipt.system, receipt.receipt_status) == (sender, "COMPLETED")
    received = MessageEvent.objects.get(
        message_id=submitted.message_id, event=EventTag.BUSINESS_RECEIPT_RECEIVED
    )
    assert (received.organisation, received.recipient_system_id) == (
        receiver.organisation,
        receiver.pk,
    )
