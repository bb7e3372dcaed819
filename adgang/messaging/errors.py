"""Refusals of the Digital Post sender API (SPEC §13; NGDP-API.md "ErrorMessage").

A `Refusal` means nothing was stored. The API answers it as NgDP's ErrorMessage with its
`status`; SFTP turns it into a receipt file. Codes are stable dotted lower-case strings.
"""

from __future__ import annotations

from dataclasses import dataclass

from adgang.messaging.memo import SIZE_TOO_LARGE, MemoError
from adgang.messaging.memo_rules import FieldError, parse_error_as_field_error

BAD_REQUEST = 400
PAYLOAD_TOO_LARGE = 413
SERVICE_UNAVAILABLE = 503


@dataclass(frozen=True)
class Refusal:
    """NgDP ErrorMessage: `{code, message, fieldErrors}`; nothing was stored."""

    status: int
    code: str
    message: str
    field_errors: tuple[FieldError, ...] = ()

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "fieldErrors": [error.as_dict() for error in self.field_errors],
        }

    @classmethod
    def of_field_errors(cls, errors: list[FieldError] | tuple[FieldError, ...]) -> Refusal:
        """Broken MeMo rules: the first error names the refusal, all are listed."""
        first = errors[0]
        return cls(BAD_REQUEST, first.code, first.message, tuple(errors))

    @classmethod
    def of_memo_error(cls, error: MemoError) -> Refusal:
        """A message that could not be parsed: 413 for size, else 400."""
        status = PAYLOAD_TOO_LARGE if error.code == SIZE_TOO_LARGE else BAD_REQUEST
        return cls(status, error.code, error.message, (parse_error_as_field_error(error),))


class Refused(Exception):
    """Raised inside a transaction to roll it back; carries the refusal to answer."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.code)
        self.refusal = refusal
