"""The site-wide search: every registered source (pages, news, services…) in one list.

``search_site(SearchRequest)`` is what ``/search/`` calls. It asks the configured
engine (``search.engine``) for one page of matches, loads the objects back through
their source (``search.sources``: so nothing unpublished or private is ever
shown), marks the matched words and counts the matches per type for the type
filter. When nothing
matches, or no match holds every word, a mistyped word is corrected from the site's
vocabulary and the search runs once more (``search.spelling``); the corrected
results are shown when they hold every word (or when the query found nothing).

Filters (``SearchRequest.filters``): ``type``, the key of a registered source.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext as _

from .engine import EngineAnswer, Match, get_engine
from .query import SearchHit, SearchRequest, SearchResults, last_page_message, window_page
from .sources import get_source, iter_sources, source_keys
from .spelling import correct

SITE_FILTERS = frozenset({"type"})
# Merging types needs every type's best `offset + limit` rows: deep pages of a
# mixed list cost more and help nobody (a visitor narrows by type instead).
MAX_MIXED_RESULTS = 500


@dataclass
class SiteSearchResults(SearchResults):
    """``SearchResults`` plus the spelling correction, when one was used.

    ``facets["type"]`` is ``{type: count}`` over all matches, whatever the type filter.
    """

    corrected_query: str = ""
    found_nothing: bool = False  # the query as typed found nothing at all


def _language(code: str | None) -> str:
    return get_supported_language_variant(code or get_language() or settings.LANGUAGE_CODE)


def _types(request: SearchRequest) -> tuple[str, ...]:
    unknown = set(request.filters) - SITE_FILTERS
    if unknown:
        raise ValueError(f"Unknown site search filters: {sorted(unknown)}")
    chosen = request.filters.get("type")
    if chosen is None:
        return source_keys()
    get_source(chosen)  # ValueError when unknown
    return (chosen,)


def _kinds(query: str, types: Sequence[str]) -> dict[str, int]:
    """The kinds the words name, by the chosen sources that have kinds."""
    kinds: dict[str, int] = {}
    for source in iter_sources(types):
        kinds.update(source.strengths(query))
    return kinds


def search_site(request: SearchRequest) -> SiteSearchResults:
    """One page of results over every source (see the module docstring)."""
    types = _types(request)
    language = _language(request.language)
    messages = list(request.messages)
    if not request.query:
        return _results(request, types, [], 0, dict.fromkeys(source_keys(), 0), messages)

    answer, page = _run(request, request.query, types, language, request.page, messages)
    corrected = ""
    found_nothing = answer.total == 0
    if found_nothing or not answer.complete:
        suggestion = correct(request.query, language)
        if suggestion:
            better, better_page = _run(request, suggestion, types, language, 1, messages)
            # Nothing found: anything is better. Some words found: only every word is.
            if better.total and (found_nothing or better.complete):
                answer, page, corrected = better, better_page, suggestion
    words = corrected or request.query
    hits = _hits(answer.matches, words, language)
    # The count of the type filter: what the window can actually show.
    total = sum(answer.counts.get(t, 0) for t in types)
    results = _results(
        dataclasses.replace(request, page=page), types, hits, total, answer.counts, messages
    )
    results.corrected_query = corrected
    results.found_nothing = found_nothing
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
        facets={"type": {t: counts.get(t, 0) for t in source_keys()}},
        messages=messages,
        ordering="relevance",
    )


# --- loading and marking the found objects -------------------------------------------


def _hits(matches: list[Match], query: str, language: str) -> list[SearchHit]:
    """The found objects, in the engine's order, with their matched words marked.

    One load per source present (services: three queries, with their places and
    phones), whatever the number of matches.
    """
    by_type: dict[str, list[int]] = {}
    for match in matches:
        by_type.setdefault(match.type, []).append(match.pk)
    loaded: dict[tuple[str, int], object] = {}
    for type_, pks in by_type.items():
        for obj in get_source(type_).load(pks, language):
            loaded[(type_, obj.pk)] = obj
    hits = []
    for match in matches:
        obj = loaded.get((match.type, match.pk))
        if obj is None:  # gone since an external index saw it
            continue
        source = get_source(match.type)
        hits.append(
            SearchHit(
                type=match.type,
                object=obj,
                highlights=source.highlights(match, obj, query),
                template=source.template,
                label=source.label,
            )
        )
    return hits
