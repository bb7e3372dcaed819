"""The four input steps of "Opret system" (SPEC §3, guide §5.3–5.6), reused everywhere.

The wizard, the details page's "Redigér" forms and `manage.py system add` all validate with
these forms and then call the same service, so every path refuses the same input with the
same Danish message. Fields a standard supplier system defines are rendered disabled: Django
then ignores whatever is posted for them and uses the template's values.
"""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from adgang.accounts.models import Organisation
from adgang.systems import selectors, validation
from adgang.systems.models import NAME_MAX_LENGTH, Protocol, SystemTemplate
from adgang.systems.rules import protocols_for, requirements
from adgang.systems.services import Activation, SystemSpec

SCRATCH = "scratch"
TEMPLATE = "template"
TYPES_MISSING = _("Vælg, om systemet skal opsættes som afsendersystem, modtagersystem eller begge.")
TYPE_CHOICES = (("sender", _("Afsendersystem")), ("receiver", _("Modtagersystem")))
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
TIME_INPUT_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]


class NeededWhenShownMixin:
    """Fields checked in `clean()` because only some choices need them are still not labelled
    "(frivilligt)" where they are shown (see the `is_optional` template filter)."""

    needed_when_shown: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.needed_when_shown:
            self.fields[name].needed_when_shown = True


def _local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SystemTemplate) -> str:
        return f"{obj.supplier.name} – {obj.name}"


