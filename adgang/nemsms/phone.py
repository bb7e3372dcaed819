"""The phone number a citizen or company signs up to NemSMS with (SPEC §7, guide §9.3 step 3).

NemSMS sends service messages by SMS to Danish numbers only, so a number must be a valid
Danish (+45) number that can receive SMS. Input is what a caseworker types: "20 30 40 50",
"+45 20304050", "0045 20304050", "(+45) 20-30-40-50". Stored in E.164 ("+4520304050").

Mobile or landline: Danish numbers are portable between fixed and mobile networks, so the
numbering plan (and python-phonenumbers' metadata, `FIXED_LINE_OR_MOBILE`) cannot tell most
of them apart. We refuse what is known not to be a mobile number — toll-free (80), premium
rate (90), shared cost, pagers, VoIP, pure fixed-line ranges — and accept the rest.
"""

from __future__ import annotations

import re

import phonenumbers
from django.utils.translation import gettext_lazy as _
from phonenumbers import PhoneNumberType

DENMARK = 45
PHONE_EMPTY = _("Indtast et telefonnummer.")
PHONE_CHARACTERS_WRONG = _(
    "Telefonnummeret må kun indeholde cifre, mellemrum og bindestreger (og + foran)."
)
PHONE_INVALID = _("Telefonnummeret er ikke gyldigt. Et dansk telefonnummer har 8 cifre.")
PHONE_FOREIGN = _("Kun danske telefonnumre (+45) kan tilmeldes NemSMS.")
PHONE_NOT_MOBILE = _(
    "Telefonnummeret er ikke et dansk mobilnummer. NemSMS sendes som sms til et mobilnummer."
)

MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
# Digits with the usual separators; "+" only in front (or after "("). Anything else (letters,
# "ext", "#") is refused before phonenumbers, which would read letters as keypad digits.
_CHARACTERS = re.compile(r"\(?\+?[0-9 ()\-.]+")
MAX_INPUT = 30


class PhoneInputError(ValueError):
    """A phone number typed by a caseworker is not one NemSMS can use; `message` is Danish."""

    def __init__(self, message, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def phone_normalise(value: object) -> str:
    """The Danish mobile number in `value` in E.164 ("+4520304050"), or `PhoneInputError`."""
    if not isinstance(value, str) or not value.strip():
        raise PhoneInputError(PHONE_EMPTY, "phone_empty")
    text = " ".join(value.split())
    if len(text) > MAX_INPUT or not _CHARACTERS.fullmatch(text):
        raise PhoneInputError(PHONE_CHARACTERS_WRONG, "phone_characters")
    try:
        number = phonenumbers.parse(text, "DK")
    except phonenumbers.NumberParseException:
        raise PhoneInputError(PHONE_INVALID, "phone_invalid") from None
    if number.country_code != DENMARK:
        raise PhoneInputError(PHONE_FOREIGN, "phone_foreign")
    if number.extension or not phonenumbers.is_valid_number(number):
        raise PhoneInputError(PHONE_INVALID, "phone_invalid")
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise PhoneInputError(PHONE_NOT_MOBILE, "phone_not_mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    """How a stored number is shown: "+45 20 30 40 50" (Danish grouping in pairs)."""
    if not e164:
        return ""
    if e164.startswith("+45") and len(e164) == 11:
        digits = e164[3:]
        return "+45 " + " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    return e164
