"""Checking what a person types about contact groups and points (SPEC §4, guide §6.3–6.4).

Each function returns the normalised value or raises `django.core.exceptions.ValidationError`
with a Danish message fit to show next to the field and a stable `code`. The services, the
contact point wizard, the group forms and the Excel import all call these, so every path
refuses the same input the same way. Functions that check several fields at once
(`validate_capacity`, `validate_external_link`) raise the dict form, keyed by the model's
field names, so a form can place each message on its own field.

The functions accept anything (None, numbers, odd types from a workbook cell or a JSON
body) and then either return or raise ValidationError, never another exception.
"""

import functools
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumError

from adgang.contacts.models import (
    DEFAULT_MAX_ATTACHMENTS,
    DEFAULT_MAX_MESSAGE_MB,
    GROUP_DESCRIPTION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    POINT_DESCRIPTION_MAX_LENGTH,
    CodeType,
    Target,
)
from adgang.systems.validation import validate_https_url

INTERNAL_NOTE_MAX_LENGTH = 1000  # the model field is unbounded; a note is not a document
KEYWORD_MAX_LENGTH = 30
LINK_HEADLINE_MAX_LENGTH = 50
LINK_DESCRIPTION_MAX_LENGTH = 250
LINK_TEXT_MAX_LENGTH = 50
INPUT_FIELDS_MAX = 2
INPUT_FIELD_TITLE_MAX_LENGTH = 25
CODE_MAX_LENGTH = 50
CUSTOM_CODES_MAX = 10
SOR_MAX_DIGITS = 18
MIN_MESSAGE_MB = Decimal("0.1")

TARGET_ORDER = [Target.CITIZEN, Target.COMPANY, Target.AUTHORITY]
CODE_TYPE_ORDER = [CodeType.FORM, CodeType.KLE, CodeType.SOR, CodeType.GLN, CodeType.CUSTOM]
SINGLE_CODE_TYPES = (CodeType.FORM, CodeType.KLE, CodeType.SOR, CodeType.GLN)

