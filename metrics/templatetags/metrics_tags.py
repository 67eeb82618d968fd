from django import template
from django.utils.formats import localize

register = template.Library()


@register.filter
def percent(value):
    """A rate as "33.3%" ("33,3%" in Greek); "—" when there is nothing to divide (None)."""
    return "—" if value is None else f"{localize(value)}%"
