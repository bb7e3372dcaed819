"""Sender operations of /apis/v1 (SPEC §13 "Sender API", NGDP-API.md "Sending").

Thin: authenticate (auth.py), read the upload within its limit (upload.py), hand the bytes
to the ingest services, answer a Receipt or the service's ErrorMessage. Receipts for
pulling are read through sender_receipts.py.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, JsonResponse
from ninja import Query, Status

from adgang.core import clock
from adgang.messaging.api import upload
from adgang.messaging.api.auth import sender_auth
from adgang.messaging.api.errors import (
    MESSAGE_UUID_MISSING,
    SERVICE_UNAVAILABLE_STATUS,
    ApiError,
    unavailable_receipt,
)
from adgang.messaging.api.router import router
from adgang.messaging.api.schemas import ErrorMessage, Receipt, ReceiptPage, receipt_out
from adgang.messaging.api.sender_receipts import receipt_delete, receipt_of, receipts_page
from adgang.messaging.bulk import bulk_submit
from adgang.messaging.errors import Refusal
from adgang.messaging.ingest import message_submit
from adgang.messaging.models import ReceiptStatus

TAG = ["Sending"]
MAX_PAGE_SIZE = 1000
MAX_PAGE = 10_000_000
ERRORS = {400: ErrorMessage, 401: ErrorMessage, 403: ErrorMessage}

MEMO_EXAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<memo:Message xmlns:memo="https://DigitalPost.dk/MeMo-1" memoVersion="1.2">
  <memo:MessageHeader>
    <memo:messageType>DIGITALPOST</memo:messageType>
    <memo:messageUUID>8f0d1c3e-2b7a-4c55-9e1d-6a2b3c4d5e6f</memo:messageUUID>
    <memo:label>Pladsanvisning</memo:label>
    <memo:Sender><memo:senderID>29189846</memo:senderID><memo:idType>CVR</memo:idType>
      <memo:label>Kommunen</memo:label></memo:Sender>
    <memo:Recipient><memo:recipientID>0101901234</memo:recipientID>
      <memo:idType>CPR</memo:idType></memo:Recipient>
  </memo:MessageHeader>
  <memo:MessageBody>
    <memo:createdDateTime>2026-03-02T09:00:00Z</memo:createdDateTime>
    <memo:MainDocument><memo:File>
      <memo:encodingFormat>application/pdf</memo:encodingFormat>
      <memo:filename>Pladsanvisning.pdf</memo:filename><memo:language>da</memo:language>
      <memo:content>JVBERi0xLjQgdGVzdA==</memo:content>
    </memo:File></memo:MainDocument>
  </memo:MessageBody>
</memo:Message>"""

