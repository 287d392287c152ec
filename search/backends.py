"""Text matching for filtered querysets: the one place that knows who matches words.

Callers compose their own filters (any Django filter, including ``Exists()``
subqueries, which Wagtail's search refuses) and ask here which of those rows
match the words. With the **database** (Wagtail's database backend: PostgreSQL
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
    Value,
    When,
)
from django.utils.translation import get_language
from wagtail.search.backends import get_search_backend

from .engine import get_engine
from .sources import source_for_model

# How many hits an external engine (Elasticsearch) hands back for filtering here.
MAX_EXTERNAL_MATCHES = 1000
DATABASE_ENGINE = "search.database.DatabaseEngine"

WORD = re.compile(r"\w+", re.UNICODE)


def backend_query(query: str) -> str:
    """The words only: quotes, operators and brackets mean syntax to SQLite FTS5 and
    Elasticsearch (``"' AND`` is an FTS5 syntax error), never anything to a visitor."""
    return " ".join(WORD.findall(query))


def _search(queryset: models.QuerySet, query: str, order_by_relevance: bool) -> Any:
    # Wagtail's search accepts only indexed filter fields; searching within the
    # primary keys of the caller's queryset accepts every filter (FilterField("id")).
    base = queryset.model._default_manager.filter(pk__in=queryset.values("pk"))
    words = backend_query(query)
    if not words:
        base = base.none()
    return get_search_backend().search(words, base, order_by_relevance=order_by_relevance)


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


def _among(queryset: models.QuerySet, ids: list[int]) -> models.QuerySet:
    return queryset.model._default_manager.filter(pk__in=ids).filter(pk__in=queryset.values("pk"))


def scored(
    queryset: models.QuerySet, query: str, prefer: models.Expression | None = None
) -> models.QuerySet:
    """Like :func:`ranked` on the database backend, with ``relevance`` (and
    ``preferred``, given `prefer`) annotated: higher is better, comparable between
    models (one index, one formula), so that the site-wide search can merge pages,
    news and services.

    SQLite's BM25 is lower-is-better and PostgreSQL's ``ts_rank`` higher-is-better:
    the sign is turned here, once.
    """
    if not backend_query(query):
        return queryset.model._default_manager.none().annotate(
            relevance=Value(0.0, output_field=FloatField())
        )
    results = _search(queryset, query, order_by_relevance=True).annotate_score("_score")
    rows = results.get_queryset()
    sign = -1 if connection.vendor == "sqlite" else 1
    rows = rows.annotate(relevance=ExpressionWrapper(F("_score") * sign, FloatField()))
    ordering = [F("relevance").desc(), "-pk"]
    if prefer is not None:
        rows = rows.annotate(preferred=prefer)
        ordering = [F("preferred").desc(), *ordering]
    return rows.order_by(*ordering)


def matching(queryset: models.QuerySet, query: str) -> models.QuerySet:
    """The rows of `queryset` that match `query`, unordered.

    A fresh queryset of the model (its default manager, so its queryset class)
    restricted by one ``pk__in`` subquery that holds both `queryset`'s filters and
    the match: add ordering and annotations afterwards.
    """
    if not backend_query(query):  # no word at all («*»): nothing matches
        return queryset.model._default_manager.none()
    ids = _external_ids(queryset, query)
    if ids is not None:
        return _among(queryset, ids)
    manager = queryset.model._default_manager
    results = _search(queryset, query, order_by_relevance=False)
    # The search's own base already carries every filter of `queryset`: wrapping it
    # once more would make PostgreSQL evaluate the filters twice.
    return manager.filter(pk__in=results.get_queryset().order_by().values("pk"))


def ranked(
    queryset: models.QuerySet, query: str, prefer: models.Expression | None = None
) -> models.QuerySet:
    """The rows of `queryset` that match `query`, best match first.

    With `prefer` (an expression, higher first), rows it favours come first, each
    group in order of relevance: e.g. services of the kind the words name.
    The result is a fresh queryset of the model: add select/prefetch/annotations on top.
    """
    if not backend_query(query):
        return queryset.model._default_manager.none()
    ids = _external_ids(queryset, query)
    if ids is None:
        ranked_rows = _search(queryset, query, order_by_relevance=True).get_queryset()
        ordering = list(ranked_rows.query.order_by)
    else:
        if not ids:
            return queryset.none()
        position = Case(
            *[When(pk=pk, then=Value(number)) for number, pk in enumerate(ids)],
            output_field=IntegerField(),
        )
        ranked_rows = _among(queryset, ids)
        ordering = [position]
    if prefer is not None:
        ranked_rows = ranked_rows.alias(_preferred=prefer)
        ordering = [models.F("_preferred").desc(), *ordering]
    return ranked_rows.order_by(*ordering)
