"""Order forms of Statistik (guide §14.3–14.4). The rules live in `services` (checked again
there); `clean()` puts each refusal next to its field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from adgang.core.clock import today
from adgang.statistics import reports
from adgang.statistics.models import Interval, StandardKind
from adgang.statistics.services import (
    NAME_MAX,
    ReportRuleError,
    report_rules_custom,
    report_rules_email,
    report_rules_standard,
)

CHOOSE = ("", _("(Vælg)"))
EMAIL_HINT = _(
    "Du kan angive en e-mailadresse for at modtage en e-mail, når rapporten er klar til download."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _email_field() -> forms.CharField:
    return forms.CharField(
        label=_("Angiv e-mailadresse"),
        help_text=EMAIL_HINT,
        required=False,
        max_length=254,
        widget=forms.EmailInput,
    )


class _RuleForm(forms.Form):
    def _apply(self, check) -> None:
        try:
            check()
        except ReportRuleError as error:
            field = error.field if error.field in self.fields else None
            if field and field in self.errors:
                return
            self.add_error(field, error.message)


class StandardOrderForm(_RuleForm):
    kind = forms.ChoiceField(
        label=_("Vælg rapport"),
        choices=[CHOOSE, *StandardKind.choices],
        error_messages={
            "required": _("Vælg en af de fem standardrapporter."),
            "invalid_choice": _("Vælg en af de fem standardrapporter."),
        },
    )
    interval = forms.ChoiceField(
        label=_("Hvor ofte skal rapporten leveres?"),
        choices=[CHOOSE, *Interval.choices],
        error_messages={
            "required": _("Vælg hvor ofte rapporten skal leveres."),
            "invalid_choice": _(
                "Vælg hvor ofte rapporten skal leveres: månedligt, kvartalsvis, halvårligt "
                "eller årligt."
            ),
        },
    )
    email = _email_field()

    def clean(self):
        data = super().clean()
        if "kind" in data and "interval" in data:
            self._apply(lambda: report_rules_standard(data["kind"], data["interval"]))
        if "email" in data:
            self._apply(lambda: report_rules_email(data["email"]))
        return data


class CustomOrderForm(_RuleForm):
    name = forms.CharField(
        label=_("Rapportens navn"),
        help_text=_("Højst 50 tegn."),
        max_length=NAME_MAX,
        error_messages={
            "required": _("Angiv rapportens navn."),
            "max_length": _("Rapportens navn må højst være 50 tegn."),
        },
    )
    variables = forms.MultipleChoiceField(
        label=_("Vælg variabler"),
        help_text=_("Vælg mindst én og op til ni variabler, som rapporten skal dannes ud fra."),
        choices=list(reports.VARIABLES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Vælg mindst én variabel."),
            "invalid_choice": _("Vælg kun variabler fra listen."),
        },
    )
    start = forms.DateField(
        label=_("Starttidspunkt"),
        widget=DateInput(),
        error_messages={
            "required": _("Angiv et starttidspunkt."),
            "invalid": _("Angiv starttidspunktet som en gyldig dato."),
        },
    )
    end = forms.DateField(
        label=_("Sluttidspunkt"),
        widget=DateInput(),
        error_messages={
            "required": _("Angiv et sluttidspunkt."),
            "invalid": _("Angiv sluttidspunktet som en gyldig dato."),
        },
    )
    email = _email_field()

    def clean_variables(self):
        variables = self.cleaned_data["variables"]
        if len(variables) > reports.MAX_VARIABLES:
            raise forms.ValidationError(_("Vælg højst ni variabler."))
        return variables

    def clean(self):
        data = super().clean()
        if not any(field in self.errors for field in ("name", "variables", "start", "end")):
            self._apply(
                lambda: report_rules_custom(
                    name=data["name"],
                    variables=data["variables"],
                    start=data["start"],
                    end=data["end"],
                    on=today(),
                )
            )
        if "email" in data:
            self._apply(lambda: report_rules_email(data["email"]))
        return data
