"""Searching the service registry: filters, words, distance, pages, in a constant number of queries.

``search_services(SearchRequest)`` is what the registry's list page calls, and
what the site-wide search will call for its "services" part. Filters (the keys
of ``SearchRequest.filters``):

=================== ===========================================================
``district``        a :class:`District`: services located in it or serving it
``exclude_district`` a :class:`District`: services *not* serving it (fallbacks)
``region``          a region name: services located in or serving that region
``kind``            a service kind code (``"mediation"``)
``target_group``    a target group code (``"parents"``)
``open_now``        ``True``: open at this moment in the site's time zone
``is_24_7``         ``True``: round-the-clock emergency services only
``free``            ``True``: free of charge only
=================== ===========================================================

Ordering: nearest first from ``request.near`` or, failing that, from the
district's centre; otherwise best match first when there are words; otherwise by
name. Distances are measured to public-safe points only (a confidential location
counts as its district's centre), see ``ServiceQuerySet.with_distance``.

Queries for one page of results: one COUNT, one page, two prefetches (places
with their districts, phones), whatever the number of services.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from django.conf import settings
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models import prefetch_related_objects as _prefetch
from django.utils.translation import get_language, get_supported_language_variant

from safechildhood.registry.models import Location, Service, ServiceKind, ServiceQuerySet

from . import backends
from .highlight import WORD, highlight
from .query import (
    ORDER_AUTO,
    ORDER_DISTANCE,
    ORDER_NAME,
    ORDER_RELEVANCE,
    SearchHit,
    SearchRequest,
    SearchResults,
    paginate,
)

SERVICE_FILTERS = frozenset(
    {
        "district",
        "exclude_district",
        "region",
        "kind",
        "target_group",
        "open_now",
        "is_24_7",
        "free",
    }
)
SERVICE_FACETS = frozenset({"kind"})
SNIPPET_CHARS = 240


def _language(code: str | None) -> str:
    return get_supported_language_variant(code or get_language() or settings.LANGUAGE_CODE)


def in_language(queryset: ServiceQuerySet, language: str | None = None) -> ServiceQuerySet:
    """Services in the visitor's language; untranslated ones in the source language.

    An English visitor should not find an empty registry because editors have not
    translated every entry yet: the Russian entry stands in for a missing translation.
    """
    language = _language(language)
    default = _language(settings.LANGUAGE_CODE)
    if language == default:
        return queryset.filter(locale__language_code=language)
    translated = Service.objects.public().filter(
        translation_key=OuterRef("translation_key"), locale__language_code=language
    )
    return queryset.filter(
        Q(locale__language_code=language) | (Q(locale__language_code=default) & ~Exists(translated))
    )


def origin_of(request: SearchRequest) -> tuple[float, float] | None:
    """Where distances are measured from: the visitor's point, else the district's centre."""
    if request.near:
        return request.near
    district = request.filters.get("district")
    if district is not None:
        return (district.latitude, district.longitude)
    return None


def names_a_kind(query: str) -> Exists | None:
    """True for services of a kind whose search keywords contain a word of the query.

    Ranking by text alone lets an SOS service that mentions «насилие» ten times
    outrank the crisis centre for women; a visitor typing «насилие» means the kind.
    Kinds' ``keywords`` list the word forms (editors keep them), so whole words are
    compared, in SQL (a subquery: no extra query, no dependence on the search index).
    """
    words = [word for word in WORD.findall(query.lower()) if len(word) >= 3]
    if not words:
        return None
    condition = Q()
    for word in dict.fromkeys(words):
        condition |= Q(keywords__regex=rf"(^|[\s,;]){re.escape(word)}($|[\s,;])")
    codes = ServiceKind.objects.filter(condition).order_by().values("code")
    return Exists(
        Service.kinds.through.objects.filter(service_id=OuterRef("pk"), servicekind__code__in=codes)
    )


def service_queryset(request: SearchRequest) -> tuple[ServiceQuerySet, str]:
    """The filtered, matched and ordered services (lazy), and the ordering used."""
    unknown = set(request.filters) - SERVICE_FILTERS
    if unknown:
        raise ValueError(f"Unknown service filters: {sorted(unknown)}")
    filters = request.filters
    services = in_language(Service.objects.public(), request.language)
    if filters.get("district") is not None:
        services = services.serving_district(filters["district"])
    if filters.get("exclude_district") is not None:
        services = services.exclude(
            pk__in=Service.objects.serving_district(filters["exclude_district"]).values("pk")
        )
    if filters.get("region"):
        services = services.in_region(filters["region"])
    if filters.get("kind"):
        services = services.of_kind(filters["kind"])
    if filters.get("target_group"):
        services = services.for_target_group(filters["target_group"])
    if filters.get("is_24_7"):
        services = services.filter(is_24_7=True)
    if filters.get("free"):
        services = services.filter(is_free=True)
    if filters.get("open_now"):
        services = services.open_now()

    origin = origin_of(request)
    ordering = request.ordering
    if ordering == ORDER_AUTO:
        ordering = ORDER_DISTANCE if origin else ORDER_RELEVANCE if request.query else ORDER_NAME
    if ordering == ORDER_DISTANCE and origin is None:
        ordering = ORDER_RELEVANCE if request.query else ORDER_NAME
    if ordering == ORDER_RELEVANCE and not request.query:
        ordering = ORDER_NAME

    if request.query:
        if ordering == ORDER_RELEVANCE:
            services = backends.ranked(services, request.query, prefer=names_a_kind(request.query))
        else:
            services = backends.matching(services, request.query)
    if ordering == ORDER_DISTANCE:
        services = services.with_distance(*origin)
    elif ordering == ORDER_NAME:
        services = services.order_by("name", "pk")
    return services, ordering


class CodeList(Aggregate):
    """Comma-separated codes: ``GROUP_CONCAT`` (SQLite) or ``STRING_AGG`` (PostgreSQL)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s, ',')",
            **extra_context,
        )


