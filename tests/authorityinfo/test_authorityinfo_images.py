"""The logo rule (SPEC §9, guide §11.4): PNG by content, ≤ 512 KB, square, ≥ 200×200 px,
decoded safely (no bombs, truncated files refused), re-encoded without metadata."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from adgang.authorityinfo import images
from adgang.authorityinfo.images import LogoRefused, logo_check, png_chunk_types
from tests.authorityinfo import pngs

KB = 1024


def _refused(content: bytes) -> LogoRefused:
    with pytest.raises(LogoRefused) as caught:
        logo_check(content)
    return caught.value


def test_a_square_png_of_200_pixels_is_accepted():
    logo = logo_check(pngs.png(200))

    assert (logo.width, logo.height) == (200, 200)
    with Image.open(io.BytesIO(logo.png)) as image:
        assert image.format == "PNG"
        assert image.mode == "RGBA"
        assert image.size == (200, 200)


def test_the_stored_png_has_no_text_chunks_even_when_the_upload_had_them():
    upload = pngs.png_with_text()
    assert {"tEXt", "zTXt", "iTXt"} <= set(png_chunk_types(upload))

    logo = logo_check(upload)

    assert png_chunk_types(logo.png) == ["IHDR", "IDAT", "IEND"]
    with Image.open(io.BytesIO(logo.png)) as image:
        assert image.info == {}
        assert image.text == {}


def test_unknown_ancillary_chunks_do_not_survive():
    logo = logo_check(pngs.png_of_size(10 * KB))

    assert "prVt" not in png_chunk_types(logo.png)


def test_the_pixels_survive_the_re_encoding():
    logo = logo_check(pngs.png(250, color=(10, 20, 30)))

    with Image.open(io.BytesIO(logo.png)) as image:
        assert image.getpixel((100, 100)) == (10, 20, 30, 255)


@pytest.mark.parametrize(
    ("content", "code", "text"),
    [
        (b"", "empty", "Filen er tom"),
        (pngs.jpeg(), "not_png", "skal være i .png-format"),
        (b"GIF89a" + b"\0" * 100, "not_png", "skal være i .png-format"),
        (pngs.png(300, 299), "not_square", "skal være kvadratisk"),
        (pngs.png(199), "too_small", "mindst 200 × 200 pixels. Det er 199 × 199"),
        (pngs.bomb(30000), "bomb", "højst være 4096 × 4096 pixels"),
        (pngs.bomb(4097), "bomb", "højst være 4096 × 4096 pixels"),
        (pngs.truncated(), "unreadable", "kan ikke læses"),
        (pngs.SIGNATURE, "unreadable", "kan ikke læses"),
        (pngs.animated_png(), "animated", "animeret"),
    ],
    ids=[
        "empty",
        "jpeg",
        "gif",
        "not-square",
        "199",
        "bomb",
        "just-over-max",
        "truncated",
        "signature-only",
        "animated",
    ],
)
def test_bad_logos_are_refused_with_a_danish_reason(content, code, text):
    refused = _refused(content)

    assert refused.code == code
    assert text in refused.message


def test_513_kb_is_refused_and_512_kb_is_accepted():
    assert _refused(pngs.png_of_size(513 * KB)).message == (
        "Logoet må fylde højst 512 KB. Filen fylder 513 KB."
    )
    assert logo_check(pngs.png_of_size(512 * KB)).width == 300


def test_a_bomb_is_refused_before_any_pixel_is_decoded(monkeypatch):
    def explode(self):  # pragma: no cover - must not be reached
        raise AssertionError("pixels decoded")

    monkeypatch.setattr(Image.Image, "load", explode)
    monkeypatch.setattr("PIL.ImageFile.ImageFile.load", explode)

    assert _refused(pngs.bomb(30000)).code == "bomb"


def test_a_truncated_file_is_refused_even_if_pillow_was_told_to_accept_them(monkeypatch):
    monkeypatch.setattr("PIL.ImageFile.LOAD_TRUNCATED_IMAGES", True)

    assert _refused(pngs.truncated()).code == "unreadable"


def test_the_chunk_scanner_reads_a_png():
    assert png_chunk_types(pngs.png(200)) == ["IHDR", "IDAT", "IEND"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_random_bytes_never_raise_anything_but_the_logo_refusal(content):
    try:
        logo = logo_check(content)
    except LogoRefused as refused:
        assert refused.message
    else:  # pragma: no cover - random bytes are practically never a logo
        assert logo.width == logo.height >= images.MIN_SIDE


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    position=st.integers(min_value=8, max_value=2000),
    replacement=st.binary(min_size=1, max_size=64),
)
def test_a_corrupted_png_never_raises_anything_but_the_logo_refusal(position, replacement):
    valid = pngs.png_with_text(200)
    content = valid[:position] + replacement + valid[position + len(replacement) :]
    try:
        logo = logo_check(content)
    except LogoRefused as refused:
        assert refused.code in images.MESSAGES
    else:
        assert png_chunk_types(logo.png) == ["IHDR", "IDAT", "IEND"]


def test_the_largest_accepted_logo_is_4096_pixels_square():
    logo = logo_check(pngs.png(images.MAX_SIDE))

    assert (logo.width, logo.height) == (4096, 4096)
