"""Rendering helpers for the GOV.UK-style question pages."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def govuk_widget(field: BoundField, css_class: str = "input") -> SafeString:
    """The field's widget with the classes and ARIA links the error pattern needs."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {"class": f"{css_class} {css_class}--error" if field.errors else css_class}
    limit = getattr(field.field, "max_length", None)
    if limit:
        # No maxlength: browsers cut a paste at it without a word. The counter
        # (site_tags.char_counter) shows the limit; the server refuses and keeps the text.
        attrs["maxlength"] = False
        attrs["data-char-limit"] = str(limit)
        described.append(f"{field.auto_id}-counter")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def is_checked(field: BoundField, value: str) -> bool:
    """Whether a radio option is the current value (bound data or initial)."""
    current = field.value()
    if current in (None, "") and not field.form.is_bound:
        current = field.initial
    return str(current or "") == str(value)
