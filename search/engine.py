"""The contract between the site-wide search and the engine that matches words.

``search.site`` (the ``/search/`` page) and ``search.backends`` (an app's own
list, e.g. the registry's) ask an engine two things: the best matches of some
words over the registered sources (``search.sources``: pages, news, services…),
and the objects of one source matching some words. Two engines answer:

- ``search.database.DatabaseEngine``: Wagtail's database search backend
  (PostgreSQL full text with the Russian configuration; SQLite FTS5 with Russian
  stems, see ``search.sqlite``). The default, and what the tests run on.
- ``search.elastic.engine.ElasticEngine``: one elasticsearch-dsl index per
  language, used when ``ELASTICSEARCH_URL`` is set.

Callers never see which one answered: they get :class:`Match` rows and load the
objects themselves, so permissions, languages and rendering stay in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Match:
    """One found object: its type and primary key, and how well it matched.

    ``score`` is higher-is-better and comparable within one answer only.
    ``highlights`` maps a field name (``"title"``, ``"body"``) to escaped HTML with
    ``<mark>`` around the matched words when the engine makes them (Elasticsearch);
    empty when it does not (the database), and the caller marks the words itself.
    """

    type: str
    pk: int
    score: float = 0.0
    highlights: Mapping[str, str] = field(default_factory=dict)


@dataclass
class EngineAnswer:
    """A window of the merged, best-first matches of the asked types, and the number
    of matches of every registered type (asked or not: the type filter shows them).
    ``complete`` is False when the engine knows that no match holds every word (a
    mistyped word, say: the site search then tries the spelling correction)."""

    matches: list[Match]
    counts: dict[str, int]
    complete: bool = True

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class SearchEngine(Protocol):
    """What an engine must do. ``language`` is a language code of ``settings.LANGUAGES``."""

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
        """Live, public objects of `types` (default: every registered source) in
        `language` matching `query`, best first, the window ``[offset, offset + limit)``.

        `kinds` maps the codes of the kinds the words name to how many words name
        each («насилие в семье»: ``{"women_crisis": 2, "sos": 1}``, from the sources'
        ``strengths``): objects of those kinds come before everything else, the most
        named first. ``counts`` covers every registered type (not only `types`) over
        all matches, not the window.
        """
        ...

    def ids(self, source: str, query: str, *, language: str, limit: int) -> list[int]:
        """Primary keys of `source`'s searchable objects in `language` matching
        `query`, best first."""
        ...


def get_engine() -> SearchEngine:
    """The configured engine (``SEARCH_ENGINE``, a dotted path to a class)."""
    return import_string(settings.SEARCH_ENGINE)()
