"""Small DKFDS helpers for templates: icons from the vendored sprite, alert levels."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

_SPRITE = "dkfds/img/all-svg-icons.svg"
_ALERT_LEVELS = {"debug": "info", "info": "info", "success": "success", "warning": "warning"}


@register.simple_tag
def icon(name: str, label: str = "", css: str = ""):
    """An icon from the DKFDS sprite; decorative unless it has a label for screen readers."""
    if label:
        return format_html(
            '<svg class="icon-svg {}" focusable="false" role="img" aria-label="{}">'
            '<use href="{}#{}"></use></svg>',
            css,
            label,
            static(_SPRITE),
            name,
        )
    return format_html(
        '<svg class="icon-svg {}" focusable="false" aria-hidden="true">'
        '<use href="{}#{}"></use></svg>',
        css,
        static(_SPRITE),
        name,
    )


@register.filter
def alert_level(tags: str) -> str:
    """Django message tags → DKFDS alert variant (info, success, warning, error)."""
    for tag in (tags or "").split():
        if tag in _ALERT_LEVELS:
            return _ALERT_LEVELS[tag]
        if tag == "error":
            return "error"
    return "info"


@register.simple_tag
def alert_icon(level: str):
    labels = {
        "info": _("Information"),
        "success": _("Succes"),
        "warning": _("Advarsel"),
        "error": _("Fejl"),
    }
    return icon(level, labels.get(level, ""), "alert-icon")


@register.filter
def is_optional(field) -> bool:
    """Labelled "(frivilligt)": not required, and not needed whenever it is shown.

    Some fields are needed only for one choice on the page (a protocol's endpoint, the date of
    "at a chosen time"); their form checks them in `clean()` and marks them
    `field.needed_when_shown = True`, so they are not presented as optional.
    """
    if field.field.disabled:  # shown, not filled in: "(frivilligt)" would say nothing
        return False
    return not field.field.required and not getattr(field.field, "needed_when_shown", False)


@register.filter
def widget_kind(field) -> str:
    from adgang.ui.forms import widget_kind as kind

    return kind(field.field.widget)


@register.filter
def error_target(field) -> str:
    """The id the error summary links to: the field's input, or a group's first option.

    Radios and checkboxes have no element with the field's own id (each option has
    `<id>_<n>`), so a link to `#<id>` would lead nowhere.
    """
    if widget_kind(field) in {"radio", "checkboxes"}:
        for choice in field:
            return choice.id_for_label
    return field.auto_id


@register.simple_tag
def render_widget(field, css: str):
    """The field's widget with the DKFDS class and the ARIA attributes of its state."""
    attrs = {"class": css}
    describedby = [
        f"{field.auto_id}-{part}"
        for part, present in (("hint", field.help_text), ("error", field.errors))
        if present
    ]
    if describedby:
        attrs["aria-describedby"] = " ".join(describedby)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
