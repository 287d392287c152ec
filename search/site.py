"""The site-wide search: information pages, news and registry services in one list.

``search_site(SearchRequest)`` is what ``/search/`` calls. It asks the configured
engine (``search.engine``) for one page of matches, loads the objects back through
``search.sources`` (so nothing unpublished or private is ever shown), marks the
matched words and counts the matches per type for the type filter. When nothing
matches, a mistyped word is corrected from the site's vocabulary and the search
runs once more (``search.spelling``).

Filters (``SearchRequest.filters``): ``type``, one of ``search.engine.TYPES``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, get_supported_language_variant, gettext_lazy
from django.utils.translation import gettext as _

from .engine import TYPE_NEWS, TYPE_PAGE, TYPE_SERVICE, TYPES, EngineAnswer, Match, get_engine
from .highlight import highlight, stems
from .query import SearchHit, SearchRequest, SearchResults, last_page_message, window_page
from .sources import searchable

SITE_FILTERS = frozenset({"type"})
TYPE_LABELS = {
    TYPE_SERVICE: gettext_lazy("Служба помощи"),
    TYPE_PAGE: gettext_lazy("Страница"),
    TYPE_NEWS: gettext_lazy("Новость"),
}
# Merging types needs every type's best `offset + limit` rows: deep pages of a
# mixed list cost more and help nobody (a visitor narrows by type instead).
MAX_MIXED_RESULTS = 500
SNIPPET_CHARS = 240


@dataclass
class SiteSearchResults(SearchResults):
    """``SearchResults`` plus the spelling correction, when one was used.

    ``facets["type"]`` is ``{type: count}`` over all matches, whatever the type filter.
    """

    corrected_query: str = ""


def _language(code: str | None) -> str:
    return get_supported_language_variant(code or get_language() or settings.LANGUAGE_CODE)


def _types(request: SearchRequest) -> tuple[str, ...]:
    unknown = set(request.filters) - SITE_FILTERS
    if unknown:
        raise ValueError(f"Unknown site search filters: {sorted(unknown)}")
    chosen = request.filters.get("type")
    if chosen is None:
        return TYPES
    if chosen not in TYPES:
        raise ValueError(f"Unknown search type {chosen!r}")
    return (chosen,)


def _kinds(query: str, types: Sequence[str]) -> dict[str, int]:
    if TYPE_SERVICE not in types:
        return {}
    from .services import kind_strengths

    return kind_strengths(query)


def search_site(request: SearchRequest) -> SiteSearchResults:
    """One page of results over pages, news and services (see the module docstring)."""
    types = _types(request)
    language = _language(request.language)
    messages = list(request.messages)
    if not request.query:
        return _results(request, types, [], 0, dict.fromkeys(TYPES, 0), messages)

    answer, page = _run(request, request.query, types, language, request.page, messages)
    corrected = ""
    if answer.total == 0:
        from .spelling import correct

        suggestion = correct(request.query, language)
        if suggestion:
            answer, page = _run(request, suggestion, types, language, 1, messages)
            corrected = suggestion if answer.total else ""
    words = corrected or request.query
    hits = _hits(answer.matches, words, language)
    # The count of the type filter: what the window can actually show.
    total = sum(answer.counts.get(t, 0) for t in types)
    results = _results(
        dataclasses.replace(request, page=page), types, hits, total, answer.counts, messages
    )
    results.corrected_query = corrected
    return results


def _run(
    request: SearchRequest,
    query: str,
    types: Sequence[str],
    language: str,
    page: int,
    messages: list[str],
) -> tuple[EngineAnswer, int]:
    """Ask the engine for `page`; past the end (or too deep), for the last page there is."""
    engine = get_engine()
    per_page = request.per_page
    max_pages = math.ceil(MAX_MIXED_RESULTS / per_page) if len(types) > 1 else None
    kinds = _kinds(query, types)

    def ask(number: int) -> EngineAnswer:
        return engine.search(
            query,
            language=language,
            types=types,
            offset=(number - 1) * per_page,
            limit=per_page,
            kinds=kinds,
        )

    answer = ask(min(page, max_pages) if max_pages else page)
    total = sum(answer.counts.get(t, 0) for t in types)
    last = max(1, math.ceil(total / per_page))
    if max_pages and page > max_pages and last > max_pages:
        messages.append(
            _("Показаны первые %(n)d результатов. Уточните запрос или выберите, что искать.")
            % {"n": MAX_MIXED_RESULTS}
        )
        return answer, max_pages
    if total and page > last:
        messages.append(last_page_message(last))
        page = last
        answer = ask(page)
    return answer, page


def _results(
    request: SearchRequest,
    types: Sequence[str],
    hits: list[SearchHit],
    total: int,
    counts: dict[str, int],
    messages: list[str],
) -> SiteSearchResults:
    per_page = request.per_page
    window_total = total
    if len(types) > 1:
        window_total = min(total, MAX_MIXED_RESULTS)
    page_obj = window_page(hits, window_total, request.page, per_page)
    return SiteSearchResults(
        request=request,
        hits=hits,
        total=total,
        page_obj=page_obj,
        facets={"type": {t: counts.get(t, 0) for t in TYPES}},
        messages=messages,
        ordering="relevance",
    )


# --- loading and marking the found objects -------------------------------------------


def _hits(matches: list[Match], query: str, language: str) -> list[SearchHit]:
    """The found objects, in the engine's order, with their matched words marked.

    One query per type present (services: three, with their places and phones),
    whatever the number of matches.
    """
    by_type: dict[str, list[int]] = {}
    for match in matches:
        by_type.setdefault(match.type, []).append(match.pk)
    loaded: dict[tuple[str, int], object] = {}
    for type_, pks in by_type.items():
        for obj in _load(type_, pks, language):
            loaded[(type_, obj.pk)] = obj
    hits = []
    for match in matches:
        obj = loaded.get((match.type, match.pk))
        if obj is None:  # gone since an external index saw it
            continue
        hits.append(SearchHit(type=match.type, object=obj, highlights=_marks(match, obj, query)))
    return hits


def _load(type_: str, pks: list[int], language: str) -> list:
    rows = searchable(type_, language).filter(pk__in=pks)
    if type_ == TYPE_SERVICE:
        from safechildhood.registry.listing import localized_terms
        from safechildhood.registry.models import ServiceKind
        from safechildhood.registry.presentation import decorate

        from .services import card_queryset, prefetch_cards

        services = prefetch_cards(card_queryset(rows))
        decorate(services, localized_terms(ServiceKind, language))
        return services
    return list(rows)


def _marks(match: Match, obj, query: str) -> dict[str, SafeString]:
    if match.type == TYPE_SERVICE:
        from .services import SNIPPET_CHARS as SERVICE_SNIPPET

        return {
            "name": highlight(obj.name, query),
            "description": highlight(obj.description, query, max_chars=SERVICE_SNIPPET),
        }
    # Elasticsearch marks the words itself (escaped: its encoder is "html").
    title = match.highlights.get("title")
    body = match.highlights.get("body")
    return {
        "title": mark_safe(title) if title else highlight(obj.title, query),  # noqa: S308
        "snippet": mark_safe(body) if body else _snippet(obj, query),  # noqa: S308
    }


# Keys of a StreamField's raw JSON that hold ids, addresses or choices, not prose.
_NOT_PROSE = frozenset({"type", "id", "url", "link", "href", "page", "image", "document", "style"})


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


def _snippet(page, query: str) -> SafeString:
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
