"""Redigér logo (SPEC §9, guide §11.4) through the pages: upload, preview, delete, every bad
file refused next to the field with nothing saved, all logged."""

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from adgang.audit.models import ActionLogEntry, Subject
from adgang.authorityinfo import images
from adgang.authorityinfo.images import png_chunk_types
from adgang.authorityinfo.models import AuthorityInfo
from tests.authorityinfo import pngs

PAGE = "/myndighedsinformation/"
LOGO = "/myndighedsinformation/logo/"
DELETE = "/myndighedsinformation/logo/slet/"
KB = 1024


def _upload(client, content: bytes, name: str = "logo.png", content_type="image/png"):
    return client.post(LOGO, {"logo": SimpleUploadedFile(name, content, content_type)})


def _log():
    return list(
        ActionLogEntry.objects.filter(subject=Subject.MYNDIGHEDSINFORMATION).order_by("occurred_at")
    )


def _preview_url(body: str) -> str:
    start = body.index('src="/myndighedsinformation/logo/') + len('src="')
    return html.unescape(body[start : body.index('"', start)])


def test_the_logo_page_shows_the_guides_rules(client_as):
    body = html.unescape(client_as("alice").get(LOGO).content.decode())

    assert 'enctype="multipart/form-data"' in body
    assert "Logoet skal være i .png format og må fylde maksimalt 512 KB." in body
    assert "minimum have en bredde og højde på 200 pixels" in body


def test_uploading_a_logo_saves_a_re_encoded_png_logs_it_and_shows_a_preview(client_as, personas):
    client = client_as("alice")

    response = _upload(client, pngs.png_with_text(512), name="kommune-logo.png")

    assert response.status_code == 302 and response["Location"] == PAGE
    info = AuthorityInfo.objects.get(organisation=personas.alice.organisation)
    assert (info.logo_width, info.logo_height) == (512, 512)
    assert png_chunk_types(bytes(info.logo_png)) == ["IHDR", "IDAT", "IEND"]
    [entry] = _log()
    assert (entry.field, entry.before, entry.after) == (
        "Logo",
        "Intet",
        "kommune-logo.png (512×512)",
    )
    assert entry.actor == personas.alice.actor_id
    page = client.get(PAGE).content.decode()
    assert "Logoet er gemt." in page
    preview = client.get(_preview_url(page))
    assert preview.status_code == 200
    assert preview["Content-Type"] == "image/png"
    assert preview["X-Content-Type-Options"] == "nosniff"
    assert "private" in preview["Cache-Control"]
    assert preview.content == bytes(info.logo_png)
    with Image.open(io.BytesIO(preview.content)) as image:
        assert image.size == (512, 512)
        assert image.info == {}


def test_replacing_the_logo_logs_before_and_after(client_as):
    client = client_as("alice")
    _upload(client, pngs.png(300), name="gammelt.png")

    _upload(client, pngs.png(400), name="nyt.png")

    entry = _log()[-1]
    assert (entry.event, entry.before, entry.after) == (
        "Ændret",
        "gammelt.png (300×300)",
        "nyt.png (400×400)",
    )


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (pngs.jpeg(), "logo.png", "Logoet skal være i .png-format."),
        (pngs.png(300, 250), "logo.png", "Logoet skal være kvadratisk"),
        (pngs.png(199), "logo.png", "Logoet skal være mindst 200 × 200 pixels."),
        (pngs.png_of_size(513 * KB), "logo.png", "Logoet må fylde højst 512 KB."),
        (pngs.bomb(30000), "logo.png", "for mange pixels"),
        (pngs.truncated(), "logo.png", "kan ikke læses som et PNG-billede"),
        (b"", "logo.png", "Filen er tom."),
        (pngs.animated_png(), "logo.png", "animeret"),
    ],
    ids=["jpeg-renamed", "not-square", "199", "513kb", "bomb", "truncated", "empty", "animated"],
)
def test_bad_logos_are_refused_next_to_the_field_and_nothing_is_saved(
    client_as, content, name, message
):
    client = client_as("alice")

    response = _upload(client, content, name=name)

    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert 'class="form-error-message"' in body
    assert message in body
    assert 'aria-invalid="true"' in body
    assert "Der er problemer med det, du har udfyldt" in body
    assert AuthorityInfo.objects.count() == 0
    assert _log() == []


def test_no_file_chosen_is_refused(client_as):
    response = client_as("alice").post(LOGO, {})

    assert "Vælg en .png-fil med jeres logo." in html.unescape(response.content.decode())
    assert AuthorityInfo.objects.count() == 0


def test_a_bad_upload_keeps_the_saved_logo(client_as, personas):
    client = client_as("alice")
    _upload(client, pngs.png(300))
    before = bytes(AuthorityInfo.objects.get().logo_png)

    _upload(client, pngs.jpeg())

    assert bytes(AuthorityInfo.objects.get().logo_png) == before
    assert len(_log()) == 1


def test_a_huge_upload_is_refused_with_its_size_and_never_held_in_memory(client_as):
    response = _upload(client_as("alice"), pngs.png(300) + b"\0" * (5 * 1024 * KB))

    body = html.unescape(response.content.decode())
    assert "Logoet må fylde højst 512 KB. Filen fylder 5121 KB." in body
    assert AuthorityInfo.objects.count() == 0


def test_the_upload_handler_keeps_at_most_the_limit_plus_one_byte():
    handler = images.BoundedUploadHandler(field_name="logo")
    handler.new_file("logo", "logo.png", "image/png", None)
    for start in range(0, 3 * images.MAX_BYTES, 64 * KB):
        handler.receive_data_chunk(b"x" * (64 * KB), start)
    upload = handler.file_complete(3 * images.MAX_BYTES)

    assert upload.size == 3 * images.MAX_BYTES
    assert len(upload.read()) == images.MAX_BYTES + 1


def test_the_upload_handler_drops_other_file_fields():
    handler = images.BoundedUploadHandler(field_name="logo")
    handler.new_file("other", "x.bin", "application/octet-stream", None)
    handler.receive_data_chunk(b"x" * 10, 0)

    assert handler.file_complete(10) is None


def test_the_logo_form_needs_a_csrf_token(client_as):
    client = client_as("alice")
    client.handler.enforce_csrf_checks = True

    response = _upload(client, pngs.png(300))

    assert response.status_code == 403
    assert AuthorityInfo.objects.count() == 0


def test_deleting_the_logo_asks_first_then_deletes_and_logs(client_as, personas):
    client = client_as("alice")
    _upload(client, pngs.png(300), name="logo.png")
    preview = _preview_url(client.get(PAGE).content.decode())

    confirm = client.get(DELETE)
    assert confirm.status_code == 200
    assert "Slet logo" in confirm.content.decode()
    assert AuthorityInfo.objects.get().has_logo

    response = client.post(DELETE)

    assert response.status_code == 302
    info = AuthorityInfo.objects.get()
    assert not info.has_logo and bytes(info.logo_png) == b""
    entry = _log()[-1]
    assert (entry.event, entry.before, entry.after) == ("Slettet", "logo.png (300×300)", "Intet")
    assert client.get(preview).status_code == 404
    assert "Der er endnu ikke uploadet et logo." in client.get(PAGE).content.decode()


def test_deleting_when_there_is_no_logo_changes_nothing(client_as):
    assert client_as("alice").post(DELETE).status_code == 302
    assert _log() == []