# KLE (Kommunernes Landsforenings Emnesystematik): main group, group, topic; a prefix names
# a whole group ("27" or "27.24").
KLE_PATTERN = re.compile(r"[0-9]{2}(?:\.[0-9]{2}){0,2}")
SOR_PATTERN = re.compile(rf"[0-9]{{1,{SOR_MAX_DIGITS}}}")
# FORM (Den Fælles Offentlige Referencemodel) numbers are dotted digits such as
# "02.02.04"; letters and hyphens are allowed too, since FORM also publishes lettered
# variants and the register has no published syntax we could check against.
FORM_PATTERN = re.compile(r"[A-Za-z0-9.\-]+")
MESSAGE_MB_PATTERN = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def _text(value: object) -> str:
    """The value as text: None is empty; numbers from a workbook cell become digits."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, bool):
        raise ValidationError(_("Værdien kan ikke læses."), code="invalid")
    if isinstance(value, int | Decimal):
        return str(value)
    raise ValidationError(_("Værdien kan ikke læses."), code="invalid")


def _items(values: object) -> list:
    """A list from a list, tuple or other iterable; one string is one item, None none."""
    if values is None:
        return []
    if isinstance(values, str | dict):
        return [values]
    if isinstance(values, Iterable):
        return list(values)
    raise ValidationError(_("Værdien kan ikke læses."), code="invalid")


def _line(value: object) -> str:
    """One line of text: surrounding and repeated whitespace (also line breaks) collapsed."""
    return " ".join(_text(value).split())


def _paragraph(value: object) -> str:
    """Text that may span lines: line breaks kept as "\\n", the ends trimmed."""
    return _text(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _refuse_control_characters(text: str, *, allow: str = "") -> None:
    # NUL and friends: PostgreSQL refuses NUL in text, and none belongs in a public name.
    # Lone surrogates ("Cs") cannot be stored as UTF-8 at all.
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in allow for c in text):
        raise ValidationError(_("Teksten indeholder tegn, der ikke kan bruges."), code="invalid")


def _too_long(message: str, *, limit: int, count: int, code: str = "max_length"):
    return ValidationError(message % {"max": limit, "count": count}, code=code)


def validate_name(value: object, *, what: str) -> str:
    """The public name of a group or point, ≤ 50 characters (SPEC §4; guide §6.3, §6.4).

    `what` is the noun in its definite form, "kontaktpunktet" or "kontaktgruppen", for the
    message when the name is missing.
    """
    name = _line(value)
    if not name:
        raise ValidationError(_("Giv %(what)s et navn.") % {"what": what}, code="required")
    _refuse_control_characters(name)
    if len(name) > NAME_MAX_LENGTH:
        raise _too_long(
            _("Navnet må højst være %(max)d tegn (du har skrevet %(count)d)."),
            limit=NAME_MAX_LENGTH,
            count=len(name),
        )
    return name


def _validate_description(value: object, *, what: str, limit: int) -> str:
    description = _paragraph(value)
    if not description:
        raise ValidationError(_("Giv %(what)s en beskrivelse.") % {"what": what}, code="required")
    _refuse_control_characters(description, allow="\n\t")
    if len(description) > limit:
        raise _too_long(
            _("Beskrivelsen må højst være %(max)d tegn (du har skrevet %(count)d)."),
            limit=limit,
            count=len(description),
        )
    return description


def validate_group_description(value: object) -> str:
    """ "Kontaktgruppens beskrivelse": required, ≤ 255 characters (SPEC §4; guide §6.4)."""
    return _validate_description(
        value, what=_("kontaktgruppen"), limit=GROUP_DESCRIPTION_MAX_LENGTH
    )


def validate_point_description(value: object) -> str:
    """ "Kontaktpunktets beskrivelse": required, ≤ 250 characters (SPEC §4; guide §6.3)."""
    return _validate_description(
        value, what=_("kontaktpunktet"), limit=POINT_DESCRIPTION_MAX_LENGTH
    )


def validate_internal_note(value: object) -> str:
    """ "Intern note": optional and never shown publicly; capped at 1000 characters."""
    note = _paragraph(value)
    _refuse_control_characters(note, allow="\n\t")
    if len(note) > INTERNAL_NOTE_MAX_LENGTH:
        raise _too_long(
            _("Den interne note må højst være %(max)d tegn (du har skrevet %(count)d)."),
            limit=INTERNAL_NOTE_MAX_LENGTH,
            count=len(note),
        )
    return note


def _target_of(item: object) -> Target | None:
    """A target by its value ("CITIZEN") or Danish label ("Borger"), any case."""
    if not isinstance(item, str):
        return None
    wanted = item.strip().casefold()
    for target in Target:
        if wanted in _names_of(target):
            return target
    return None


def _names_of(choice) -> frozenset[str]:
    """A choice's value, its label in the current language and its Danish label.

    The exported workbook is written in Danish whatever the language of the person who
    exports it, and must read back whatever the language of the person who imports it.
    Remembered per choice and language: an import validates every target and code of every
    row, and switching the language for each (tens of thousands of times) dominated it.
    """
    return _names_in(choice, translation.get_language())


@functools.lru_cache(maxsize=256)
def _names_in(choice, language: str | None) -> frozenset[str]:
    with translation.override("da"):
        danish = str(choice.label)
    with translation.override(language):
        label = str(choice.label)
    return frozenset({choice.value.casefold(), label.casefold(), danish.casefold()})


def validate_targets(values: object) -> list[str]:
    """ "Målgruppe": at least one of Borger, Virksomhed, Myndighed (SPEC §4; guide §6.3).

    Returns the values without repeats in the fixed order CITIZEN, COMPANY, AUTHORITY.
    """
    chosen: set[Target] = set()
    for item in _items(values):
        if isinstance(item, str) and not item.strip():
            continue
        target = _target_of(item)
        if target is None:
            raise ValidationError(
                _("»%(value)s« er ikke en målgruppe. Vælg Borger, Virksomhed eller Myndighed.")
                % {"value": item},
                code="invalid_choice",
            )
        chosen.add(target)
    if not chosen:
        raise ValidationError(_("Vælg mindst én målgruppe."), code="required")
    return [target.value for target in TARGET_ORDER if target in chosen]


def keyword_is_allowed(keyword: str) -> bool:
    """Letters of any script (with their combining marks), digits and spaces only.

    The guide forbids special characters such as !#?; æ, ø, å and other letters are fine.
    """
    categories = [unicodedata.category(c) for c in keyword]
    return all(
        c == " " or cat[0] in "LM" or cat == "Nd"
        for c, cat in zip(keyword, categories, strict=True)
    ) and any(cat[0] == "L" or cat == "Nd" for cat in categories)


def validate_keywords(values: object) -> list[str]:
    """ "Angiv søgeord": at least one, each ≤ 30 characters of letters, digits and spaces
    (SPEC §4; guide §6.3 step 4). Whitespace is collapsed and repeats are dropped without
    regard to case, keeping the first spelling. Every bad keyword is reported.
    """
    keywords: list[str] = []
    seen: set[str] = set()
    errors: list[ValidationError] = []
    for item in _items(values):
        if not isinstance(item, str | int):
            errors.append(ValidationError(_("Søgeordet kan ikke læses."), code="invalid"))
            continue
        keyword = _line(item)
        if not keyword:
            continue
        if not keyword_is_allowed(keyword):
            errors.append(
                ValidationError(
                    _("Søgeordet »%(value)s« må kun indeholde bogstaver, tal og mellemrum.")
                    % {"value": keyword},
                    code="invalid_characters",
                )
            )
        elif len(keyword) > KEYWORD_MAX_LENGTH:
            errors.append(
                ValidationError(
                    _(
                        "Søgeordet »%(value)s« må højst være %(max)d tegn "
                        "(du har skrevet %(count)d)."
                    )
                    % {"value": keyword, "max": KEYWORD_MAX_LENGTH, "count": len(keyword)},
                    code="max_length",
                )
            )
        elif keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            keywords.append(keyword)
    if errors:
        raise ValidationError(errors)
    if not keywords:
        raise ValidationError(_("Angiv mindst ét søgeord."), code="required")
    return keywords


def _code_type_of(value: object) -> CodeType | None:
    """A code type by value ("GLN") or label ("EAN/GLN"); "EAN" is the same type."""
    if not isinstance(value, str):
        return None
    wanted = value.strip().casefold()
    if wanted == "ean":
        return CodeType.GLN
    for code_type in CodeType:
        if wanted in _names_of(code_type):
            return code_type
    return None


def _code_label(code_type: CodeType) -> str:
    return str(code_type.label) if code_type != CodeType.CUSTOM else _("brugerdefineret")


def _validate_code(code_type: CodeType, code: str) -> str:
    """One code of a known type, normalised (SPEC §4 "Opmærkning")."""
    if code_type == CodeType.KLE:
        if not KLE_PATTERN.fullmatch(code):
            raise ValidationError(
                _(
                    "KLE-koden skal have formen NN.NN.NN, fx 27.24.00, eller en del af den, "
                    "fx 27.24."
                ),
                code="invalid_kle",
            )
        return code
    if code_type == CodeType.GLN:
        number = ean.compact(code)  # spaces and hyphens are how people group the digits
        if not (len(number) == 13 and number.isascii() and number.isdigit()):
            raise ValidationError(_("EAN/GLN-nummeret skal bestå af 13 cifre."), code="invalid_gln")
        try:
            return ean.validate(number)
        except StdnumError:
            raise ValidationError(
                _("EAN/GLN-nummeret har et forkert kontrolciffer."), code="gln_checksum"
            ) from None
    if code_type == CodeType.SOR:
        if not SOR_PATTERN.fullmatch(code):
            raise ValidationError(
                _("SOR-koden skal bestå af 1 til %(max)d cifre.") % {"max": SOR_MAX_DIGITS},
                code="invalid_sor",
            )
        return code
    if len(code) > CODE_MAX_LENGTH:
        raise ValidationError(
            _("Koden »%(value)s« må højst være %(max)d tegn (du har skrevet %(count)d).")
            % {"value": code, "max": CODE_MAX_LENGTH, "count": len(code)},
            code="max_length",
        )
    if code_type == CodeType.FORM and not FORM_PATTERN.fullmatch(code):
        raise ValidationError(
            _("FORM-koden må kun indeholde bogstaver, tal, punktum og bindestreg."),
            code="invalid_form",
        )
    if code_type == CodeType.CUSTOM and not code.isprintable():
        raise ValidationError(
            _("Koden »%(value)s« indeholder tegn, der ikke kan bruges.")
            % {"value": code.encode("unicode_escape").decode("ascii")},
            code="invalid_custom",
        )
    return code


def validate_codes(codes: object) -> list[dict]:
    """ "Angiv koder": at most one each of FORM, KLE, SOR and EAN/GLN plus up to 10
    user-defined codes (SPEC §4; guide §6.3 step 4).

    `codes` is a list of {"type", "code"}. Rows without a code are dropped (an empty row of
    the form); the same code twice is refused. Returns the codes sorted by type (FORM, KLE,
    SOR, EAN/GLN, user-defined), user-defined codes in the order given. Every problem is
    reported.
    """
    accepted: list[dict] = []
    errors: list[ValidationError] = []
    for item in _items(codes):
        if not isinstance(item, dict):
            errors.append(ValidationError(_("Koden kan ikke læses."), code="invalid"))
            continue
        try:
            code = _line(item.get("code"))
        except ValidationError as error:
            errors.append(error)
            continue
        if not code:
            continue
        code_type = _code_type_of(item.get("type"))
        if code_type is None:
            errors.append(
                ValidationError(
                    _("Vælg kodens type: FORM, KLE, SOR, EAN/GLN eller brugerdefineret."),
                    code="invalid_type",
                )
            )
            continue
        try:
            accepted.append({"type": code_type.value, "code": _validate_code(code_type, code)})
        except ValidationError as error:
            errors.append(error)
    errors.extend(_code_count_errors(accepted))
    if errors:
        raise ValidationError(errors)
    return sorted(accepted, key=lambda c: CODE_TYPE_ORDER.index(CodeType(c["type"])))


def _code_count_errors(codes: list[dict]) -> list[ValidationError]:
    errors = []
    seen: set[tuple[str, str]] = set()
    for code in codes:
        key = (code["type"], code["code"].casefold())
        if key in seen:
            errors.append(
                ValidationError(
                    _("Koden »%(value)s« er angivet mere end én gang.") % {"value": code["code"]},
                    code="duplicate",
                )
            )
        seen.add(key)
    for code_type in SINGLE_CODE_TYPES:
        if sum(c["type"] == code_type for c in codes) > 1:
            errors.append(
                ValidationError(
                    _("Du kan kun angive én %(type)s-kode.") % {"type": _code_label(code_type)},
                    code="too_many",
                )
            )
    if sum(c["type"] == CodeType.CUSTOM for c in codes) > CUSTOM_CODES_MAX:
        errors.append(
            ValidationError(
                _("Du kan højst angive %(max)d brugerdefinerede koder.")
                % {"max": CUSTOM_CODES_MAX},
                code="too_many_custom",
            )
        )
    return errors


def _message_mb(value: object) -> Decimal | None:
    range_error = ValidationError(
        _("Den maksimale beskedstørrelse skal være mellem 0,1 og 99,5 MB."), code="range"
    )
    invalid = ValidationError(
        _("Den maksimale beskedstørrelse skal være et tal med højst én decimal, fx 45,5."),
        code="invalid",
    )
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise invalid
        value = format(value, "f")
    text = _text(value).strip().replace(",", ".")
    if not text:
        return None
    if not MESSAGE_MB_PATTERN.fullmatch(text.removeprefix("-")):
        raise invalid
    number = Decimal(text)
    if not MIN_MESSAGE_MB <= number <= DEFAULT_MAX_MESSAGE_MB:
        raise range_error
    if number != number.quantize(Decimal("0.1")):
        raise invalid
    return number.quantize(Decimal("0.1"))


def _attachments(value: object) -> int | None:
    if isinstance(value, float):  # a workbook cell holds numbers as floats
        value = int(value) if value.is_integer() else repr(value)
    text = _text(value).strip()
    if not text:
        return None
    if not re.fullmatch(r"-?[0-9]{1,6}", text):
        raise ValidationError(
            _("Antallet af bilag skal være et helt tal mellem 0 og 10."), code="invalid"
        )
    number = int(text)
    if not 0 <= number <= DEFAULT_MAX_ATTACHMENTS:
        raise ValidationError(_("Antallet af bilag skal være mellem 0 og 10."), code="range")
    return number


def validate_capacity(
    max_message_mb: object, max_attachments: object
) -> tuple[Decimal | None, int | None]:
    """ "Reducér kontaktpunktets kapacitet" (SPEC §4; guide §6.3 step 3).

    The message size is in MB, more than 0 and at most 99.5 with at most one decimal
    ("45,5" and "45.5" both read); attachments are a whole number 0–10. A value not given
    is None (the platform default applies); a given value is returned as given, even when
    it equals the default. Errors are keyed "max_message_mb" and "max_attachments".
    """
    errors: dict[str, ValidationError] = {}
    mb = attachments = None
    try:
        mb = _message_mb(max_message_mb)
    except ValidationError as error:
        errors["max_message_mb"] = error
    try:
        attachments = _attachments(max_attachments)
    except ValidationError as error:
        errors["max_attachments"] = error
    if errors:
        raise ValidationError(errors)
    return mb, attachments


def validate_external_link(
    headline: object, description: object, text: object, url: object
) -> dict:
    """ "Tilføj eksternt link" (SPEC §4; guide §6.3 step 3): optional; once any part is
    given, the https URL, the headline (≤ 50) and the link text (≤ 50) are required, the
    description (≤ 250) stays optional.

    Returns {"link_headline", "link_description", "link_text", "link_url"}, all empty when
    nothing was given. Errors are keyed by those names. The URL is checked like a system's
    end point: https only and no internal host, since the public must be able to open it.
    """
    fields: dict[str, str] = {}
    errors: dict[str, ValidationError] = {}
    for name, value, read in (
        ("link_headline", headline, _line),
        ("link_description", description, _paragraph),
        ("link_text", text, _line),
        ("link_url", url, lambda v: _text(v).strip()),
    ):
        try:
            fields[name] = read(value)
        except ValidationError as error:
            errors[name] = error
            fields[name] = ""
    if not errors and not any(fields.values()):
        return fields
    limits = (
        ("link_headline", LINK_HEADLINE_MAX_LENGTH, _("Overskriften")),
        ("link_description", LINK_DESCRIPTION_MAX_LENGTH, _("Beskrivelsen af linket")),
        ("link_text", LINK_TEXT_MAX_LENGTH, _("Linkteksten")),
    )
    for name, limit, label in limits:
        if name in errors:
            continue
        try:
            _refuse_control_characters(fields[name], allow="\n\t")
        except ValidationError as error:
            errors[name] = error
            continue
        if len(fields[name]) > limit:
            errors[name] = ValidationError(
                _("%(what)s må højst være %(max)d tegn (du har skrevet %(count)d).")
                % {"what": label, "max": limit, "count": len(fields[name])},
                code="max_length",
            )
    if "link_headline" not in errors and not fields["link_headline"]:
        errors["link_headline"] = ValidationError(
            _("Angiv en overskrift til linket."), code="required"
        )
    if "link_text" not in errors and not fields["link_text"]:
        errors["link_text"] = ValidationError(_("Angiv en linktekst."), code="required")
    if "link_url" not in errors:
        if not fields["link_url"]:
            errors["link_url"] = ValidationError(
                _("Angiv linkets adresse (URL), fx https://www.kommune.dk/selvbetjening."),
                code="required",
            )
        else:
            try:
                fields["link_url"] = validate_https_url(fields["link_url"], what=_("Linket"))
            except ValidationError as error:
                errors["link_url"] = error
    if errors:
        raise ValidationError(errors)
    return fields


def validate_input_fields(titles: object) -> list[str]:
    """ "Tilføj informationsfelter" (SPEC §4; guide §6.3 step 3): up to two fields the
    sender fills in, each titled in at most 25 characters. Blank titles are dropped; two
    fields with the same title would be indistinguishable to the sender, so that is refused.
    """
    accepted: list[str] = []
    for item in _items(titles):
        if not isinstance(item, str | int):
            raise ValidationError(_("Titlen kan ikke læses."), code="invalid")
        title = _line(item)
        if not title:
            continue
        _refuse_control_characters(title)
        if len(title) > INPUT_FIELD_TITLE_MAX_LENGTH:
            raise ValidationError(
                _("Titlen må højst være %(max)d tegn.") % {"max": INPUT_FIELD_TITLE_MAX_LENGTH},
                code="max_length",
            )
        if title.casefold() in (t.casefold() for t in accepted):
            raise ValidationError(
                _("Informationsfelterne skal have forskellige titler."), code="duplicate"
            )
        accepted.append(title)
    if len(accepted) > INPUT_FIELDS_MAX:
        raise ValidationError(_("Du kan højst tilføje to informationsfelter."), code="too_many")
    return accepted
