"""Searching the service registry: filters, words, distance, pages, in a constant number of queries.

The registry's own query code; it reaches the search host only through
``search.api`` (matching words, ranking, requests and result pages).
``search_services(SearchRequest)`` is what the registry's list page calls;
``card_queryset`` and ``prefetch_cards`` also load the services the site-wide
search finds (``registry.search_source``). Filters (the keys of
``SearchRequest.filters``):

=================== ===========================================================
``district``        a :class:`District`: services located in it or serving it
``exclude_district`` a :class:`District`: services *not* serving it (fallbacks)
``region``          a region name: services located in or serving that region
``kind``            a service kind code (``"mediation"``)
``target_group``    a target group code (``"parents"``)
``open_now``        ``True``: open at this moment in the site's time zone
``is_24_7``         ``True``: round-the-clock emergency services only
``free``            ``True``: free of charge only
``accessibility``   an accessibility code (``"wheelchair"``): a public place has it
``age``             a child's age in years: within the service's minimum and
                    maximum age (a missing bound is no limit)
=================== ===========================================================

Ordering: nearest first from ``request.near`` (the visitor's position or a place
they typed) or, failing that, from the district's centre, and with a district the
services located in it before those that only serve it; otherwise best match first
when there are words; otherwise by name. The distance shown is to a service's own
public place only; ordering uses public-safe points (see ``registry.geo``).

Queries for one page of results, whatever the number of services: one COUNT and
one page (nearest first: one query for both, then the page by primary key), and
four prefetches (places with their districts, phones, today's hours).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models import prefetch_related_objects as _prefetch
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import get_language, get_supported_language_variant

from search.api import (
    GROUP,
    ORDER_AUTO,
    ORDER_DISTANCE,
    ORDER_NAME,
    ORDER_RELEVANCE,
    SearchHit,
    SearchRequest,
    SearchResults,
    highlight,
    last_page_message,
    matching,
    paginate,
    ranked,
    window_page,
)

from . import geo, hours, vocabulary
from .models import (
    District,
    Location,
    ScheduleException,
    Service,
    ServiceArea,
    ServiceQuerySet,
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
        "accessibility",
        "age",
    }
)
SERVICE_FACETS = frozenset({"kind"})
SNIPPET_CHARS = 240
# Above this many matches, words are not ranked by relevance (see search_services).
MAX_RANKED = 1000
# Target-group levels fit below one kind level (a query has at most 200 characters).
GROUP_LEVELS = 100


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


def serving(**district_lookup: object) -> Q:
    """Located in or serving the districts matching `district_lookup` (as
    ``ServiceQuerySet.serving_district``), written as one
    uncorrelated ``IN (… UNION …)``: PostgreSQL computes the few service ids once,
    where the correlated ``EXISTS … OR EXISTS …`` form probed the locations index
    for every service (47 ms of a 50 ms budget with 10,000 services)."""
    located = Location.objects.filter(**district_lookup).order_by().values("service_id")
    areas = ServiceArea.objects.filter(**district_lookup).order_by().values("service_id")
    return Q(pk__in=located.union(areas))


def kind_strengths(query: str) -> dict[str, int]:
    """``{kind code: how many words of the query name it}`` (target groups under
    ``search.api.GROUP`` keys), from the kinds' keywords and the everyday vocabulary
    (``registry.vocabulary``): «насилие в семье» → women's crisis support 2, SOS 1."""
    return vocabulary.strengths(query)


def _level(through: type[Model], lookup: str, levels: Mapping[str, int]) -> Case | None:
    """The strongest level of `levels` a service links to through `through` (0 for
    none), as SQL: one uncorrelated subquery per level, which PostgreSQL hashes once."""
    if not levels:
        return None
    whens = []
    for level in sorted(set(levels.values()), reverse=True):
        codes = [code for code, strength in levels.items() if strength == level]
        services = through.objects.filter(**{f"{lookup}__in": codes})
        whens.append(When(pk__in=services.order_by().values("service_id"), then=Value(level)))
    return Case(*whens, default=Value(0), output_field=IntegerField())


