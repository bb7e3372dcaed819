"""Reading an upload without trusting its size (NGDP-API.md "Sending").

Django's `request.body` refuses anything over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), far
below a 99.5 MB MeMo, and raising that setting would let every other view read huge bodies.
So the upload views read the stream themselves, in chunks, and stop one byte past the limit:
memory is bounded by the limit, whatever Content-Length claims. Multipart uploads go through
Django's upload handlers (large parts spill to a temporary file) after the same bound on
Content-Length.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError

from adgang.messaging.api.errors import (
    BULK_FILE_MISSING,
    CONTENT_TYPE_NOT_ALLOWED,
    MULTIPART_MALFORMED,
    SIZE_TOO_LARGE,
    ApiError,
)

MIB = 1024 * 1024
SINGLE_MAX_BYTES = 140 * MIB  # a 99.5 MB attachment base64-encoded, plus the XML around it
BULK_MAX_BYTES = 200 * MIB  # the compressed archive
MULTIPART_OVERHEAD_BYTES = 64 * 1024  # boundaries and part headers around the archive
CHUNK_BYTES = 1 * MIB

SINGLE_TYPES = frozenset({"application/xml", "text/xml"})
BULK_TYPES = frozenset({"application/x-lzma", "application/x-xz"})
MULTIPART_TYPE = "multipart/form-data"

SINGLE, BULK, MULTIPART = "single", "bulk", "multipart"


def upload_kind(request: HttpRequest) -> str:
    """single, bulk or multipart by Content-Type (parameters such as charset are allowed)."""
    content_type = (request.content_type or "").lower()
    if content_type in SINGLE_TYPES:
        return SINGLE
    if content_type in BULK_TYPES:
        return BULK
    if content_type == MULTIPART_TYPE:
        return MULTIPART
    raise ApiError(
        415,
        CONTENT_TYPE_NOT_ALLOWED,
        "Content-Type must be application/xml or text/xml (one message), application/x-lzma "
        "or multipart/form-data with a part named file (a bulk archive).",
    )


def too_large(limit: int) -> ApiError:
    return ApiError(413, SIZE_TOO_LARGE, f"The upload is larger than the limit of {limit} bytes.")


def declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def body_read(request: HttpRequest, limit: int) -> bytes:
    """The request body, or 413 once it passes `limit` bytes (checked before reading when
    Content-Length already says so)."""
    if declared_length(request) > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    total = 0
    while chunk := request.read(CHUNK_BYTES):
        total += len(chunk)
        if total > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def multipart_archive(request: HttpRequest, limit: int) -> bytes:
    """The bytes of the part named `file` of a multipart upload."""
    if declared_length(request) > limit + MULTIPART_OVERHEAD_BYTES:
        raise too_large(limit)
    try:
        upload = request.FILES.get("file")
    except RequestDataTooBig:
        raise too_large(limit) from None
    except (MultiPartParserError, SuspiciousOperation):
        raise ApiError(400, MULTIPART_MALFORMED, "The multipart body is malformed.") from None
    if upload is None:
        raise ApiError(400, BULK_FILE_MISSING, "The multipart body has no part named file.")
    if upload.size > limit:
        raise too_large(limit)
    upload.seek(0)
    return upload.read()
