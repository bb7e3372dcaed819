"""Receiver operations of /apis/v1 (SPEC §13 "Delivery", NGDP-API.md "Receiving").

Thin: the receiver system is authenticated (auth.py); listing, fetching and deleting go to
the delivery core's pull.py, business receipts to business_receipts.py, subscriptions
(REST PUBLISH/SUBSCRIBE) to subscriptions.py.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Query, Status

from adgang.messaging import pull
from adgang.messaging.api.auth import receiver_auth
from adgang.messaging.api.errors import MESSAGE_NOT_FOUND, SUBSCRIPTION_NOT_FOUND, ApiError
from adgang.messaging.api.router import router
from adgang.messaging.api.schemas import (
    BusinessReceipt,
    ErrorMessage,
    MemoPage,
    Receipt,
    Subscription,
    SubscriptionRequest,
    receipt_out,
    subscription_out,
)
from adgang.messaging.business_receipts import business_receipt_accept
from adgang.messaging.errors import Refusal
from adgang.messaging.subscriptions import (
    SubscriptionNotFound,
    subscription_create,
    subscription_delete,
    subscription_list,
)

TAG = ["Receiving"]
ERRORS = {400: ErrorMessage, 401: ErrorMessage, 403: ErrorMessage}
NOT_FOUND_MESSAGE = "No message with this id is available to you."


def _not_found() -> ApiError:
    return ApiError(404, MESSAGE_NOT_FOUND, NOT_FOUND_MESSAGE)


@router.get(
    "/memos/",
    auth=receiver_auth,
    tags=TAG,
    summary="List messages waiting to be pulled",
    description=(
        "REST PULL: the messages available to the calling receiver system. `page` is "
        "zero-based, `size` at most 100, `sort` `createdAt,asc` (default) or `createdAt,desc`. "
        "Fetch each with GET /memos/{id}, then DELETE it to mark it fetched."
    ),
    response={200: MemoPage, **ERRORS},
)
def memos_list(
    request: HttpRequest,
    page: int = Query(0, ge=0, le=10_000_000),
    size: int = Query(20, ge=1, le=pull.MAX_PAGE_SIZE),
    sort: str = Query("createdAt,asc", max_length=40),
):
    try:
        found = pull.pull_list(request.auth, page=page, size=size, sort=sort)
    except pull.BadPaging as error:
        raise ApiError(400, error.code, error.message) from None
    return {
        "content": [
            {
                "messageId": item.message_id,
                "messageUUID": item.message_uuid,
                "transmissionId": item.transmission_id,
                "senderId": item.sender_id,
                "recipientId": item.recipient_id,
                "recipientIdType": item.recipient_id_type,
                "title": item.title,
                "size": item.size_bytes,
                "createdAt": item.created_at,
            }
            for item in found.items
        ],
        "page": found.page,
        "size": found.size,
        "totalElements": found.total_elements,
        "totalPages": found.total_pages,
    }


@router.get(
    "/memos/{id}",
    auth=receiver_auth,
    tags=TAG,
    summary="Fetch a message",
    description=(
        "The MeMo XML exactly as the sender sent it (`application/xml`). A message not "
        "available to the calling system answers 404 `message.not.found`."
    ),
    response={200: None, 404: ErrorMessage, **ERRORS},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The MeMo message.",
                "content": {"application/xml": {"schema": {"type": "string"}}},
            }
        }
    },
)
def memos_get(request: HttpRequest, id: uuid.UUID):
    try:
        xml = pull.pull_get(request.auth, id)
    except pull.NotFound:
        raise _not_found() from None
    return HttpResponse(xml, content_type="application/xml")


@router.delete(
    "/memos/{id}",
    auth=receiver_auth,
    tags=TAG,
    summary="Mark a message as fetched",
    description=(
        'Removes the message from the listing and records "Afhentet" (fetched) in the '
        "message log. A second DELETE answers 404."
    ),
    response={204: None, 404: ErrorMessage, **ERRORS},
)
def memos_delete(request: HttpRequest, id: uuid.UUID):
    try:
        pull.pull_delete(request.auth, id)
    except pull.NotFound:
        raise _not_found() from None
    return Status(204, None)


@router.post(
    "/memos/{id}/receipt",
    auth=receiver_auth,
    tags=TAG,
    summary="Send the business receipt for a message",
    description=(
        "`COMPLETED` when the message could be read, else `INVALID` with `errorCode` and "
        "`errorMessage`. Only the system the message was delivered to may send it, once; "
        "the sender system receives it as its business receipt. `{id}` is the messageId, or "
        "the messageUUID (a REST PUSH receiver has only the MeMo, whose file name it is)."
    ),
    response={201: Receipt, 404: ErrorMessage, 409: ErrorMessage, **ERRORS},
)
def memos_receipt(request: HttpRequest, id: uuid.UUID, receipt: BusinessReceipt):
    result = business_receipt_accept(
        system=request.auth,
        message_id=id,
        status=receipt.receiptStatus.value,
        error_code=receipt.errorCode or "",
        error_message=receipt.errorMessage or "",
    )
    if isinstance(result, Refusal):
        return JsonResponse(result.as_json(), status=result.status)
    # The receipt now belongs to the sender system: its id is of no use to the receiver.
    return Status(201, {**receipt_out(result), "receiptId": None})


SUBSCRIPTIONS = "/organisations/subscriptions/"


@router.post(
    SUBSCRIPTIONS,
    auth=receiver_auth,
    tags=TAG,
    summary="Subscribe to notifications (REST PUBLISH/SUBSCRIBE)",
    description=(
        "Digital Post POSTs to `notificationUrl` (https) when a message becomes available to "
        "the calling REST_PUBLISH_SUBSCRIBE system, which then pulls it with GET /memos/. "
        "Other receiver systems: 403 `system.protocol.not.allowed`. At most 10 per system."
    ),
    response={201: Subscription, **ERRORS},
)
def subscriptions_create(request: HttpRequest, subscription: SubscriptionRequest):
    result = subscription_create(
        request.auth,
        notification_url=subscription.notificationUrl,
        operations=tuple(subscription.subscriptionOperations),
    )
    if isinstance(result, Refusal):
        return JsonResponse(result.as_json(), status=result.status)
    return Status(201, subscription_out(result))


@router.get(
    SUBSCRIPTIONS,
    auth=receiver_auth,
    tags=TAG,
    summary="List your subscriptions",
    description="The calling system's subscriptions, oldest first.",
    response={200: list[Subscription], **ERRORS},
)
def subscriptions_list(request: HttpRequest):
    return [subscription_out(row) for row in subscription_list(request.auth)]


@router.delete(
    SUBSCRIPTIONS + "{id}",
    auth=receiver_auth,
    tags=TAG,
    summary="Delete a subscription",
    description="Another system's subscription answers 404 `subscription.not.found`.",
    response={204: None, 404: ErrorMessage, **ERRORS},
)
def subscriptions_delete(request: HttpRequest, id: uuid.UUID):
    try:
        subscription_delete(request.auth, id)
    except SubscriptionNotFound:
        raise ApiError(404, SUBSCRIPTION_NOT_FOUND, "No such subscription.") from None
    return Status(204, None)
