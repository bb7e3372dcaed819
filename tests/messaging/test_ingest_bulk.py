"""Bulk upload (SPEC §13, NGDP-API.md `application/x-lzma`): a tar of MeMo files, LZMA or
XZ compressed. A bad archive is refused whole with nothing stored; a bad member gets an
INVALID receipt and "Afvist teknisk"; every other member is accepted like a single message."""

import tarfile
import time
import tracemalloc
import uuid

import pytest

from adgang.messaging.bulk import BulkResult, bulk_submit
from adgang.messaging.errors import Refusal
from adgang.messaging.events import Direction, EventTag
from adgang.messaging.models import (
    MailboxItem,
    Message,
    MessageEvent,
    Receipt,
    ReceiptKind,
    ReceiptPush,
    ReceiptStatus,
)
from tests.support.messaging_bulk import special, tar_bytes, tar_lzma, zeros_bomb
from tests.support.messaging_core import Protocol, memo_xml, sender_system
from tests.support.messaging_ingest import T0, store_counts


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def sender(personas):
    system, _ = sender_system(personas.alice)
    return system


def members(count: int):
    return [(f"brev{n}.xml", memo_xml()) for n in range(count)]


def refused(sender, archive) -> Refusal:
    before = store_counts()
    result = bulk_submit(system=sender, archive=archive, now=T0)
    assert isinstance(result, Refusal), result
    assert store_counts() == before
    return result


@pytest.mark.parametrize("xz", [False, True], ids=["lzma-alone", "xz"])
def test_bulk_accepts_every_member_under_one_transmission_id(sender, xz):
    result = bulk_submit(system=sender, archive=tar_lzma(members(3), xz=xz), now=T0)

    assert isinstance(result, BulkResult)
    assert [r.receipt_status for r in result.receipts] == [ReceiptStatus.RECEIVED] * 3
    assert {r.transmission_id for r in result.receipts} == {result.transmission_id}
    assert Message.objects.filter(transmission_id=result.transmission_id).count() == 3
    assert MailboxItem.objects.count() == 3


def test_bulk_member_receipts_are_kept_for_pulling(sender):
    result = bulk_submit(system=sender, archive=tar_lzma(members(2)), now=T0)

    assert [(r.kind, r.push) for r in result.receipts] == [
        (ReceiptKind.TECHNICAL, ReceiptPush.PULL)
    ] * 2


def test_bulk_member_receipts_are_pushed_to_a_rest_push_sender(personas):
    sender, _ = sender_system(personas.alice, Protocol.REST_PUSH)

    result = bulk_submit(system=sender, archive=tar_lzma(members(2)), now=T0)

    assert [(r.push, r.next_push_at) for r in result.receipts] == [(ReceiptPush.PENDING, T0)] * 2


def test_refused_member_gets_an_invalid_receipt_and_afvist_teknisk(sender):
    bad_uuid = str(uuid.uuid4())
    archive = tar_lzma(
        [
            ("god.xml", memo_xml()),
            ("daarlig.xml", memo_xml(message_uuid=bad_uuid, recipient_id="150385128A")),
            ("ikke-xml.xml", b"garbage"),
        ]
    )

    result = bulk_submit(system=sender, archive=archive, now=T0)

    good, bad, garbage = result.receipts
    assert good.receipt_status == ReceiptStatus.RECEIVED
    assert (bad.receipt_status, bad.error_code, bad.message, bad.message_uuid) == (
        ReceiptStatus.INVALID,
        "recipient.id.cpr.not.valid",
        None,
        bad_uuid,
    )
    assert bad.error_message.startswith("daarlig.xml: ")
    assert (garbage.error_code, garbage.message_uuid) == ("memo.xml.malformed", "")
    assert Message.objects.count() == 1
    rejected = MessageEvent.objects.filter(event=EventTag.TECHNICALLY_REJECTED).order_by("id")
    assert [
        (e.organisation_id, e.direction, e.message_id, e.message_uuid, e.transmission_id)
        for e in rejected
    ] == [
        (sender.organisation_id, Direction.OUTGOING, None, bad_uuid, result.transmission_id),
        (sender.organisation_id, Direction.OUTGOING, None, "", result.transmission_id),
    ]


def test_duplicate_message_uuid_inside_a_bulk_is_refused_for_the_second(sender):
    message_uuid = str(uuid.uuid4())
    archive = tar_lzma(
        [
            ("a.xml", memo_xml(message_uuid=message_uuid)),
            ("b.xml", memo_xml(message_uuid=message_uuid)),
        ]
    )

    result = bulk_submit(system=sender, archive=archive, now=T0)

    assert [(r.receipt_status, r.error_code) for r in result.receipts] == [
        (ReceiptStatus.RECEIVED, ""),
        (ReceiptStatus.INVALID, "message.uuid.already.exists"),
    ]


