"""Presentation of log values in the tables: CPR numbers masked (SPEC §5, DESIGN "Personal
data"), long ids shortened to their tail as the guide shows them."""

import re

from django import template

from adgang.registers.validation import mask_cpr

register = template.Library()

# A CPR number standing alone in a value (search data "0101901234, 29189846" holds one).
_CPR = re.compile(r"(?<![0-9])[0-9]{6}-?[0-9]{4}(?![0-9])")


@register.filter
def mask_party(value) -> str:
    """Every CPR number in the text as `DDMMYY-****`; CVR numbers and the rest unchanged."""
    if not value:
        return value
    return _CPR.sub(lambda match: mask_cpr(match.group(0)), str(value))


@register.filter
def short_id(value) -> str:
    """ "…" and the last 12 characters of a long id (a UUID's last group)."""
    text = str(value)
    return f"…{text[-12:]}" if len(text) > 16 else text
