"""Search forms for a citizen (CPR) or a company (CVR) at the top of the caseworker pages
(SPEC §6 Fritagelse, §7 NemSMS, §8 Adgang).

A valid number is looked up through `adgang.registers.services`, so every search leaves one
row in the staff search log under the page's register (e.g. "Fritagelsesregister"). After
`is_valid()` the found record is `form.record`. Errors are Danish and sit next to the field:
a malformed number (not logged: it is no look-up of anyone), a number the register does not
know, a deceased citizen (refused by default: nobody can be exempted, signed up or given
access after death), or a register that does not answer.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from adgang.registers.base import RegisterError
from adgang.registers.services import company_lookup, person_lookup
from adgang.registers.types import CompanyRecord, PersonRecord
from adgang.registers.validation import RegisterInputError, normalise_cpr, normalise_cvr

CPR_UNKNOWN = _("Der findes ingen borger med dette CPR-nummer i CPR-registret.")
CVR_UNKNOWN = _("Der findes ingen virksomhed med dette CVR-nummer i CVR-registret.")
PERSON_DECEASED = _("Borgeren er registreret som død i CPR-registret.")


class _LookupForm(forms.Form):
    field_name = ""

    def __init__(self, *args, acting, register: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.acting = acting
        self.register = register
        self.record = None

    def _normalise(self, value: str) -> str:
        raise NotImplementedError

    def _lookup(self, number: str):
        raise NotImplementedError

    def _refusal(self, record) -> str | None:
        return None

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get(self.field_name)
        if number is None:
            return cleaned
        try:
            record = self._lookup(number)
        except RegisterError as error:
            self.add_error(self.field_name, str(error))
            return cleaned
        refusal = self._refusal(record)
        if refusal is not None:
            self.add_error(self.field_name, refusal)
        else:
            self.record = record
        return cleaned


class PersonLookupForm(_LookupForm):
    """ "Søg borger": one CPR number, with or without dash."""

    field_name = "cpr"
    cpr = forms.CharField(label=_("CPR-nummer"), max_length=20, help_text=_("10 cifre"))

    def __init__(self, *args, refuse_deceased: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.refuse_deceased = refuse_deceased
        self.fields["cpr"].widget.attrs.update(autocomplete="off", inputmode="numeric")

    def clean_cpr(self) -> str:
        try:
            return normalise_cpr(self.cleaned_data["cpr"])
        except RegisterInputError as error:
            raise forms.ValidationError(error.message, code=error.code) from None

    def _lookup(self, number: str) -> PersonRecord | None:
        return person_lookup(acting=self.acting, cpr=number, register=self.register)

    def _refusal(self, record: PersonRecord | None) -> str | None:
        if record is None:
            return CPR_UNKNOWN
        if self.refuse_deceased and record.deceased:
            return PERSON_DECEASED
        return None


class CompanyLookupForm(_LookupForm):
    """ "Søg virksomhed": one CVR number."""

    field_name = "cvr"
    cvr = forms.CharField(label=_("CVR-nummer"), max_length=20, help_text=_("8 cifre"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cvr"].widget.attrs.update(autocomplete="off", inputmode="numeric")

    def clean_cvr(self) -> str:
        try:
            return normalise_cvr(self.cleaned_data["cvr"])
        except RegisterInputError as error:
            raise forms.ValidationError(error.message, code=error.code) from None

    def _lookup(self, number: str) -> CompanyRecord | None:
        return company_lookup(acting=self.acting, cvr=number, register=self.register)

    def _refusal(self, record: CompanyRecord | None) -> str | None:
        return CVR_UNKNOWN if record is None else None
