"""Organisation logo: `GET|PUT|DELETE /apis/v1/organisations/{id}/logo` (SPEC §9,
NGDP-API.md "Administration API"), and the privacy-policy link beside it:
`GET /apis/v1/organisations/{id}/privacy-policy`.

The mailbox platforms show the sender's logo with its post, so any authenticated, active
system may read any organisation's logo (it is public by nature). Changing or deleting it is
for a system of that organisation itself, through the same service and checks as the
Myndighedsinformation page (`adgang.authorityinfo.services`), logged with the system as
actor.

`{id}` is the organisation's id (a UUID: NgDP's `organisationId`) or its 8-digit CVR number
(what a platform knows of a sender from the MeMo's `senderID`).
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import Schema, Status

from adgang.audit.services import Actor
from adgang.authorityinfo import images, selectors, services
from adgang.messaging.api import upload
from adgang.messaging.api.auth import SystemAuth
from adgang.messaging.api.errors import (
    CONTENT_TYPE_NOT_ALLOWED,
    MULTIPART_MALFORMED,
    ApiError,
)
from adgang.messaging.api.router import router
from adgang.messaging.api.schemas import ErrorMessage
from adgang.systems.models import MailSystem

TAG = ["Organisation logo"]
ERRORS = {401: ErrorMessage, 403: ErrorMessage, 404: ErrorMessage}
PATH = "/organisations/{id}/logo"

ORGANISATION_NOT_FOUND = "organisation.not.found"
LOGO_NOT_FOUND = "logo.not.found"
ORGANISATION_NOT_ALLOWED = "organisation.not.allowed"
ORGANISATION_KIND_NOT_ALLOWED = "organisation.kind.not.allowed"
LOGO_FILE_MISSING = "logo.file.missing"
LOGO_SIZE_TOO_LARGE = "logo.size.too.large"
# images.LogoRefused codes → NgDP-style dotted codes.
LOGO_CODES = {
    "empty": "file.empty.not.allowed",
    "too_large": LOGO_SIZE_TOO_LARGE,
    "not_png": "logo.format.not.allowed",
    "unreadable": "logo.file.unreadable",
    "bomb": "logo.dimensions.too.large",
    "not_square": "logo.not.square",
    "too_small": "logo.dimensions.too.small",
    "animated": "logo.animation.not.allowed",
}
MULTIPART_TYPE = "multipart/form-data"
MULTIPART_OVERHEAD_BYTES = 16 * 1024
ID_DESCRIPTION = "The organisation's id (UUID) or its 8-digit CVR number."


class AnySystemAuth(SystemAuth):
    """Any authenticated, active system of any type (reading logos)."""

    def allows(self, system: MailSystem) -> bool:
        return True


# ninja names the OpenAPI security scheme after the class: keep the API's one "SystemAuth"
# Basic scheme rather than documenting a second, identical one.
AnySystemAuth.__name__ = SystemAuth.__name__
any_system_auth = AnySystemAuth("any")


class Logo(Schema):
    organisationId: str
    width: int
    height: int
    size: int
    sha256: str


def _organisation(id: str):
    organisation = selectors.organisation_by_api_id(id)
    if organisation is None:
        raise ApiError(404, ORGANISATION_NOT_FOUND, "No organisation with this id.")
    return organisation


def _own_organisation(request: HttpRequest, id: str):
    organisation = _organisation(id)
    system: MailSystem = request.auth
    if system.organisation_id != organisation.pk:
        raise ApiError(
            403,
            ORGANISATION_NOT_ALLOWED,
            "Only a system of the organisation itself may change its logo.",
        )
    if not organisation.is_authority:
        raise ApiError(
            403, ORGANISATION_KIND_NOT_ALLOWED, "Only authorities have a logo on their post."
        )
    return organisation


def _logo_not_found() -> ApiError:
    return ApiError(404, LOGO_NOT_FOUND, "The organisation has no logo.")


def _refusal(refused: images.LogoRefused) -> ApiError:
    status = 413 if refused.code == "too_large" else 400
    field_error = {
        "resource": "body",
        "field": "file",
        "code": LOGO_CODES[refused.code],
        "message": refused.message,
        "rejectedValue": None,
    }
    return ApiError(status, LOGO_CODES[refused.code], refused.message, [field_error])


def _bounded_body(request: HttpRequest) -> bytes:
    """The raw body, at most 512 KB + 1 bytes read (the check then refuses 513 KB)."""
    if upload.declared_length(request) > images.MAX_BYTES:
        raise _refusal(
            images.LogoRefused("too_large", kb=-(-upload.declared_length(request) // 1024))
        )
    content = request.read(images.MAX_BYTES + 1)
    return content


def _multipart_file(request: HttpRequest) -> tuple[bytes, str]:
    if upload.declared_length(request) > images.MAX_BYTES + MULTIPART_OVERHEAD_BYTES:
        raise _refusal(
            images.LogoRefused("too_large", kb=-(-upload.declared_length(request) // 1024))
        )
    request.upload_handlers = [images.BoundedUploadHandler(request, field_name="file")]
    try:
        # Django parses multipart bodies into request.FILES for POST only; a PUT is parsed
        # here, through the bounded handler.
        _fields, files = request.parse_file_upload(request.META, request)
        part = files.get("file")
    except RequestDataTooBig:
        raise _refusal(images.LogoRefused("too_large", kb=images.MAX_BYTES // 1024 + 1)) from None
    except (MultiPartParserError, SuspiciousOperation):
        raise ApiError(400, MULTIPART_MALFORMED, "The multipart body is malformed.") from None
    if part is None:
        raise ApiError(400, LOGO_FILE_MISSING, "The multipart body has no part named file.")
    try:
        images.size_check(part.size)
    except images.LogoRefused as refused:
        raise _refusal(refused) from None
    return part.read(images.MAX_BYTES + 1), part.name or "logo.png"


GET_DESCRIPTION = """
The organisation's logo as `image/png` (square, at least 200×200 pixels), as the portal's
Myndighedsinformation page saved it: a PNG re-encoded by the core, without metadata. Any
authenticated system may read it (the mailbox platforms show it with the sender's post).
404 `organisation.not.found` for an unknown organisation, 404 `logo.not.found` when it has no
logo. `{id}`: the organisation's id (UUID) or its CVR number.
"""

PUT_DESCRIPTION = """
Set the organisation's logo. Body: the PNG itself (`Content-Type: image/png`) or
`multipart/form-data` with the PNG in a part named `file`. The rules of the portal apply:
PNG only (by content), at most 512 KB, square, at least 200×200 pixels, at most 4096×4096;
the image is re-encoded and only the new PNG is stored. Only a system of the organisation
itself may call it (else 403 `organisation.not.allowed`), and only for an authority.
Refusals: 400 with `logo.format.not.allowed`, `logo.not.square`, `logo.dimensions.too.small`,
`logo.dimensions.too.large`, `logo.file.unreadable`, `file.empty.not.allowed`; 413
`logo.size.too.large`; 415 `content.type.not.allowed`. Logged in the organisation's action
log with the system as actor.
"""

PUT_BODY = {
    "required": True,
    "content": {
        images.CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}},
        MULTIPART_TYPE: {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
    },
}

PNG_RESPONSE = {
    "200": {
        "description": "The logo.",
        "content": {images.CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get(
    PATH,
    auth=any_system_auth,
    tags=TAG,
    summary="Read an organisation's logo",
    description=GET_DESCRIPTION,
    response={200: None, **ERRORS},
    openapi_extra={"responses": PNG_RESPONSE},
)
def logo_get(request: HttpRequest, id: str):
    organisation = _organisation(id)
    info = selectors.logo_png_of(organisation)
    if info is None:
        raise _logo_not_found()
    etag = f'"{info.logo_sha256}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(bytes(info.logo_png), content_type=images.CONTENT_TYPE)
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.put(
    PATH,
    auth=any_system_auth,
    tags=TAG,
    summary="Set the organisation's logo",
    description=PUT_DESCRIPTION,
    response={200: Logo, 400: ErrorMessage, 413: ErrorMessage, 415: ErrorMessage, **ERRORS},
    openapi_extra={"requestBody": PUT_BODY},
)
def logo_put(request: HttpRequest, id: str):
    organisation = _own_organisation(request, id)
    content_type = (request.content_type or "").lower()
    if upload.declared_length(request) == 0 and content_type != MULTIPART_TYPE:
        raise _refusal(images.LogoRefused("empty"))
    if content_type == images.CONTENT_TYPE:
        content, filename = _bounded_body(request), "logo.png"
    elif content_type == MULTIPART_TYPE:
        content, filename = _multipart_file(request)
    else:
        raise ApiError(
            415,
            CONTENT_TYPE_NOT_ALLOWED,
            "Content-Type must be image/png or multipart/form-data with a part named file.",
        )
    try:
        info = services.logo_set(
            actor=_actor(request.auth),
            organisation=organisation,
            content=content,
            filename=filename,
        )
    except images.LogoRefused as refused:
        raise _refusal(refused) from None
    return Status(
        200,
        {
            "organisationId": str(organisation.pk),
            "width": info.logo_width,
            "height": info.logo_height,
            "size": len(info.logo_png),
            "sha256": info.logo_sha256,
        },
    )


@router.delete(
    PATH,
    auth=any_system_auth,
    tags=TAG,
    summary="Delete the organisation's logo",
    description=(
        "Removes the organisation's logo from its post. Only a system of the organisation "
        "itself (else 403 `organisation.not.allowed`); 404 `logo.not.found` when it has none. "
        "Logged in the organisation's action log with the system as actor."
    ),
    response={204: None, **ERRORS},
)
def logo_delete(request: HttpRequest, id: str):
    organisation = _own_organisation(request, id)
    if not services.logo_delete(actor=_actor(request.auth), organisation=organisation):
        raise _logo_not_found()
    return Status(204, None)


def _actor(system: MailSystem) -> Actor:
    # As for subscriptions changed through the API (messaging.subscriptions).
    return Actor(f"System:{system.pk}")


PRIVACY_PATH = "/organisations/{id}/privacy-policy"
PRIVACY_POLICY_NOT_FOUND = "privacy.policy.not.found"
PRIVACY_DESCRIPTION = """
The link to the organisation's privacy policy (`https://`, at most 2048 characters), as the
portal's Myndighedsinformation page saved it; the mailbox platforms show it with the sender's
post beside the logo. Any authenticated system may read it. 404 `organisation.not.found` for
an unknown organisation, 404 `privacy.policy.not.found` when none is saved. `{id}`: the
organisation's id (UUID) or its CVR number. The platform only shows the link: it is never
fetched by the core.
"""


class PrivacyPolicy(Schema):
    organisationId: str
    privacyPolicyUrl: str


@router.get(
    PRIVACY_PATH,
    auth=any_system_auth,
    tags=TAG,
    summary="Read an organisation's privacy-policy link",
    description=PRIVACY_DESCRIPTION,
    response={200: PrivacyPolicy, **ERRORS},
)
def privacy_policy_get(request: HttpRequest, id: str):
    organisation = _organisation(id)
    info = selectors.info_of(organisation)
    if info is None or not info.privacy_link:
        raise ApiError(404, PRIVACY_POLICY_NOT_FOUND, "The organisation has no privacy link.")
    return Status(
        200, {"organisationId": str(organisation.pk), "privacyPolicyUrl": info.privacy_link}
    )
