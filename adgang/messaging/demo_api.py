"""The demo's newest traffic goes through the real machine API (SPEC §15, NGDP-API.md).

After the history (`demo_traffic`), today's messages are sent, delivered, pulled and receipted
exactly as vendors' systems do it: HTTP requests to `/apis/v1/…` answered by the same view
code `make run` serves (Django's test client, in process), authenticated with the systems'
API keys from their allowed addresses. The demo systems' keys were shown once when the demo
made them and are gone, so the two systems used here get a new key first (an "API-key
fornyet" entry in their organisation's action log, as when an administrator renews one).
"""

from __future__ import annotations

import io
import json
import tarfile

from django.test import Client

from adgang.accounts import demo as accounts_demo
from adgang.accounts.models import Membership
from adgang.audit.services import Actor
from adgang.messaging.delivery import deliveries_run
from adgang.messaging.demo_memo import Letter, demo_uuid, memo_bytes
from adgang.messaging.demo_plan import CITIZENS, DEMO_POINT, MASSE, A, B
from adgang.messaging.models import Delivery, DeliveryState, Message, Receipt, ReceiptKind
from adgang.systems.models import MailSystem
from adgang.systems.services import system_renew_api_key

PULLER = "Fagsystem Modtager"  # Kommune A's primary system, REST PULL
FIRST_NUMBER = 10_000  # demo_uuid numbers of today's messages (history uses 0 …)


class DemoApiError(RuntimeError):
    """The API answered the demo differently than a vendor's system would expect."""


def _expect(answer, status: int, what: str) -> None:
    if answer.status_code != status:
        raise DemoApiError(f"{what}: HTTP {answer.status_code} {answer.content[:500]!r}")


class SystemClient:
    """One system calling the API: its key in every request, from an address it may use."""

    def __init__(self, system: MailSystem, authorization: str) -> None:
        ip = system.allowed_ips[0] if system.allowed_ips else system.ip_range.split("-")[0]
        self.client = Client(HTTP_AUTHORIZATION=authorization, REMOTE_ADDR=ip.split("/")[0])

    def send(self, letter: Letter) -> dict:
        answer = self.client.post(
            f"/apis/v1/memos/?memo-message-uuid={letter.message_uuid}",
            data=memo_bytes(letter),
            content_type="application/xml",
        )
        return _json(answer, 201)

    def send_bulk(self, letters: list[Letter]) -> dict:
        answer = self.client.post(
            "/apis/v1/memos/", data=_tar_lzma(letters), content_type="application/x-lzma"
        )
        return _json(answer, 201)

    def get(self, path: str, status: int = 200):
        answer = self.client.get(path)
        _expect(answer, status, f"GET {path}")
        return answer

    def delete(self, path: str) -> None:
        _expect(self.client.delete(path), 204, f"DELETE {path}")

    def receipt(self, message_id: str, status: str = "COMPLETED") -> dict:
        answer = self.client.post(
            f"/apis/v1/memos/{message_id}/receipt",
            data=json.dumps({"receiptStatus": status}),
            content_type="application/json",
        )
        return _json(answer, 201)


def _json(answer, status: int) -> dict:
    _expect(answer, status, answer.request["PATH_INFO"])
    return answer.json()


def _tar_lzma(letters: list[Letter]) -> bytes:
    """A bulk upload: the MeMo files in a tar archive, LZMA-compressed (`tar --lzma`)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:xz") as archive:
        for letter in letters:
            data = memo_bytes(letter)
            member = tarfile.TarInfo(f"{letter.message_uuid}.xml")
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


def _renewed(system: MailSystem, org_key: str, rid: str) -> str:
    membership = Membership.objects.get(
        organisation__cvr=accounts_demo.ORGANISATIONS[org_key][0], rid=rid
    )
    actor = Actor(membership.actor_id, membership.organisation.cvr, membership.rid)
    return system_renew_api_key(actor=actor, system=system)


def _letter(number: int, **fields) -> Letter:
    return Letter(message_uuid=demo_uuid(FIRST_NUMBER + number), **fields)


def today(systems: dict[str, MailSystem], points: dict[str, str], receiver_key: str) -> int:
    """Send today's messages through the API and let the receivers act on them; the number
    of messages accepted."""
    before = Message.objects.count()
    sender = SystemClient(systems[MASSE], _renewed(systems[MASSE], "B", "3001"))
    puller = SystemClient(systems[PULLER], _renewed(systems[PULLER], "A", "1001"))
    pushed_to = SystemClient(systems["Demo-modtager"], receiver_key)
    to_a = {"sender_cvr": B, "recipient_type": "CVR", "recipient_id": A}
    pushed = sender.send(
        _letter(0, label="Tilbud på snerydning", contact_point_id=points[DEMO_POINT], **to_a)
    )
    pulled = sender.send(
        _letter(
            1,
            label="Spørgsmål om affaldsgebyr",
            contact_point_id=points["Generelle henvendelser"],
            **to_a,
        )
    )
    sender.send(_letter(2, label="Lønseddel for november", **_to_cpr(CITIZENS[0].cpr)))
    newsletter = [
        _letter(3 + n, label="Nyhedsbrev", **_to_cpr(c.cpr)) for n, c in enumerate(CITIZENS)
    ]
    # A CVR number where a CPR number belongs: the one member of the bulk that is refused.
    wrong = _letter(9, label="Nyhedsbrev", **_to_cpr(accounts_demo.ORGANISATIONS["M"][0]))
    sender.send_bulk([*newsletter, wrong])
    deliveries_run()  # the worker pushes to the demo receiver (or its stand-in)
    # A `manage.py demo_receiver` already running sends its own receipt; and if something
    # else holds its port, the push failed and is retried later by the worker.
    if _delivered_unreceipted(pushed["messageId"]):
        pushed_to.receipt(pushed["messageId"])
    puller.get("/apis/v1/memos/?page=0&size=20")
    puller.get(f"/apis/v1/memos/{pulled['messageId']}")
    puller.delete(f"/apis/v1/memos/{pulled['messageId']}")
    puller.receipt(pulled["messageId"])
    sender.get("/apis/v1/receipts/?page=0&size=50")
    return Message.objects.count() - before


def _delivered_unreceipted(message_id: str) -> bool:
    return (
        Delivery.objects.filter(message_id=message_id, state=DeliveryState.DELIVERED).exists()
        and not Receipt.objects.filter(message_id=message_id, kind=ReceiptKind.BUSINESS).exists()
    )


def _to_cpr(cpr: str) -> dict:
    return {"sender_cvr": B, "recipient_id": cpr, "recipient_type": "CPR"}
