"""What the site-wide search may show: one queryset per type, in one language.

Every engine matches within these rows, and every result is loaded back through
them: an object that is unpublished, private, closed or in another language is
never shown, even if a stale external index still holds it.
"""

from __future__ import annotations

from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, QuerySet
from wagtail.models import PageViewRestriction

from .engine import TYPE_NEWS, TYPE_PAGE, TYPE_SERVICE


def public_pages(pages: QuerySet) -> QuerySet:
    """Wagtail's ``.public()`` (no view restriction on the page or an ancestor) as a
    subquery: ``.public()`` reads every restriction first, a query each time the
    search builds a queryset."""
    restricted = PageViewRestriction.objects.alias(
        page_path=ExpressionWrapper(OuterRef("path"), output_field=CharField())
    ).filter(page_path__startswith=F("page__path"))
    return pages.filter(~Exists(restricted))


def searchable(type_: str, language: str) -> QuerySet:
    """Live, public objects of `type_` a visitor reading `language` may find."""
    if type_ == TYPE_SERVICE:
        from safechildhood.registry.models import Service

        from .services import in_language

        return in_language(Service.objects.public(), language)
    if type_ == TYPE_PAGE:
        from safechildhood.home.models import StandardPage

        return public_pages(StandardPage.objects.live().filter(locale__language_code=language))
    if type_ == TYPE_NEWS:
        from safechildhood.news.models import NewsPage

        return public_pages(NewsPage.objects.live().filter(locale__language_code=language))
    raise ValueError(f"Unknown search type {type_!r}")
