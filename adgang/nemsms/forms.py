"""The phone number form of "Tilmeld" and "Skift nummer" (guide §9.3 step 3)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from adgang.nemsms.phone import MAX_INPUT, PhoneInputError, phone_normalise


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Telefonnummer"),
        max_length=MAX_INPUT,
        help_text=_("Et dansk mobilnummer, fx 20 30 40 50 eller +45 20304050"),
        error_messages={"required": _("Indtast et telefonnummer.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update(autocomplete="off", inputmode="tel")

    def clean_phone(self) -> str:
        try:
            return phone_normalise(self.cleaned_data["phone"])
        except PhoneInputError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
