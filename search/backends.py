"""Text matching for filtered querysets: the one place that knows who matches words.

Callers compose their own filters (any Django filter, including ``Exists()``
subqueries, which Wagtail's search refuses) and ask here which of those rows
match the words. Any word of the query finds a row, and rows with every word come
first (``covered``): a visitor who types a whole sentence («сына травят в школе»)
never gets nothing because one word is in no document. A source may add rows the
words *name* without holding them (``SearchSource.named``: the services of a kind
the everyday vocabulary names). With the **database** (Wagtail's database backend: PostgreSQL
full text with the Russian configuration, or SQLite FTS5 with Russian stems) the
match is SQL on the same database, so it stays a subquery: counting, ordering by
distance and paginating happen in one query. With **Elasticsearch**
(``ELASTICSEARCH_URL``, ``search.elastic``) the engine's best
``MAX_EXTERNAL_MATCHES`` objects of the queryset's source come back as ids and
are filtered the same way; callers do not change.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from wagtail.search.backends import get_search_backend

from .engine import get_engine
from .sources import source_for_model
from .stemming import query_stems

# How many hits an external engine (Elasticsearch) hands back for filtering here.
MAX_EXTERNAL_MATCHES = 1000
DATABASE_ENGINE = "search.database.DatabaseEngine"

WORD = re.compile(r"\w+", re.UNICODE)
# Any word of a query finds a row; rows with every word come first (``covered``).
ANY, ALL = "or", "and"


def backend_query(query: str) -> str:
    """The words only: quotes, operators and brackets mean syntax to SQLite FTS5 and
    Elasticsearch (``"' AND`` is an FTS5 syntax error), never anything to a visitor."""
    return " ".join(WORD.findall(query))


def _search(
    queryset: models.QuerySet, query: str, order_by_relevance: bool, operator: str = ANY
) -> Any:
    # Wagtail's search accepts only indexed filter fields; searching within the
    # primary keys of the caller's queryset accepts every filter (FilterField("id")).
    base = queryset.model._default_manager.filter(pk__in=queryset.values("pk"))
    words = backend_query(query)
    if not words:
        base = base.none()
    return get_search_backend().search(
        words, base, operator=operator, order_by_relevance=order_by_relevance
    )


def covered(queryset: models.QuerySet, query: str) -> models.Expression:
    """1 for the rows of `queryset` that hold every word of `query`, 0 for those that
    hold only some (SQL, higher first): results with all the words come first.

    One word (stop words aside) is held by every match: no subquery then."""
    if len(query_stems(query)) < 2:
        return Value(1, output_field=IntegerField())
    every = _search(queryset, query, order_by_relevance=False, operator=ALL)
    rows = every.get_queryset().order_by().values("pk")
    return Case(When(pk__in=rows, then=Value(1)), default=Value(0), output_field=IntegerField())


def _named_rows(queryset: models.QuerySet, named: Q | None) -> Q:
    """Rows of `queryset` the words name without holding them (``SearchSource.named``)."""
    if named is None:
        return Q(pk__in=[])
    return Q(named, pk__in=queryset.values("pk"))


def _external_ids(queryset: models.QuerySet, query: str) -> list[int] | None:
    """The configured external engine's best matches of `queryset`'s source, or None
    when the database answers (the default, and always for a model no source has)."""
    if settings.SEARCH_ENGINE == DATABASE_ENGINE:
        return None
    source = source_for_model(queryset.model)
    if source is None:
        return None
    language = get_language() or settings.LANGUAGE_CODE
    return get_engine().ids(source.key, query, language=language, limit=MAX_EXTERNAL_MATCHES)


def _among(queryset: models.QuerySet, ids: list[int], named: Q | None = None) -> models.QuerySet:
    found = Q(pk__in=ids)
    if named is not None:
        found |= _named_rows(queryset, named)
    return queryset.model._default_manager.filter(found).filter(pk__in=queryset.values("pk"))


def _text_or_named(queryset: models.QuerySet, rows: models.QuerySet, named: Q) -> models.QuerySet:
    """`rows` (the words' matches, with ``_score``) and the rows `named` adds, each
    with its score (None for a row that holds none of the words)."""
    score = Subquery(
        rows.filter(pk=OuterRef("pk")).order_by().values("_score")[:1], output_field=FloatField()
    )
    found = Q(pk__in=rows.order_by().values("pk")) | _named_rows(queryset, named)
    return queryset.model._default_manager.filter(found).annotate(_score=score)


def scored(
    queryset: models.QuerySet,
    query: str,
    prefer: models.Expression | None = None,
    named: Q | None = None,
) -> models.QuerySet:
    """The rows of `queryset` that hold any word of `query`, or that `named` names
    (``SearchSource.named``: services of a kind the words name), with ``relevance``,
    ``covered`` (1: every word) and, given `prefer`, ``preferred`` annotated: higher is
    better, comparable between models (one index, one formula), so that the site-wide
    search can merge pages, news and services. Ordered: preferred, then the rows with
    every word, then by relevance.

    SQLite's BM25 is lower-is-better and PostgreSQL's ``ts_rank`` higher-is-better:
    the sign is turned here, once.
    """
    if not backend_query(query):
        return queryset.model._default_manager.none().annotate(
            relevance=Value(0.0, output_field=FloatField())
        )
    rows = _search(queryset, query, order_by_relevance=True).annotate_score("_score")
    rows = rows.get_queryset()
    if named is not None:
        rows = _text_or_named(queryset, rows, named)
    sign = -1 if connection.vendor == "sqlite" else 1
    relevance = Coalesce(
        ExpressionWrapper(F("_score") * sign, FloatField()), Value(0.0), output_field=FloatField()
    )
    rows = rows.annotate(relevance=relevance, covered=covered(queryset, query))
    ordering = [F("covered").desc(), F("relevance").desc(), "-pk"]
    if prefer is not None:
        rows = rows.annotate(preferred=prefer)
        ordering = [F("preferred").desc(), *ordering]
    return rows.order_by(*ordering)


def matching(queryset: models.QuerySet, query: str, named: Q | None = None) -> models.QuerySet:
    """The rows of `queryset` that hold any word of `query` (or that `named` names),
    unordered.

    A fresh queryset of the model (its default manager, so its queryset class)
    restricted by one ``pk__in`` subquery that holds both `queryset`'s filters and
    the match: add ordering and annotations afterwards.
    """
    if not backend_query(query):  # no word at all («*»): nothing matches
        return queryset.model._default_manager.none()
    ids = _external_ids(queryset, query)
    if ids is not None:
        return _among(queryset, ids, named)
    manager = queryset.model._default_manager
    results = _search(queryset, query, order_by_relevance=False)
    # The search's own base already carries every filter of `queryset`: wrapping it
    # once more would make PostgreSQL evaluate the filters twice.
    found = Q(pk__in=results.get_queryset().order_by().values("pk"))
    if named is not None:
        found |= _named_rows(queryset, named)
    return manager.filter(found)


def ranked(
    queryset: models.QuerySet,
    query: str,
    prefer: models.Expression | None = None,
    named: Q | None = None,
) -> models.QuerySet:
    """The rows of `queryset` that hold any word of `query` (or that `named` names),
    best first: those with every word before those with some.

    With `prefer` (an expression, higher first), rows it favours come first, each
    group in order of relevance: e.g. services of the kind the words name.
    The result is a fresh queryset of the model: add select/prefetch/annotations on top.
    """
    if not backend_query(query):
        return queryset.model._default_manager.none()
    ids = _external_ids(queryset, query)
    if ids is None:
        return scored(queryset, query, prefer=prefer, named=named)
    if not ids and named is None:
        return queryset.none()
    # The engine put the rows with every word first; rows only named come after.
    position = Case(
        *[When(pk=pk, then=Value(number)) for number, pk in enumerate(ids)],
        default=Value(len(ids)),
        output_field=IntegerField(),
    )
    ranked_rows = _among(queryset, ids, named)
    ordering = [position, "-pk"]
    if prefer is not None:
        ranked_rows = ranked_rows.alias(_preferred=prefer)
        ordering = [models.F("_preferred").desc(), *ordering]
    return ranked_rows.order_by(*ordering)
