"""The contact group form: "Opret kontaktgruppe" and "Redigér" (SPEC §4 "Contact group",
guide §6.4).

The values are checked with `validation.py` here, so every mistake shows next to its field at
once; the service checks them again and alone decides what only the stored structure can tell
(a parent of another organisation, a group placed under its own descendant). Its refusal is
put on the field it names (`rule_error_show`).
"""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from adgang.contacts import validation
from adgang.contacts.graph import GROUP, Structure
from adgang.contacts.models import GROUP_DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH
from adgang.contacts.services import ContactRuleError

# Typed beyond the limit is shown and refused with the limit's message; this only keeps a
# pasted book out of the request.
INPUT_SLACK = 200
# A text field with its "x/50 Tegn" below it: the field's `counter_max` is the limit.
COUNTED_FIELD_TEMPLATE = "contacts/includes/counted_field.html"


class ParentGroupsField(forms.MultipleChoiceField):
    """ "Føj til kontaktgruppe": the offered groups are the choices, but any group id is
    handed on, so a crafted id (a descendant, another organisation's group) reaches the
    service and is refused there with its own message, next to this field."""

    def valid_value(self, value) -> bool:
        try:
            uuid.UUID(str(value))
        except ValueError:
            return False
        return True


class GroupForm(forms.Form):
    name = forms.CharField(
        label=_("Kontaktgruppens navn"),
        required=False,
        max_length=NAME_MAX_LENGTH + INPUT_SLACK,
        help_text=_("Navnet vises for borgere, virksomheder og myndigheder."),
    )
    description = forms.CharField(
        label=_("Kontaktgruppens beskrivelse"),
        required=False,
        max_length=GROUP_DESCRIPTION_MAX_LENGTH + INPUT_SLACK,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Beskrivelsen vises også for borgere, virksomheder og myndigheder."),
    )
    organisational_unit = forms.BooleanField(
        label=_("Ja, kontaktgruppen er en organisatorisk enhed"),
        required=False,
        help_text=_(
            "Sæt kryds, hvis kontaktgruppen repræsenterer en bestemt afdeling i organisationen, "
            "og derfor skal kunne vælges som modtager af brugeren i den pågældendes "
            "visningsklient."
        ),
    )
    parents = ParentGroupsField(
        label=_("Føj til kontaktgruppe"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        # The service's own words for an id that is not one of the organisation's groups.
        error_messages={"invalid_choice": _("Den valgte kontaktgruppe findes ikke.")},
        help_text=_(
            "Vælg en eller flere kontaktgrupper, gruppen skal ligge i. Vælger du ingen, ligger "
            "gruppen på kontaktstrukturens øverste niveau."
        ),
    )

    # The limits the character counters show ("4/50 Tegn", guide §6.4).
    COUNTED = {"name": NAME_MAX_LENGTH, "description": GROUP_DESCRIPTION_MAX_LENGTH}

    def __init__(self, *args, structure: Structure, group_id: uuid.UUID | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, limit in self.COUNTED.items():
            self.fields[name].needed_when_shown = True
            self.fields[name].counter_max = limit
            self.fields[name].template_name = COUNTED_FIELD_TEMPLATE
        # A group cannot go under itself or below itself: those are not offered at all.
        excluded: set[uuid.UUID] = set()
        if group_id is not None:
            excluded = {group_id} | {
                node.id for node in structure.descendants(group_id) if node.kind == GROUP
            }
        offered = sorted(
            (node for node in structure.groups() if node.id not in excluded),
            key=structure.display_key,
        )
        self.fields["parents"].choices = [(str(node.id), structure.names[node]) for node in offered]

    def clean_name(self) -> str:
        return validation.validate_name(self.cleaned_data["name"], what=_("kontaktgruppen"))

    def clean_description(self) -> str:
        return validation.validate_group_description(self.cleaned_data["description"])

    def clean_parents(self) -> list[uuid.UUID]:
        return [uuid.UUID(value) for value in self.cleaned_data["parents"]]

    def rule_error_show(self, error: ContactRuleError) -> None:
        """The service's refusal on the fields it names; one it cannot place on the form."""
        for field, messages in error.errors.items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, ValidationError(message))
