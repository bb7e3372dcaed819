"""Normalising and masking CPR and CVR numbers (SPEC §1, "Registers"; DESIGN "Personal data").

Input from forms and the API is normalised here before any register look-up, so that
"010190-1234", "010190 1234" and "0101901234" are the same person. Errors carry a Danish
message fit to show next to the field, and a stable `code` for the API.

The CPR mod-11 check digit is deliberately *not* enforced: CPR numbers issued since 2007
need not satisfy it (python-stdnum's `dk.cpr` follows the same rule). The CVR check digit
is always enforced.
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext_lazy as _
from stdnum.dk import cpr as stdnum_cpr
from stdnum.dk import cvr as stdnum_cvr
from stdnum.exceptions import ValidationError

CPR_EMPTY = _("Indtast et CPR-nummer.")
CPR_LENGTH = _("CPR-nummeret skal bestå af 10 cifre.")
CPR_DATE = _("CPR-nummeret indeholder ikke en gyldig dato.")
CPR_FUTURE = _("CPR-nummeret indeholder en fødselsdato, der ligger i fremtiden.")
CVR_EMPTY = _("Indtast et CVR-nummer.")
CVR_LENGTH = _("CVR-nummeret skal bestå af 8 cifre.")
CVR_LEADING_ZERO = _("CVR-nummeret kan ikke begynde med 0.")
CVR_CHECKSUM = _("CVR-nummeret er ikke gyldigt (kontrolciffer).")

_CPR_RE = re.compile(r"[0-9]{10}")
_CVR_RE = re.compile(r"[0-9]{8}")


class RegisterInputError(ValueError):
    """A CPR or CVR number given by a user is malformed; `str(error)` is Danish."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _compact(value: object, compact, empty_message: str, code_prefix: str) -> str:
    """Strip all whitespace, then the separators stdnum knows (dashes, and more for CVR)."""
    if not isinstance(value, str):
        raise RegisterInputError(empty_message, f"{code_prefix}_empty")
    try:
        number = compact("".join(value.split()))
    except ValidationError:  # pragma: no cover - stdnum only raises this for non-strings
        number = value
    if not number:
        raise RegisterInputError(empty_message, f"{code_prefix}_empty")
    return number


def normalise_cpr(value: str, *, today: datetime.date | None = None) -> str:
    """Return the CPR number as 10 digits, or raise `RegisterInputError`.

    Accepts spaces and dashes anywhere ("010190-1234", " 010190 1234 "). The embedded
    birth date must exist (century from the 7th digit) and not lie after `today`.
    """
    number = _compact(value, stdnum_cpr.compact, CPR_EMPTY, "cpr")
    if not _CPR_RE.fullmatch(number):
        raise RegisterInputError(CPR_LENGTH, "cpr_length")
    try:
        birth_date = stdnum_cpr.get_birth_date(number)
    except ValidationError:
        raise RegisterInputError(CPR_DATE, "cpr_date") from None
    if birth_date > (today or datetime.date.today()):
        raise RegisterInputError(CPR_FUTURE, "cpr_future")
    return number


def normalise_cvr(value: str) -> str:
    """Return the CVR number as 8 digits, or raise `RegisterInputError`.

    Accepts spaces, dashes, dots and a "DK" prefix ("DK 31 41 59 26"); the mod-11 check
    digit must be right.
    """
    number = _compact(value, stdnum_cvr.compact, CVR_EMPTY, "cvr")
    if not _CVR_RE.fullmatch(number):
        raise RegisterInputError(CVR_LENGTH, "cvr_length")
    if number[0] == "0":
        raise RegisterInputError(CVR_LEADING_ZERO, "cvr_leading_zero")
    if stdnum_cvr.checksum(number) != 0:
        raise RegisterInputError(CVR_CHECKSUM, "cvr_checksum")
    return number


def format_cpr(value: str) -> str:
    """The full CPR in its usual presentation, "DDMMYY-SSSS"."""
    return stdnum_cpr.format(_cpr_digits(value))


def mask_cpr(value: str) -> str:
    """The CPR as shown in tables, "DDMMYY-****" (DESIGN "Personal data")."""
    return f"{_cpr_digits(value)[:6]}-****"


def _cpr_digits(value: str) -> str:
    # Presentation helpers work on stored numbers, so they check the shape but not the date.
    number = _compact(value, stdnum_cpr.compact, CPR_EMPTY, "cpr")
    if not _CPR_RE.fullmatch(number):
        raise RegisterInputError(CPR_LENGTH, "cpr_length")
    return number
