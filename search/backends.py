"""Text matching: the one place that knows which search backend answers.

Callers compose their own filters (any Django filter, including ``Exists()``
subqueries, which Wagtail's search refuses) and ask here which of those rows
match the words. With Wagtail's **database backend** (PostgreSQL full text with
the Russian configuration, or SQLite FTS5) the match is SQL on the same
database, so it stays a subquery: counting, ordering by distance and paginating
happen in one query. With **Elasticsearch** (``ELASTICSEARCH_URL``) the best
``MAX_EXTERNAL_MATCHES`` hits come back as ids and are filtered the same way;
callers do not change.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Case, IntegerField, Value, When
from wagtail.search.backends import get_search_backend

# How many hits an external engine (Elasticsearch) hands back for filtering here.
MAX_EXTERNAL_MATCHES = 1000


def _search(queryset: models.QuerySet, query: str, order_by_relevance: bool) -> Any:
    # Wagtail's search accepts only indexed filter fields; searching within the
    # primary keys of the caller's queryset accepts every filter (FilterField("id")).
    base = queryset.model._default_manager.filter(pk__in=queryset.values("pk"))
    return get_search_backend().search(query, base, order_by_relevance=order_by_relevance)


def is_database_backend() -> bool:
    return hasattr(get_search_backend().results_class, "get_queryset")


def matching(queryset: models.QuerySet, query: str) -> models.QuerySet:
    """The rows of `queryset` that match `query`, in the queryset's own order.

    Keeps `queryset`'s class, annotations and ordering: the match is added as a
    ``pk__in`` filter (a subquery on the database backend).
    """
    results = _search(queryset, query, order_by_relevance=False)
    if hasattr(results, "get_queryset"):
        return queryset.filter(pk__in=results.get_queryset().order_by().values("pk"))
    ids = [obj.pk for obj in results[:MAX_EXTERNAL_MATCHES]]
    return queryset.filter(pk__in=ids)


def ranked(
    queryset: models.QuerySet, query: str, prefer: models.Expression | None = None
) -> models.QuerySet:
    """The rows of `queryset` that match `query`, best match first.

    With `prefer` (a boolean expression), rows for which it holds come first, each
    group in order of relevance: e.g. services of the kind the words name.
    The result is a fresh queryset of the model: add select/prefetch/annotations on top.
    """
    results = _search(queryset, query, order_by_relevance=True)
    if hasattr(results, "get_queryset"):
        ranked_rows = results.get_queryset()
        ordering = list(ranked_rows.query.order_by)
    else:
        ids = [obj.pk for obj in results[:MAX_EXTERNAL_MATCHES]]
        if not ids:
            return queryset.none()
        position = Case(
            *[When(pk=pk, then=Value(number)) for number, pk in enumerate(ids)],
            output_field=IntegerField(),
        )
        ranked_rows = queryset.filter(pk__in=ids)
        ordering = [position]
    if prefer is not None:
        ranked_rows = ranked_rows.alias(_preferred=prefer)
        ordering = [models.F("_preferred").desc(), *ordering]
    return ranked_rows.order_by(*ordering)
