"""The contact-structure workbook import against a zip bomb (ASVS 12.1.2, SPEC §14).

An .xlsx is a zip: a few kilobytes of deflate can unpack to gigabytes. `transfer.analyse`
adds up what the members declare (zipfile never inflates a member past its declared size)
and refuses the workbook before openpyxl reads anything.
"""

import zipfile
from io import BytesIO

import pytest
from django.urls import reverse

from adgang.contacts import transfer
from adgang.contacts.models import ImportBatch
from tests.support.contacts_factories import snapshot
from tests.support.contacts_workbooks import full_structure, upload

MB = 1024 * 1024


def with_extra_member(content: bytes, unpacked: int) -> bytes:
    """`content` (a real export) plus one member of `unpacked` zero bytes, deflated."""
    buffer = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        with target.open("xl/media/padding.bin", "w") as member:
            chunk = bytes(MB)
            for _ in range(unpacked // MB):
                member.write(chunk)
            member.write(bytes(unpacked % MB))
    return buffer.getvalue()


@pytest.fixture
def structure(personas):
    full_structure(personas)
    return personas.alice.organisation


@pytest.fixture
def bomb(structure):
    """A real export that unpacks to just over the limit, yet is a small upload."""
    content = with_extra_member(transfer.build_workbook(structure), transfer.MAX_UNPACKED_BYTES + 1)
    assert len(content) < transfer.MAX_UPLOAD_BYTES // 100
    return content


def test_the_limit_is_fifty_megabytes():
    assert transfer.MAX_UNPACKED_BYTES == 50 * MB


def test_a_zip_bomb_is_refused_before_openpyxl_reads_it(structure, bomb, monkeypatch):
    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl opened the bomb")

    monkeypatch.setattr(transfer, "load_workbook", must_not_open)
    with pytest.raises(transfer.WorkbookTooLarge):
        transfer.analyse(structure, bomb)


def test_a_workbook_just_under_the_limit_is_read(structure, monkeypatch):
    """The same padding, with the limit moved above it: the check is on the sum, not a guess."""
    content = with_extra_member(transfer.build_workbook(structure), 2 * MB)
    monkeypatch.setattr(transfer, "MAX_UNPACKED_BYTES", 3 * MB)
    analysis = transfer.analyse(structure, content)
    assert analysis.errors == []
    monkeypatch.setattr(transfer, "MAX_UNPACKED_BYTES", 2 * MB)
    with pytest.raises(transfer.WorkbookTooLarge):
        transfer.analyse(structure, content)


def test_the_upload_of_a_zip_bomb_answers_the_danish_message_and_stores_nothing(
    client_as, structure, bomb
):
    before = snapshot(structure)

    response = client_as("alice").post(reverse("contacts:import"), {"workbook": upload(bomb)})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Filen pakker ud til mere end 50 MB og kan derfor ikke importeres." in page
    assert 'class="form-group form-error"' in page
    assert not ImportBatch.objects.exists()
    assert snapshot(structure) == before


def test_a_damaged_member_is_unreadable_not_a_crash(structure):
    """A member whose deflate stream is broken fails while openpyxl inflates it."""
    content = bytearray(transfer.build_workbook(structure))
    with zipfile.ZipFile(BytesIO(bytes(content))) as archive:
        sheet = next(i for i in archive.infolist() if i.filename.startswith("xl/worksheets/"))
    start = sheet.header_offset + 30 + len(sheet.filename.encode()) + len(sheet.extra)
    for offset in range(start + 2, start + 12):  # inside the compressed data
        content[offset] ^= 0xFF
    with pytest.raises(transfer.WorkbookUnreadable):
        transfer.analyse(structure, bytes(content))
