from django import template

from adgang.nemsms.phone import phone_display

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """A stored E.164 number as shown: "+45 20 30 40 50"."""
    return phone_display(value or "")
