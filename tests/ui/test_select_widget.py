"""Selects are written by the form renderer in Python, the same markup as Django's templates.

Django's select template includes a template per option (and one per option's attributes);
on the event log's search page that was dozens of template renders per request (issue 10).
`DKFDSFormRenderer` writes the same characters itself; these compare it with the templates.
"""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from adgang.ui.forms import DKFDSFormRenderer

CHOICES = [
    ("", "---------"),
    ("a&b", 'A & B <i>"quoted"</i>'),
    ("ø", "Æblegrød"),
    (3, 10000),
    ("lazy", gettext_lazy("Afsendt")),
    ("safe", mark_safe("<b>safe</b>")),
]
GROUPED = [
    ("Gruppe <1>", [("x", "X"), ("y", "Y")]),
    ("z", "Z alone"),
]


def both(widget: forms.Widget, name: str, value, attrs=None) -> tuple[str, str]:
    ours = widget.render(name, value, attrs=attrs, renderer=DKFDSFormRenderer())
    django = widget.render(name, value, attrs=attrs, renderer=DjangoTemplates())
    return str(ours), str(django)


@pytest.mark.parametrize(
    ("widget", "value", "attrs"),
    [
        (forms.Select(choices=CHOICES), "", None),
        (forms.Select(choices=CHOICES), "a&b", {"class": "form-select", "id": "id_x"}),
        (forms.Select(choices=CHOICES), 3, {"required": True, "disabled": False}),
        (forms.Select(choices=CHOICES), None, {"aria-describedby": 'x-hint "y"', "data-n": 5}),
        (forms.Select(choices=GROUPED), "y", {"class": "form-select"}),
        (forms.SelectMultiple(choices=CHOICES), ["ø", "lazy"], {"size": 8}),
        (forms.NullBooleanSelect(), True, None),
        (forms.Select(choices=[]), None, None),
    ],
)
@pytest.mark.parametrize("language", ["da", "en"])
def test_a_select_is_the_same_markup_as_djangos_templates(widget, value, attrs, language):
    with override(language):
        ours, django = both(widget, "felt<1>", value, attrs)
    assert ours == django


def test_an_option_with_a_template_of_its_own_goes_through_the_templates():
    class Special(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    ours, django = both(Special(choices=[("a", "A")]), "f", "a")

    assert ours == django
    assert "<option" not in ours


def test_the_event_log_search_form_renders_as_before(client_as):
    from adgang.eventlog.forms import MessageSearchForm

    form = MessageSearchForm()
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.Select):
            ours, django = both(field.widget, name, None, {"class": "form-select"})
            assert ours == django, name
