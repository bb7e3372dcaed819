"""Every error of the Digital Post API in NgDP's ErrorMessage shape (NGDP-API.md).

`{code, message, fieldErrors: [{resource, field, code, message, rejectedValue}]}`, codes
dotted lower-case. ninja's own answers (`{"detail": …}` for validation errors, 404, 405 and
authentication) are replaced here, so a client only ever parses one error shape.
"""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from adgang.core import clock
from adgang.messaging.models import ReceiptStatus

logger = logging.getLogger(__name__)

# Codes the API layer itself answers (the services' codes come with their Refusal).
AUTHORIZATION_MISSING = "authorization.missing"
SYSTEM_TYPE_NOT_ALLOWED = "system.type.not.allowed"
CONTENT_TYPE_NOT_ALLOWED = "content.type.not.allowed"
MESSAGE_UUID_MISSING = "memo.message.uuid.missing"
SIZE_TOO_LARGE = "memo.size.too.large"
BULK_FILE_MISSING = "bulk.file.missing"
MULTIPART_MALFORMED = "multipart.malformed"
REQUEST_INVALID = "request.invalid"
NOT_FOUND = "resource.not.found"
RECEIPT_NOT_FOUND = "receipt.not.found"
MESSAGE_NOT_FOUND = "message.not.found"
SUBSCRIPTION_NOT_FOUND = "subscription.not.found"
METHOD_NOT_ALLOWED = "method.not.allowed"
SERVICE_UNAVAILABLE = "service.unavailable"
REQUEST_TOO_LARGE = "request.too.large"
INTERNAL_ERROR = "internal.error"
SERVICE_UNAVAILABLE_STATUS = 503


class ApiError(Exception):
    """Raised anywhere below a view to answer `status` with an ErrorMessage."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field_errors: list | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field_errors = field_errors or []
        self.headers = headers or {}


def error_body(code: str, message: str, field_errors: list | None = None) -> dict:
    return {"code": code, "message": message, "fieldErrors": field_errors or []}


def error_response(status: int, code: str, message: str, field_errors=None) -> JsonResponse:
    return JsonResponse(error_body(code, message, field_errors), status=status)


def _field_errors_of(validation: ValidationError) -> list[dict]:
    """ninja/pydantic error entries as NgDP field errors (`resource` = query, path, body …)."""
    entries = []
    for error in validation.errors:
        location = [str(part) for part in error.get("loc", ())]
        entries.append(
            {
                "resource": location[0] if location else "request",
                "field": ".".join(location[1:]),
                "code": f"value.{error.get('type', 'invalid')}".replace("_", "."),
                "message": str(error.get("msg", "Invalid value.")),
                "rejectedValue": None,
            }
        )
    return entries


def _on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    response = error_response(exc.status, exc.code, exc.message, exc.field_errors)
    for name, value in exc.headers.items():
        response[name] = value
    return response


def _on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(400, REQUEST_INVALID, "The request is not valid.", _field_errors_of(exc))


def _on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # Only reached when an auth callback returned a falsy value without raising ApiError.
    return error_response(401, AUTHORIZATION_MISSING, "Authorization header is missing.")


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(exc.status_code, REQUEST_INVALID, str(exc))


def _on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # A JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE (uploads are read by upload.py instead).
    return error_response(413, REQUEST_TOO_LARGE, "The request body is too large.")


def _on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return error_response(400, REQUEST_INVALID, "The request is not valid.")


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged with its traceback, answered without it (also under DEBUG)."""
    logger.exception("Unexpected error in the Digital Post API")
    return error_response(500, INTERNAL_ERROR, "An unexpected error occurred.")


def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return not_found_response()


def _on_database_down(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Database unavailable during an API call")
    return unavailable_response(request)


def unavailable_receipt(request: HttpRequest, code: str, message: str) -> JsonResponse:
    """NGDP-API.md: an upload that cannot be taken now answers 503 with a Receipt."""
    body = {
        "receiptId": None,
        "transmissionId": None,
        "messageUUID": request.GET.get("memo-message-uuid") or None,
        "messageId": None,
        "errorCode": code,
        "errorMessage": message,
        "timeStamp": clock.now().isoformat(),
        "receiptStatus": ReceiptStatus.NOT_ALLOWED,
    }
    return JsonResponse(body, status=SERVICE_UNAVAILABLE_STATUS)


def unavailable_response(request: HttpRequest) -> JsonResponse:
    """503 while the database is down: a Receipt for an upload, else an ErrorMessage."""
    message = "The service is temporarily unavailable; send again later."
    if request.method == "POST" and request.path.rstrip("/").endswith("/memos"):
        return unavailable_receipt(request, SERVICE_UNAVAILABLE, message)
    return error_response(SERVICE_UNAVAILABLE_STATUS, SERVICE_UNAVAILABLE, message)


def not_found_response() -> JsonResponse:
    return error_response(404, NOT_FOUND, "No such resource.")


def method_not_allowed_response(allowed: str) -> JsonResponse:
    response = error_response(405, METHOD_NOT_ALLOWED, "Method not allowed.")
    response["Allow"] = allowed
    return response


def errors_install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers: every answer is an ErrorMessage."""
    api.add_exception_handler(Exception, _on_unexpected)
    api.add_exception_handler(ApiError, _on_api_error)
    api.add_exception_handler(ValidationError, _on_validation)
    api.add_exception_handler(AuthenticationError, _on_authentication)
    api.add_exception_handler(HttpError, _on_http_error)
    api.add_exception_handler(Http404, _on_not_found)
    api.add_exception_handler(RequestDataTooBig, _on_too_large)
    api.add_exception_handler(SuspiciousOperation, _on_suspicious)
    api.add_exception_handler(OperationalError, _on_database_down)
    api.add_exception_handler(InterfaceError, _on_database_down)
