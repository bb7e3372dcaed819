"""The choices a caseworker makes on "Fritag borger" and "Fritag virksomhed" (guide §8).

Each form's `answers()` gives JSON-able values kept in the session between the steps; the
services check the same rules again when the caseworker approves.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from adgang.exemptions.models import ExemptionReason, Forwarding
from adgang.registers.types import DENMARK, Address

YES_NO = (("ja", _("Ja")), ("nej", _("Nej")))

MSG_CHOOSE_PROXY = _("Vælg om det sker via fuldmagt.")
MSG_CHOOSE_REASON = _("Vælg en fritagelsesårsag.")
MSG_CHOOSE_DESTINATION = _(
    "Vælg hvor uåbnet post skal eftersendes til, eller markér at den ikke ønskes eftersendt."
)
MSG_NO_REGISTERED_ADDRESS = _(
    "Der blev ikke fundet en folkeregisteradresse. Angiv i stedet en alternativ adresse til "
    "eftersendelse af uåbnet Digital Post."
)
MSG_STREET = _("Angiv vejnavn og husnummer.")
MSG_POSTCODE = _("Angiv postnummer.")
MSG_POSTCODE_DK = _("Et dansk postnummer består af 4 cifre.")
MSG_CITY = _("Angiv by.")
MSG_COUNTRY = _("Angiv land.")
MSG_CHOOSE_ACTION = _("Vælg om fritagelsen skal fornyes eller ophæves.")

ACTION_RENEW = "forny"
ACTION_LIFT = "ophaev"


def postcode_error(postcode: str, country: str) -> str | None:
    """The Danish message for a postcode that cannot be right, else None.

    A Danish postcode is 4 digits (1000–9999); a foreign one is 1–12 letters, digits,
    spaces or dashes (the formats differ too much to check further)."""
    postcode = (postcode or "").strip()
    if not postcode:
        return str(MSG_POSTCODE)
    if (country or "").strip().casefold() == DENMARK.casefold():
        if not (len(postcode) == 4 and postcode.isascii() and postcode.isdigit()):
            return str(MSG_POSTCODE_DK)
        if postcode.startswith("0"):
            return str(MSG_POSTCODE_DK)
        return None
    if len(postcode) > 12 or not all(ch.isalnum() or ch in " -" for ch in postcode):
        return str(_("Postnummeret må kun indeholde bogstaver, tal, mellemrum og bindestreg."))
    return None


def _yes_no_field(label, help_text, yes_label, no_label):
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=(("nej", no_label), ("ja", yes_label)),
        widget=forms.RadioSelect,
        coerce=lambda value: value == "ja",
        error_messages={"required": MSG_CHOOSE_PROXY},
    )


class _ForwardingMixin(forms.Form):
    """Declined (checkbox), or the registered/head-office address or an alternative one."""

    destination = forms.ChoiceField(
        label=_("Vælg adresse for eftersendelse af uåbnet post"),
        widget=forms.RadioSelect,
        required=False,
    )
    street = forms.CharField(label=_("Vejnavn og nummer"), max_length=120, required=False)
    postcode = forms.CharField(label=_("Postnummer"), max_length=12, required=False)
    city = forms.CharField(label=_("By"), max_length=60, required=False)
    country = forms.CharField(label=_("Land"), max_length=60, required=False, initial=DENMARK)

    registered_label = _("Send uåbnet post til borgers folkeregisteradresse")

    def __init__(self, *args, registered_address: Address | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.registered_address = registered_address
        choices = []
        if registered_address is not None:
            lines = ", ".join(registered_address.lines())
            choices.append((Forwarding.REGISTERED, f"{self.registered_label} ({lines})"))
        choices.append((Forwarding.ALTERNATIVE, _("Send uåbnet post til en alternativ adresse")))
        self.fields["destination"].choices = choices
        for name in ("street", "postcode", "city", "country"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
            # Needed for "alternativ adresse": checked in clean(), not "(frivilligt)".
            self.fields[name].needed_when_shown = True
        self.fields["destination"].needed_when_shown = True

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("declined"):
            return cleaned
        destination = cleaned.get("destination")
        if not destination:
            message = (
                MSG_NO_REGISTERED_ADDRESS
                if self.registered_address is None
                else MSG_CHOOSE_DESTINATION
            )
            self.add_error("destination", message)
            return cleaned
        if destination == Forwarding.ALTERNATIVE:
            street = (cleaned.get("street") or "").strip()
            city = (cleaned.get("city") or "").strip()
            country = (cleaned.get("country") or "").strip()
            if not street:
                self.add_error("street", MSG_STREET)
            if not city:
                self.add_error("city", MSG_CITY)
            if not country:
                self.add_error("country", MSG_COUNTRY)
            error = postcode_error(cleaned.get("postcode", ""), country or DENMARK)
            if error:
                self.add_error("postcode", error)
        return cleaned

    def forwarding_answers(self) -> dict:
        cleaned = self.cleaned_data
        if cleaned.get("declined"):
            return {"forwarding": Forwarding.DECLINED.value, "address": {}}
        if cleaned["destination"] == Forwarding.REGISTERED:
            return {"forwarding": Forwarding.REGISTERED.value, "address": {}}
        return {
            "forwarding": Forwarding.ALTERNATIVE.value,
            "address": {
                "street": cleaned["street"].strip(),
                "postcode": cleaned["postcode"].strip(),
                "city": cleaned["city"].strip(),
                "country": cleaned["country"].strip(),
            },
        }


class CitizenExemptForm(_ForwardingMixin):
    by_proxy = _yes_no_field(
        _("Tildeles fritagelsen via fuldmagt?"),
        _(
            "Angiv om anmodning om fritagelse sker via blanket FD 001F, Fuldmagt til anmodning "
            "om fritagelse fra Digital Post for borgere."
        ),
        _("Ja, fritagelsen tildeles via fuldmagt"),
        _("Nej, fritagelsen tildeles ikke via fuldmagt"),
    )
    reason = forms.ChoiceField(
        label=_("Angiv fritagelsesårsag"),
        help_text=_(
            "Angiv hvorvidt fritagelse sker, fordi borger ikke længere har fast ophold eller "
            "bopælsadresse i Danmark, eller om det skyldes en anden årsag."
        ),
        choices=(
            (ExemptionReason.OTHER.value, _("Nej, fritagelsen tildeles af anden årsag")),
            (ExemptionReason.EMIGRATION.value, _("Ja, fritagelsen tildeles på grund af udrejse")),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": MSG_CHOOSE_REASON},
    )
    declined = forms.BooleanField(
        label=_("Borgeren ønsker ikke at få videresendt uåbnet post"),
        help_text=_(
            "Når borgeren fritages, eftersendes uåbnet Digital Post i udgangspunktet til "
            "borgerens folkeregisteradresse. Borgeren skal informeres om de mulige konsekvenser."
        ),
        required=False,
    )

    field_order = ["by_proxy", "reason", "declined", "destination"]

    def answers(self) -> dict:
        return {
            "by_proxy": self.cleaned_data["by_proxy"],
            "reason": self.cleaned_data["reason"],
            **self.forwarding_answers(),
        }


class CompanyExemptForm(_ForwardingMixin):
    registered_label = _("Send uåbnet post til virksomhedens hjemstedsadresse")

    by_proxy = _yes_no_field(
        _("Tildeles fritagelsen via fuldmagt?"),
        _(
            "Angiv om anmodning om fritagelse sker via blanket FD 005, Fuldmagt til anmodning "
            "om fritagelse fra Digital Post for virksomheder."
        ),
        _("Ja, fritagelsen tildeles via fuldmagt"),
        _("Nej, fritagelsen tildeles ikke via fuldmagt"),
    )
    declined = forms.BooleanField(
        label=_(
            "Virksomheden ønsker ikke at få eftersendt uåbnet post og er informeret om de "
            "mulige konsekvenser"
        ),
        required=False,
    )

    field_order = ["by_proxy", "declined", "destination"]

    def answers(self) -> dict:
        return {"by_proxy": self.cleaned_data["by_proxy"], **self.forwarding_answers()}


class LiftForm(forms.Form):
    by_proxy = _yes_no_field(
        _("Sker anmodningen via fuldmagt?"),
        "",
        _("Ja, ophævelsen sker via fuldmagt"),
        _("Nej, ophævelsen sker ikke via fuldmagt"),
    )

    def answers(self) -> dict:
        return {"action": ACTION_LIFT, "by_proxy": self.cleaned_data["by_proxy"]}


class CompanyChangeForm(forms.Form):
    """An exempt company: "Forny" or "Ophæv", and whether via power of attorney."""

    action = forms.ChoiceField(
        label=_("Skal fritagelsen fornyes eller ophæves?"),
        choices=(
            (ACTION_RENEW, _("Forny fritagelsen")),
            (ACTION_LIFT, _("Ophæv fritagelsen")),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": MSG_CHOOSE_ACTION},
    )
    by_proxy = _yes_no_field(
        _("Sker anmodningen via fuldmagt?"),
        "",
        _("Ja, anmodningen sker via fuldmagt"),
        _("Nej, anmodningen sker ikke via fuldmagt"),
    )

    def answers(self) -> dict:
        return {"action": self.cleaned_data["action"], "by_proxy": self.cleaned_data["by_proxy"]}


def initial_from(answers: dict | None) -> dict:
    """A form's initial values from the answers kept in the session ("Redigér"/"Tilbage")."""
    if not answers:
        return {}
    initial = {
        key: value for key, value in answers.items() if key in ("reason", "action", "forwarding")
    }
    if "by_proxy" in answers:
        initial["by_proxy"] = "ja" if answers["by_proxy"] else "nej"
    forwarding = answers.get("forwarding")
    if forwarding == Forwarding.DECLINED:
        initial["declined"] = True
    elif forwarding:
        initial["destination"] = forwarding
    initial.update(answers.get("address") or {})
    return initial
