"""The SFTP intake end to end (SPEC §13 "SFTP senders drop files in their SFTP folder"):
the real OpenSSH `sftp` client against the server running in a thread on a free port.

The server's threads use their own database connections, so these tests commit
(`transaction=True`).
"""

import asyncio
import io
import json
import lzma
import tarfile
import uuid

import asyncssh
import pytest

from adgang.messaging.events import EventTag
from adgang.messaging.models import (
    MailboxItem,
    Message,
    MessageEvent,
    Receipt,
    ReceiptKind,
    ReceiptPush,
    ReceiptStatus,
)
from adgang.messaging.sftp.server import IntakeThread
from adgang.systems.models import Protocol
from adgang.systems.rules import SENDER
from adgang.systems.services import Activation
from tests.support.messaging_core import CITIZEN_CPR, KOMMUNE_M_CVR, memo_xml
from tests.support.sftp_client import key_pair, listed, sftp_batch, ssh_command
from tests.support.systems_core import create

pytestmark = pytest.mark.django_db(transaction=True)

LOCALHOST = "127.0.0.1"


@pytest.fixture
def intake(settings, tmp_path):
    settings.ADGANG_SFTP_HOST_KEY = str(tmp_path / "host_key")
    server = IntakeThread().start()
    yield server
    server.stop()


@pytest.fixture
def work(tmp_path):
    directory = tmp_path / "client"
    directory.mkdir()
    return directory


@pytest.fixture
def sender(personas, work):
    """Kommune A's SFTP sender system, allowing 127.0.0.1, and its private key file."""
    key_file, public_key = key_pair(work)
    system = create(
        personas.alice, SENDER, Protocol.SFTP, allowed_ips=(LOCALHOST,), ssh_public_key=public_key
    ).system
    return system, key_file


def run(intake, sender, work, *commands):
    system, key_file = sender
    return sftp_batch(
        port=intake.port,
        username=system.ssh_username,
        key_file=key_file,
        commands=list(commands),
        cwd=work,
    )


def receipts_of(system):
    return Receipt.objects.filter(system=system, deleted_at__isnull=True)


