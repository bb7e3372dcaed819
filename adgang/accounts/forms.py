from django import forms
from django.utils.translation import gettext_lazy as _

from adgang.accounts.models import OrganisationKind
from adgang.accounts.rights import RIGHT_CHOICES
from adgang.registers.validation import normalise_cvr


class CvrField(forms.CharField):
    """A CVR number, validated with python-stdnum (format and check digit)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("CVR-nummer"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        try:
            return normalise_cvr(value)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid_cvr") from error


class LoginForm(forms.Form):
    person = forms.UUIDField(widget=forms.HiddenInput)


class ContextChoiceForm(forms.Form):
    organisation = forms.UUIDField(
        label=_("Organisation"),
        error_messages={"required": _("Vælg den organisation, du vil agere på vegne af.")},
    )


class CvrSearchForm(forms.Form):
    cvr = CvrField(label=_("Fremsøg virksomhed via CVR-nummer"))


class OrganisationForm(forms.Form):
    cvr = CvrField()
    name = forms.CharField(label=_("Navn"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Type"), choices=OrganisationKind.choices, widget=forms.RadioSelect
    )
    is_system_supplier = forms.BooleanField(label=_("Systemleverandør"), required=False)


class PersonForm(forms.Form):
    cvr = CvrField(label=_("Organisationens CVR-nummer"))
    rid = forms.CharField(label=_("RID"), max_length=20)
    name = forms.CharField(label=_("Navn"), max_length=200)
    rights = forms.MultipleChoiceField(
        label=_("Rettigheder"),
        choices=RIGHT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
