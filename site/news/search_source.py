"""News articles in the site-wide search (``search.sources``): this app's source.

News are many and mention everything in passing, so an article must match
clearly better than a page or a service to come before it (``weight``). Its
topics' names are words the spelling correction may offer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from safechildhood.registry.models import District
from search.api import (
    PageSource,
    SearchDocument,
    Trigger,
    field_text,
    join,
    language_of,
    make_document,
    register,
)

from .models import NewsPage

NEWS = "news"


def news_document(page: NewsPage) -> SearchDocument:
    """A news article: lead, body, topics and district names as text; date and districts."""
    districts = list(page.districts.all())
    tags = [item.tag.name for item in page.tagged_items.all()]
    body = join(
        [
            page.search_description,
            page.lead,
            *field_text(page, "body"),
            *tags,
            *[district.name for district in districts],
        ]
    )
    return make_document(
        NEWS,
        page,
        language_of(page),
        title=page.title,
        body=body,
        date=page.date,
        districts=sorted({district.slug for district in districts}),
    )


def _news_about(district: District, raw: bool = False, **kwargs: Any) -> list[int]:
    """A district renamed: the news about it (their text holds its name)."""
    return [] if raw else list(district.news_pages.values_list("pk", flat=True))


class News(PageSource):
    key = NEWS
    label = _("Новость")
    plural = _("Новости")
    order = 30
    model = NewsPage
    weight = 0.8
    template = "news/includes/search_result.html"

    def indexed(self, language: str) -> QuerySet:
        return super().indexed(language).prefetch_related("districts", "tagged_items__tag")

    def document(self, obj: Any, language: str, context: Any = None) -> SearchDocument:
        return news_document(obj)  # an article is in its own language's index only

    def triggers(self) -> list[Trigger]:
        return [(post_save, District, _news_about)]

    def vocabulary(self, language: str) -> list[str]:
        return list(Tag.objects.values_list("name", flat=True))


register(News())
