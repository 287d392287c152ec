"""The search host's public interface: what the apps import from ``search``.

Apps plug into the site-wide search with a source (``<app>/search_source.py``:
a :class:`SearchSource` or :class:`PageSource` given to :func:`register`, its
Elasticsearch document built with :func:`make_document` and the text helpers),
and use the host's word matching for lists of their own (:func:`matching`,
:func:`ranked`, :func:`scored`, word stems as the search compares them:
:func:`query_stems`) with its requests, result pages and highlighting. An app
may also declare what a visitor may want to *do* (:class:`Intent`, given to
:func:`register_intent`: the report form), shown before the results.
Anything else in ``search`` is the host's own and may change.
"""

from __future__ import annotations

from .backends import backend_query, matching, ranked, scored
from .elastic.documents import SearchDocument, field_text, join, language_of, make_document
from .engine import Match
from .highlight import WORD, highlight
from .pages import PageSource, public_pages
from .promotions import Intent, register_intent, unregister_intent
from .query import (
    ORDER_AUTO,
    ORDER_DISTANCE,
    ORDER_NAME,
    ORDER_RELEVANCE,
    SearchHit,
    SearchRequest,
    SearchResults,
    last_page_message,
    paginate,
    window_page,
)
from .sources import GROUP, SearchSource, Trigger, register, unregister
from .stemming import query_stems

__all__ = [
    "GROUP",
    "Intent",
    "ORDER_AUTO",
    "ORDER_DISTANCE",
    "ORDER_NAME",
    "ORDER_RELEVANCE",
    "WORD",
    "Match",
    "PageSource",
    "SearchDocument",
    "SearchHit",
    "SearchRequest",
    "SearchResults",
    "SearchSource",
    "Trigger",
    "backend_query",
    "field_text",
    "highlight",
    "join",
    "language_of",
    "last_page_message",
    "make_document",
    "matching",
    "paginate",
    "query_stems",
    "public_pages",
    "ranked",
    "register",
    "register_intent",
    "scored",
    "unregister",
    "unregister_intent",
    "window_page",
]
