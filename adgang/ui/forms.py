"""Django forms rendered as DKFDS form groups everywhere (SPEC §14: errors next to the field)."""

from django.forms.renderers import DjangoTemplates
from django.forms.widgets import (
    CheckboxInput,
    CheckboxSelectMultiple,
    RadioSelect,
    Select,
    Textarea,
)


class DKFDSFormRenderer(DjangoTemplates):
    form_template_name = "ui/forms/form.html"
    field_template_name = "ui/forms/field.html"


def widget_kind(widget) -> str:
    # CheckboxSelectMultiple subclasses RadioSelect in Django, so it must be tested first.
    if isinstance(widget, CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, RadioSelect):
        return "radio"
    if isinstance(widget, CheckboxInput):
        return "checkbox"
    if isinstance(widget, Select):
        return "select"
    if isinstance(widget, Textarea):
        return "textarea"
    return "input"