def _split(strengths: Mapping[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """Kinds' and target groups' levels of `strengths` (positive ones only)."""
    kinds = {code: n for code, n in strengths.items() if n > 0 and not code.startswith(GROUP)}
    groups = {
        code.removeprefix(GROUP): n
        for code, n in strengths.items()
        if n > 0 and code.startswith(GROUP)
    }
    return kinds, groups


def _breadth(kinds: Mapping[str, int]) -> Expression:
    """How much of what the words name a service gives: the sum of the levels of the
    named kinds it has, as SQL (one uncorrelated subquery per kind)."""
    through = Service.kinds.through.objects
    parts = [
        Case(
            When(
                pk__in=through.filter(servicekind__code=code).order_by().values("service_id"),
                then=Value(level),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
        for code, level in sorted(kinds.items())
    ]
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def _kind_level(kinds: Mapping[str, int]) -> Expression | None:
    """The strongest named kind a service has; among equals, the service that has more
    of the named kinds first («нечем кормить»: the family dispatch, which gives social
    support too, before an emergency service that also gives social support)."""
    strongest = _level(Service.kinds.through, "servicekind__code", kinds)
    if strongest is None or len(kinds) < 2:
        return strongest
    above = sum(kinds.values()) + 1  # the breadth never reaches one more level
    return ExpressionWrapper(
        strongest * Value(above) + _breadth(kinds), output_field=IntegerField()
    )


def kind_preference(strengths: Mapping[str, int]) -> Expression | None:
    """How strongly the query names a service's kind (:func:`_kind_level`), then its
    target group (0 for neither), as SQL, higher first: the kind decides, the group
    breaks ties."""
    kinds, groups = _split(strengths)
    kind_level = _kind_level(kinds)
    group_level = _level(Service.target_groups.through, "targetgroup__code", groups)
    if kind_level is None:
        return group_level
    if group_level is None:
        return kind_level
    return ExpressionWrapper(
        kind_level * Value(GROUP_LEVELS) + group_level, output_field=IntegerField()
    )


def named_services(strengths: Mapping[str, int]) -> Q | None:
    """Services of the kinds the words name: found even when their text holds none of
    the words («помирить» finds the reconciliation services)."""
    kinds, _groups = _split(strengths)
    if not kinds:
        return None
    services = Service.kinds.through.objects.filter(servicekind__code__in=sorted(kinds))
    return Q(pk__in=services.order_by().values("service_id"))


def names_a_kind(query: str) -> Expression | None:
    """Services of the kinds the query names first, the most named first.

    Ranking by text alone lets an SOS service that mentions «насилие» ten times
    outrank the crisis centre for women; a visitor typing «насилие» means the kind.
    """
    return kind_preference(kind_strengths(query))


@dataclass
class ServiceSearch:
    """A request turned into querysets: ``matches`` to count (filters and words only,
    cheap to compile and run) and ``ordered`` to page through (the same rows with the
    relevance or name ordering, or a :class:`NearestFirst` of them)."""

    matches: ServiceQuerySet
    ordered: ServiceQuerySet | NearestFirst
    ordering: str


def _points(latitude: float, longitude: float) -> tuple[str, list]:
    """SQL and parameters of every public-safe point of the services in the CTE ``m``
    with its distance ``km`` (``geo.point_distances``: the rules and the formula of
    ``ServiceQuerySet.with_distance``)."""
    in_matches = RawSQL("SELECT id FROM m", [])  # noqa: S611 (fixed text, no input)
    points = geo.point_distances(
        Location.objects.filter(service_id__in=in_matches),
        ServiceArea.objects.filter(service_id__in=in_matches),
        latitude,
        longitude,
    )
    sql, params = points.query.sql_with_params()
    return sql, list(params)


class NearestFirst:
    """`services` nearest first from a point, read a page at a time; each has
    ``distance_km``: to its nearest public place, None when it has none (the rules
    are ``registry.geo``'s). With a `home` district, the services located in it come
    first, then those that only serve it.

    Distances are computed for the matching services' points in one set-wise query
    (a CTE of the matches, their points, ``MIN`` per service), then the page's
    services are loaded by primary key: a correlated distance per service cost
    PostgreSQL 0.6 s for 10,000 services, this 20 ms. It stands in for the ordered
    queryset: slicing, iteration, ``count()`` (of the matches) and :meth:`page` (a
    page with its count in one query); ``prepared(fn)`` applies ``fn`` (e.g.
    :func:`card_queryset`) to the queryset that loads each page.
    """

    def __init__(
        self,
        services: ServiceQuerySet,
        latitude: float,
        longitude: float,
        prepare=None,
        home: District | None = None,
    ):
        self.services = services
        self.point = (latitude, longitude)
        self.prepare = prepare
        self.home = home

    def prepared(self, prepare) -> NearestFirst:
        if self.prepare is not None:
            first = self.prepare
            prepare_all = lambda rows: prepare(first(rows))  # noqa: E731
        else:
            prepare_all = prepare
        return NearestFirst(self.services, *self.point, prepare=prepare_all, home=self.home)

    def _tier(self) -> tuple[str, list]:
        """The ORDER BY term that puts services located in the home district first (""
        without one: a bare constant there would name a column)."""
        if self.home is None:
            return "", []
        located = Location.objects.filter(district=self.home).order_by().values("service_id")
        sql, params = located.query.sql_with_params()
        return f"CASE WHEN s.id IN ({sql}) THEN 0 ELSE 1 END, ", list(params)

    def count(self) -> int:
        return self.services.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[0:None])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            rows = self[index : index + 1]
            if not rows:
                raise IndexError(index)
            return rows[0]
        ranked, _total = self._ranked(index.start or 0, index.stop)
        return self._load(ranked)

    def page(self, number: int, per_page: int) -> tuple[Page, list[str]]:
        """Page `number` and its messages, as ``search.query.paginate`` gives them, in
        one query (the total comes with the page, ``COUNT(*) OVER ()``); past the end,
        the last page, with a message."""
        ranked, total = self._ranked((number - 1) * per_page, number * per_page)
        messages: list[str] = []
        if not ranked and number > 1:
            total = self.count()
            if total:
                number = math.ceil(total / per_page)
                messages.append(last_page_message(number))
                ranked, total = self._ranked((number - 1) * per_page, number * per_page)
        return window_page(self._load(ranked), total, number, per_page), messages

    def _load(self, ranked: list[tuple[int, float | None]]) -> list[Service]:
        rows = Service.objects.filter(pk__in=[pk for pk, _km in ranked])
        if self.prepare is not None:
            rows = self.prepare(rows)
        by_pk = {service.pk: service for service in rows}
        page = []
        for pk, km in ranked:
            service = by_pk.get(pk)
            if service is not None:
                service.distance_km = km
                page.append(service)
        return page

    def _ranked(self, start: int, stop: int | None) -> tuple[list[tuple[int, float | None]], int]:
        """(primary key, km) of the window, nearest first, and the number of matches
        (0 when the window is empty)."""
        try:
            matches_sql, matches_params = (
                self.services.order_by().values("pk").query.sql_with_params()
            )
        except EmptyResultSet:
            # Matches that cannot even be written as SQL: ``.none()`` or ``pk__in=[]``
            # (an engine that found nothing). Nothing to rank.
            return [], 0
        points_sql, points_params = _points(*self.point)
        tier_sql, tier_params = self._tier()
        table = Service._meta.db_table
        window = ""
        window_params: list[int] = []
        if stop is not None:
            window = " LIMIT %s OFFSET %s"
            window_params = [max(stop - start, 0), start]
        elif start:
            window = " LIMIT -1 OFFSET %s" if connection.vendor == "sqlite" else " OFFSET %s"
            window_params = [start]
        order_km = "COALESCE(MIN(CASE WHEN p._located = 1 THEN p.km END), MIN(p.km))"
        sql = (
            f"WITH m(id) AS ({matches_sql}), p AS ({points_sql}) "  # noqa: S608
            f"SELECT s.id, MIN(CASE WHEN p._shown = 1 THEN p.km END), COUNT(*) OVER () "
            f"FROM {table} s JOIN m ON m.id = s.id "
            f"LEFT JOIN p ON p.service_id = s.id GROUP BY s.id, s.name "
            f"ORDER BY {tier_sql}{order_km} IS NULL, {order_km}, s.name, s.id{window}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*matches_params, *points_params, *tier_params, *window_params])
            rows = cursor.fetchall()
        return [(pk, km) for pk, km, _total in rows], (rows[0][2] if rows else 0)


def nearest_first(
    services: ServiceQuerySet, latitude: float, longitude: float, home: District | None = None
) -> NearestFirst:
    """`services` nearest first with ``distance_km`` (no place at all: last); with a
    `home` district, those located in it first."""
    return NearestFirst(services, latitude, longitude, home=home)


def _filtered(request: SearchRequest) -> ServiceQuerySet:
    unknown = set(request.filters) - SERVICE_FILTERS
    if unknown:
        raise ValueError(f"Unknown service filters: {sorted(unknown)}")
    filters = request.filters
    services = in_language(Service.objects.public(), request.language)
    if filters.get("district") is not None:
        services = services.filter(serving(district=filters["district"]))
    if filters.get("exclude_district") is not None:
        services = services.exclude(serving(district=filters["exclude_district"]))
    if filters.get("region"):
        services = services.filter(serving(district__region=filters["region"]))
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
    if filters.get("accessibility"):
        services = services.filter(accessible(filters["accessibility"]))
    if filters.get("age") is not None:
        services = services.filter(for_age(filters["age"]))
    return services


def accessible(code: str) -> Q:
    """Services with a public place marked with ``code``. The codes are a JSON list:
    ``icontains`` on its text (``"wheelchair"`` with the quotes, so one code never
    matches inside another) works on PostgreSQL and SQLite alike, unlike ``contains``."""
    places = Location.objects.filter(
        service=OuterRef("pk"),
        is_confidential=False,
        accessibility_codes__icontains=f'"{code}"',
    )
    return Q(Exists(places))


def for_age(age: int) -> Q:
    """Services whose age range includes ``age``; a missing bound means no limit."""
    return (Q(minimum_age__isnull=True) | Q(minimum_age__lte=age)) & (
        Q(maximum_age__isnull=True) | Q(maximum_age__gte=age)
    )


def _ordering(request: SearchRequest, origin: tuple[float, float] | None) -> str:
    ordering = request.ordering
    if ordering == ORDER_AUTO:
        ordering = ORDER_DISTANCE if origin else ORDER_RELEVANCE if request.query else ORDER_NAME
    if ordering == ORDER_DISTANCE and origin is None:
        ordering = ORDER_RELEVANCE if request.query else ORDER_NAME
    if ordering == ORDER_RELEVANCE and not request.query:
        ordering = ORDER_NAME
    return ordering


def plan(request: SearchRequest) -> ServiceSearch:
    """Filters, words and ordering of `request` as lazy querysets."""
    filtered = _filtered(request)
    origin = origin_of(request)
    ordering = _ordering(request, origin)
    strengths = kind_strengths(request.query) if request.query else {}
    named = named_services(strengths)
    matches = matching(filtered, request.query, named=named) if request.query else filtered
    if ordering == ORDER_RELEVANCE:
        prefer = kind_preference(strengths)
        ordered = ranked(filtered, request.query, prefer=prefer, named=named)
    elif ordering == ORDER_DISTANCE:
        ordered = nearest_first(matches, *origin, home=request.filters.get("district"))
    else:
        ordered = matches.order_by("name", "pk")
    return ServiceSearch(matches=matches, ordered=ordered, ordering=ordering)


def service_queryset(request: SearchRequest) -> tuple[ServiceQuerySet, str]:
    """The filtered, matched and ordered services (lazy), and the ordering used."""
    search = plan(request)
    return search.ordered, search.ordering


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


def card_queryset(services):
    """Add what a result card shows without a query per service: ``kind_codes``
    (``"mediation,sos"``: names come from the small localized taxonomy, not a
    prefetch). No organisation: cards do not show it, and joining it made PostgreSQL
    scan every service first. "Open now" comes from :func:`prefetch_cards`.
    (A :class:`NearestFirst` gets it for each page it loads.)"""
    if isinstance(services, NearestFirst):
        return services.prepared(card_queryset)
    codes = (
        Service.kinds.through.objects.filter(service_id=OuterRef("pk"))
        .order_by()
        .values("service_id")
        .annotate(codes=CodeList("servicekind__code"))
        .values("codes")
    )
    return services.annotate(kind_codes=Subquery(codes, output_field=CharField()))


def _card_prefetch() -> tuple:
    # Only the exceptions that can touch yesterday (a night shift that began then) to the
    # horizon of «откроется …»: a service's holiday list grows with the years.
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    horizon = today + dt.timedelta(days=hours.NEXT_OPENING_DAYS)
    exceptions = ScheduleException.objects.filter(start_date__lte=horizon).filter(
        Q(end_date__gte=yesterday) | Q(end_date__isnull=True, start_date__gte=yesterday)
    )
    return (
        Prefetch("locations", Location.objects.select_related("district")),
        "phones",
        "schedules",
        Prefetch("schedule_exceptions", exceptions),
    )


def prefetch_cards(services: Iterable[Service]) -> list[Service]:
    """Places (with districts), phones and today's hours for all cards at once (four
    small queries), and ``open_now`` judged from them by ``Service.is_open_now``:
    the same rules in SQL cost more to build and compile than the whole prefetch."""
    services = list(services)
    _prefetch(services, *_card_prefetch())
    for service in services:
        service.open_now = service.is_open_now()
        service.opening_note = "" if service.open_now else hours.opening_note(service)
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
    search = plan(request)
    count: ServiceQuerySet | int = search.matches
    if search.ordering == ORDER_RELEVANCE:
        count = search.matches.count()
        if count > MAX_RANKED:
            # A word found nearly everywhere («помощь»): ranking thousands of documents
            # costs PostgreSQL ~200 ms and says little. The kind the word names first,
            # then by name.
            ordered = search.matches.order_by("name", "pk")
            prefer = names_a_kind(request.query)
            if prefer is not None:
                ordered = ordered.alias(_kind=prefer).order_by(F("_kind").desc(), "name", "pk")
            search = dataclasses.replace(search, ordered=ordered, ordering=ORDER_NAME)
    if isinstance(search.ordered, NearestFirst):  # the page brings its count
        page_obj, page_messages = card_queryset(search.ordered).page(request.page, request.per_page)
    else:
        page_obj, page_messages = paginate(
            card_queryset(search.ordered), request.page, request.per_page, count=count
        )
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
        ordering=search.ordering,
    )
