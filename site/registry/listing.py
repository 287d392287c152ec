"""The public list of services: reading the URL, the filter options, the "nothing found" help.

Everything the visitor chose lives in the query string (``?q=…&district=…&kind=…
&group=…&open_now=1&24x7=1&free=1&access=wheelchair&age=7&near=lat,lon&page=2``,
and a place: ``where=…`` as typed or ``place=<slug>`` as chosen) so that a result
list can be shared, bookmarked and reached again with Back. A place (typed in
«where», or named in the words) is the district filter and the point distances
are measured from (``registry.gazetteer``).
Bad values never raise: an unknown district, kind, group or place slug is a 404 (the
page says what to do next),
malformed coordinates, page numbers and ages, and unknown accessibility codes, are
ignored with a message.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import CharField, F, Value
from django.http import QueryDict
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext as _

from safechildhood.core.versioned_cache import VersionedCache
from search.api import ORDER_DISTANCE, SearchRequest

from . import accessibility, gazetteer
from .accessibility import Feature
from .gazetteer import Place
from .geocoder import Geocoded, GeocoderFailed, geocode
from .models import District, Service, ServiceKind, TargetGroup
from .queries import card_queryset, origin_of, prefetch_cards, service_queryset

PER_PAGE = 10

# Cached until a district, kind or target group is saved or deleted
# (FILTER_OPTIONS.changed, connected in apps.py).
FILTER_OPTIONS = VersionedCache("registry:filter-options")


FALLBACK_SIZE = 5
TRUE_VALUES = {"1", "on", "true", "yes", "да"}

# URL parameter → SearchRequest filter, for the three yes/no filters.
FLAGS = {"open_now": "open_now", "24x7": "is_24_7", "free": "free"}
# The «возраст ребёнка» filter: whole years of a child.
MIN_AGE, MAX_AGE = 0, 17


class UnknownFilterValue(Exception):
    """A district, kind or group slug that does not exist (→ 404)."""

    def __init__(self, parameter: str, value: str) -> None:
        super().__init__(f"{parameter}={value}")
        self.parameter = parameter
        self.value = value


@dataclass(frozen=True)
class Term:
    """A service kind or target group as the public pages show it (in the visitor's language)."""

    code: str
    name: str
    sort_order: int


def _languages(language: str | None) -> tuple[str, str]:
    default = get_supported_language_variant(settings.LANGUAGE_CODE)
    return get_supported_language_variant(language or get_language() or default), default


def _term_rows(model: type[ServiceKind] | type[TargetGroup], tag: str, languages: set[str]):
    return (
        model.objects.filter(locale__language_code__in=languages)
        .annotate(
            taxonomy=Value(tag, output_field=CharField()), language=F("locale__language_code")
        )
        .order_by()
        .values_list("code", "name", "sort_order", "language", "taxonomy")
    )


def _localize(rows, language: str) -> dict[str, dict[str, Term]]:
    """``{taxonomy: {code: Term}}``: the visitor's language wins over the source language."""
    found: dict[str, dict[str, tuple[Term, str]]] = {}
    for code, name, sort_order, row_language, taxonomy in rows:
        terms = found.setdefault(taxonomy, {})
        if code not in terms or row_language == language:
            terms[code] = (Term(code, name, sort_order), row_language)
    return {
        taxonomy: dict(
            sorted(
                ((code, term) for code, (term, _lang) in terms.items()),
                key=lambda item: (item[1].sort_order, item[1].name),
            )
        )
        for taxonomy, terms in found.items()
    }


def localized_taxonomies(language: str | None = None) -> tuple[dict[str, Term], dict[str, Term]]:
    """(kinds, target groups) as ``{code: Term}`` in the visitor's language, in ONE query.

    Like ``TaxonomyQuerySet.localized_map`` (source-language fallback) but both
    taxonomies at once and without ``Locale`` look-ups: the results page's query
    budget cannot spare four more queries.
    """
    language, default = _languages(language)
    languages = {language, default}
    rows = _term_rows(ServiceKind, "kind", languages).union(
        _term_rows(TargetGroup, "group", languages), all=True
    )
    found = _localize(rows, language)
    return found.get("kind", {}), found.get("group", {})


def localized_terms(
    model: type[ServiceKind] | type[TargetGroup], language: str | None = None
) -> dict[str, Term]:
    """One taxonomy as ``{code: Term}`` in the visitor's language (one query)."""
    language, default = _languages(language)
    rows = _term_rows(model, "terms", {language, default})
    return _localize(rows, language).get("terms", {})


@dataclass
class FilterOptions:
    """What the filter form offers: all districts (by region), kinds and target groups."""

    districts: list[District]
    kinds: dict[str, Term]
    groups: dict[str, Term]

    @classmethod
    def load(cls, language: str | None = None) -> FilterOptions:
        """From the cache (``FILTER_OPTIONS``), or two queries, whatever the number of services.

        Districts and taxonomy terms change seldom.
        """
        language, _default = _languages(language)

        def compute() -> FilterOptions:
            districts = list(
                District.objects.only(
                    "name", "name_en", "slug", "region", "region_en", "latitude", "longitude"
                ).order_by("region", "name")
            )
            kinds, groups = localized_taxonomies(language)
            return cls(districts=districts, kinds=kinds, groups=groups)

        return FILTER_OPTIONS.get(language, compute)

    @property
    def regions(self) -> list[tuple[str, list[District]]]:
        """Districts by region, both named and sorted in the visitor's language."""
        grouped: dict[str, list[District]] = {}
        ordered = self.districts  # the database's order: the source language's collation
        if _languages(None)[0] != _languages(settings.LANGUAGE_CODE)[0]:
            ordered = sorted(ordered, key=lambda d: (d.local_region, d.local_name))
        for district in ordered:
            grouped.setdefault(district.local_region, []).append(district)
        return list(grouped.items())

    def district(self, slug: str) -> District | None:
        return next((d for d in self.districts if d.slug == slug), None)


@dataclass
class Listing:
    """The visitor's choices, resolved: the search request and the chosen objects."""

    request: SearchRequest
    district: District | None = None
    kind: Term | None = None
    group: Term | None = None
    flags: dict[str, bool] = field(default_factory=dict)
    access: Feature | None = None  # an accessibility code (``access=``)
    age: int | None = None  # the child's age (``age=``)
    age_error: str = ""  # what was wrong with the age typed
    typed_age: str = ""  # …as typed, shown again in the form
    place: Place | None = None  # a settlement typed or chosen: the point and the district
    place_choices: list[Place] = field(default_factory=list)  # «which one?»
    unknown_place: str = ""  # a place typed that the gazetteer does not know
    geocoded: Geocoded | None = None  # …found by the operator's geocoder instead
    typed_place: str = ""  # what was typed in the «where» box

    @property
    def has_filters(self) -> bool:
        return bool(
            self.district
            or self.kind
            or self.group
            or any(self.flags.values())
            or self.access
            or self.age is not None
        )

    def params(self, **changes: str | None) -> dict[str, str]:
        """The current URL parameters (without the page), with `changes` applied."""
        values = {
            "q": self.request.query,
            "district": self.district.slug if self.district else "",
            "kind": self.kind.code if self.kind else "",
            "group": self.group.code if self.group else "",
            **{name: "1" if on else "" for name, on in self.flags.items()},
            "access": self.access.code if self.access else "",
            "age": "" if self.age is None else str(self.age),
            "near": "" if self.place else self.request.near_param,
            "place": self.place.slug if self.place else "",
            "where": self.typed_place if self.geocoded else "",
        }
        if self.geocoded:
            values["near"] = ""  # the geocoder's point comes again from «where»
        if self.place:
            values["district"] = ""  # the place says it
        values.update(changes)
        return {key: value for key, value in values.items() if value}

    def url(self, **changes: str | None) -> str:
        params = self.params(**changes)
        return "?" + urlencode(params) if params else "?"

    @property
    def url_without_filters(self) -> str:
        """The same words (and point) without district, kind, group and yes/no filters."""
        return self.url(
            district="", place="", kind="", group="", access="", age="", **dict.fromkeys(FLAGS, "")
        )

    @property
    def url_without_access(self) -> str:
        return self.url(access="")

    @property
    def url_without_age(self) -> str:
        return self.url(age="")

    @property
    def url_without_near(self) -> str:
        return self.url(near="")

    def choice_url(self, place: Place) -> str:
        """The same search at one of the places of an ambiguous name."""
        return self.url(place=place.slug, district="", near="")

    @property
    def place_text(self) -> str:
        """What the «where» box shows: the place understood, or what was typed."""
        if self.place is not None:
            return self.place.name
        return self.typed_place


@dataclass
class _Places:
    """What :func:`_read_places` understood: the place, the choices, the unknown text,
    a district named in the words, and the words left to search."""

    query: str
    place: Place | None = None
    choices: list[Place] = field(default_factory=list)
    unknown: str = ""
    district_slug: str = ""


def _read_places(query: str, where: str, slug: str) -> _Places:
    """The place from ``place=`` (a slug), else the «where» box, else named in the words
    (``registry.gazetteer``). Raises :class:`UnknownFilterValue` for an unknown slug."""
    if slug:
        place = gazetteer.place_by_slug(slug)
        if place is None:
            raise UnknownFilterValue("place", slug)
        return _Places(query=query, place=place)
    if where:
        found = gazetteer.find_places(where)
        result = _Places(query=query, place=found.place, choices=found.choices)
        if not found.place and not found.choices:
            result.district_slug = found.district_slug
            result.unknown = "" if found.district_slug else where
        return result
    if query:
        found = gazetteer.find_places(query)
        if found.place or found.choices or found.district_slug or found.unknown:
            return _Places(
                query=found.rest,
                place=found.place,
                choices=found.choices,
                unknown=found.unknown,
                district_slug=found.district_slug,
            )
    return _Places(query=query)


def _value(data: QueryDict | Mapping[str, str], name: str) -> str:
    raw = data.get(name, "")
    return raw.strip() if isinstance(raw, str) else ""


def parse_age(raw: str) -> tuple[int | None, str]:
    """The child's age from ``age=``: (years, "") or (None, what is wrong)."""
    if not raw:
        return None, ""
    if not raw.isascii() or not raw.isdigit():
        return None, _("Возраст ребёнка — целое число лет, например 7.")
    age = int(raw[:4]) if len(raw) <= 4 else MAX_AGE + 1
    if not MIN_AGE <= age <= MAX_AGE:
        return None, _("Возраст ребёнка — от %(min)d до %(max)d лет.") % {
            "min": MIN_AGE,
            "max": MAX_AGE,
        }
    return age, ""


def _access_and_age(data: QueryDict | Mapping[str, str]) -> dict:
    """The accessibility and age filters, and the messages for bad values (never a 404:
    they come from a form field, not from a link)."""
    found: dict = {"typed_age": _value(data, "age")[:20], "messages": []}
    code = _value(data, "access")
    found["access"] = accessibility.BY_CODE.get(code)
    if code and found["access"] is None:
        found["messages"].append(_("Такого условия доступности нет: фильтр не применён."))
    found["age"], found["age_error"] = parse_age(found["typed_age"])
    if found["age_error"]:
        found["messages"].append(found["age_error"] + " " + _("Фильтр по возрасту не применён."))
    return found


def _filters(
    district: District | None, kind: Term | None, group: Term | None, flags: dict, extra: dict
) -> dict[str, object]:
    """The chosen values as ``SearchRequest.filters`` (``registry.queries``)."""
    filters: dict[str, object] = {}
    if district:
        filters["district"] = district
    if kind:
        filters["kind"] = kind.code
    if group:
        filters["target_group"] = group.code
    for name, on in flags.items():
        if on:
            filters[FLAGS[name]] = True
    if extra["access"]:
        filters["accessibility"] = extra["access"].code
    if extra["age"] is not None:
        filters["age"] = extra["age"]
    return filters


def parse_listing(data: QueryDict | Mapping[str, str], options: FilterOptions) -> Listing:
    """Read the list page's URL parameters. Raises :class:`UnknownFilterValue`."""
    district = kind = group = None
    if slug := _value(data, "district"):
        district = options.district(slug)
        if district is None:
            raise UnknownFilterValue("district", slug)
    if code := _value(data, "kind"):
        kind = options.kinds.get(code)
        if kind is None:
            raise UnknownFilterValue("kind", code)
    if code := _value(data, "group"):
        group = options.groups.get(code)
        if group is None:
            raise UnknownFilterValue("group", code)
    flags = {name: _value(data, name).lower() in TRUE_VALUES for name in FLAGS}
    raw_query = data.get("q")
    where = _value(data, "where")[:200]
    places = _read_places(
        raw_query if isinstance(raw_query, str) else "", where, _value(data, "place")
    )
    if places.place is not None:
        district = options.district(places.place.district_slug) or district
    elif district is None and places.district_slug:
        district = options.district(places.district_slug)

    extra = _access_and_age(data)
    filters = _filters(district, kind, group, flags, extra)
    request = SearchRequest.from_input(
        query=places.query,
        page=data.get("page"),
        near=None if places.place else data.get("near"),
        filters=filters,
        per_page=PER_PAGE,
        messages=extra["messages"],
    )
    if places.place is not None:
        request = dataclasses.replace(request, near=places.place.point)
    return Listing(
        request=request,
        district=district,
        kind=kind,
        group=group,
        flags=flags,
        access=extra["access"],
        age=extra["age"],
        age_error=extra["age_error"],
        typed_age=extra["typed_age"],
        place=places.place,
        place_choices=places.choices,
        unknown_place=places.unknown,
        typed_place=where,
    )


def with_geocoder(listing: Listing) -> tuple[Listing, str]:
    """A place typed in «where» that the gazetteer does not know, looked up in the
    operator's geocoder (``registry.geocoder``; off by default): found, distances are
    measured from it (no district filter: the geocoder does not say the district).
    Returns the listing and a message for the visitor ("" when there is none)."""
    if not listing.unknown_place or listing.unknown_place != listing.typed_place:
        return listing, ""
    if not settings.REGISTRY_GEOCODER_URL:
        return listing, ""
    try:
        found = geocode(listing.typed_place)
    except GeocoderFailed:
        return listing, _("Поиск адресов на карте сейчас не отвечает. Выберите свой район.")
    if found is None:
        return listing, ""
    request = dataclasses.replace(listing.request, near=found.point)
    listing = dataclasses.replace(listing, request=request, geocoded=found, unknown_place="")
    return listing, ""


@dataclass
class Fallback:
    """Help when nothing matched: never a dead end."""

    nearby: list[Service]  # the same search outside the chosen district, nearest first
    round_the_clock: list[Service]  # 24/7 services of the region (or anywhere)
    region: str = ""  # the region filter's value (source language)
    region_name: str = ""  # the same region in the visitor's language


def fallback(listing: Listing) -> Fallback:
    """Two short lists for an empty result: two nearest-first lookups, each with the
    page loaded by primary key, and one set of card prefetches."""
    request = listing.request
    origin = origin_of(request)
    nearby: list[Service] = []
    if listing.district is not None:
        filters = {key: val for key, val in request.filters.items() if key != "district"}
        filters["exclude_district"] = listing.district
        services, _ordering = service_queryset(
            dataclasses.replace(
                request, filters=filters, near=origin, ordering=ORDER_DISTANCE, page=1
            )
        )
        nearby = list(card_queryset(services)[:FALLBACK_SIZE])
    region = listing.district.region if listing.district else ""
    emergency_filters: dict[str, object] = {"is_24_7": True}
    if region:
        emergency_filters["region"] = region
    services, _ordering = service_queryset(
        SearchRequest(filters=emergency_filters, near=origin, language=request.language)
    )
    nearby_pks = {service.pk for service in nearby}
    round_the_clock = [
        service
        for service in card_queryset(services)[: FALLBACK_SIZE + len(nearby_pks)]
        if service.pk not in nearby_pks
    ][:FALLBACK_SIZE]
    prefetch_cards([*nearby, *round_the_clock])
    return Fallback(
        nearby=nearby,
        round_the_clock=round_the_clock,
        region=region,
        region_name=listing.district.local_region if listing.district else "",
    )
