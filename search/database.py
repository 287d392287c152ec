"""The default search engine: Wagtail's database backend, one ranked query per source.

Every registered source (``search.sources``: pages, news, services…) sits in one
search index (one table, one scoring formula), so their scores can be compared:
each type's best ``offset + limit`` rows are fetched with their relevance (times
the source's ``weight``) and merged: objects of a kind the words name first,
then those holding every word before those holding some (``backends.covered``),
then what is named after all the words (its ``title_field`` holding every
word), then by relevance. (The title rule orders the fetched rows
only: a page deep in its type's ranking is not lifted onto the first page.)

A type with fewer rows than that needs no COUNT; a type left out by the type
filter is only counted. For one results page this is at most two queries per
type, whatever the size of the site.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from . import backends
from .engine import EngineAnswer, Match
from .highlight import WORD
from .sources import SearchSource, get_source, sources
from .stemming import query_stems


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
        types: Sequence[str] | None = None,
        offset: int = 0,
        limit: int = 10,
        kinds: Mapping[str, int] | None = None,
    ) -> EngineAnswer:
        depth = offset + limit
        stems = query_stems(query)
        counts: dict[str, int] = {}
        candidates: list[tuple[tuple, Match]] = []
        for source in sources():
            key = source.key
            rows = self._ranked(source, query, language, kinds)
            if rows is None:
                counts[key] = 0
                continue
            if types is not None and key not in types:
                counts[key] = rows.order_by().count()
                continue
            preferred = ["preferred"] if "preferred" in rows.query.annotations else []
            fields = ("pk", "relevance", "covered", source.title_field, *preferred)
            fetched = list(rows.values_list(*fields)[:depth])
            counts[key] = len(fetched) if len(fetched) < depth else rows.count()
            for pk, relevance, every_word, text, *kind_level in fetched:
                score = (relevance or 0.0) * source.weight
                level = kind_level[0] if kind_level else 0
                titled = title_has_all(text, stems)
                if kind_level and titled and len(stems) > 1:
                    # A name typed («народная опека»): among the rows a kind ranks (services),
                    # it beats the kind the words happen to name.
                    level = math.inf
                rank = (level, every_word, titled, score)
                candidates.append((rank, Match(key, pk, score)))
        candidates.sort(key=lambda item: item[0], reverse=True)
        return EngineAnswer(
            matches=[match for _rank, match in candidates[offset:depth]],
            counts=counts,
            complete=any(rank[1] for rank, _match in candidates),
        )

    def ids(self, source: str, query: str, *, language: str, limit: int) -> list[int]:
        rows = self._ranked(get_source(source), query, language, None)
        return [] if rows is None else list(rows.values_list("pk", flat=True)[:limit])

    @staticmethod
    def _ranked(source: SearchSource, query: str, language: str, kinds: Mapping[str, int] | None):
        if not backends.backend_query(query):
            return None
        prefer = source.preference(kinds) if kinds else None
        named = source.named(kinds) if kinds else None
        return backends.scored(source.searchable(language), query, prefer=prefer, named=named)
