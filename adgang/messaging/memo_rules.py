"""Validation rules the Digital Post sender API applies to a parsed MeMo (SPEC §13).

The rules are those of NGDP-API.md "MeMo". Each broken rule is a `FieldError` shaped
exactly like an entry of NgDP's `ErrorMessage.fieldErrors` (`resource, field, code,
message, rejectedValue`), with a stable dotted lower-case code. Messages are English:
the machine API speaks English.

Limits chosen here (not given by NGDP-API.md beyond the defaults):
- `doNotDeliverUntilDate` may lie at most `VALUE_DATE_MAX_DAYS_AHEAD` (365) days after
  today, and not before today; "today" is the date in Europe/Copenhagen.
- attachments: every file of every document (main, additional, technical) counts; by
  default at most 10 files and 99.5 MiB of decoded content in all, unless the contact
  point has its own `AttachmentLimits`.
- action entry points: "absolute https URLs" is a rule from MeMo 1.1 on. A MeMo 1.0
  message (such as the shared MeMo 1.0 sample, which links to an `http://` page) may carry
  absolute http or https URLs; anything else (javascript:, data:, relative) is refused in
  every version.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from adgang.messaging.memo import Memo, MemoError
from adgang.registers.validation import RegisterInputError, normalise_cpr, normalise_cvr

RESOURCE = "memo"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
VALUE_DATE_MAX_DAYS_AHEAD = 365
DEFAULT_MAX_ATTACHMENTS = 10
DEFAULT_MAX_ATTACHMENT_BYTES = int(99.5 * 1024 * 1024)

MESSAGE_TYPES = frozenset({"DIGITALPOST", "NEMSMS"})
RECIPIENT_ID_TYPES = frozenset({"CPR", "CVR"})

# Error codes (stable: API clients match on them).
MESSAGE_UUID_FORMAT = "message.uuid.format.not.allowed"
MESSAGE_UUID_MISMATCH = "memo.message.uuid.mismatch"
MESSAGE_TYPE_NOT_ALLOWED = "message.type.not.allowed"
RECIPIENT_ID_TYPE_NOT_ALLOWED = "recipient.id.type.not.allowed"
RECIPIENT_CPR_INVALID = "recipient.id.cpr.not.valid"
RECIPIENT_CVR_INVALID = "recipient.id.cvr.not.valid"
CONTACT_POINT_ID_FORMAT = "contact.point.id.format.not.allowed"
VALUE_DATE_TOO_EARLY = "do.not.deliver.until.date.too.early"
VALUE_DATE_TOO_LATE = "do.not.deliver.until.date.too.late"
MAIN_DOCUMENT_MISSING = "main.document.missing"
ACTION_URL_NOT_ALLOWED = "action.entry.point.url.not.allowed"
FILE_NAME_NOT_ALLOWED = "file.name.not.allowed"
FILE_EMPTY_NOT_ALLOWED = "file.empty.not.allowed"
ATTACHMENTS_TOO_MANY = "attachments.count.too.large"
ATTACHMENTS_TOO_LARGE = "attachments.size.too.large"

RULE_ERROR_CODES = frozenset(
    {
        MESSAGE_UUID_FORMAT,
        MESSAGE_UUID_MISMATCH,
        MESSAGE_TYPE_NOT_ALLOWED,
        RECIPIENT_ID_TYPE_NOT_ALLOWED,
        RECIPIENT_CPR_INVALID,
        RECIPIENT_CVR_INVALID,
        CONTACT_POINT_ID_FORMAT,
        VALUE_DATE_TOO_EARLY,
        VALUE_DATE_TOO_LATE,
        MAIN_DOCUMENT_MISSING,
        ACTION_URL_NOT_ALLOWED,
        FILE_NAME_NOT_ALLOWED,
        FILE_EMPTY_NOT_ALLOWED,
        ATTACHMENTS_TOO_MANY,
        ATTACHMENTS_TOO_LARGE,
    }
)

_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_FORBIDDEN_FILENAME_CHARS = frozenset('<>:"/\\|?*')


@dataclass(frozen=True)
class AttachmentLimits:
    """A contact point's limits on attachments (defaults: NGDP-API.md "MeMo")."""

    max_count: int = DEFAULT_MAX_ATTACHMENTS
    max_total_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES


