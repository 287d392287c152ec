"""Template tags of the public registry pages.

The service page's extras are computed by a tag, not the view, because the
admin preview renders the same template with nothing but ``service``.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext as _

from safechildhood.core.pagecache import fresh_value

from ..accessibility import FEATURES, Feature
from ..corrections import FRESH_FORM_VALUE
from ..jsonld import service_jsonld, to_script_content
from ..listing import localized_taxonomies
from ..models import Service
from ..presentation import ServicePage, service_page

register = template.Library()


@register.simple_tag(takes_context=True)
def service_page_info(context: template.Context, service: Service) -> ServicePage:
    """Kinds in the visitor's language, hours, places, map markers (prefetched data)."""
    language = get_supported_language_variant(get_language() or settings.LANGUAGE_CODE)
    kinds = groups = None
    if language != get_supported_language_variant(settings.LANGUAGE_CODE):
        kinds, groups = localized_taxonomies(language)
    return service_page(service, kinds, groups)


@register.simple_tag(takes_context=True)
def service_jsonld_script(context: template.Context, info: ServicePage) -> SafeString:
    """The content of the page's ``<script type="application/ld+json">``."""
    return to_script_content(service_jsonld(info, context.get("request")))


@register.simple_tag(takes_context=True)
def correction_token(context: template.Context) -> str:
    """A new signed form token; on a cached service page, a new one in every copy served."""
    return fresh_value(context.get("request"), FRESH_FORM_VALUE)


@register.simple_tag
def access_features() -> tuple[Feature, ...]:
    """The accessibility codes the filter offers, in the vocabulary's order."""
    return FEATURES


@register.inclusion_tag("registry/includes/accessibility.html")
def accessibility_list(features: list[Feature], compact: bool = False) -> dict:
    """Icons (decorative) with their text, for a place's accessibility codes."""
    return {"features": features, "compact": compact}


@register.inclusion_tag("registry/includes/map.html")
def registry_map(markers: list[dict], label: str = "") -> dict:
    """The map container (hidden until the script runs) and its data island."""
    return {
        "markers": markers,
        "label": label or _("Карта служб"),
        "tile_url": settings.REGISTRY_MAP_TILE_URL,
        "tile_attribution": settings.REGISTRY_MAP_TILE_ATTRIBUTION,
    }


@register.simple_tag
def district_options(options, selected) -> SafeString:
    """``<optgroup>``s of ``<option>``s for the district filter, built in Python: 100+
    districts through template tags cost a fifth of the results page's render time."""
    chosen = selected.slug if selected is not None else None
    groups = []
    for region, districts in options.regions:
        items = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((d.slug, " selected" if d.slug == chosen else "", d.local_name) for d in districts),
        )
        groups.append(format_html('<optgroup label="{}">{}</optgroup>', region, items))
    return mark_safe("".join(groups))  # noqa: S308 (each part is format_html output)


@register.simple_tag
def term_options(terms, selected) -> SafeString:
    """``<option>``s for the kind or target-group filter."""
    chosen = selected.code if selected is not None else None
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((code, " selected" if code == chosen else "", t.name) for code, t in terms.items()),
    )


@register.filter
def km(value: float | None) -> str:
    """``0.84`` → «0,8 км», ``12.3`` → «12 км» (the locale's decimal separator)."""
    if value is None:
        return ""
    value = float(value)
    if value < 10:
        return _("%(n)s км") % {"n": number_format(round(value, 1), 1)}
    return _("%(n)s км") % {"n": number_format(round(value), 0)}
