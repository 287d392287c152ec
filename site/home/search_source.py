"""Information pages in the site-wide search (``search.sources``): this app's source."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from search.api import (
    PageSource,
    SearchDocument,
    field_text,
    join,
    language_of,
    make_document,
    register,
)

from .models import StandardPage

PAGE = "page"


def page_document(page: StandardPage) -> SearchDocument:
    """An information page: title; summary, introduction and body as text."""
    body = join([page.search_description, page.introduction, *field_text(page, "body")])
    return make_document(PAGE, page, language_of(page), title=page.title, body=body)


class InformationPages(PageSource):
    key = PAGE
    label = _("Страница")
    plural = _("Страницы")
    order = 20
    model = StandardPage

    def document(self, obj: Any, language: str, context: Any = None) -> SearchDocument:
        return page_document(obj)  # a page is in its own language's index only


register(InformationPages())
