"""The Elasticsearch engine (``SEARCH_ENGINE = "search.elastic.engine.ElasticEngine"``).

It answers from the language's index (see ``indexing``: only live, public objects
are indexed, untranslated services stand in for their translations). When
Elasticsearch does not answer (down, timing out, the index not built yet), the
visitor still gets results: the database engine answers instead, and a warning is
logged for the operator.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from search.engine import EngineAnswer, Match
from search.sources import source_keys

from . import connection, queries

logger = logging.getLogger(__name__)

FRAGMENT_SEPARATOR = " … "


def _database_engine() -> Any:
    from search.database import DatabaseEngine

    return DatabaseEngine()


def _execute(search: Any, language: str) -> Any:
    """Run `search` on the language's index (raises ``connection.ELASTIC_ERRORS``)."""
    return search.index(connection.index_alias(language)).using(connection.get_client()).execute()


def _fell_back(what: str, exc: Exception) -> None:
    logger.warning(
        "Elasticsearch did not answer the %s (%s: %s); the database did",
        what,
        type(exc).__name__,
        exc,
    )


def _highlights(hit: Any) -> dict[str, str]:
    found = getattr(hit.meta, "highlight", None)
    if not found:
        return {}
    return {field: FRAGMENT_SEPARATOR.join(found[field]) for field in found}


def answer_from(response: Any) -> EngineAnswer:
    """`response` of :func:`queries.site_search` as an :class:`EngineAnswer`: the hits
    (of the asked types) and the counts of every registered type."""
    matches = [
        Match(
            type=hit.type,
            pk=int(hit.pk),
            score=float(hit.meta.score or 0.0),
            highlights=_highlights(hit),
        )
        for hit in response
    ]
    counts = dict.fromkeys(source_keys(), 0)
    for bucket in response.aggregations.types.buckets:
        if bucket.key in counts:
            counts[bucket.key] = bucket.doc_count
    return EngineAnswer(matches=matches, counts=counts)


class ElasticEngine:
    """:class:`search.engine.SearchEngine` on one elasticsearch-dsl index per language."""

    def search(
        self,
        query: str,
        *,
        language: str,
        types: Sequence[str] | None = None,
        offset: int = 0,
        limit: int = 10,
        kinds: Mapping[str, int] | None = None,
    ) -> EngineAnswer:
        """See :meth:`search.engine.SearchEngine.search`."""
        if not queries.words(query):
            return EngineAnswer(matches=[], counts=dict.fromkeys(source_keys(), 0))
        search = queries.site_search(query, types=types, kinds=kinds, offset=offset, limit=limit)
        try:
            response = _execute(search, language)
        except connection.ELASTIC_ERRORS as exc:
            _fell_back("site search", exc)
            return _database_engine().search(
                query,
                language=language,
                types=types,
                offset=offset,
                limit=limit,
                kinds=kinds,
            )
        return answer_from(response)

    def ids(self, source: str, query: str, *, language: str, limit: int) -> list[int]:
        """See :meth:`search.engine.SearchEngine.ids`."""
        if not queries.words(query) or limit <= 0:
            return []
        search = queries.source_search(source, query, limit=limit)
        try:
            response = _execute(search, language)
        except connection.ELASTIC_ERRORS as exc:
            _fell_back(f"search of {source}", exc)
            return _database_engine().ids(source, query, language=language, limit=limit)
        return [int(hit.pk) for hit in response]
