"""The default search engine: Wagtail's database backend, one ranked query per type.

Pages, news and services sit in one search index (one table, one scoring
formula), so their scores can be compared: each type's best ``offset + limit``
rows are fetched with their relevance and merged: services of a kind the words
name first, then what is named after all the words (a title or a service's name
holding every word), then by relevance. (The title rule orders the fetched rows
only: a page deep in its type's ranking is not lifted onto the first page.)

A type with fewer rows than that needs no COUNT; a type left out by the type
filter is only counted. For one results page this is at most two queries per
type, whatever the size of the site.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from . import backends
from .engine import TYPE_NEWS, TYPE_SERVICE, TYPES, EngineAnswer, Match
from .highlight import WORD
from .sources import searchable
from .stemming import query_stems

# How a type's relevance counts against the others': news are many and mention
# everything in passing, so an article must match clearly better than a page or a
# service to come before it.
TYPE_WEIGHTS = {TYPE_NEWS: 0.8}


def title_has_all(title: str, stems: list[str]) -> bool:
    """Every word of the query starts a word of the title («Сообщить о проблеме» for
    «сообщить о проблеме»): a page named after the words beats one that mentions them."""
    if not stems:
        return False
    words = [word.lower().replace("ё", "е") for word in WORD.findall(title or "")]
    return all(any(word.startswith(stem) for word in words) for stem in stems)


class DatabaseEngine:
    """See ``search.engine.SearchEngine``."""

    def search(
        self,
        query: str,
        *,
        language: str,
        types: Sequence[str] = TYPES,
        offset: int = 0,
        limit: int = 10,
        kinds: Mapping[str, int] | None = None,
    ) -> EngineAnswer:
        depth = offset + limit
        stems = query_stems(query)
        counts: dict[str, int] = {}
        candidates: list[tuple[tuple, Match]] = []
        for type_ in TYPES:
            rows = self._ranked(type_, query, language, kinds)
            if rows is None:
                counts[type_] = 0
                continue
            if type_ not in types:
                counts[type_] = rows.order_by().count()
                continue
            title = "name" if type_ == TYPE_SERVICE else "title"
            preferred = ["preferred"] if "preferred" in rows.query.annotations else []
            fetched = list(rows.values_list("pk", "relevance", title, *preferred)[:depth])
            counts[type_] = len(fetched) if len(fetched) < depth else rows.count()
            weight = TYPE_WEIGHTS.get(type_, 1.0)
            for pk, relevance, text, *kind_level in fetched:
                score = (relevance or 0.0) * weight
                rank = (kind_level[0] if kind_level else 0, title_has_all(text, stems), score)
                candidates.append((rank, Match(type_, pk, score)))
        candidates.sort(key=lambda item: item[0], reverse=True)
        return EngineAnswer(
            matches=[match for _rank, match in candidates[offset:depth]],
            counts=counts,
        )

    def service_ids(self, query: str, *, language: str, limit: int) -> list[int]:
        rows = self._ranked(TYPE_SERVICE, query, language, None)
        return [] if rows is None else list(rows.values_list("pk", flat=True)[:limit])

    @staticmethod
    def _ranked(type_: str, query: str, language: str, kinds: Mapping[str, int] | None):
        if not backends.backend_query(query):
            return None
        prefer = None
        if type_ == TYPE_SERVICE and kinds:
            from .services import kind_preference

            prefer = kind_preference(kinds)
        return backends.scored(searchable(type_, language), query, prefer=prefer)
