"""The four input steps of "Opret kontaktpunkt" (SPEC §4, guide §6.3), and how a point reads.

The wizard and "Redigér" both validate with these forms and then call the same service
(`point_create` / `point_update`), which validates once more with `validation.py`: the forms
call the same functions, so each message appears next to its field before anything is sent.

Every field works without JavaScript: keywords and user-defined codes are one per line in a
text area, the two information fields are two inputs with one name (so a third value posted
by hand is seen and refused, not silently dropped).
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from adgang.accounts.models import Organisation
from adgang.contacts import selectors, validation
from adgang.contacts.models import (
    NAME_MAX_LENGTH,
    POINT_DESCRIPTION_MAX_LENGTH,
    CodeType,
    ContactPoint,
    Target,
)
from adgang.contacts.services import PointSpec

DESCRIPTION, ACCESSIBILITY, MARKUP, CONNECTION = (
    "beskrivelse",
    "tilgaengelighed",
    "opmaerkning",
    "tilslutning",
)
INPUT_STEPS = (DESCRIPTION, ACCESSIBILITY, MARKUP, CONNECTION)
VISIBLE, HIDDEN = "visible", "hidden"
# The order of the guide's step 2 checkboxes.
TARGET_CHOICES = [
    (Target.COMPANY.value, Target.COMPANY.label),
    (Target.CITIZEN.value, Target.CITIZEN.label),
    (Target.AUTHORITY.value, Target.AUTHORITY.label),
]
SINGLE_CODE_FIELDS = {
    "code_form": CodeType.FORM,
    "code_kle": CodeType.KLE,
    "code_sor": CodeType.SOR,
    "code_gln": CodeType.GLN,
}
# Generous enough that the validators (not the field) report an overlong value, with the count.
TEXT_SLACK = 1000


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


class ListInputs(forms.Widget):
    """`count` text inputs sharing one name; the value is the list of what was posted."""

    def __init__(self, count: int, item_label: str = "", attrs=None) -> None:
        super().__init__(attrs)
        self.count = count
        # Each input's accessible name, "%(number)d" numbering them from 1.
        self.item_label = item_label

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def render(self, name, value, attrs=None, renderer=None):
        values = list(value or [])
        values += [""] * (self.count - len(values))
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.pop("id", "")
        parts = []
        for index, item in enumerate(values):
            own = {**attrs, "id": base_id if index == 0 else f"{base_id}_{index}"}
            if index:  # spaced like separate fields
                own["class"] = f"{own.get('class', '')} mt-3".strip()
            if self.item_label:
                own["aria-label"] = str(self.item_label) % {"number": index + 1}
            parts.append(
                format_html('<input type="text" name="{}" value="{}"{}>', name, item, flatatt(own))
            )
        return format_html(
            '<div class="contacts-list-inputs">{}</div>',
            format_html_join("", "{}", ((p,) for p in parts)),
        )


class ListField(forms.Field):
    widget = ListInputs

    def __init__(self, *, count: int, item_label: str = "", **kwargs) -> None:
        kwargs.setdefault("widget", ListInputs(count, item_label))
        super().__init__(**kwargs)

    def to_python(self, value):
        return [str(v) for v in (value or [])]


class DescriptionForm(forms.Form):
    """Step 1 "Beskrivelse": name, description, internal note, groups (guide §6.3 step 2)."""

    name = forms.CharField(
        label=_("Kontaktpunktets navn"),
        required=False,
        max_length=NAME_MAX_LENGTH + TEXT_SLACK,
    )
    description = forms.CharField(
        label=_("Kontaktpunktets beskrivelse"),
        required=False,
        max_length=POINT_DESCRIPTION_MAX_LENGTH + TEXT_SLACK,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    internal_note = forms.CharField(
        label=_("Intern note"),
        help_text=_("Interne opmærksomhedspunkter. Noten vises ikke eksternt."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Føj til kontaktgruppe"),
        help_text=_(
            "Vælg en eller flere kontaktgrupper. Uden kontaktgruppe vises kontaktpunktet i "
            "kontaktstrukturens øverste niveau."
        ),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("Den valgte kontaktgruppe findes ikke.")},
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = selectors.groups_of(organisation).order_by("name")
        self.fields["name"].needed_when_shown = True
        self.fields["description"].needed_when_shown = True
        self.fields["name"].character_limit = NAME_MAX_LENGTH
        self.fields["description"].character_limit = POINT_DESCRIPTION_MAX_LENGTH

    def clean_name(self):
        try:
            return validation.validate_name(self.cleaned_data["name"], what=_("kontaktpunktet"))
        except ValidationError as error:
            raise ValidationError(_messages(error)) from None

    def clean_description(self):
        return validation.validate_point_description(self.cleaned_data["description"])

    def clean_internal_note(self):
        return validation.validate_internal_note(self.cleaned_data["internal_note"])


class AccessibilityForm(forms.Form):
    """Step 2 "Tilgængelighed": visibility, target groups, capacity, external link and
    information fields (guide §6.3 step 3). The optional parts count only when ticked."""

    visibility = forms.ChoiceField(
        label=_("Synlighed"),
        choices=((VISIBLE, _("Synliggør kontaktpunktet")), (HIDDEN, _("Skjul kontaktpunktet"))),
        widget=forms.RadioSelect,
        initial=VISIBLE,
        error_messages={"required": _("Vælg, om kontaktpunktet skal være synligt eller skjult.")},
    )
    targets = forms.MultipleChoiceField(
        label=_("Målgruppe"),
        help_text=_("Vælg mindst én målgruppe, som kan anvende kontaktpunktet."),
        choices=TARGET_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Vælg Borger, Virksomhed eller Myndighed.")},
    )
    reduce_capacity = forms.BooleanField(
        label=_("Reducér kontaktpunktets kapacitet (Valgfrit)"), required=False
    )
    max_message_mb = forms.CharField(
        label=_("Max MB grænse"),
        help_text=_("Mellem 0,1 og 99,5 MB (standard 99,5 MB)."),
        required=False,
        max_length=50,
    )
    max_attachments = forms.CharField(
        label=_("Max antal bilag"),
        help_text=_("Mellem 0 og 10 (standard 10)."),
        required=False,
        max_length=50,
    )
    add_link = forms.BooleanField(label=_("Tilføj eksternt link (Valgfrit)"), required=False)
    link_headline = forms.CharField(label=_("Overskrift"), required=False, max_length=1000)
    link_description = forms.CharField(
        label=_("Beskrivelse af linket"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    link_text = forms.CharField(label=_("Linktekst"), required=False, max_length=1000)
    link_url = forms.CharField(
        label=_("Link (URL)"),
        help_text=_("Skal begynde med https://"),
        required=False,
        max_length=2000,
    )
    add_input_fields = forms.BooleanField(
        label=_("Tilføj informationsfelter (Valgfrit)"), required=False
    )
    input_fields = ListField(
        label=_("Titler på informationsfelterne"),
        help_text=_("Op til to felter, højst 25 tegn hver."),
        count=validation.INPUT_FIELDS_MAX,
        item_label=_("Titel på informationsfelt %(number)d"),
        required=False,
    )

    LINK_FIELDS = ("link_headline", "link_description", "link_text", "link_url")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("max_message_mb", "max_attachments", "link_headline", "link_text"):
            self.fields[name].needed_when_shown = True
        self.fields["link_url"].needed_when_shown = True
        self.fields["input_fields"].needed_when_shown = True
        self.fields["link_headline"].character_limit = validation.LINK_HEADLINE_MAX_LENGTH
        self.fields["link_description"].character_limit = validation.LINK_DESCRIPTION_MAX_LENGTH
        self.fields["link_text"].character_limit = validation.LINK_TEXT_MAX_LENGTH

    def clean_targets(self):
        try:
            return validation.validate_targets(self.cleaned_data["targets"])
        except ValidationError as error:
            raise ValidationError(_messages(error)) from None

    def clean(self):
        data = super().clean()
        data["visible"] = data.get("visibility") != HIDDEN
        self._clean_capacity(data)
        self._clean_link(data)
        self._clean_input_fields(data)
        return data

    def _clean_capacity(self, data) -> None:
        data["max_message_mb_value"] = data["max_attachments_value"] = None
        if not data.get("reduce_capacity"):
            return
        try:
            mb, attachments = validation.validate_capacity(
                data.get("max_message_mb"), data.get("max_attachments")
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name, messages)
            return
        if mb is None and attachments is None:
            self.add_error(
                "max_message_mb",
                _("Angiv en maksimal beskedstørrelse, et maksimalt antal bilag eller begge."),
            )
        data["max_message_mb_value"], data["max_attachments_value"] = mb, attachments

    def _clean_link(self, data) -> None:
        data["link"] = dict.fromkeys(self.LINK_FIELDS, "")
        if not data.get("add_link"):
            return
        try:
            data["link"] = validation.validate_external_link(
                *(data.get(name, "") for name in self.LINK_FIELDS)
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name, messages)
            return
        if not any(data["link"].values()):
            self.add_error("link_url", _("Udfyld linkets felter, eller fjern krydset."))

    def _clean_input_fields(self, data) -> None:
        data["input_field_titles"] = []
        if not data.get("add_input_fields"):
            return
        try:
            data["input_field_titles"] = validation.validate_input_fields(
                data.get("input_fields") or []
            )
        except ValidationError as error:
            self.add_error("input_fields", _messages(error))
            return
        if not data["input_field_titles"]:
            self.add_error("input_fields", _("Angiv en titel, eller fjern krydset."))


class MarkupForm(forms.Form):
    """Step 3 "Opmærkning": keywords and codes (guide §6.3 step 4)."""

    keywords = forms.CharField(
        label=_("Angiv søgeord"),
        help_text=_(
            "Ét søgeord pr. linje, højst 30 tegn. Kun bogstaver, tal og mellemrum (ingen "
            "specialtegn som !#?)."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    code_form = forms.CharField(label=_("FORM-kode"), required=False, max_length=1000)
    code_kle = forms.CharField(
        label=_("KLE-kode"),
        help_text=_("Formen NN.NN.NN, fx 27.24.00, eller en del af den."),
        required=False,
        max_length=1000,
    )
    code_sor = forms.CharField(label=_("SOR-kode"), required=False, max_length=1000)
    code_gln = forms.CharField(
        label=_("EAN/GLN-nummer"),
        help_text=_("13 cifre med gyldigt kontrolciffer."),
        required=False,
        max_length=1000,
    )
    custom_codes = forms.CharField(
        label=_("Brugerdefinerede koder"),
        help_text=_("Op til 10 koder, én pr. linje."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keywords"].needed_when_shown = True

    def clean_keywords(self):
        try:
            return validation.validate_keywords(_lines(self.cleaned_data["keywords"]))
        except ValidationError as error:
            raise ValidationError(_messages(error)) from None

    def clean(self):
        data = super().clean()
        codes: list[dict] = []
        for name, code_type in SINGLE_CODE_FIELDS.items():
            value = (data.get(name) or "").strip()
            if not value:
                continue
            try:
                codes += validation.validate_codes([{"type": code_type, "code": value}])
            except ValidationError as error:
                self.add_error(name, _messages(error))
        custom = [
            {"type": CodeType.CUSTOM, "code": line} for line in _lines(data.get("custom_codes"))
        ]
        try:
            codes += validation.validate_codes(custom)
        except ValidationError as error:
            self.add_error("custom_codes", _messages(error))
        if not self.errors:
            try:
                data["codes"] = validation.validate_codes(codes)
            except ValidationError as error:
                self.add_error(None, _messages(error))
        return data


class ConnectionForm(forms.Form):
    """Step 4 "Tilslutning": receiver system and activation (guide §6.3 step 5)."""

    system = forms.ModelChoiceField(
        label=_("Tilknyt modtagersystem"),
        help_text=_("Vælg hvilket modtagersystem, som kontaktpunktet skal tilkobles."),
        queryset=None,
        required=False,
        empty_label=_("Intet modtagersystem endnu"),
        error_messages={"invalid_choice": _("Vælg et af organisationens modtagersystemer.")},
    )
    active = forms.BooleanField(label=_("Aktivér kontaktpunktet ved oprettelse"), required=False)

    def __init__(self, *args, organisation: Organisation, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = selectors.receiver_systems_of(organisation).order_by(
            "name"
        )
        if editing:
            self.fields["active"].label = _("Kontaktpunktet er aktivt")


def point_spec_from(cleaned: dict[str, dict]) -> PointSpec:
    """The service's input from the four steps' cleaned data."""
    description = cleaned[DESCRIPTION]
    access = cleaned[ACCESSIBILITY]
    markup = cleaned[MARKUP]
    connection = cleaned[CONNECTION]
    return PointSpec(
        name=description["name"],
        description=description["description"],
        internal_note=description["internal_note"],
        group_ids=tuple(g.pk for g in description["groups"]),
        visible=access["visible"],
        targets=tuple(access["targets"]),
        max_message_mb=access["max_message_mb_value"],
        max_attachments=access["max_attachments_value"],
        input_fields=tuple(access["input_field_titles"]),
        keywords=tuple(markup["keywords"]),
        codes=tuple(markup["codes"]),
        system_id=connection["system"].pk if connection["system"] else None,
        active=bool(connection["active"]),
        **access["link"],
    )


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f").replace(".", ",")


def point_step_data(point: ContactPoint) -> dict[str, dict[str, list[str]]]:
    """A point's values as each step's posted data (field names without the step prefix),
    so "Redigér" starts from what is stored."""
    codes = point.codes or []
    single = {
        name: next((c["code"] for c in codes if c["type"] == code_type), "")
        for name, code_type in SINGLE_CODE_FIELDS.items()
    }
    custom = [c["code"] for c in codes if c["type"] == CodeType.CUSTOM]
    capacity = point.max_message_mb is not None or point.max_attachments is not None
    link = any(getattr(point, name) for name in AccessibilityForm.LINK_FIELDS)
    access = {
        "visibility": [VISIBLE if point.visible else HIDDEN],
        "targets": list(point.targets or []),
        "max_message_mb": [_number(point.max_message_mb)],
        "max_attachments": ["" if point.max_attachments is None else str(point.max_attachments)],
        "input_fields": list(point.input_fields or []),
        **{name: [getattr(point, name)] for name in AccessibilityForm.LINK_FIELDS},
    }
    for flag, on in (
        ("reduce_capacity", capacity),
        ("add_link", link),
        ("add_input_fields", bool(point.input_fields)),
    ):
        if on:
            access[flag] = ["on"]
    connection = {"system": [str(point.system_id) if point.system_id else ""]}
    if point.active:
        connection["active"] = ["on"]
    return {
        DESCRIPTION: {
            "name": [point.name],
            "description": [point.description],
            "internal_note": [point.internal_note],
            "groups": [str(pk) for pk in point.groups.values_list("pk", flat=True)],
        },
        ACCESSIBILITY: access,
        MARKUP: {
            "keywords": ["\n".join(point.keywords or [])],
            **{name: [value] for name, value in single.items()},
            "custom_codes": ["\n".join(custom)],
        },
        CONNECTION: connection,
    }


# -- how a point reads (summary, receipt, details page, PDF) --------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    values: list[str]
    step: str


@dataclass(frozen=True)
class RowGroup:
    key: str
    heading: str
    rows: list[Row]


def _yes_no(value: bool) -> str:
    return gettext("Ja") if value else gettext("Nej")


def point_rows(
    *,
    name: str,
    description: str,
    internal_note: str,
    group_names: list[str],
    visible: bool,
    targets: list[str],
    max_message_mb: Decimal | None,
    max_attachments: int | None,
    input_fields: list[str],
    link: dict,
    keywords: list[str],
    codes: list[dict],
    active: bool,
    system_name: str,
) -> list[RowGroup]:
    """The guide's step 6 table: Beskrivelse, Tilgængelighed, Opmærkning, Tilslutning."""
    link_lines = []
    if link.get("link_url"):
        link_lines = [
            line
            for line in (
                link.get("link_headline", ""),
                link.get("link_description", ""),
                f"{link.get('link_text', '')}: {link['link_url']}",
            )
            if line
        ]
    code_lines = [f"{CodeType(c['type']).label}: {c['code']}" for c in codes] or [
        gettext("Ingen koder valgt")
    ]
    return [
        RowGroup(
            DESCRIPTION,
            gettext("Beskrivelse"),
            [
                Row("name", gettext("Navn"), [name], DESCRIPTION),
                Row("description", gettext("Beskrivelse"), description.splitlines(), DESCRIPTION),
                Row(
                    "internal_note", gettext("Intern note"), internal_note.splitlines(), DESCRIPTION
                ),
                Row("groups", gettext("Kontaktgruppe(r)"), group_names, DESCRIPTION),
            ],
        ),
        RowGroup(
            ACCESSIBILITY,
            gettext("Tilgængelighed"),
            [
                Row(
                    "targets",
                    gettext("Målgruppe"),
                    [", ".join(str(t.label) for t in selectors.targets_in_order(targets))],
                    ACCESSIBILITY,
                ),
                Row("visible", gettext("Synligt"), [_yes_no(visible)], ACCESSIBILITY),
                Row(
                    "max_message_mb",
                    gettext("Max MB grænse"),
                    [_number(max_message_mb)] if max_message_mb is not None else [],
                    ACCESSIBILITY,
                ),
                Row(
                    "max_attachments",
                    gettext("Max antal bilag"),
                    [str(max_attachments)] if max_attachments is not None else [],
                    ACCESSIBILITY,
                ),
                Row("input_fields", gettext("Informationsfelter"), input_fields, ACCESSIBILITY),
                Row("link", gettext("Eksternt link"), link_lines, ACCESSIBILITY),
            ],
        ),
        RowGroup(
            MARKUP,
            gettext("Opmærkning"),
            [
                Row("keywords", gettext("Søgeord"), keywords, MARKUP),
                Row("codes", gettext("Koder"), code_lines, MARKUP),
            ],
        ),
        RowGroup(
            CONNECTION,
            gettext("Tilslutning"),
            [
                Row(
                    "active",
                    gettext("Status"),
                    [gettext("Aktivt") if active else gettext("Ikke aktivt")],
                    CONNECTION,
                ),
                Row(
                    "system",
                    gettext("Modtagersystem"),
                    [system_name] if system_name else [],
                    CONNECTION,
                ),
            ],
        ),
    ]