UPLOAD_BODY = {
    "required": True,
    "content": {
        "application/xml": {
            "schema": {"type": "string", "description": "One MeMo message (1.1 or 1.2)."},
            "example": MEMO_EXAMPLE,
        },
        "text/xml": {"schema": {"type": "string"}, "example": MEMO_EXAMPLE},
        "application/x-lzma": {
            "schema": {
                "type": "string",
                "format": "binary",
                "description": "A tar archive of MeMo files, LZMA- or xz-compressed.",
            }
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
    },
}

MEMOS_POST_DESCRIPTION = """
Submit one MeMo message or a bulk archive.

* **One message**: `Content-Type: application/xml` (or `text/xml`), the MeMo XML as the body,
  at most 140 MiB. `memo-message-uuid` is required and must equal
  `MessageHeader/messageUUID`. The answer is the technical receipt: `RECEIVED` with the
  `messageId` when accepted. An invalid message is refused with 400 and an ErrorMessage whose
  `fieldErrors` name each problem; nothing is stored.
* **Bulk**: `Content-Type: application/x-lzma` (or `application/x-xz`) with a tar archive of
  MeMo files, LZMA-compressed, or `multipart/form-data` with the archive in a part named
  `file`; at most 200 MiB. The answer is one receipt for the transmission
  (`receiptStatus` RECEIVED, `transmissionId`, `messageUUID` null). Each member gets its own
  receipt (RECEIVED, or INVALID with the error code): REST PULL senders fetch them from
  `GET /apis/v1/receipts/`, REST PUSH senders with a receipt endpoint get them POSTed there.
  A corrupt archive is refused as a whole (400) and nothing is stored.

Errors: 413 `memo.size.too.large`, 415 `content.type.not.allowed`, 400
`memo.message.uuid.missing`, 401/403 for authentication and system type; 503 with a Receipt
(`receiptStatus` NOT_ALLOWED, `errorCode` `service.unavailable`) when the store is down —
send again later.
"""


def _refusal_response(request: HttpRequest, refusal: Refusal) -> JsonResponse:
    """The service's ErrorMessage; a 503 (a register or the store is down) is a Receipt, as
    NGDP-API.md has it, so the sender knows to send again."""
    if refusal.status == SERVICE_UNAVAILABLE_STATUS:
        return unavailable_receipt(request, refusal.code, refusal.message)
    return JsonResponse(refusal.as_json(), status=refusal.status)


@router.post(
    "/memos/",
    auth=sender_auth,
    tags=TAG,
    summary="Send a message or a bulk archive",
    description=MEMOS_POST_DESCRIPTION,
    response={201: Receipt, 413: ErrorMessage, 415: ErrorMessage, 503: Receipt, **ERRORS},
    openapi_extra={"requestBody": UPLOAD_BODY},
)
def memos_post(
    request: HttpRequest,
    memo_message_uuid: str | None = Query(None, alias="memo-message-uuid", max_length=100),
):
    kind = upload.upload_kind(request)
    if kind == upload.SINGLE:
        return _single_submit(request, memo_message_uuid)
    if kind == upload.BULK:
        archive = upload.body_read(request, upload.BULK_MAX_BYTES)
    else:
        archive = upload.multipart_archive(request, upload.BULK_MAX_BYTES)
    return _bulk_submit(request, archive)


def _single_submit(request: HttpRequest, query_uuid: str | None):
    if not query_uuid:
        raise ApiError(
            400, MESSAGE_UUID_MISSING, "The query parameter memo-message-uuid is required."
        )
    content = upload.body_read(request, upload.SINGLE_MAX_BYTES)
    result = message_submit(system=request.auth, content=content, query_uuid=query_uuid)
    if isinstance(result, Refusal):
        return _refusal_response(request, result)
    return Status(201, receipt_out(result))


def _bulk_submit(request: HttpRequest, archive: bytes):
    result = bulk_submit(system=request.auth, archive=archive)
    if isinstance(result, Refusal):
        return _refusal_response(request, result)
    return Status(
        201,
        {
            "receiptId": None,
            "transmissionId": result.transmission_id,
            "messageUUID": None,
            "messageId": None,
            "timeStamp": clock.now(),
            "receiptStatus": ReceiptStatus.RECEIVED,
        },
    )


@router.get(
    "/receipts/",
    auth=sender_auth,
    tags=TAG,
    summary="List receipts waiting to be pulled",
    description=(
        "The calling system's receipts not yet deleted, oldest first: member receipts of bulk "
        "uploads and business receipts from receivers. `page` is zero-based. The technical "
        "receipt that answered a single upload is not listed again."
    ),
    response={200: ReceiptPage, **ERRORS},
)
def receipts_list(
    request: HttpRequest,
    page: int = Query(0, ge=0, le=MAX_PAGE),
    size: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
):
    found = receipts_page(request.auth, page=page, size=size)
    return {
        "content": [receipt_out(receipt) for receipt in found.rows],
        "page": page,
        "size": size,
        "totalElements": found.total,
        "totalPages": -(-found.total // size),
    }


@router.get(
    "/receipts/{id}",
    auth=sender_auth,
    tags=TAG,
    summary="Read one receipt",
    description=(
        "One of the calling system's receipts by `receiptId`. With `delete=true` it is removed "
        "after reading. Another system's receipt answers 404 `receipt.not.found`."
    ),
    response={200: Receipt, 404: ErrorMessage, **ERRORS},
)
def receipts_get(request: HttpRequest, id: uuid.UUID, delete: bool = False):
    receipt = receipt_of(request.auth, id)
    if delete:
        receipt_delete(request.auth, id)
    return receipt_out(receipt)


@router.delete(
    "/receipts/{id}",
    auth=sender_auth,
    tags=TAG,
    summary="Delete a receipt",
    description="Removes a pulled receipt from the listing. Another system's: 404.",
    response={204: None, 404: ErrorMessage, **ERRORS},
)
def receipts_delete(request: HttpRequest, id: uuid.UUID):
    receipt_delete(request.auth, id)
    return Status(204, None)
