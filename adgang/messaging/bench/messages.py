"""MeMo messages for the bench, built with the demo's MeMo builder (`demo_memo`): a letter
with one small PDF, each with a fresh messageUUID, from the bench sender authority."""

from __future__ import annotations

import uuid

from adgang.messaging.demo_memo import Letter, memo_bytes
from adgang.registers import demo as register_demo

API = "/apis/v1"


def letter(sender_cvr: str, *, recipient_id: str = "", recipient_type: str = "CPR") -> bytes:
    return memo_bytes(
        Letter(
            message_uuid=str(uuid.uuid4()),
            sender_cvr=sender_cvr,
            recipient_id=recipient_id or register_demo.CITIZEN.cpr,
            recipient_type=recipient_type,
            label="Indkaldelse til samtale",
        )
    )


def uuid_of(content: bytes) -> str:
    start = content.index(b"<memo:messageUUID>") + len(b"<memo:messageUUID>")
    return content[start : content.index(b"</memo:messageUUID>", start)].decode()


def post_single(client, content: bytes) -> dict:
    """POST one message (SPEC §13); the answer must be the technical receipt RECEIVED."""
    message_uuid = uuid_of(content)
    response = client.post(
        f"{API}/memos/",
        params={"memo-message-uuid": message_uuid},
        content=content,
        headers={"Content-Type": "application/xml"},
    )
    assert response.status_code == 201, f"HTTP {response.status_code}: {response.text[:200]}"
    receipt = response.json()
    assert receipt["receiptStatus"] == "RECEIVED", receipt
    assert receipt["messageUUID"] == message_uuid, receipt
    return receipt