class SystemStepForm(NeededWhenShownMixin, forms.Form):
    """Step 1 "System": from scratch (name, supplier, types) or from a standard system."""

    needed_when_shown = ("name", "types", "supplier", "template", "template_system_name")

    setup = forms.ChoiceField(
        label=_("Vælg, hvordan du vil opsætte systemet"),
        choices=(
            (SCRATCH, _("Opsæt systemet fra bunden")),
            (TEMPLATE, _("Opsæt via et præudfyldt standard leverandørsystem")),
        ),
        widget=forms.RadioSelect,
        initial=SCRATCH,
        error_messages={"required": _("Vælg, hvordan du vil opsætte systemet.")},
    )
    name = forms.CharField(label=_("Navn"), required=False, max_length=NAME_MAX_LENGTH + 50)
    supplier_name = forms.CharField(
        label=_("Skriv navn på systemleverandør"),
        required=False,
        max_length=NAME_MAX_LENGTH + 50,
    )
    types = forms.MultipleChoiceField(
        label=_("Opsæt systemet som"),
        choices=TYPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": TYPES_MISSING},
    )
    supplier = forms.ModelChoiceField(
        label=_("Vælg systemleverandør"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Vælg"),
    )
    template = TemplateChoiceField(
        label=_("Vælg standard leverandørsystem"),
        queryset=SystemTemplate.objects.none(),
        required=False,
        empty_label=_("Vælg"),
    )
    template_system_name = forms.CharField(
        label=_("Vælg systemnavn"),
        help_text=_("Vælg et sigende navn til systemet."),
        required=False,
        max_length=NAME_MAX_LENGTH + 50,
    )
    agreement = forms.BooleanField(
        label=_(
            "Ja, min organisation har en aftale med den valgte leverandør, om at anvende "
            "standard leverandørsystemet."
        ),
        required=False,
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["supplier"].queryset = selectors.suppliers_with_templates()
        self.fields["template"].queryset = selectors.templates_published()

    def clean(self):
        data = super().clean()
        if data.get("setup") == TEMPLATE:
            self._clean_template(data)
        elif data.get("setup") == SCRATCH:
            self._clean_scratch(data)
        return data

    def _clean_scratch(self, data) -> None:
        try:
            data["name"] = validation.validate_name(data.get("name", ""))
        except ValidationError as error:
            self.add_error("name", error)
        if len(data.get("supplier_name", "")) > NAME_MAX_LENGTH:
            self.add_error(
                "supplier_name",
                _("Navnet må højst være %(max)d tegn.") % {"max": NAME_MAX_LENGTH},
            )
        types = frozenset(data.get("types") or ())
        if "types" in self.errors:  # a choice we never offered: Django has said so already
            pass
        elif not types:
            self.add_error("types", TYPES_MISSING)
        elif "receiver" in types and selectors.company_has_receiver(self.organisation):
            self.add_error("types", _company_receiver_message())
        data["types"] = types
        data["template"] = None

    def _clean_template(self, data) -> None:
        supplier, template = data.get("supplier"), data.get("template")
        if supplier is None:
            self.add_error("supplier", _("Vælg en systemleverandør."))
        if template is None:
            self.add_error("template", _("Vælg et standard leverandørsystem."))
        elif supplier is not None and template.supplier_id != supplier.pk:
            self.add_error(
                "template", _("Det valgte standard leverandørsystem hører ikke til leverandøren.")
            )
        elif template.is_receiver and selectors.company_has_receiver(self.organisation):
            self.add_error("template", _company_receiver_message())
        try:
            data["name"] = validation.validate_name(data.get("template_system_name", ""))
        except ValidationError as error:
            self.add_error("template_system_name", error)
        if not data.get("agreement"):
            self.add_error(
                "agreement",
                _("Bekræft, at din organisation har en aftale med leverandøren."),
            )
        if template is not None:
            data["types"] = frozenset(
                t
                for t, on in (("sender", template.is_sender), ("receiver", template.is_receiver))
                if on
            )
            data["supplier_name"] = template.supplier.name


def _company_receiver_message() -> str:
    return str(
        _(
            "Virksomheden har allerede et modtagersystem. En virksomhed kan kun have ét "
            "modtagersystem."
        )
    )


# The connection fields that only some protocols use: field → `Requirements` attribute.
PROTOCOL_FIELDS = {
    "endpoint": "endpoint",
    "receipt_endpoint": "receipt_endpoint",
    "ssh_public_key": "ssh_key",
    "delegated_cvr": "delegation",
    "move_post_from_virk": "move_post_from_virk",
}


class ConnectionForm(NeededWhenShownMixin, forms.Form):
    """Step 2 "Tilslutning": protocol and the fields it needs (SPEC §3 table)."""

    needed_when_shown = ("ips", "endpoint", "receipt_endpoint", "ssh_public_key")

    protocol = forms.ChoiceField(
        label=_("Vælg protokol"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vælg en protokol."),
            "invalid_choice": _("Protokollen kan ikke bruges til denne type system."),
        },
    )
    ips = forms.CharField(
        label=_("IP-adresser"),
        help_text=_(
            "Op til 32 IP-adresser adskilt af komma eller linjeskift, eller én IP-range "
            "(fx 10.0.0.0/24 eller 10.0.0.1-10.0.0.20). IPv4 og IPv6."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    endpoint = forms.CharField(
        label=_("Angiv end point"),
        help_text=_("Her leverer Digital Post meddelelserne. Skal benytte SSL (https)."),
        required=False,
    )
    receipt_endpoint = forms.CharField(
        label=_("Tilslut kvitterings-end point til memo-meddelelser"),
        help_text=_("Her leverer Digital Post kvitteringer. Skal benytte SSL (https)."),
        required=False,
    )
    ssh_public_key = forms.CharField(
        label=_("Offentlig SSH-nøgle"),
        help_text=_("Indsæt den offentlige nøgle (ssh-ed25519, ecdsa-sha2-… eller ssh-rsa)."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    delegated_cvr = forms.CharField(
        label=_("Giv din systemleverandør fuldmagt"),
        help_text=_(
            "Indtast din systemleverandørs CVR-nummer, hvis du ønsker at give dem fuldmagt til "
            "at sende og modtage Digital Post på vegne af din organisation."
        ),
        required=False,
    )
    move_post_from_virk = forms.BooleanField(
        label=_("Flyt eksisterende post fra Virk"), required=False
    )

    def __init__(
        self,
        *args,
        types: frozenset[str],
        template: SystemTemplate | None = None,
        protocol_locked: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.types = types
        self.template = template
        self.fields["protocol"].choices = [(p, Protocol(p).label) for p in protocols_for(types)]
        if template is not None:
            self.initial.update(
                protocol=template.protocol,
                ips="\n".join(template.ip_list),
                endpoint=template.endpoint,
                receipt_endpoint=template.receipt_endpoint,
                delegated_cvr=template.supplier.cvr,
            )
            for name in ("protocol", "ips", "endpoint", "receipt_endpoint", "delegated_cvr"):
                self.fields[name].disabled = True
        if protocol_locked:
            self.fields["protocol"].disabled = True

    def protocol_field_rows(self, offered: list[str]) -> list[dict]:
        """The fields only some of the `offered` protocols use, with those protocols.

        The wizard and the details page show each such field with "Kun ved …" and, with
        JavaScript, only while one of its protocols is chosen. A field with an error is
        always listed, so its message is never hidden.
        """
        rows = []
        for name, need in PROTOCOL_FIELDS.items():
            using = [p for p in offered if getattr(requirements(self.types, p), need)]
            if using or self[name].errors:
                rows.append(
                    {
                        "field": self[name],
                        "protocols": " ".join(using),
                        "labels": ", ".join(str(Protocol(p).label) for p in using),
                        "always": len(using) == len(offered),
                    }
                )
        return rows

    def clean_ips(self):
        return validation.parse_allowed_ips(self.cleaned_data.get("ips", ""))

    def clean(self):
        data = super().clean()
        protocol = data.get("protocol")
        needs = requirements(self.types, protocol) if protocol else None
        if needs is None:
            return data
        for name, needed, check in (
            ("endpoint", needs.endpoint, _https(_("End point"))),
            ("receipt_endpoint", needs.receipt_endpoint, _https(_("Kvitterings-end point"))),
            ("ssh_public_key", needs.ssh_key, validation.validate_ssh_public_key),
            ("delegated_cvr", needs.delegation, validation.validate_delegated_cvr),
        ):
            if not needed:
                data[name] = ""
                continue
            if name in self.errors:  # one message per field: the field's own check failed
                continue
            try:
                data[name] = check(data.get(name, ""))
            except ValidationError as error:
                self.add_error(name, error)
        if not needs.move_post_from_virk:
            data["move_post_from_virk"] = False
        return data


def _https(what):
    return lambda value: validation.validate_https_url(value, what=str(what))


class ActivationForm(NeededWhenShownMixin, forms.Form):
    """Step 3 "Aktivering": now, at a chosen time, or not at all; optional deactivation."""

    needed_when_shown = ("activate_date", "activate_time", "deactivate_date", "deactivate_time")

    activation = forms.ChoiceField(
        label=_("Vælg aktivering af system"),
        choices=(
            (Activation.NOW, _("Aktivér systemet nu")),
            (Activation.AT, _("Aktivér systemet på et valgt tidspunkt")),
            (Activation.NEVER, _("Aktivér ikke systemet")),
        ),
        widget=forms.RadioSelect,
        initial=Activation.NOW,
        error_messages={"required": _("Vælg, hvornår systemet skal aktiveres.")},
    )
    activate_date = forms.DateField(
        label=_("Dato"),
        help_text=_("Systemet aktiveres fra dato (dd/mm/åååå)"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    activate_time = forms.TimeField(
        label=_("Tid"),
        required=False,
        input_formats=TIME_INPUT_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    deactivate = forms.BooleanField(
        label=_("Ja, jeg ønsker at vælge et deaktiveringstidspunkt"), required=False
    )
    deactivate_date = forms.DateField(
        label=_("Dato"),
        help_text=_("Systemet deaktiveres fra dato (dd/mm/åååå)"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deactivate_time = forms.TimeField(
        label=_("Tid"),
        required=False,
        input_formats=TIME_INPUT_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(
        self,
        *args,
        now: datetime.datetime,
        activation_locked: bool = False,
        active_from: datetime.datetime | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.now = now
        self.locked_from = active_from if activation_locked else None
        if activation_locked:
            for name in ("activation", "activate_date", "activate_time"):
                self.fields[name].disabled = True
                self.fields[name].required = False

    def clean(self):
        data = super().clean()
        if self.locked_from is not None:
            data["activation"] = Activation.AT
            data["active_from"] = self.locked_from
        else:
            data["active_from"] = self._activation(data)
        data["active_to"] = self._deactivation(data, data.get("active_from"))
        return data

    def _combine(self, data, prefix: str, what: str) -> datetime.datetime | None:
        day, time = data.get(f"{prefix}_date"), data.get(f"{prefix}_time")
        if f"{prefix}_date" in self.errors or f"{prefix}_time" in self.errors:
            return None
        if day is None:
            self.add_error(f"{prefix}_date", _("Vælg en dato for %(what)s.") % {"what": what})
        if time is None:
            self.add_error(f"{prefix}_time", _("Vælg et tidspunkt for %(what)s.") % {"what": what})
        if day is None or time is None:
            return None
        return datetime.datetime.combine(day, time, tzinfo=_local_zone())

    def _activation(self, data) -> datetime.datetime | None:
        mode = data.get("activation")
        if mode == Activation.NOW:
            return self.now
        if mode != Activation.AT:
            return None
        at = self._combine(data, "activate", str(_("aktiveringen")))
        if at is not None and at <= self.now:
            self.add_error(
                "activate_date",
                _("Aktiveringstidspunktet ligger i fortiden. Vælg et tidspunkt frem i tiden."),
            )
        return at

    def _deactivation(self, data, active_from) -> datetime.datetime | None:
        if not data.get("deactivate"):
            return None
        if data.get("activation") == Activation.NEVER and self.locked_from is None:
            self.add_error(
                "deactivate", _("Et deaktiveringstidspunkt kræver, at systemet aktiveres.")
            )
            return None
        until = self._combine(data, "deactivate", str(_("deaktiveringen")))
        if until is None:
            return None
        if until <= self.now:
            self.add_error("deactivate_date", _("Deaktiveringstidspunktet ligger i fortiden."))
        elif active_from is not None and until <= active_from:
            self.add_error(
                "deactivate_date",
                _("Deaktiveringstidspunktet skal ligge efter aktiveringstidspunktet."),
            )
        return until

    @staticmethod
    def initial_for(active_from, active_to, *, now) -> dict:
        """Initial values that show an existing system's window (details page "Redigér")."""
        zone = _local_zone()
        initial: dict = {"activation": Activation.NEVER}
        if active_from is not None:
            local = active_from.astimezone(zone)
            initial.update(
                activation=Activation.AT, activate_date=local.date(), activate_time=local.time()
            )
        if active_to is not None:
            local = active_to.astimezone(zone)
            initial.update(
                deactivate=True, deactivate_date=local.date(), deactivate_time=local.time()
            )
        return initial


class ContactForm(NeededWhenShownMixin, forms.Form):
    """Step 4 "Kontakt": the function with technical responsibility for the system."""

    needed_when_shown = ("contact_name", "contact_email", "contact_phone")

    contact_name = forms.CharField(label=_("Navn"), required=False, max_length=200)
    contact_email = forms.CharField(label=_("E-mailadresse"), required=False, max_length=254)
    contact_phone = forms.CharField(label=_("Telefonnummer"), required=False, max_length=40)
    extra_email = forms.CharField(label=_("Ekstra e-mailadresse"), required=False, max_length=254)

    def __init__(self, *args, template: SystemTemplate | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if template is not None:
            self.initial.update(
                contact_name=template.contact_name,
                contact_email=template.contact_email,
                contact_phone=template.contact_phone,
            )
            for name in ("contact_name", "contact_email", "contact_phone"):
                self.fields[name].disabled = True

    def clean_contact_name(self):
        return validation.validate_name(
            self.cleaned_data.get("contact_name", ""),
            empty_message=_("Angiv navnet på den tekniske kontakt."),
        )

    def clean_contact_email(self):
        return validation.validate_email(self.cleaned_data.get("contact_email", ""))

    def clean_contact_phone(self):
        return validation.validate_phone(self.cleaned_data.get("contact_phone", ""))

    def clean_extra_email(self):
        return validation.validate_email(self.cleaned_data.get("extra_email", ""), required=False)


# Where a service's SystemRuleError.field is shown: (wizard step, form field).
RULE_FIELDS = {
    "types": ("system", "types"),
    "template": ("system", "template"),
    "name": ("system", "name"),
    "protocol": ("tilslutning", "protocol"),
    "ips": ("tilslutning", "ips"),
    "endpoint": ("tilslutning", "endpoint"),
    "receipt_endpoint": ("tilslutning", "receipt_endpoint"),
    "ssh_public_key": ("tilslutning", "ssh_public_key"),
    "active_from": ("aktivering", "activate_date"),
    "active_to": ("aktivering", "deactivate_date"),
    "supplier_name": ("system", "supplier_name"),
    "is_sender": ("system", "types"),
    "is_receiver": ("system", "types"),
    "allowed_ips": ("tilslutning", "ips"),
    "ip_range": ("tilslutning", "ips"),
    "delegated_cvr": ("tilslutning", "delegated_cvr"),
    "contact_name": ("kontakt", "contact_name"),
    "contact_email": ("kontakt", "contact_email"),
    "contact_phone": ("kontakt", "contact_phone"),
    "extra_email": ("kontakt", "extra_email"),
}


def system_spec_from(
    *, system: dict, connection: dict, activation: dict, contact: dict
) -> SystemSpec:
    """The service's input from the four steps' cleaned data."""
    template = system.get("template")
    ips = connection["ips"]
    return SystemSpec(
        name=system["name"],
        supplier_name=system.get("supplier_name", ""),
        is_sender="sender" in system["types"],
        is_receiver="receiver" in system["types"],
        protocol=connection["protocol"],
        allowed_ips=tuple(ips.addresses),
        ip_range=ips.range,
        endpoint=connection.get("endpoint", ""),
        receipt_endpoint=connection.get("receipt_endpoint", ""),
        ssh_public_key=connection.get("ssh_public_key", ""),
        delegated_cvr=connection.get("delegated_cvr", ""),
        move_post_from_virk=bool(connection.get("move_post_from_virk")),
        activation=activation["activation"],
        active_from=activation.get("active_from"),
        active_to=activation.get("active_to"),
        contact_name=contact["contact_name"],
        contact_email=contact["contact_email"],
        contact_phone=contact["contact_phone"],
        extra_email=contact.get("extra_email", ""),
        template_id=template.pk if template is not None else None,
    )
