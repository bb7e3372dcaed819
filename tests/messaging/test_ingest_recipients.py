"""Intake rules that ask the registers (SPEC §13): closed recipients, an unreachable
register, and receipts made for a sender without a message."""

import socket
import uuid

import pytest

from adgang.messaging.errors import Refusal
from adgang.messaging.ingest import message_submit
from adgang.messaging.models import ReceiptKind, ReceiptPush, ReceiptStatus
from adgang.messaging.routing import receipt_for_sender
from adgang.registers.registry import get_register
from adgang.registers.types import COMPANY_CEASED
from tests.support.messaging_core import memo_xml, sender_system
from tests.support.messaging_ingest import T0, store_counts


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def sender(personas):
    system, _ = sender_system(personas.alice)
    return system


def submit_refused(sender, content) -> Refusal:
    before = store_counts()
    result = message_submit(system=sender, content=content, query_uuid=None, now=T0)
    assert isinstance(result, Refusal), result
    assert store_counts() == before
    return result


def test_ceased_company_is_refused_as_closed(sender):
    ceased = next(c for c in get_register().companies() if c.status == COMPANY_CEASED)

    refusal = submit_refused(sender, memo_xml(recipient_type="CVR", recipient_id=ceased.cvr))

    assert (refusal.status, refusal.code) == (400, "recipient.is.closed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_register_refuses_503_and_stores_nothing(sender, settings):
    settings.ADGANG_REGISTER = {
        "BACKEND": "adgang.registers.http.HttpRegister",
        "OPTIONS": {"base_url": f"http://127.0.0.1:{free_port()}", "timeout": 1.0},
    }

    refusal = submit_refused(sender, memo_xml())

    assert (refusal.status, refusal.code) == (503, "register.unavailable")


def test_receipt_without_a_message_carries_the_given_uuid_and_a_new_transmission(sender):
    receipt = receipt_for_sender(
        system=sender,
        message=None,
        kind=ReceiptKind.TECHNICAL,
        status=ReceiptStatus.INVALID,
        error_code="memo.xml.malformed",
        error_message="not XML",
        now=T0,
        message_uuid="0b7c3a1e-4c9f-4f55-9a6e-1f2d3c4b5a69",
    )

    assert receipt.message is None
    assert receipt.message_uuid == "0b7c3a1e-4c9f-4f55-9a6e-1f2d3c4b5a69"
    assert isinstance(receipt.transmission_id, uuid.UUID)
    assert (receipt.push, receipt.time_stamp) == (ReceiptPush.PULL, T0)