@dataclass(frozen=True)
class FieldError:
    """One entry of NgDP's `ErrorMessage.fieldErrors`."""

    resource: str
    field: str
    code: str
    message: str
    rejected_value: object

    def as_dict(self) -> dict[str, object]:
        """The NgDP JSON shape (camelCase `rejectedValue`)."""
        return {
            "resource": self.resource,
            "field": self.field,
            "code": self.code,
            "message": self.message,
            "rejectedValue": self.rejected_value,
        }


def parse_error_as_field_error(error: MemoError) -> FieldError:
    """A parse refusal in the same shape as a broken rule, for one ErrorMessage answer."""
    return FieldError(RESOURCE, error.field, error.code, error.message, None)


def is_uuid(value: str) -> bool:
    """The canonical 8-4-4-4-12 hex form, either case (the samples use both)."""
    return bool(_UUID_RE.fullmatch(value))


def filename_allowed(name: str) -> bool:
    """No `<>:"/\\|?*`, no control characters, not empty, not "." or ".." (NGDP-API.md)."""
    if not name.strip() or name.strip(".") == "":
        return False
    return not any(
        char in _FORBIDDEN_FILENAME_CHARS or unicodedata.category(char) == "Cc" for char in name
    )


def memo_validate(
    memo: Memo,
    *,
    now: datetime.datetime,
    query_uuid: str | None = None,
    limits: AttachmentLimits | None = None,
) -> list[FieldError]:
    """Every rule of NGDP-API.md "MeMo" that `memo` breaks, in document order (SPEC §13)."""
    errors: list[FieldError] = []

    def error(field: str, code: str, message: str, rejected: object) -> None:
        errors.append(FieldError(RESOURCE, field, code, message, rejected))

    header = memo.header
    uuid_field = "MessageHeader.messageUUID"
    if not is_uuid(header.message_uuid):
        error(uuid_field, MESSAGE_UUID_FORMAT, "messageUUID must be a UUID.", header.message_uuid)
    if query_uuid is not None and query_uuid.lower() != header.message_uuid.lower():
        error(
            uuid_field,
            MESSAGE_UUID_MISMATCH,
            "messageUUID differs from the memo-message-uuid query parameter.",
            header.message_uuid,
        )
    if header.message_type not in MESSAGE_TYPES:
        error(
            "MessageHeader.messageType",
            MESSAGE_TYPE_NOT_ALLOWED,
            "messageType must be DIGITALPOST or NEMSMS.",
            header.message_type,
        )
    _recipient_rules(memo, now=now, error=error)
    _value_date_rules(memo, now=now, error=error)
    if header.message_type == "DIGITALPOST" and (
        memo.body is None or memo.body.main_document is None
    ):
        error(
            "MessageBody.MainDocument",
            MAIN_DOCUMENT_MISSING,
            "A DIGITALPOST message needs a MainDocument.",
            None,
        )
    _document_rules(memo, error=error)
    _limit_rules(memo, limits=limits or AttachmentLimits(), error=error)
    return errors