def card_queryset(services: ServiceQuerySet) -> ServiceQuerySet:
    """Add what a result card shows without a query per service: the organisation,
    ``open_now`` (in SQL, the same rules as ``Service.is_open_now``) and ``kind_codes``
    (``"mediation,sos"``: names come from the small localized taxonomy, not a prefetch)."""
    open_now = Service.objects.open_now().filter(pk=OuterRef("pk"))
    codes = (
        Service.kinds.through.objects.filter(service_id=OuterRef("pk"))
        .order_by()
        .values("service_id")
        .annotate(codes=CodeList("servicekind__code"))
        .values("codes")
    )
    return services.select_related("organization").annotate(
        open_now=Exists(open_now), kind_codes=Subquery(codes, output_field=CharField())
    )


CARD_PREFETCH = (
    Prefetch("locations", Location.objects.select_related("district")),
    "phones",
)


def prefetch_cards(services: Iterable[Service]) -> list[Service]:
    """Places (with districts) and phones for all cards at once: two queries."""
    services = list(services)
    _prefetch(services, *CARD_PREFETCH)
    return services


def kind_facet(request: SearchRequest) -> dict[str, int]:
    """``{kind code: number of services}`` for the request without its own kind filter."""
    filters = {key: value for key, value in request.filters.items() if key != "kind"}
    services, _ordering = service_queryset(
        dataclasses.replace(request, filters=filters, ordering=ORDER_NAME)
    )
    rows = (
        Service.kinds.through.objects.filter(service_id__in=services.order_by().values("pk"))
        .values("servicekind__code")
        .annotate(count=Count("service_id", distinct=True))
        .order_by()
    )
    return {row["servicekind__code"]: row["count"] for row in rows}


def _hit(service: Service, query: str) -> SearchHit:
    highlights = {}
    if query:
        highlights = {
            "name": highlight(service.name, query),
            "description": highlight(service.description, query, max_chars=SNIPPET_CHARS),
        }
    return SearchHit(type="service", object=service, highlights=highlights)


def search_services(request: SearchRequest) -> SearchResults:
    """One page of services for `request` (see the module docstring)."""
    unknown_facets = set(request.facets) - SERVICE_FACETS
    if unknown_facets:
        raise ValueError(f"Unknown service facets: {sorted(unknown_facets)}")
    services, ordering = service_queryset(request)
    page_obj, page_messages = paginate(card_queryset(services), request.page, request.per_page)
    rows = prefetch_cards(page_obj.object_list)
    hits = [_hit(service, request.query) for service in rows]
    page_obj.object_list = hits
    facets = {"kind": kind_facet(request)} if "kind" in request.facets else {}
    return SearchResults(
        request=request,
        hits=hits,
        total=page_obj.paginator.count,
        page_obj=page_obj,
        facets=facets,
        messages=[*request.messages, *page_messages],
        ordering=ordering,
    )