def test_directory_entries_are_skipped(sender):
    folder = tarfile.TarInfo("post")
    folder.type = tarfile.DIRTYPE
    archive = tar_lzma([(folder, None), ("post/a.xml", memo_xml())])

    result = bulk_submit(system=sender, archive=archive, now=T0)

    assert [r.receipt_status for r in result.receipts] == [ReceiptStatus.RECEIVED]


@pytest.mark.parametrize(
    "archive",
    [
        b"not an archive at all",
        tar_bytes(members(1)),  # an uncompressed tar
        tar_lzma(members(2))[:-40],  # truncated
        b"",
    ],
    ids=["garbage", "uncompressed-tar", "truncated", "empty"],
)
def test_corrupt_archive_is_refused(sender, archive):
    refusal = refused(sender, archive)

    assert (refusal.status, refusal.code) == (400, "bulk.archive.invalid")


def test_lzma_that_is_not_a_tar_is_refused(sender):
    import lzma

    refusal = refused(sender, lzma.compress(b"x" * 5000, format=lzma.FORMAT_ALONE))

    assert (refusal.status, refusal.code) == (400, "bulk.archive.invalid")


def test_archive_without_memo_files_is_refused(sender):
    folder = tarfile.TarInfo("tom")
    folder.type = tarfile.DIRTYPE

    refusal = refused(sender, tar_lzma([(folder, None)]))

    assert (refusal.status, refusal.code) == (400, "bulk.archive.invalid")


@pytest.mark.parametrize(
    "name",
    ["../x.xml", "post/../../x.xml", "/etc/x.xml", "..\\x.xml", "C:\\x.xml", "\\\\srv\\x.xml"],
)
def test_path_outside_the_archive_is_refused(sender, name):
    refusal = refused(sender, tar_lzma([("ok.xml", memo_xml()), (name, memo_xml())]))

    assert (refusal.status, refusal.code) == (400, "bulk.archive.path.not.allowed")


@pytest.mark.parametrize(
    "member",
    [
        special("link.xml", tarfile.SYMTYPE, "/etc/passwd"),
        special("hard.xml", tarfile.LNKTYPE, "ok.xml"),
        special("dev.xml", tarfile.CHRTYPE),
        special("fifo.xml", tarfile.FIFOTYPE),
    ],
    ids=["symlink", "hardlink", "device", "fifo"],
)
def test_member_that_is_not_a_regular_file_is_refused(sender, member):
    refusal = refused(sender, tar_lzma([("ok.xml", memo_xml()), member]))

    assert (refusal.status, refusal.code) == (400, "bulk.archive.invalid")


def test_member_not_named_xml_is_refused(sender):
    refusal = refused(sender, tar_lzma([("ok.xml", memo_xml()), ("brev.pdf", b"%PDF")]))

    assert (refusal.status, refusal.code) == (400, "bulk.archive.invalid")


def test_archive_over_200_mib_is_refused_413(sender):
    refusal = refused(sender, b"\0" * (200 * 1024 * 1024 + 1))

    assert (refusal.status, refusal.code) == (413, "bulk.archive.too.large")


def test_archive_with_over_10000_members_is_refused_413(sender):
    archive = tar_lzma([(f"{n}.xml", b"x") for n in range(10_001)])

    refusal = refused(sender, archive)

    assert (refusal.status, refusal.code) == (413, "bulk.archive.too.large")


def test_lzma_bomb_is_refused_in_bounded_memory(sender, settings):
    # 32 MiB limit (the setting an operator may change); the bomb unpacks to 64 MiB of zeros
    # from a few kB. Memory stays far below what it unpacks to.
    settings.ADGANG_BULK_MAX_UNCOMPRESSED_BYTES = 32 * 1024 * 1024
    bomb = zeros_bomb(16 * 1024 * 1024, 4)
    assert len(bomb) < 100_000

    tracemalloc.start()
    try:
        refusal = refused(sender, bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert (refusal.status, refusal.code) == (413, "bulk.archive.too.large")
    assert peak < 8 * 1024 * 1024


def test_member_over_the_single_message_limit_is_refused_413(sender):
    refusal = refused(sender, zeros_bomb(140 * 1024 * 1024 + 1, 1))

    assert (refusal.status, refusal.code) == (413, "bulk.archive.too.large")


def test_bulk_of_1000_messages_gives_1000_receipts(sender):
    archive = tar_lzma(members(1000))

    started = time.perf_counter()
    result = bulk_submit(system=sender, archive=archive, now=T0)
    seconds = time.perf_counter() - started

    print(f"bulk of 1000: {seconds:.2f} s")
    assert len(result.receipts) == 1000
    assert Receipt.objects.filter(transmission_id=result.transmission_id).count() == 1000
    assert Message.objects.count() == 1000
