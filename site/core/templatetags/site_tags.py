"""Template tags for the page chrome: language switcher and links every page needs."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from wagtail.models import Page, Site

from ..localization import active_locale, in_active_locale

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    is_current: bool


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[LanguageLink]:
    """Links to this page in the other languages, only where a translation exists.

    For a Wagtail page that is its live translation; for any other view the same
    path with the other language prefix.
    """
    request = context.get("request")
    page = context.get("page")
    current = get_language() or settings.LANGUAGE_CODE
    names = dict(settings.LANGUAGES)
    links: list[LanguageLink] = []
    if isinstance(page, Page):
        translations = (
            page.get_translations(inclusive=True).live().public().select_related("locale")
        )
        for translation in translations:
            code = translation.locale.language_code
            if code in names:
                links.append(
                    LanguageLink(code, names[code], translation.url or "", code == current)
                )
        links.sort(key=lambda link: list(names).index(link.code))
    elif request is not None:
        for code, name in settings.LANGUAGES:
            links.append(
                LanguageLink(
                    code, name, translate_url(request.get_full_path(), code), code == current
                )
            )
    return links if len(links) > 1 else []


@register.simple_tag(takes_context=True)
def localized_home_url(context: template.Context) -> str:
    """The home page of the current language (falls back to the default one)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return "/"
    root = in_active_locale(site.root_page, active_locale(request))
    return root.get_url(request) or "/"


@register.simple_tag(takes_context=True)
def localized_page(context: template.Context, page: Page | None) -> Page | None:
    """The chosen page in the visitor's language if translated, else the page itself."""
    if page is None:
        return None
    return in_active_locale(page, active_locale(context.get("request")))


@register.simple_tag
def char_counter(field_id: str, limit: int, quiet: bool = False) -> str:
    """The length limit of a field, visible: a hint without JavaScript, a live counter
    with it (site/static/js/forms.js). The field itself has no maxlength, so that a
    paste is never cut silently; the server refuses an over-long text and keeps it.

    `quiet` (search boxes): shown only near the limit; without JavaScript the search
    page says when it searched only the first characters (search.query.clean_query).
    """
    return format_html(
        '<p class="hint char-count" id="{}-counter" data-counter-for="{}" '
        'data-text-left="{}" data-text-over="{}"{}>{}</p>',
        field_id,
        field_id,
        gettext("Осталось знаков: %(count)s из %(limit)s."),
        gettext("Текст длиннее, чем можно: лишних знаков — %(count)s (можно %(limit)s)."),
        mark_safe(" data-counter-quiet hidden") if quiet else "",  # noqa: S308 - a constant
        gettext("Не больше %(limit)s знаков.") % {"limit": limit},
    )


@register.filter(is_safe=True)
def with_site_name(title: str) -> str:
    """«Страница — Безопасное детство» for the tab; the site's name alone when the page is
    the site itself (the home page), not «Безопасное детство — Безопасное детство»."""
    site_name = conditional_escape(gettext("Безопасное детство"))  # the title arrives escaped
    title = " ".join(str(title).split())
    if not title or title.casefold() == site_name.casefold():
        return site_name
    return f"{title} — {site_name}"
