"""Forms of the Adgang pages (SPEC §8, guide §10.3), labels as in the guide.

The giver is searched with the shared `PersonLookupForm`; the holder with `HolderLookupForm`,
which takes a CPR (10 digits) or a CVR (8 digits) number and hands it to the shared
`PersonLookupForm` / `CompanyLookupForm` (so each look-up is logged in the search log under
"Adgangsregister"). The details step asks the access type, the intended employee (company
holder only), the expiry date or "tidsubegrænset", and — for an exempt giver — whether the
exemption is lifted or kept.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from adgang.audit.models import Register
from adgang.readaccess.models import NAME_MAX_LENGTH, AccessType
from adgang.readaccess.services import MSG_EXPIRY_PAST, MSG_SELF
from adgang.registers.forms import CompanyLookupForm, PersonLookupForm
from adgang.registers.validation import CPR_EMPTY

REGISTER = Register.ADGANGSREGISTER
LIFT, KEEP = "lift", "keep"

MSG_HOLDER_LENGTH = _("Indtast et CPR-nummer (10 cifre) eller et CVR-nummer (8 cifre).")
MSG_EXPIRY_MISSING = _(
    "Vælg en udløbsdato, eller sæt kryds ved, at adgangen skal være tidsubegrænset."
)
MSG_EXPIRY_BOTH = _("Vælg enten en udløbsdato eller en tidsubegrænset adgang, ikke begge.")
MSG_EXPIRY_INVALID = _("Skriv udløbsdatoen som dd.mm.åååå.")
MSG_TYPE_MISSING = _("Vælg, hvilken type adgang der skal oprettes.")
MSG_EXEMPTION_MISSING = _("Vælg, om fritagelsen skal ophæves eller bevares.")


def giver_form(data=None, *, acting) -> PersonLookupForm:
    """ "Fremsøg borger (adgangsgiver)": a CPR number; a deceased citizen is refused."""
    form = PersonLookupForm(data, acting=acting, register=REGISTER, prefix="giver")
    form.fields["cpr"].error_messages["required"] = CPR_EMPTY
    form.fields["cpr"].help_text = _(
        "Indtast CPR-nummer på den borger, hvis Digital Post du ønsker at administrere adgange til."
    )
    return form


class HolderLookupForm(forms.Form):
    """ "Fremsøg borger eller virksomhed (adgangshaver)": a CPR or a CVR number."""

    number = forms.CharField(
        label=_("CPR- eller CVR-nummer"),
        max_length=20,
        help_text=_(
            "Indtast CPR- eller CVR-nummer på den person eller virksomhed, som skal tildeles "
            "adgang til borgers Digital Post."
        ),
        error_messages={"required": MSG_HOLDER_LENGTH},
    )

    def __init__(self, *args, acting, giver_cpr: str, **kwargs) -> None:
        kwargs.setdefault("prefix", "holder")
        super().__init__(*args, **kwargs)
        self.acting = acting
        self.giver_cpr = giver_cpr
        self.record = None
        self.fields["number"].widget.attrs.update(autocomplete="off", inputmode="numeric")

    def clean_number(self) -> str:
        raw = self.cleaned_data["number"]
        digits = "".join(ch for ch in raw if ch not in " -.")
        if not (digits.isascii() and digits.isdigit() and len(digits) in (8, 10)):
            raise forms.ValidationError(MSG_HOLDER_LENGTH, code="length")
        if digits == self.giver_cpr:
            raise forms.ValidationError(MSG_SELF, code="self")
        return digits

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("number")
        if number is None:
            return cleaned
        if len(number) == 8:
            inner = CompanyLookupForm({"cvr": number}, acting=self.acting, register=REGISTER)
            key = "cvr"
        else:
            inner = PersonLookupForm({"cpr": number}, acting=self.acting, register=REGISTER)
            key = "cpr"
        if inner.is_valid():
            self.record = inner.record
        else:
            for error in inner.errors.get(key, []):
                self.add_error("number", error)
        return cleaned


class AccessDetailsForm(forms.Form):
    """Type, intended employee, expiry and the exemption choice (guide §10.3 step 3)."""

    access_type = forms.ChoiceField(
        label=_("Hvilken type adgang skal oprettes?"),
        help_text=_(
            "Vælg om adgangen skal være en læseadgang (adgangshaver kan læse beskeder i "
            "borgers Digital Post) eller læse- og skriveadgang (adgangshaver kan læse, sende "
            "og besvare i borgers Digital Post)."
        ),
        choices=[
            (AccessType.READ, _("Opret en læseadgang")),
            (AccessType.READ_WRITE, _("Opret en læse- og skriveadgang")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": MSG_TYPE_MISSING, "invalid_choice": MSG_TYPE_MISSING},
    )
    employee_name = forms.CharField(
        label=_("Navnet på den medarbejder adgangen er tiltænkt"),
        help_text=_("Skriv navnet på den medarbejder, som adgangen er tiltænkt."),
        max_length=NAME_MAX_LENGTH,
        required=False,
    )
    expires_on = forms.DateField(
        label=_("Udløbsdato"),
        help_text=_(
            "Tag stilling til om adgangen skal have en udløbsdato, eller om den skal være "
            "tidsubegrænset. Adgangen gælder til og med udløbsdatoen."
        ),
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": MSG_EXPIRY_INVALID},
    )
    unlimited = forms.BooleanField(label=_("Adgangen skal være tidsubegrænset"), required=False)
    exemption = forms.ChoiceField(
        label=_("Borgeren er fritaget for Digital Post. Skal fritagelsen ophæves?"),
        help_text=_(
            "Hvis du vælger at bevare fritagelsen, vil adgangen kun give adgang til historisk "
            "post fra før fritagelsen trådte i kraft samt obligatorisk post."
        ),
        choices=[
            (LIFT, _("Ophæv fritagelsen i forbindelse med oprettelsen af adgangen")),
            (KEEP, _("Bevar fritagelsen")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": MSG_EXEMPTION_MISSING, "invalid_choice": MSG_EXEMPTION_MISSING},
    )

    def __init__(self, *args, company_holder: bool, giver_exempt: bool, today, **kwargs):
        kwargs.setdefault("prefix", "details")
        super().__init__(*args, **kwargs)
        self.today = today
        if not company_holder:
            del self.fields["employee_name"]
        if not giver_exempt:
            del self.fields["exemption"]

    def clean(self):
        cleaned = super().clean()
        if "expires_on" in self.errors:
            return cleaned
        expires_on, unlimited = cleaned.get("expires_on"), cleaned.get("unlimited")
        if expires_on and unlimited:
            self.add_error("expires_on", MSG_EXPIRY_BOTH)
        elif not expires_on and not unlimited:
            self.add_error("expires_on", MSG_EXPIRY_MISSING)
        elif expires_on and expires_on <= self.today:
            self.add_error("expires_on", MSG_EXPIRY_PAST)
        return cleaned


def details_as_session(cleaned: dict) -> dict:
    """The cleaned details as JSON for the session (the summary and "Godkend" read it)."""
    expires_on: datetime.date | None = cleaned.get("expires_on")
    return {
        "access_type": cleaned["access_type"],
        "employee_name": " ".join(cleaned.get("employee_name", "").split()),
        "expires_on": expires_on.isoformat() if expires_on else "",
        "exemption": cleaned.get("exemption", ""),
    }
