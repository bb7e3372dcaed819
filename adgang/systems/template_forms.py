"""The supplier's form for a standard system (SPEC §3 "Standard supplier systems").

One page with every field: the wizard's steps need the types before they can offer
protocols, but a supplier fills in a template in one go, so all protocols are offered and the
combination is checked on the server against SPEC §3's table (`rules`). Fields, labels and
cleaning come from the wizard's `ConnectionForm` and `ContactForm`, so a template refuses
what the wizard refuses, with the same messages. A template has no SSH key (keys belong to
the organisation using it) and no systemfuldmagt (choosing a template implies it).
"""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from adgang.systems import validation
from adgang.systems.forms import TYPE_CHOICES, ConnectionForm, ContactForm
from adgang.systems.models import NAME_MAX_LENGTH, Protocol, SystemTemplate
from adgang.systems.rules import COMBINATIONS, protocols_for, requirements
from adgang.systems.template_services import DESCRIPTION_MAX_LENGTH, TemplateSpec

REQUIRED_MESSAGES = {
    "name": _("Giv standard leverandørsystemet et navn."),
    "types": _("Vælg, om systemet skal opsættes som afsendersystem, modtagersystem eller begge."),
    "protocol": _("Vælg en protokol."),
    "ips": _("Angiv mindst én IP-adresse eller én IP-range."),
    "contact_name": _("Angiv navnet på den tekniske kontakt."),
    "contact_email": _("Angiv en e-mailadresse."),
    "contact_phone": _("Angiv et telefonnummer."),
}


def _field(form_class, name: str) -> forms.Field:
    return copy.deepcopy(form_class.base_fields[name])


def combination_rows() -> list[tuple[str, str]]:
    """SPEC §3's table as (type, protocols) rows for the page's help."""
    labels = {"sender": _("Afsender"), "receiver": _("Modtager")}
    rows = []
    for types in dict.fromkeys(t for t, _protocol in COMBINATIONS):
        type_text = ", ".join(str(labels[t]) for t in ("sender", "receiver") if t in types)
        rows.append((type_text, ", ".join(str(Protocol(p).label) for p in protocols_for(types))))
    return rows


class TemplateForm(forms.Form):
    name = forms.CharField(
        label=_("Navn"),
        help_text=_("Det navn, myndigheder og virksomheder ser, når de vælger systemet."),
        required=False,
        max_length=NAME_MAX_LENGTH + 50,
    )
    description = forms.CharField(
        label=_("Beskrivelse"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        error_messages={
            "max_length": _("Beskrivelsen må højst være %(limit_value)d tegn."),
        },
    )
    types = forms.MultipleChoiceField(
        label=_("Opsæt systemet som"),
        choices=TYPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    protocol = _field(ConnectionForm, "protocol")
    ips = _field(ConnectionForm, "ips")
    endpoint = _field(ConnectionForm, "endpoint")
    receipt_endpoint = _field(ConnectionForm, "receipt_endpoint")
    contact_name = _field(ContactForm, "contact_name")
    contact_email = _field(ContactForm, "contact_email")
    contact_phone = _field(ContactForm, "contact_phone")
    is_published = forms.BooleanField(
        label=_("Udgiv standard leverandørsystemet"),
        help_text=_(
            "Kun udgivne standard leverandørsystemer kan vælges, når en myndighed eller "
            "virksomhed opretter et system."
        ),
        required=False,
        initial=True,
    )

    # The wizard's own cleaning, not a copy of it.
    clean_ips = ConnectionForm.clean_ips
    clean_contact_name = ContactForm.clean_contact_name
    clean_contact_email = ContactForm.clean_contact_email
    clean_contact_phone = ContactForm.clean_contact_phone

    def __init__(self, *args, types_locked: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["protocol"].choices = list(Protocol.choices)
        self.fields["endpoint"].help_text = _(
            "Kræves for modtagersystemer med REST PUSH eller REST PUBLISH/SUBSCRIBE. "
            "Skal benytte SSL (https)."
        )
        self.fields["receipt_endpoint"].help_text = _(
            "Kræves for afsendersystemer med REST PUSH. Skal benytte SSL (https)."
        )
        # Required in the page's eyes (no "(frivilligt)"), with the wizard's messages; the
        # endpoints stay optional here since only some protocols need them.
        for name, message in REQUIRED_MESSAGES.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message
        if types_locked:
            # Systems use the template: their type and protocol cannot change under them.
            for name in ("types", "protocol"):
                self.fields[name].disabled = True

    @classmethod
    def initial_for(cls, template: SystemTemplate) -> dict:
        return {
            "name": template.name,
            "description": template.description,
            "types": [
                t
                for t, on in (("sender", template.is_sender), ("receiver", template.is_receiver))
                if on
            ],
            "protocol": template.protocol,
            "ips": "\n".join(template.ip_list),
            "endpoint": template.endpoint,
            "receipt_endpoint": template.receipt_endpoint,
            "contact_name": template.contact_name,
            "contact_email": template.contact_email,
            "contact_phone": template.contact_phone,
            "is_published": template.is_published,
        }

    def clean_name(self):
        return validation.validate_name(
            self.cleaned_data.get("name", ""),
            empty_message=_("Giv standard leverandørsystemet et navn."),
        )

    def clean_description(self):
        return " ".join(self.cleaned_data.get("description", "").split())

    def clean_types(self):
        types = frozenset(self.cleaned_data.get("types") or ())
        if not types:
            raise ValidationError(
                _(
                    "Vælg, om systemet skal opsættes som afsendersystem, modtagersystem "
                    "eller begge."
                ),
                code="required",
            )
        return types

    def clean(self):
        data = super().clean()
        types, protocol = data.get("types"), data.get("protocol")
        if not types or not protocol:
            return data
        needs = requirements(types, protocol)
        if needs is None:
            allowed = ", ".join(str(Protocol(p).label) for p in protocols_for(types))
            self.add_error(
                "protocol",
                _("Protokollen kan ikke bruges til denne type system. Vælg en af: %(protocols)s.")
                % {"protocols": allowed},
            )
            return data
        for name, needed, what in (
            ("endpoint", needs.endpoint, _("End point")),
            ("receipt_endpoint", needs.receipt_endpoint, _("Kvitterings-end point")),
        ):
            if not needed:
                data[name] = ""
                continue
            try:
                data[name] = validation.validate_https_url(data.get(name, ""), what=str(what))
            except ValidationError as error:
                self.add_error(name, error)
        return data

    def spec(self) -> TemplateSpec:
        data = self.cleaned_data
        ips = data["ips"]
        return TemplateSpec(
            name=data["name"],
            description=data["description"],
            is_sender="sender" in data["types"],
            is_receiver="receiver" in data["types"],
            protocol=data["protocol"],
            allowed_ips=tuple(ips.addresses),
            ip_range=ips.range,
            endpoint=data["endpoint"],
            receipt_endpoint=data["receipt_endpoint"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            is_published=data["is_published"],
        )
