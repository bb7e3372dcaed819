"""The SFTP intake's virtual paths, upload names and receipt files (SPEC §13), without the
network."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from asyncssh import SFTPNoSuchFile

from adgang.messaging.bulk import MAX_ARCHIVE_BYTES
from adgang.messaging.ingest import MAX_MESSAGE_BYTES
from adgang.messaging.models import Receipt, ReceiptKind, ReceiptStatus
from adgang.messaging.sftp import receipts
from adgang.messaging.sftp.filesystem import SpoolBudget, resolve
from adgang.messaging.sftp.intake import BULK, MESSAGE, upload_kind, upload_limit
from adgang.systems.models import Protocol
from adgang.systems.rules import SENDER
from tests.support.systems_core import create

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("path", "resolved"),
    [
        (b".", "/"),
        (b"", "/"),
        (b"brev.xml", "/brev.xml"),
        (b"in/brev.xml", "/in/brev.xml"),
        (b"/in/../receipts/", "/receipts"),
        (b"../../etc/passwd", "/etc/passwd"),
        (b"//in//brev.xml", "/in/brev.xml"),
    ],
)
def test_paths_resolve_inside_the_virtual_root(path, resolved):
    assert resolve(path) == resolved


@pytest.mark.parametrize("path", [b"\xff\xfe", b"in/\x00brev.xml"])
def test_undecodable_paths_do_not_exist(path):
    with pytest.raises(SFTPNoSuchFile):
        resolve(path)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("brev.xml", MESSAGE),
        ("BREV.XML", MESSAGE),
        ("post.tar.lzma", BULK),
        ("post.tar.xz", BULK),
        ("post.lzma", BULK),
        ("brev.txt", None),
        ("post.tar", None),
        ("post.xz", None),
        ("brev.xml.exe", None),
        (".xml", None),
        (".tar.lzma", None),
    ],
)
def test_the_file_name_decides_what_an_upload_is(name, kind):
    assert upload_kind(name) == kind


def test_uploads_are_bounded_by_the_sender_apis_limits():
    assert upload_limit(MESSAGE) == MAX_MESSAGE_BYTES
    assert upload_limit(BULK) == MAX_ARCHIVE_BYTES


def test_the_spool_budget_refuses_what_would_exceed_it_and_takes_back_what_is_freed():
    budget = SpoolBudget(100)

    assert budget.take(60)
    assert not budget.take(41)
    assert budget.used == 60
    budget.give_back(60)
    assert budget.take(100)


@pytest.mark.parametrize(
    ("name", "receipt_id"),
    [
        ("0b6f2a5e-8f0c-4c1e-9d3c-2f1f4c7b9a10.json", "0b6f2a5e-8f0c-4c1e-9d3c-2f1f4c7b9a10"),
        ("0b6f2a5e-8f0c-4c1e-9d3c-2f1f4c7b9a10.xml", None),
        ("brev.json", None),
        (".json", None),
    ],
)
def test_receipt_files_are_named_by_the_receipt_id(name, receipt_id):
    expected = uuid.UUID(receipt_id) if receipt_id else None
    assert receipts.receipt_id_of(name) == expected


@pytest.fixture
def sftp_system(personas):
    return create(personas.alice, SENDER, Protocol.SFTP).system


def receipt_for(system, at, **fields) -> Receipt:
    values = {
        "system": system,
        "kind": ReceiptKind.TECHNICAL,
        "transmission_id": uuid.uuid4(),
        "receipt_status": ReceiptStatus.RECEIVED,
        "time_stamp": at,
    }
    return Receipt.objects.create(**(values | fields))


def test_a_receipt_file_holds_the_ngdp_receipt_fields(sftp_system):
    receipt = receipt_for(
        sftp_system,
        T,
        receipt_status=ReceiptStatus.INVALID,
        error_code="sender.id.not.allowed",
        error_message="Afsender må ikke sende.",
        message_uuid="5a0f0e1e-3b4c-4d5e-8f90-a1b2c3d4e5f6",
    )

    document = json.loads(receipts.receipt_document(receipt))

    assert document == {
        "transmissionId": str(receipt.transmission_id),
        "messageUUID": "5a0f0e1e-3b4c-4d5e-8f90-a1b2c3d4e5f6",
        "messageId": None,
        "errorCode": "sender.id.not.allowed",
        "errorMessage": "Afsender må ikke sende.",
        "timeStamp": "2026-03-02T09:00:00Z",
        "receiptStatus": "INVALID",
    }


def test_the_listing_pages_through_the_systems_kept_receipts_oldest_first(sftp_system, personas):
    same_time = [receipt_for(sftp_system, T) for _ in range(3)]
    later = receipt_for(sftp_system, T + timedelta(minutes=1))
    receipt_for(sftp_system, T, deleted_at=T)
    other = create(personas.maja, SENDER, Protocol.SFTP).system
    receipt_for(other, T)

    names, after = [], None
    while page := receipts.receipts_page(sftp_system.pk, after=after, size=2):
        names += [file.name for file, _key in page]
        after = page[-1][1]

    assert len(names) == 4
    assert set(names) == {f"{receipt.pk}.json" for receipt in [*same_time, later]}
    assert names[-1] == f"{later.pk}.json"


def test_another_systems_receipt_can_be_neither_read_nor_removed(sftp_system, personas):
    receipt = receipt_for(sftp_system, T)
    other = create(personas.maja, SENDER, Protocol.SFTP).system

    assert receipts.receipt_read(other.pk, receipt.pk) is None
    assert not receipts.receipt_remove(other.pk, receipt.pk, now=T)
    receipt.refresh_from_db()
    assert receipt.deleted_at is None


def test_removing_marks_the_receipt_deleted_once(sftp_system):
    receipt = receipt_for(sftp_system, T)

    assert receipts.receipt_remove(sftp_system.pk, receipt.pk, now=T)
    assert not receipts.receipt_remove(sftp_system.pk, receipt.pk, now=T)
    receipt.refresh_from_db()
    assert receipt.deleted_at == T