def bulk_archive(*messages: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for number, content in enumerate(messages):
            member = tarfile.TarInfo(f"message-{number}.xml")
            member.size = len(content)
            archive.addfile(member, io.BytesIO(content))
    return lzma.compress(buffer.getvalue(), format=lzma.FORMAT_ALONE)


def test_an_uploaded_message_is_stored_routed_and_its_receipt_can_be_downloaded(
    intake, sender, work
):
    system, _ = sender
    message_uuid = str(uuid.uuid4())
    (work / "brev.xml").write_bytes(memo_xml(message_uuid=message_uuid))

    result = run(intake, sender, work, "put brev.xml /in/brev.xml")

    assert result.returncode == 0, result.stderr
    message = Message.objects.get(message_uuid=message_uuid)
    assert message.sender_system_id == system.pk
    assert MailboxItem.objects.get(message=message).owner_id == CITIZEN_CPR
    receipt = receipts_of(system).get()
    assert (receipt.kind, receipt.receipt_status) == (ReceiptKind.TECHNICAL, ReceiptStatus.RECEIVED)
    assert receipt.push == ReceiptPush.PULL  # a file to fetch, not carried by any answer
    fetched = run(intake, sender, work, "ls -1 /receipts", f"get /receipts/{receipt.pk}.json")
    assert fetched.returncode == 0, fetched.stderr
    assert f"{receipt.pk}.json" in listed(fetched.stdout)
    document = json.loads((work / f"{receipt.pk}.json").read_text())
    assert document["receiptStatus"] == "RECEIVED"
    assert document["messageUUID"] == message_uuid
    assert document["messageId"] == str(message.pk)
    assert set(document) == {
        "transmissionId",
        "messageUUID",
        "messageId",
        "errorCode",
        "errorMessage",
        "timeStamp",
        "receiptStatus",
    }


@pytest.mark.parametrize("command", ["put brev.xml", "put brev.xml /in/", "cd in\nput brev.xml"])
def test_an_upload_to_the_home_or_the_in_folder_is_submitted(intake, sender, work, command):
    message_uuid = str(uuid.uuid4())
    (work / "brev.xml").write_bytes(memo_xml(message_uuid=message_uuid))

    result = run(intake, sender, work, *command.split("\n"))

    assert result.returncode == 0, result.stderr
    assert Message.objects.filter(message_uuid=message_uuid).exists()


def test_a_tar_lzma_bulk_submits_every_message_in_it(intake, sender, work):
    system, _ = sender
    uuids = [str(uuid.uuid4()) for _ in range(3)]
    archive = bulk_archive(*(memo_xml(message_uuid=value) for value in uuids))
    (work / "post.tar.lzma").write_bytes(archive)

    result = run(intake, sender, work, "put post.tar.lzma /in/post.tar.lzma", "ls -1 /receipts")

    assert result.returncode == 0, result.stderr
    messages = Message.objects.filter(message_uuid__in=uuids)
    assert messages.count() == 3
    assert MailboxItem.objects.filter(message__in=messages).count() == 3
    received = receipts_of(system).filter(receipt_status=ReceiptStatus.RECEIVED)
    assert {receipt.message_uuid for receipt in received} >= set(uuids)
    assert {f"{receipt.pk}.json" for receipt in received} <= listed(result.stdout)


def test_a_refused_message_gives_an_invalid_receipt_file_and_stores_nothing(intake, sender, work):
    system, _ = sender
    message_uuid = str(uuid.uuid4())
    # Kommune A's system sending as Kommune M is refused by the sender API's rules.
    (work / "brev.xml").write_bytes(memo_xml(message_uuid=message_uuid, sender_cvr=KOMMUNE_M_CVR))
    messages_before = Message.objects.count()

    result = run(intake, sender, work, "put brev.xml /in/brev.xml")

    assert result.returncode == 0, result.stderr
    assert Message.objects.count() == messages_before
    receipt = receipts_of(system).get()
    assert receipt.kind == ReceiptKind.TECHNICAL
    assert receipt.receipt_status == ReceiptStatus.INVALID
    assert receipt.error_code == "sender.id.not.allowed"
    assert receipt.error_message.startswith("brev.xml: ")
    assert receipt.message_uuid == message_uuid
    assert receipt.message_id is None
    event = MessageEvent.objects.get(event=EventTag.TECHNICALLY_REJECTED)
    assert event.organisation_id == system.organisation_id
    assert event.message_uuid == message_uuid
    fetched = run(intake, sender, work, f"get /receipts/{receipt.pk}.json")
    assert fetched.returncode == 0, fetched.stderr
    document = json.loads((work / f"{receipt.pk}.json").read_text())
    assert (document["receiptStatus"], document["errorCode"]) == (
        "INVALID",
        "sender.id.not.allowed",
    )


def test_a_file_that_is_no_memo_gives_an_invalid_receipt(intake, sender, work):
    system, _ = sender
    (work / "brev.xml").write_bytes(b"this is not XML")

    result = run(intake, sender, work, "put brev.xml /in/brev.xml")

    assert result.returncode == 0, result.stderr
    assert not Message.objects.exists()
    receipt = receipts_of(system).get()
    assert receipt.receipt_status == ReceiptStatus.INVALID
    assert receipt.error_code.startswith("memo.")


def test_removing_a_receipt_file_marks_the_receipt_deleted(intake, sender, work):
    system, _ = sender
    (work / "brev.xml").write_bytes(memo_xml())
    run(intake, sender, work, "put brev.xml /in/brev.xml")
    receipt = receipts_of(system).get()

    result = run(intake, sender, work, f"rm /receipts/{receipt.pk}.json", "ls -1 /receipts")

    assert result.returncode == 0, result.stderr
    receipt.refresh_from_db()
    assert receipt.deleted_at is not None
    assert f"{receipt.pk}.json" not in listed(result.stdout)


@pytest.mark.parametrize("name", ["brev.txt", "brev.pdf", "brev.xml.exe", "post.tar", "post.zip"])
def test_other_file_names_are_refused_at_open(intake, sender, work, name):
    (work / name).write_bytes(memo_xml())

    result = run(intake, sender, work, f"put {name} /in/{name}")

    assert result.returncode != 0
    assert "Permission denied" in result.stderr
    assert not Message.objects.exists()
    assert not Receipt.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_and_nothing_is_stored(
    intake, sender, work, monkeypatch
):
    monkeypatch.setattr("adgang.messaging.sftp.intake.MAX_MESSAGE_BYTES", 1000)
    (work / "brev.xml").write_bytes(memo_xml(files=(("brev.pdf", b"x" * 5000),)))

    result = run(intake, sender, work, "put brev.xml /in/brev.xml")

    assert result.returncode != 0
    assert not Message.objects.exists()
    assert not Receipt.objects.exists()


def test_receipts_are_read_only(intake, sender, work):
    (work / "x.json").write_text("{}")

    result = run(intake, sender, work, "put x.json /receipts/x.json")

    assert result.returncode != 0
    assert "Permission denied" in result.stderr


def test_a_wrong_key_is_refused(intake, sender, work):
    system, _ = sender
    other_key, _ = key_pair(work, "other")
    (work / "brev.xml").write_bytes(memo_xml())

    result = run(intake, (system, other_key), work, "put brev.xml /in/brev.xml")

    assert result.returncode != 0
    assert "Permission denied" in result.stderr
    assert not Message.objects.exists()


def test_the_right_key_from_an_ip_the_system_does_not_allow_is_refused(intake, personas, work):
    key_file, public_key = key_pair(work)
    system = create(personas.alice, SENDER, Protocol.SFTP, ssh_public_key=public_key).system
    assert system.allowed_ips == ["192.0.2.10"]
    (work / "brev.xml").write_bytes(memo_xml())

    result = run(intake, (system, key_file), work, "put brev.xml /in/brev.xml")

    assert result.returncode != 0
    assert "Permission denied" in result.stderr
    assert not Message.objects.exists()


def test_an_inactive_system_is_refused(intake, personas, work):
    key_file, public_key = key_pair(work)
    system = create(
        personas.alice,
        SENDER,
        Protocol.SFTP,
        allowed_ips=(LOCALHOST,),
        ssh_public_key=public_key,
        activation=Activation.NEVER,
    ).system
    (work / "brev.xml").write_bytes(memo_xml())

    result = run(intake, (system, key_file), work, "put brev.xml /in/brev.xml")

    assert result.returncode != 0
    assert "Permission denied" in result.stderr
    assert not Message.objects.exists()


def test_a_rest_systems_user_name_is_refused(intake, personas, sender, work):
    _, key_file = sender
    rest = create(personas.alice, SENDER, Protocol.REST_PULL, allowed_ips=(LOCALHOST,)).system
    username = f"sys-{rest.pk.hex[:12]}"

    result = sftp_batch(
        port=intake.port, username=username, key_file=key_file, commands=["ls /"], cwd=work
    )

    assert result.returncode != 0
    assert "Permission denied" in result.stderr


def test_shell_and_commands_are_refused(intake, sender, work):
    system, key_file = sender

    result = ssh_command(
        port=intake.port, username=system.ssh_username, key_file=key_file, command="echo owned"
    )

    assert result.returncode != 0
    assert "owned" not in result.stdout


def test_the_home_directory_shows_in_and_receipts(intake, sender, work):
    result = run(intake, sender, work, "cd /", "ls -1")

    assert result.returncode == 0, result.stderr
    assert listed(result.stdout) == {"in", "receipts"}


def test_a_corrupt_bulk_archive_gives_an_invalid_receipt_and_stores_nothing(intake, sender, work):
    system, _ = sender
    (work / "post.tar.xz").write_bytes(b"not an archive at all")

    result = run(intake, sender, work, "put post.tar.xz /in/post.tar.xz")

    assert result.returncode == 0, result.stderr
    assert not Message.objects.exists()
    receipt = receipts_of(system).get()
    assert (receipt.receipt_status, receipt.error_code) == (
        ReceiptStatus.INVALID,
        "bulk.archive.invalid",
    )


def test_uploads_beyond_the_spool_budget_are_refused(settings, sender, work, tmp_path):
    settings.ADGANG_SFTP_HOST_KEY = str(tmp_path / "host_key")
    settings.ADGANG_SFTP_SPOOL_MAX_BYTES = 1000
    (work / "brev.xml").write_bytes(memo_xml(files=(("brev.pdf", b"x" * 5000),)))
    server = IntakeThread().start()
    try:
        result = run(server, sender, work, "put brev.xml /in/brev.xml")
    finally:
        server.stop()

    assert result.returncode != 0
    assert not Message.objects.exists()
    assert not Receipt.objects.exists()


def test_another_systems_receipt_cannot_be_read_or_removed(intake, personas, sender, work):
    system, _ = sender
    (work / "brev.xml").write_bytes(memo_xml())
    run(intake, sender, work, "put brev.xml /in/brev.xml")
    receipt = receipts_of(system).get()
    other_key, other_public = key_pair(work, "other")
    other = create(
        personas.maja, SENDER, Protocol.SFTP, allowed_ips=(LOCALHOST,), ssh_public_key=other_public
    ).system

    listing = run(intake, (other, other_key), work, "ls -1 /receipts")
    fetched = run(intake, (other, other_key), work, f"get /receipts/{receipt.pk}.json")
    removed = run(intake, (other, other_key), work, f"rm /receipts/{receipt.pk}.json")

    assert listing.returncode == 0, listing.stderr
    assert listed(listing.stdout) == set()
    assert fetched.returncode != 0
    assert "not found" in fetched.stderr.lower()
    assert removed.returncode != 0
    receipt.refresh_from_db()
    assert receipt.deleted_at is None
    assert not (work / f"{receipt.pk}.json").exists()


def test_an_upload_the_client_never_closes_is_not_submitted(intake, sender, work):
    system, key_file = sender
    dropped_uuid, later_uuid = str(uuid.uuid4()), str(uuid.uuid4())

    async def upload_and_drop() -> None:
        connection = await asyncssh.connect(
            "127.0.0.1",
            intake.port,
            username=system.ssh_username,
            client_keys=[str(key_file)],
            known_hosts=None,
            agent_path=None,
        )
        sftp = await connection.start_sftp_client()
        upload = await sftp.open("/in/brev.xml", "wb")
        await upload.write(memo_xml(message_uuid=dropped_uuid))
        connection.abort()  # the line drops before the file is closed

    asyncio.run(upload_and_drop())
    # A later upload is done only when its receipt exists; by then the dropped one is long
    # settled.
    (work / "later.xml").write_bytes(memo_xml(message_uuid=later_uuid))
    assert run(intake, sender, work, "put later.xml /in/later.xml").returncode == 0

    assert list(Message.objects.values_list("message_uuid", flat=True)) == [uuid.UUID(later_uuid)]
    assert receipts_of(system).count() == 1


def test_remote_port_forwarding_is_refused(intake, sender, work):
    system, key_file = sender

    result = ssh_command(
        port=intake.port,
        username=system.ssh_username,
        key_file=key_file,
        command="",
        options=("-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9"),
    )

    assert result.returncode != 0
    assert "remote port forwarding failed" in result.stderr


def test_tunnels_through_the_server_are_refused(intake, sender):
    system, key_file = sender

    async def tunnel() -> None:
        async with asyncssh.connect(
            "127.0.0.1",
            intake.port,
            username=system.ssh_username,
            client_keys=[str(key_file)],
            known_hosts=None,
            agent_path=None,
        ) as connection:
            await connection.open_connection("127.0.0.1", intake.port)

    with pytest.raises(asyncssh.ChannelOpenError):
        asyncio.run(tunnel())


def test_stopping_the_server_closes_open_sessions(settings, sender, tmp_path):
    system, key_file = sender
    settings.ADGANG_SFTP_HOST_KEY = str(tmp_path / "host_key")
    server = IntakeThread().start()

    async def session_then_stop() -> bool:
        connection = await asyncssh.connect(
            "127.0.0.1",
            server.port,
            username=system.ssh_username,
            client_keys=[str(key_file)],
            known_hosts=None,
            agent_path=None,
        )
        await connection.start_sftp_client()
        await asyncio.get_running_loop().run_in_executor(None, server.stop)
        await asyncio.wait_for(connection.wait_closed(), timeout=10)
        return True

    assert asyncio.run(session_then_stop())
    assert not server.is_running()


def test_only_public_key_authentication_is_offered(intake, sender, work):
    system, key_file = sender

    result = ssh_command(
        port=intake.port,
        username=system.ssh_username,
        key_file=key_file,
        command="",
        options=("-o", "PreferredAuthentications=password,keyboard-interactive"),
    )

    assert result.returncode != 0
    # The server names the methods it accepts: publickey and nothing else.
    assert "Permission denied (publickey)." in result.stderr
