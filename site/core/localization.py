"""Finding the visitor's language version of a page with as few queries as possible."""

from django.http import HttpRequest
from wagtail.models import Locale, Page


def active_locale(request: HttpRequest | None = None) -> Locale:
    """The visitor's locale, looked up once per request (every chrome tag needs it)."""
    if request is None:
        return Locale.get_active()
    if not hasattr(request, "_active_locale"):
        request._active_locale = Locale.get_active()
    return request._active_locale


def in_active_locale(page: Page, locale: Locale) -> Page:
    """The live translation of `page` in `locale`, or `page` itself: one query at most."""
    if page.locale_id == locale.pk:
        return page
    translation = (
        Page.objects.live().filter(translation_key=page.translation_key, locale=locale).first()
    )
    return translation or page
