"""The API's JSON shapes, named and spelled as NgDP's OpenAPI 1.68.0 (NGDP-API.md).

Receipt, ErrorMessage and FieldError are NgDP's; the page wrappers (`content, page, size,
totalElements, totalPages`) follow the Spring Data style NgDP's paging parameters come from.
Examples here are what /apis/v1/openapi.json shows.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

RECEIPT_EXAMPLE = {
    "receiptId": "0b6c1f0e-5d2a-4f7e-9a51-2f1f2a6c9d10",
    "transmissionId": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    "messageUUID": "8f0d1c3e-2b7a-4c55-9e1d-6a2b3c4d5e6f",
    "messageId": "c9a7e3d2-1f4b-4a8e-b6d5-0e1f2a3b4c5d",
    "errorCode": None,
    "errorMessage": None,
    "timeStamp": "2026-03-02T09:00:00Z",
    "receiptStatus": "RECEIVED",
}
ERROR_EXAMPLE = {
    "code": "do.not.deliver.until.date.too.early",
    "message": "The message is not valid.",
    "fieldErrors": [
        {
            "resource": "MessageHeader",
            "field": "doNotDeliverUntilDate",
            "code": "do.not.deliver.until.date.too.early",
            "message": "doNotDeliverUntilDate lies in the past.",
            "rejectedValue": "2020-01-01",
        }
    ],
}


class ReceiptStatus(StrEnum):
    NOT_ALLOWED = "NOT_ALLOWED"
    INVALID = "INVALID"
    RECEIVED = "RECEIVED"
    COMPLETED = "COMPLETED"


class FieldError(Schema):
    resource: str
    field: str
    code: str
    message: str
    rejectedValue: Any = None


class ErrorMessage(Schema):
    """NgDP ErrorMessage: a dotted lower-case code, a text, and field errors when the input
    was invalid."""

    model_config = ConfigDict(json_schema_extra={"examples": [ERROR_EXAMPLE]})

    code: str
    message: str
    fieldErrors: list[FieldError] = []


class Receipt(Schema):
    """NgDP Receipt (technical and business receipts share it). `receiptId` is ours: the id
    to use with GET/DELETE /receipts/{id}; null on the answer to a bulk upload."""

    model_config = ConfigDict(json_schema_extra={"examples": [RECEIPT_EXAMPLE]})

    receiptId: uuid.UUID | None = None
    transmissionId: uuid.UUID | None = None
    messageUUID: str | None = None
    messageId: uuid.UUID | None = None
    errorCode: str | None = None
    errorMessage: str | None = None
    timeStamp: datetime
    receiptStatus: ReceiptStatus


class ReceiptPage(Schema):
    content: list[Receipt]
    page: int = Field(description="Zero-based page number.")
    size: int
    totalElements: int
    totalPages: int


class BusinessReceipt(Schema):
    """The receiver's business receipt: COMPLETED when it could read the message, else
    INVALID with an error code and message. Other Receipt fields may be sent; they are
    ignored (the message is the one in the path)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"receiptStatus": "COMPLETED"},
                {
                    "receiptStatus": "INVALID",
                    "errorCode": "document.unreadable",
                    "errorMessage": "The main document could not be opened.",
                },
            ]
        }
    )

    receiptStatus: ReceiptStatus
    errorCode: str | None = Field(default=None, max_length=100)
    errorMessage: str | None = Field(default=None, max_length=4000)


class MemoSummary(Schema):
    """One message waiting to be pulled (REST PULL listing)."""

    messageId: uuid.UUID
    messageUUID: uuid.UUID
    transmissionId: uuid.UUID | None = None
    senderId: str = ""
    recipientId: str = ""
    recipientIdType: str = ""
    title: str = ""
    size: int = Field(default=0, description="Size of the MeMo XML in bytes.")
    createdAt: datetime = Field(description="When the message became available to you.")


class MemoPage(Schema):
    content: list[MemoSummary]
    page: int = Field(description="Zero-based page number.")
    size: int
    totalElements: int
    totalPages: int


class SubscriptionRequest(Schema):
    """REST PUBLISH/SUBSCRIBE: where to notify that messages are ready to pull.

    `subscriptionOperations` ⊆ {MEMO_AVAILABLE}. `senderSystemId` and
    `organisationSubscriptions` are accepted for NgDP clients but do not filter: every message
    that becomes available to the system is notified."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "notificationUrl": "https://post.kommune-a.dk/notify",
                    "subscriptionOperations": ["MEMO_AVAILABLE"],
                    "senderSystemId": None,
                    "organisationSubscriptions": [],
                }
            ]
        }
    )

    notificationUrl: str = Field(max_length=2048)
    subscriptionOperations: list[str] = Field(default_factory=list, max_length=20)
    senderSystemId: uuid.UUID | None = None
    organisationSubscriptions: list[str] = Field(default_factory=list, max_length=100)


class Subscription(Schema):
    id: uuid.UUID
    notificationUrl: str
    subscriptionOperations: list[str] = []
    senderSystemId: uuid.UUID | None = None
    organisationSubscriptions: list[str] = []
    createdAt: datetime


def receipt_out(receipt) -> dict:
    """A stored `messaging.Receipt` in the NgDP Receipt shape."""
    return {
        "receiptId": receipt.pk,
        "transmissionId": receipt.transmission_id,
        "messageUUID": receipt.message_uuid or None,
        "messageId": receipt.message_id,
        "errorCode": receipt.error_code or None,
        "errorMessage": receipt.error_message or None,
        "timeStamp": receipt.time_stamp,
        "receiptStatus": receipt.receipt_status,
    }


def subscription_out(subscription) -> dict:
    """A stored `messaging.Subscription` in NgDP's subscription shape."""
    return {
        "id": subscription.pk,
        "notificationUrl": subscription.notification_url,
        "subscriptionOperations": list(subscription.operations),
        "senderSystemId": None,
        "organisationSubscriptions": [],
        "createdAt": subscription.created_at,
    }
