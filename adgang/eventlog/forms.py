"""The search forms of the three logs (SPEC §5, guide §7.3–7.5).

Each form validates every field (a malformed CPR/CVR, id or actor is an error next to the
field, and nothing is searched or logged) and turns a valid search into `criteria`: a
JSON-safe dict that is stored in a SavedSearch and read by queries.py and exports.py.
"""

from __future__ import annotations

import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from adgang.audit.models import Register, Subject
from adgang.eventlog.period import PeriodError, period_resolve
from adgang.messaging.events import Direction, EventTag
from adgang.messaging.models import MessageKind
from adgang.registers.validation import RegisterInputError, normalise_cpr, normalise_cvr

PARTY_INVALID = _("Indtast et CPR-nummer (10 cifre) eller et CVR-nummer (8 cifre).")
UUID_INVALID = _("Indtast et gyldigt ID (fx 3f2504e0-4f89-11d3-9a0c-0305e82c3301).")
ACTOR_INVALID = _(
    "Indtast aktøren som RID, CPR-nummer, CVR-nummer eller CVR:<cvr>-RID:<rid> "
    "(fx CVR:29189846-RID:1001)."
)
RID_INVALID = _("Indtast et RID (cifre og bogstaverne A–F, højst 40 tegn).")

_SEPARATORS = re.compile(r"[\s\-]")
# A RID is digits or an upper-case hex string (MitID Erhverv), e.g. "CVR:77227722-RID:0C7E09…".
_RID_TEXT = r"[0-9A-F]{1,40}"
_COMBINED_ACTOR = re.compile(rf"CVR:\s*(?P<cvr>[0-9 ]{{8,11}})\s*-\s*RID:\s*(?P<rid>{_RID_TEXT})")
_RID = re.compile(rf"(?:RID:\s*)?(?P<rid>{_RID_TEXT})")


def party_normalise(value: str) -> str:
    """A CPR (10 digits) or CVR (8 digits, check digit) number, or ValidationError."""
    digits = _SEPARATORS.sub("", value)
    try:
        if len(digits) == 10:
            return normalise_cpr(digits)
        if len(digits) == 8:
            return normalise_cvr(digits)
    except RegisterInputError as error:
        raise forms.ValidationError(error.message, code=error.code) from error
    raise forms.ValidationError(PARTY_INVALID, code="party_invalid")


def actor_parse(value: str) -> dict[str, str]:
    """The actor field as filters: `CVR:x-RID:y` → actor_cvr and actor_rid; 10 digits → the
    CPR concerned (`actor_concerns`, matched against the CPR/CVR concerned: a citizen's own
    actions are logged on their CPR); 8 digits → actor_cvr; other digits or upper-case hex
    (or `RID:x`) → actor_rid.
    """
    text = value.strip()
    combined = _COMBINED_ACTOR.fullmatch(text)
    if combined:
        cvr = party_normalise(combined["cvr"])
        return {"actor_cvr": cvr, "actor_rid": combined["rid"]}
    digits = _SEPARATORS.sub("", text)
    if digits.isdigit() and len(digits) in (8, 10):
        number = party_normalise(digits)
        return {"actor_cvr": number} if len(number) == 8 else {"actor_concerns": number}
    rid = _RID.fullmatch(text)
    if rid:
        return {"actor_rid": rid["rid"]}
    raise forms.ValidationError(ACTOR_INVALID, code="actor_invalid")


def _choices(choices) -> list:
    return [("", _("Alle")), *choices]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class LogSearchForm(forms.Form):
    """The period fields shared by every log; subclasses add theirs and `_criteria()`."""

    # The guide's labels (§7.3–7.5): a date each; a period covers whole Danish days.
    start = forms.DateField(
        label=_("Starttidspunkt for log"), help_text=_("Dato"), required=False, widget=DateInput()
    )
    end = forms.DateField(
        label=_("Sluttidspunkt for log"), help_text=_("Dato"), required=False, widget=DateInput()
    )

    def clean(self):
        cleaned = super().clean()
        if "start" in cleaned and "end" in cleaned:
            try:
                self.period = period_resolve(cleaned["start"], cleaned["end"])
            except PeriodError as error:
                self.add_error("end", error.message)
        return cleaned

    def criteria(self) -> dict:
        values = {
            key: str(value) if isinstance(value, uuid.UUID) else value
            for key, value in self._criteria().items()
            if value not in ("", None)
        }
        return {
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            **values,
        }

    def _criteria(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.filter_fields}

    filter_fields: tuple[str, ...] = ()


class UUIDField(forms.CharField):
    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        try:
            return uuid.UUID(text)
        except ValueError as error:
            raise forms.ValidationError(UUID_INVALID, code="uuid_invalid") from error


class PartyField(forms.CharField):
    def to_python(self, value):
        text = super().to_python(value).strip()
        return party_normalise(text) if text else ""


class MessageSearchForm(LogSearchForm):
    party_id = PartyField(label=_("Afsender eller modtager (CPR/CVR)"), required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=_choices(MessageKind.choices))
    direction = forms.ChoiceField(
        label=_("Retning"), required=False, choices=_choices(Direction.choices)
    )
    message_id = UUIDField(label=_("Meddelelses-ID"), required=False)
    system_id = UUIDField(label=_("System-ID"), required=False)
    event = forms.ChoiceField(
        label=_("Hændelse"), required=False, choices=_choices(EventTag.choices)
    )

    filter_fields = ("party_id", "kind", "direction", "message_id", "system_id", "event")
    more_fields = ("message_id", "system_id", "event")


class ActionSearchForm(LogSearchForm):
    subject = forms.ChoiceField(label=_("Emne"), required=False, choices=_choices(Subject.choices))
    concerns = PartyField(label=_("CPR/CVR"), required=False)
    actor = forms.CharField(
        label=_("Aktør"),
        required=False,
        help_text=_("RID, CPR, CVR eller CVR:<cvr>-RID:<rid>"),
    )
    object_id = forms.CharField(label=_("ID"), required=False, max_length=64)
    event = forms.CharField(
        label=_("Hændelse"), required=False, max_length=60, help_text=_("Fx Oprettet")
    )

    filter_fields = ("subject", "concerns", "object_id", "event")
    more_fields = ("object_id", "event")

    def clean_actor(self) -> str:
        text = self.cleaned_data["actor"].strip()
        self.actor_filters = actor_parse(text) if text else {}
        return text

    def _criteria(self) -> dict:
        values = {name: self.cleaned_data[name].strip() for name in ("object_id", "event")}
        values.update(
            subject=self.cleaned_data["subject"],
            concerns=self.cleaned_data["concerns"],
            # As typed, to refill the form; queries.py reads only the parsed filters.
            actor=self.cleaned_data["actor"],
        )
        return {**values, **self.actor_filters}


class SearchSearchForm(LogSearchForm):
    search_data = PartyField(label=_("Søgedata (CPR/CVR)"), required=False)
    actor_rid = forms.CharField(label=_("Aktør (RID)"), required=False)
    register = forms.ChoiceField(
        label=_("Register"), required=False, choices=_choices(Register.choices)
    )

    filter_fields = ("search_data", "actor_rid", "register")
    more_fields = ("register",)

    def clean_actor_rid(self) -> str:
        text = self.cleaned_data["actor_rid"].strip()
        if not text:
            return ""
        match = _RID.fullmatch(text)
        if not match:
            raise forms.ValidationError(RID_INVALID, code="rid_invalid")
        return match["rid"]
