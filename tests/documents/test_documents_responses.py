"""Download responses (SPEC §14): attachments with safe names, never cached or sniffed."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.utils.http import parse_header_parameters

from adgang.documents.responses import (
    csv_streaming_response,
    download_response,
    pdf_response,
    safe_filename,
    xlsx_response,
)


def disposition(response) -> tuple[str, dict[str, str]]:
    """The Content-Disposition type and its parameters, `filename*` decoded (RFC 5987) as a
    browser does: it then wins over the ASCII `filename`."""
    return parse_header_parameters(response["Content-Disposition"])


def test_download_response_is_an_uncached_unsniffed_attachment():
    response = download_response(b"%PDF-1.7 data", filename="kvittering.pdf", content_type="x/y")

    assert response.content == b"%PDF-1.7 data"
    assert response["Content-Type"] == "x/y"
    assert response["Content-Length"] == "13"
    assert response["Content-Disposition"] == 'attachment; filename="kvittering.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("filename", "ascii_name", "real_name"),
    [
        ("../../etc/passwd", "passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini", "win.ini"),
        ('a"b.pdf', "ab.pdf", "ab.pdf"),
        ("a'b`c.pdf", "abc.pdf", "abc.pdf"),
        ("æøå.pdf", "aeoeaa.pdf", "æøå.pdf"),
        ("Kvittering – Ærø Kommune.pdf", "Kvittering Aeroe Kommune.pdf", None),
        ("a\r\nSet-Cookie: session=evil.pdf", "aSet-Cookie session=evil.pdf", None),
        ("a\nb\x00c\x1b.pdf", "abc.pdf", "abc.pdf"),
        ("faktura\u202efdp.exe", "fakturafdp.exe", "fakturafdp.exe"),  # right-to-left override
        (".htaccess", "htaccess", "htaccess"),
        ("", "download", "download"),
        ("../", "download", "download"),
        ("报告.pdf", "download.pdf", "报告.pdf"),
    ],
)
def test_download_response_sanitises_the_file_name(filename, ascii_name, real_name):
    response = download_response(b"x", filename=filename, content_type="application/pdf")

    header = response["Content-Disposition"]
    kind, parameters = disposition(response)
    assert kind == "attachment"
    assert header.isascii()
    assert not any(character in header for character in "\r\n\x00\\/")
    assert header.startswith(f'attachment; filename="{ascii_name}"')
    assert parameters["filename"] == (real_name or safe_filename(filename))
    assert "Set-Cookie" not in response.headers


def test_danish_file_name_is_kept_in_the_rfc5987_parameter():
    response = download_response(b"x", filename="æøå.pdf", content_type="application/pdf")

    assert response["Content-Disposition"] == (
        "attachment; filename=\"aeoeaa.pdf\"; filename*=UTF-8''%C3%A6%C3%B8%C3%A5.pdf"
    )


def test_safe_filename_keeps_extension_when_shortening_a_long_name():
    name = safe_filename("x" * 400 + ".xlsx")

    assert len(name) == 150
    assert name.endswith(".xlsx")


@pytest.mark.parametrize(
    ("make", "filename", "content_type", "expected_name"),
    [
        (pdf_response, "kvittering", "application/pdf", "kvittering.pdf"),
        (pdf_response, "kvittering.PDF", "application/pdf", "kvittering.PDF"),
        (
            xlsx_response,
            "systemoversigt",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "systemoversigt.xlsx",
        ),
        (
            xlsx_response,
            "../oversigt.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "oversigt.xlsx",
        ),
    ],
)
def test_format_responses_set_content_type_and_extension(
    make, filename, content_type, expected_name
):
    response = make(b"data", filename=filename)

    assert response["Content-Type"] == content_type
    assert disposition(response)[1]["filename"] == expected_name
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_csv_streaming_response_streams_the_csv_in_chunks():
    rows = ([number, f"=besked {number}"] for number in range(20_000))

    response = csv_streaming_response("../hændelseslog", ["Nr", "Besked"], rows)

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert disposition(response)[1]["filename"] == "hændelseslog.csv"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    chunks = list(response.streaming_content)
    assert 1 < len(chunks) < 20_000  # batched: neither one write per row nor all at once
    text = b"".join(chunks).decode("utf-8")
    assert text.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))
    assert parsed[0] == ["Nr", "Besked"]
    assert parsed[1] == ["0", "'=besked 0"]
    assert len(parsed) == 20_001