def spec_rows(spec: PointSpec, *, group_names: list[str], system_name: str) -> list[RowGroup]:
    return point_rows(
        name=spec.name,
        description=spec.description,
        internal_note=spec.internal_note,
        group_names=group_names,
        visible=spec.visible,
        targets=list(spec.targets),
        max_message_mb=spec.max_message_mb,
        max_attachments=spec.max_attachments,
        input_fields=list(spec.input_fields),
        link={name: getattr(spec, name) for name in AccessibilityForm.LINK_FIELDS},
        keywords=list(spec.keywords),
        codes=list(spec.codes),
        active=spec.active,
        system_name=system_name,
    )


def stored_rows(point: ContactPoint) -> list[RowGroup]:
    return point_rows(
        name=point.name,
        description=point.description,
        internal_note=point.internal_note,
        group_names=sorted(point.groups.values_list("name", flat=True), key=str.casefold),
        visible=point.visible,
        targets=list(point.targets or []),
        max_message_mb=point.max_message_mb,
        max_attachments=point.max_attachments,
        input_fields=list(point.input_fields or []),
        link={name: getattr(point, name) for name in AccessibilityForm.LINK_FIELDS},
        keywords=list(point.keywords or []),
        codes=list(point.codes or []),
        active=point.active,
        system_name=point.system.name if point.system else "",
    )


# The form field a service refusal belongs to: service field → (step, form field).
RULE_FIELDS = {
    "name": (DESCRIPTION, "name"),
    "description": (DESCRIPTION, "description"),
    "internal_note": (DESCRIPTION, "internal_note"),
    "groups": (DESCRIPTION, "groups"),
    "targets": (ACCESSIBILITY, "targets"),
    "max_message_mb": (ACCESSIBILITY, "max_message_mb"),
    "max_attachments": (ACCESSIBILITY, "max_attachments"),
    "link_headline": (ACCESSIBILITY, "link_headline"),
    "link_description": (ACCESSIBILITY, "link_description"),
    "link_text": (ACCESSIBILITY, "link_text"),
    "link_url": (ACCESSIBILITY, "link_url"),
    "input_fields": (ACCESSIBILITY, "input_fields"),
    "keywords": (MARKUP, "keywords"),
    "codes": (MARKUP, "custom_codes"),
    "system": (CONNECTION, "system"),
}
