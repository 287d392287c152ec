"""Filters for block templates."""

from django import template

from ..models import tel_href as _tel_href

register = template.Library()


@register.filter
def tel_href(number: str) -> str:
    """A `tel:` link for a phone number as editors type it."""
    return _tel_href(number or "")
