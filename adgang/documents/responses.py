"""HTTP responses for downloads (SPEC §14 "Downloads"): the one place that names files.

Every download is an attachment with a sanitised file name, is never stored by a browser or
proxy cache (receipts carry API keys and personal data) and is never content-sniffed.

File names: a name built from user input (a system name, a CPR number) must not escape the
header (quotes, CR/LF), point into a directory (`../`), hide itself (`.name`), or spoof its
extension (right-to-left override). `safe_filename()` keeps the last path component without
control and format characters, quotes and the characters Windows refuses. Danish letters stay:
the header carries an ASCII fallback (`æ` → `ae`, `ø` → `oe`, `å` → `aa`) in `filename=` and
the real name as UTF-8 in `filename*=` (RFC 6266 / RFC 5987), which every current browser uses.
"""

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse

from adgang.documents.csv import csv_iter_lines
from adgang.documents.xlsx import XLSX_CONTENT_TYPE

PDF_CONTENT_TYPE = "application/pdf"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

DEFAULT_FILENAME = "download"
FILENAME_MAX = 150
# Streamed CSV is sent in chunks of about this many bytes instead of one write per row.
STREAM_CHUNK = 64 * 1024

# Control (Cc), format (Cf: bidi overrides, zero-width), separators that end lines (Zl, Zp),
# surrogates, private use and unassigned code points.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
# Quotes (they end the header's quoted string) and what Windows refuses in a file name.
_DROPPED_CHARACTERS = re.compile(r"[\"'`<>:|?*;]")
_PATH_SEPARATORS = re.compile(r"[/\\]")
_DANISH_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, dot + extension


def safe_filename(filename: str) -> str:
    """A file name safe to offer for download, built from untrusted text (idempotent).

    The last path component without control and format characters, quotes and
    `< > : | ? * ;`, NFC-normalised (æ as one code point, as file systems expect), whitespace
    collapsed, no leading or trailing dots and spaces, at most `FILENAME_MAX` characters (the
    extension kept); "download" if nothing is left.
    """
    name = _PATH_SEPARATORS.split(filename)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    name = unicodedata.normalize("NFC", _DROPPED_CHARACTERS.sub("", name))
    name = " ".join(name.split()).strip(" .")
    if len(name) > FILENAME_MAX:
        stem, extension = _split_extension(name)
        extension = extension[:20]
        name = (stem[: FILENAME_MAX - len(extension)].rstrip(" .") + extension).strip(" .")
    return name or DEFAULT_FILENAME


def _ascii(text: str) -> str:
    spelled = unicodedata.normalize("NFKD", text.translate(_DANISH_ASCII))
    return " ".join(spelled.encode("ascii", "ignore").decode("ascii").split())


def _ascii_filename(name: str) -> str:
    """The ASCII fallback of an already safe name: Danish letters spelled out, accents
    dropped, anything else left out; "download" (with the extension) if no stem is left."""
    stem, extension = _split_extension(name)
    stem, extension = _ascii(stem).strip(" ."), _ascii(extension)
    return (stem or DEFAULT_FILENAME) + (extension if len(extension) > 1 else "")


def content_disposition(filename: str) -> str:
    """`attachment` with the safe name; `filename*` (UTF-8) is added when it is not ASCII."""
    name = safe_filename(filename)
    fallback = _ascii_filename(name)
    header = f'attachment; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def _protect(response: HttpResponse | StreamingHttpResponse, filename: str) -> None:
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"


def _with_extension(filename: str, extension: str) -> str:
    name = safe_filename(filename)
    return name if name.lower().endswith(extension) else name + extension


def download_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """A finished document as an attachment named `filename` (sanitised), not cacheable."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Length"] = str(len(content))
    _protect(response, filename)
    return response


def pdf_response(content: bytes, *, filename: str) -> HttpResponse:
    """A PDF from `pdf_render()` as a download; ".pdf" is added to the name if missing."""
    return download_response(
        content, filename=_with_extension(filename, ".pdf"), content_type=PDF_CONTENT_TYPE
    )


def xlsx_response(content: bytes, *, filename: str) -> HttpResponse:
    """A workbook from `xlsx_render()` as a download; ".xlsx" is added to the name if missing."""
    return download_response(
        content, filename=_with_extension(filename, ".xlsx"), content_type=XLSX_CONTENT_TYPE
    )


def _chunks(lines: Iterable[str]) -> Iterator[bytes]:
    """UTF-8 bytes in chunks of about `STREAM_CHUNK`, so a 100,000-row log is not sent as
    100,000 writes and never held in memory."""
    buffer: list[str] = []
    size = 0
    for line in lines:
        buffer.append(line)
        size += len(line)
        if size >= STREAM_CHUNK:
            yield "".join(buffer).encode("utf-8")
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


def csv_streaming_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    """A CSV export (see `adgang.documents.csv`) streamed in constant memory (SPEC §5
    "Exports stream in constant memory"); ".csv" is added to the name if missing.

    `rows` is consumed while the response is sent, after the view has returned: pass a lazy
    iterable (`queryset.iterator()`), and do the access checks and search logging before.
    """
    response = StreamingHttpResponse(
        _chunks(csv_iter_lines(headers, rows)), content_type=CSV_CONTENT_TYPE
    )
    _protect(response, _with_extension(filename, ".csv"))
    return response
