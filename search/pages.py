"""Wagtail pages as a search source: visibility, snippets, the generic result card.

Apps whose source is a page model (information pages, news) subclass
:class:`PageSource`: live pages in the visitor's language with no view
restriction on them or an ancestor, a title and a snippet around the words.
"""

from __future__ import annotations

from html import unescape
from typing import Any

from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef, QuerySet
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from wagtail.models import PageViewRestriction

from .engine import Match
from .highlight import highlight, stems
from .sources import SearchSource

SNIPPET_CHARS = 240
# Keys of a StreamField's raw JSON that hold ids, addresses or choices, not prose.
_NOT_PROSE = frozenset({"type", "id", "url", "link", "href", "page", "image", "document", "style"})


def public_pages(pages: QuerySet) -> QuerySet:
    """Wagtail's ``.public()`` (no view restriction on the page or an ancestor) as a
    subquery: ``.public()`` reads every restriction first, a query each time the
    search builds a queryset."""
    restricted = PageViewRestriction.objects.alias(
        page_path=ExpressionWrapper(OuterRef("path"), output_field=CharField())
    ).filter(page_path__startswith=F("page__path"))
    return pages.filter(~Exists(restricted))


def _prose(raw, key: str = "") -> list[str]:
    """The strings of a StreamField's raw data (rich text still as HTML), in order.

    Read from the raw JSON, not through the blocks: converting chooser blocks
    (services, pages, images) would cost queries for every result.
    """
    if isinstance(raw, str):
        return [] if key in _NOT_PROSE or raw.startswith(("http", "/", "#")) else [raw]
    if isinstance(raw, dict):
        return [text for name, value in raw.items() for text in _prose(value, name)]
    if isinstance(raw, list | tuple):
        return [text for value in raw for text in _prose(value, key)]
    return []


def page_texts(page) -> list[str]:
    """A page's plain texts in the order a snippet prefers them: its summary first."""
    texts = [
        getattr(page, "search_description", ""),
        getattr(page, "lead", ""),
        getattr(page, "introduction", ""),
    ]
    body = getattr(page, "body", None)
    if body is not None:
        texts += [unescape(strip_tags(text)) for text in _prose(list(body.raw_data))]
    return [" ".join(text.split()) for text in texts if text and text.strip()]


def snippet(page, query: str) -> SafeString:
    """The first text that contains a searched word, around that word; else the summary."""
    texts = page_texts(page)
    prefixes = tuple(stems(query))
    for text in texts:
        lowered = text.lower()
        if prefixes and any(prefix in lowered for prefix in prefixes):
            return highlight(text, query, max_chars=SNIPPET_CHARS)
    if texts:
        return highlight(Truncator(texts[0]).chars(SNIPPET_CHARS), query)
    return mark_safe("")  # noqa: S308 (empty)


class PageSource(SearchSource):
    """A page model as a source (set ``model``, ``key``, the labels and ``template``;
    the template may extend ``search/includes/result_page.html``)."""

    template = "search/includes/result_page.html"

    def searchable(self, language: str) -> QuerySet:
        return public_pages(self.model.objects.live().filter(locale__language_code=language))

    def indexed(self, language: str) -> QuerySet:
        return self.searchable(language).select_related("locale")

    def highlights(self, match: Match, obj: Any, query: str) -> dict[str, SafeString]:
        # Elasticsearch marks the words itself (escaped: its encoder is "html").
        title = match.highlights.get("title")
        body = match.highlights.get("body")
        return {
            "title": mark_safe(title) if title else highlight(obj.title, query),  # noqa: S308
            "snippet": mark_safe(body) if body else snippet(obj, query),  # noqa: S308
        }
