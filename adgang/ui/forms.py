"""Django forms rendered as DKFDS form groups everywhere (SPEC §14: errors next to the field)."""

from django.forms.renderers import DjangoTemplates
from django.forms.widgets import (
    CheckboxInput,
    CheckboxSelectMultiple,
    RadioSelect,
    Select,
    Textarea,
)
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.timezone import template_localtime

_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"


class DKFDSFormRenderer(DjangoTemplates):
    form_template_name = "ui/forms/form.html"
    field_template_name = "ui/forms/field.html"

    def render(self, template_name, context, request=None):
        # Django's select template includes one template per option (two, with its attributes):
        # a select of event kinds costs dozens of template renders on every search page. The
        # same markup, character for character, is written here (tests/ui/test_select_widget.py
        # compares them); any other widget, or an option with its own template, goes through
        # the templates as before.
        if template_name == _SELECT:
            html = select_html(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request)


def _text(value) -> str:
    """`{{ value }}` in a template: local time and format, then escaped."""
    return conditional_escape(str(localize(template_localtime(value))))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html (`|stringformat:'s'` is `str`)."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}")
        if value is not True:
            parts.append(f'="{conditional_escape(str(value))}"')
    return "".join(parts)


def select_html(widget: dict) -> str | None:
    """django/forms/widgets/select.html with its options (select_option.html, which ends in a
    line break) inlined; None when an option has a template of its own."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                return None
            value = conditional_escape(str(option["value"]))
            label = _text(option["label"])
            attrs = _attrs(option["attrs"])
            parts.append(f'\n  <option value="{value}"{attrs}>{label}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)  # as the renderer answers it: stripped


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
