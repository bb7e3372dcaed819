"""Bulk upload over REST (SPEC §13; NGDP-API.md "Sending": `application/x-lzma` or
`multipart/form-data` with a part named `file`): 201 with the transmission's receipt, member
receipts pulled from /receipts/; a bad archive is refused whole and nothing is stored."""

import io
import lzma
import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from adgang.messaging.api import upload
from adgang.messaging.models import Message, Receipt
from tests.support.messaging_api import API, api_client, assert_error, auth_get, uuid_of
from tests.support.messaging_core import memo_xml, sender_system
from tests.support.messaging_ingest import store_counts

LZMA = "application/x-lzma"


def archive_of(members: dict[str, bytes], *, fmt: int = lzma.FORMAT_ALONE) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return lzma.compress(raw.getvalue(), format=fmt)


def messages(count: int) -> dict[str, bytes]:
    return {f"memo-{index:04}.xml": memo_xml(files=()) for index in range(count)}


def bulk_post(auth, archive: bytes, content_type: str = LZMA):
    return api_client().post(
        f"{API}/memos/", data=archive, content_type=content_type, HTTP_AUTHORIZATION=auth
    )


def multipart_post(auth, **files):
    return api_client().post(f"{API}/memos/", data=files, HTTP_AUTHORIZATION=auth)


def pulled_receipts(auth, size: int = 250) -> list[dict]:
    receipts, page = [], 0
    while True:
        body = auth_get(api_client(), auth, "/receipts/", page=page, size=size).json()
        receipts += body["content"]
        page += 1
        if page >= body["totalPages"]:
            return receipts


@pytest.fixture
def sender(personas):
    return sender_system(personas.alice)


def test_bulk_of_a_thousand_messages_gives_a_thousand_receipts_to_pull(sender):
    _, auth = sender
    members = messages(1000)

    response = bulk_post(auth, archive_of(members))

    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["receiptStatus"] == "RECEIVED"
    assert answer["messageUUID"] is None
    receipts = pulled_receipts(auth)
    assert len(receipts) == 1000
    assert {r["messageUUID"] for r in receipts} == {uuid_of(c) for c in members.values()}
    assert {r["receiptStatus"] for r in receipts} == {"RECEIVED"}
    assert {r["transmissionId"] for r in receipts} == {answer["transmissionId"]}
    assert Message.objects.count() == 1000


def test_xz_compressed_archive_is_accepted(sender):
    _, auth = sender

    response = bulk_post(auth, archive_of(messages(2), fmt=lzma.FORMAT_XZ), "application/x-xz")

    assert response.status_code == 201, response.content
    assert Message.objects.count() == 2


def test_multipart_archive_in_the_file_part_is_accepted(sender):
    _, auth = sender
    archive = SimpleUploadedFile("post.tar.lzma", archive_of(messages(3)), content_type=LZMA)

    response = multipart_post(auth, file=archive)

    assert response.status_code == 201, response.content
    assert len(pulled_receipts(auth)) == 3


def test_multipart_without_a_file_part_is_refused(sender):
    _, auth = sender
    archive = SimpleUploadedFile("post.tar.lzma", archive_of(messages(1)), content_type=LZMA)
    before = store_counts()

    response = multipart_post(auth, archive=archive)

    assert_error(response, 400, "bulk.file.missing")
    assert store_counts() == before


def test_refused_member_gets_an_invalid_receipt_and_no_message(sender):
    _, auth = sender
    good = memo_xml(files=())
    bad = memo_xml(recipient_id="3213123123", files=())

    response = bulk_post(auth, archive_of({"good.xml": good, "bad.xml": bad}))

    assert response.status_code == 201
    by_uuid = {r["messageUUID"]: r for r in pulled_receipts(auth)}
    assert by_uuid[uuid_of(good)]["receiptStatus"] == "RECEIVED"
    assert by_uuid[uuid_of(bad)]["receiptStatus"] == "INVALID"
    assert by_uuid[uuid_of(bad)]["errorCode"] == "recipient.id.cpr.not.valid"
    assert Message.objects.count() == 1


def _traversing() -> bytes:
    return archive_of({"../../etc/evil.xml": memo_xml(files=())})


@pytest.mark.parametrize(
    ("make_archive", "code"),
    [
        (lambda: b"not an archive at all", "bulk.archive.invalid"),
        (lambda: archive_of(messages(3))[:-40], "bulk.archive.invalid"),
        (lambda: lzma.compress(b"plain text, not a tar"), "bulk.archive.invalid"),
        (_traversing, "bulk.archive.path.not.allowed"),
    ],
    ids=["garbage", "truncated", "not-a-tar", "path-traversal"],
)
def test_bad_archive_is_refused_whole(sender, make_archive, code):
    _, auth = sender
    before = store_counts()

    response = bulk_post(auth, make_archive())

    assert_error(response, 400, code)
    assert store_counts() == before


def test_archive_over_the_transport_limit_answers_413(sender, monkeypatch):
    _, auth = sender
    archive = archive_of(messages(2))
    monkeypatch.setattr(upload, "BULK_MAX_BYTES", len(archive) - 1)
    before = store_counts()

    response = bulk_post(auth, archive)

    assert_error(response, 413, "memo.size.too.large")
    assert store_counts() == before


def test_multipart_archive_over_the_transport_limit_answers_413(sender, monkeypatch):
    _, auth = sender
    archive = archive_of(messages(2))
    monkeypatch.setattr(upload, "BULK_MAX_BYTES", len(archive) - 1)
    before = store_counts()

    response = multipart_post(auth, file=SimpleUploadedFile("a.tar.lzma", archive))

    assert_error(response, 413, "memo.size.too.large")
    assert store_counts() == before
    assert not Receipt.objects.exists()
