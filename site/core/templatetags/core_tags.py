"""Template tags shared by the apps: public forms' field names, phone links."""

from django import template

from ..phones import tel_href as _tel_href
from ..protection import HONEYPOT_FIELD, TOKEN_FIELD

register = template.Library()


@register.simple_tag
def honeypot_field_name() -> str:
    """The name of the field people never see (:mod:`safechildhood.core.protection`)."""
    return HONEYPOT_FIELD


@register.simple_tag
def token_field_name() -> str:
    """The name of the signed form token's field."""
    return TOKEN_FIELD


@register.filter
def tel_href(number: str) -> str:
    """A ``tel:`` link for a phone number as editors type it; "" when it has no digits."""
    href = _tel_href(number or "")
    return "" if href == "tel:" else href