def _recipient_rules(memo: Memo, *, now: datetime.datetime, error) -> None:
    recipient = memo.header.recipient
    field = "MessageHeader.Recipient.recipientID"
    if recipient.id_type not in RECIPIENT_ID_TYPES:
        error(
            "MessageHeader.Recipient.idType",
            RECIPIENT_ID_TYPE_NOT_ALLOWED,
            "Recipient idType must be CPR or CVR.",
            recipient.id_type,
        )
    elif recipient.id_type == "CPR":
        try:
            valid = recipient.recipient_id.isdigit() and normalise_cpr(
                recipient.recipient_id, today=now.astimezone(COPENHAGEN).date()
            )
        except RegisterInputError:
            valid = False
        if not valid:
            error(
                field,
                RECIPIENT_CPR_INVALID,
                "recipientID is not a valid CPR number.",
                recipient.recipient_id,
            )
    else:
        try:
            valid = recipient.recipient_id.isdigit() and normalise_cvr(recipient.recipient_id)
        except RegisterInputError:
            valid = False
        if not valid:
            error(
                field,
                RECIPIENT_CVR_INVALID,
                "recipientID is not a valid CVR number.",
                recipient.recipient_id,
            )
    contact_point = recipient.contact_point
    if contact_point is not None and not is_uuid(contact_point.contact_point_id):
        error(
            "MessageHeader.Recipient.ContactPoint.contactPointID",
            CONTACT_POINT_ID_FORMAT,
            "contactPointID must be a UUID.",
            contact_point.contact_point_id,
        )


def _value_date_rules(memo: Memo, *, now: datetime.datetime, error) -> None:
    value_date = memo.header.do_not_deliver_until_date
    if value_date is None:
        return
    today = now.astimezone(COPENHAGEN).date()
    field = "MessageHeader.doNotDeliverUntilDate"
    if value_date < today:
        error(
            field,
            VALUE_DATE_TOO_EARLY,
            "doNotDeliverUntilDate must not lie in the past.",
            value_date.isoformat(),
        )
    elif value_date > today + datetime.timedelta(days=VALUE_DATE_MAX_DAYS_AHEAD):
        error(
            field,
            VALUE_DATE_TOO_LATE,
            f"doNotDeliverUntilDate must lie at most {VALUE_DATE_MAX_DAYS_AHEAD} days ahead.",
            value_date.isoformat(),
        )


def _document_rules(memo: Memo, *, error) -> None:
    if memo.body is None:
        return
    body = memo.body
    # See the module docstring: MeMo 1.0 predates the https-only rule.
    schemes = ("https", "http") if memo.version == "1.0" else ("https",)
    groups = (
        ([("MessageBody.MainDocument", body.main_document)] if body.main_document else [])
        + [
            (f"MessageBody.AdditionalDocument[{index}]", document)
            for index, document in enumerate(body.additional_documents)
        ]
        + [
            (f"MessageBody.TechnicalDocument[{index}]", document)
            for index, document in enumerate(body.technical_documents)
        ]
    )
    for path, document in groups:
        for index, file in enumerate(document.files):
            if not filename_allowed(file.filename):
                error(
                    f"{path}.File[{index}].filename",
                    FILE_NAME_NOT_ALLOWED,
                    'File names must not be empty or contain <>:"/\\|?* or control characters.',
                    file.filename,
                )
            if file.size_bytes == 0:
                error(
                    f"{path}.File[{index}].content",
                    FILE_EMPTY_NOT_ALLOWED,
                    "Files must not be empty.",
                    file.filename,
                )
        for index, action in enumerate(document.actions):
            if action.entry_point is not None and not _url_allowed(action.entry_point, schemes):
                error(
                    f"{path}.Action[{index}].EntryPoint.url",
                    ACTION_URL_NOT_ALLOWED,
                    f"Action entry points must be absolute {' or '.join(schemes)} URLs.",
                    action.entry_point,
                )


def _url_allowed(url: str, schemes: tuple[str, ...]) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in schemes and bool(parts.hostname)


def _limit_rules(memo: Memo, *, limits: AttachmentLimits, error) -> None:
    files = memo.files
    if len(files) > limits.max_count:
        error(
            "MessageBody",
            ATTACHMENTS_TOO_MANY,
            f"A message may have at most {limits.max_count} files.",
            len(files),
        )
    total = sum(file.size_bytes for file in files)
    if total > limits.max_total_bytes:
        error(
            "MessageBody",
            ATTACHMENTS_TOO_LARGE,
            f"The files of a message may hold at most {limits.max_total_bytes} bytes.",
            total,
        )
