"""Read-only Open Referral HSDS 3.0 API: /api/hsds/ (not language-prefixed: open data).

Plain Django views returning ``JsonResponse``: the HSDS API profile fixes the
URLs, the page envelope and the objects' shape, so neither Django REST
framework's paginators and renderers nor django-ninja's pydantic models would
save code — they would only have to be bent to emit exactly this JSON, which
the tests validate against the official schemas instead.

Only published services that are not closed appear, in the default locale;
``?locale=en`` serves the English translations under their Russian source's
ids. Every bad parameter is a 400 (or 404) JSON error with a Russian message,
never a 500. Responses allow any origin (open data, GET only).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import cache, wraps
from math import ceil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.models import Locale

from search.api import ranked

from ..hsds import (
    HSDS_VERSION,
    PROFILE_URL,
    TAXONOMIES,
    TAXONOMY_BY_ID,
    Taxonomy,
    derived_id,
    parse_uuid,
    pk_for_hsds_id,
    term_for_hsds_id,
)
from ..models import (
    District,
    Location,
    Organization,
    Service,
    ServiceArea,
    ServiceKind,
    TargetGroup,
    site_timezone,
)
from .serializers import HSDSSerializer

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_SEARCH_LENGTH = 200
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}
OPENAPI_FILE = Path(__file__).with_name("openapi.json")


class ApiError(Exception):
    """A client error: answered as ``{"error": message, "status": status}``."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def json_response(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        data, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )
    for header, value in CORS_HEADERS.items():
        response[header] = value
    return response


def api_view(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
    """GET/HEAD only, CORS for everyone, ``ApiError`` → JSON 4xx, Russian messages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            for header, value in CORS_HEADERS.items():
                response[header] = value
            return response
        if request.method not in ("GET", "HEAD"):
            response = json_response(
                {"error": "API только для чтения: используйте GET", "status": 405}, status=405
            )
            response["Allow"] = "GET, HEAD, OPTIONS"
            return response
        with override(settings.LANGUAGE_CODE):
            try:
                params = Params(request)
                with override(params.locale.language_code):
                    return json_response(view(request, params, *args, **kwargs))
            except ApiError as error:
                return json_response(
                    {"error": error.message, "status": error.status}, status=error.status
                )

    return wrapper


# --- Query parameters ---------------------------------------------------------------------


class Params:
    """The query string, checked: every problem is an ``ApiError`` with a clear message."""

    def __init__(self, request: HttpRequest) -> None:
        self.query = request.GET
        self.default_locale = Locale.get_default()
        self.locale = self._locale()
        fmt = self.query.get("format", "json")
        if fmt != "json":
            raise ApiError(f"Формат «{fmt[:20]}» не поддерживается: только json")

    def _locale(self) -> Locale:
        code = self.query.get("locale")
        if not code or code == self.default_locale.language_code:
            return self.default_locale
        if code not in dict(settings.LANGUAGES):
            choices = ", ".join(dict(settings.LANGUAGES))
            raise ApiError(f"Неизвестный язык locale={code[:20]}: возможны {choices}")
        try:
            return Locale.objects.get(language_code=code)
        except Locale.DoesNotExist:
            raise ApiError(f"Нет содержания на языке {code}", 404) from None

    @property
    def is_default_locale(self) -> bool:
        return self.locale.pk == self.default_locale.pk

    def integer(self, name: str, default: int, minimum: int, maximum: int | None = None) -> int:
        raw = self.query.get(name)
        if raw in (None, ""):
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ApiError(
                f"Параметр {name} должен быть целым числом, получено «{raw[:20]}»"
            ) from None
        if value < minimum or (maximum is not None and value > maximum):
            limit = f"от {minimum} до {maximum}" if maximum is not None else f"не меньше {minimum}"
            raise ApiError(f"Параметр {name} должен быть {limit}, получено {value}")
        return value

    @property
    def page(self) -> int:
        return self.integer("page", 1, 1)

    @property
    def per_page(self) -> int:
        return self.integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)

    def boolean(self, name: str) -> bool:
        raw = self.query.get(name, "").strip().lower()
        if raw in ("", "false", "0", "no"):
            return False
        if raw in ("true", "1", "yes"):
            return True
        raise ApiError(f"Параметр {name} должен быть true или false, получено «{raw[:20]}»")

    @property
    def search(self) -> str:
        return " ".join(self.query.get("search", "").split())[:MAX_SEARCH_LENGTH]

    @property
    def modified_after(self) -> dt.datetime | None:
        raw = self.query.get("modified_after", "").strip()
        if not raw:
            return None
        try:
            moment = parse_datetime(raw.replace(" ", "+", 1) if "T" in raw else raw)
            day = None if moment else parse_date(raw)
        except ValueError:
            moment = day = None
        if moment is None and day is not None:
            moment = dt.datetime.combine(day, dt.time.min)
        if moment is None:
            raise ApiError(
                "Параметр modified_after должен быть датой или датой и временем ISO 8601, "
                f"например 2025-01-31 или 2025-01-31T12:00:00Z; получено «{raw[:40]}»"
            )
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=site_timezone())
        return moment

    def uuid(self, name: str) -> str | None:
        raw = self.query.get(name, "").strip()
        if not raw:
            return None
        value = parse_uuid(raw)
        if value is None:
            raise ApiError(
                f"Параметр {name} должен быть идентификатором UUID, получено «{raw[:40]}»"
            )
        return value


# --- Pagination (HSDS API "Page") ------------------------------------------------------------


def paginate(
    params: Params, total: int, fetch: Callable[[int, int], list], render: Callable[[Any], Any]
) -> dict[str, Any]:
    """The HSDS page envelope. A page past the last one is a 404 (page 1 always exists)."""
    page, per_page = params.page, params.per_page
    total_pages = max(1, ceil(total / per_page))
    if page > total_pages:
        raise ApiError(f"Страницы {page} нет: всего страниц {total_pages}", 404)
    start = (page - 1) * per_page
    contents = [render(item) for item in fetch(start, start + per_page)]
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page == total_pages,
        "empty": total == 0,
        "contents": contents,
    }


# --- Lookups -------------------------------------------------------------------------------


def public_services(params: Params) -> QuerySet[Service]:
    return Service.objects.public().filter(locale=params.locale)


def source_pk_of(model, pk: int, params: Params) -> int | None:
    """The row in the requested locale for a source (default-locale) row's pk."""
    if params.is_default_locale:
        return pk
    return (
        model.objects.filter(
            locale=params.locale,
            translation_key__in=model.objects.filter(pk=pk).values("translation_key"),
        )
        .values_list("pk", flat=True)
        .first()
    )


def map_source_ids(serializer: HSDSSerializer, services: list[Service], params: Params) -> None:
    """Give translated services and their organisations the ids of their Russian sources."""
    if params.is_default_locale or not services:
        return
    default = params.default_locale
    keys = {service.translation_key: service.pk for service in services}
    for key, pk in Service.objects.filter(translation_key__in=keys, locale=default).values_list(
        "translation_key", "pk"
    ):
        serializer.service_ids[keys[key]] = Service(pk=pk).hsds_id
    organizations = {
        s.organization.translation_key: s.organization for s in services if s.organization
    }
    map_organization_ids(serializer, list(organizations.values()), params)


def map_organization_ids(
    serializer: HSDSSerializer, organizations: list[Organization], params: Params
) -> None:
    if params.is_default_locale or not organizations:
        return
    keys: dict = {}
    for organization in organizations:
        keys.setdefault(organization.translation_key, []).append(organization.pk)
    for key, pk in Organization.objects.filter(
        translation_key__in=keys, locale=params.default_locale
    ).values_list("translation_key", "pk"):
        for own_pk in keys[key]:
            serializer.organization_ids[own_pk] = Organization(pk=pk).hsds_id


def fetch_in_order(queryset: QuerySet, pks: list[int]) -> list:
    by_pk = {obj.pk: obj for obj in queryset.filter(pk__in=pks)}
    return [by_pk[pk] for pk in pks if pk in by_pk]


# --- Endpoints -------------------------------------------------------------------------------


@cache
def openapi_document() -> dict:
    return json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))


@api_view
def api_root(request: HttpRequest, params: Params) -> dict:
    return {
        "version": HSDS_VERSION,
        "profile": PROFILE_URL,
        "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
    }


@api_view
def openapi(request: HttpRequest, params: Params) -> dict:
    return openapi_document()


def filtered_services(params: Params) -> QuerySet[Service]:
    """Services matching taxonomy_term_id, taxonomy_id, organization_id and modified_after."""
    services = public_services(params)
    term_id = params.uuid("taxonomy_term_id")
    if term_id:
        found = term_for_hsds_id(term_id)
        if found is None:
            raise ApiError(f"Нет термина таксономии с id {term_id}")
        taxonomy, pk = found
        if taxonomy.model is District:
            services = services.serving_district(pk)
        else:
            relation = "kinds" if taxonomy.model is ServiceKind else "target_groups"
            through = getattr(Service, relation).through
            column = f"{taxonomy.model._meta.model_name}_id"
            services = services.filter(
                Exists(through.objects.filter(service_id=OuterRef("pk"), **{column: pk}))
            )
    taxonomy_id = params.uuid("taxonomy_id")
    if taxonomy_id:
        taxonomy = TAXONOMY_BY_ID.get(taxonomy_id)
        if taxonomy is None:
            raise ApiError(f"Нет таксономии с id {taxonomy_id}")
        if taxonomy.model is ServiceKind:
            services = services.filter(
                Exists(Service.kinds.through.objects.filter(service_id=OuterRef("pk")))
            )
        elif taxonomy.model is TargetGroup:
            services = services.filter(
                Exists(Service.target_groups.through.objects.filter(service_id=OuterRef("pk")))
            )
        else:
            services = services.filter(
                Exists(Location.objects.filter(service=OuterRef("pk")))
                | Exists(ServiceArea.objects.filter(service=OuterRef("pk")))
            )
    organization_id = params.uuid("organization_id")
    if organization_id:
        pk = pk_for_hsds_id(Organization, organization_id)
        if pk is None or not Organization.objects.filter(pk=pk).exists():
            raise ApiError(f"Нет организации с id {organization_id}")
        if params.is_default_locale:
            services = services.filter(organization_id=pk)
        else:
            services = services.filter(
                organization__translation_key__in=Organization.objects.filter(pk=pk).values(
                    "translation_key"
                )
            )
    modified_after = params.modified_after
    if modified_after:
        services = services.filter(modified__gte=modified_after)
    return services


@api_view
def service_list(request: HttpRequest, params: Params) -> dict:
    full, minimal = params.boolean("full"), params.boolean("minimal")
    services = filtered_services(params)
    serializer = HSDSSerializer(params.locale, params.default_locale)
    query = params.search
    # The site's own search (Russian word forms, syntax reduced to words, the configured
    # engine), as the list page uses it: a search without a single word matches nothing.
    results = ranked(services, query) if query else services.order_by("name", "pk")
    total = results.count()

    def fetch(start: int, stop: int) -> list[Service]:
        # The one-to-one fields need only the organisation; full services everything.
        if query:
            pks = [service.pk for service in results[start:stop]]
            queryset = Service.objects.select_related("organization")
            page = fetch_in_order(queryset.with_public_related() if full else queryset, pks)
        else:
            queryset = results.select_related("organization")
            page = list((queryset.with_public_related() if full else queryset)[start:stop])
        map_source_ids(serializer, page, params)
        return page

    def render(service: Service) -> dict:
        if minimal:
            return {
                "id": serializer.service_id(service),
                "last_modified": serializer.service(service)["last_modified"],
            }
        return serializer.service_full(service) if full else serializer.service(service)

    return paginate(params, total, fetch, render)


@api_view
def service_detail(request: HttpRequest, params: Params, id: str) -> dict:
    pk = pk_for_hsds_id(Service, id)
    own_pk = source_pk_of(Service, pk, params) if pk else None
    service = (
        public_services(params).with_public_related().filter(pk=own_pk).first() if own_pk else None
    )
    if service is None:
        if pk and not params.is_default_locale:
            raise ApiError(_("У этой службы нет опубликованного перевода на этот язык"), 404)
        raise ApiError(f"Нет опубликованной службы с id {id[:40]}", 404)
    serializer = HSDSSerializer(params.locale, params.default_locale)
    if not params.is_default_locale:
        serializer.service_ids[service.pk] = Service(pk=pk).hsds_id
        map_source_ids(serializer, [service], params)
    return serializer.service_full(service)


def public_organizations(params: Params) -> QuerySet[Organization]:
    """Organisations with at least one public service in the locale."""
    return Organization.objects.filter(locale=params.locale).filter(
        Exists(public_services(params).filter(organization=OuterRef("pk")))
    )


def organization_services(params: Params) -> Prefetch:
    return Prefetch(
        "services",
        queryset=public_services(params).select_related("organization").order_by("name", "pk"),
        to_attr="public_services",
    )


@api_view
def organization_list(request: HttpRequest, params: Params) -> dict:
    full = params.boolean("full") or params.boolean("full_service")
    organizations = public_organizations(params).order_by("name", "pk")
    query = params.search
    if query:
        organizations = organizations.filter(
            Q(name__icontains=query) | Q(alternate_name__icontains=query)
        )
    serializer = HSDSSerializer(params.locale, params.default_locale)

    def fetch(start: int, stop: int) -> list[Organization]:
        queryset = (
            organizations.prefetch_related(organization_services(params), "phones")
            if full
            else organizations
        )
        page = list(queryset[start:stop])
        map_organization_ids(serializer, page, params)
        if full:
            services = [service for org in page for service in org.public_services]
            map_source_ids(serializer, services, params)
        return page

    def render(organization: Organization) -> dict:
        if full:
            return serializer.organization_full(organization, organization.public_services)
        return serializer.organization(organization)

    return paginate(params, organizations.count(), fetch, render)


@api_view
def organization_detail(request: HttpRequest, params: Params, id: str) -> dict:
    pk = pk_for_hsds_id(Organization, id)
    own_pk = source_pk_of(Organization, pk, params) if pk else None
    organization = (
        public_organizations(params)
        .prefetch_related(organization_services(params), "phones")
        .filter(pk=own_pk)
        .first()
        if own_pk
        else None
    )
    if organization is None:
        raise ApiError(f"Нет организации с опубликованными службами с id {id[:40]}", 404)
    serializer = HSDSSerializer(params.locale, params.default_locale)
    if not params.is_default_locale:
        serializer.organization_ids[organization.pk] = Organization(pk=pk).hsds_id
        map_source_ids(serializer, organization.public_services, params)
    return serializer.organization_full(organization, organization.public_services)


# --- service_at_locations: a service at one of its places ------------------------------------


def public_locations(params: Params) -> QuerySet[Location]:
    """The places of the services the list shows (same filters), by service name; a
    district term keeps only the places in that district (a service that serves it from
    elsewhere has no place there)."""
    locations = Location.objects.filter(service__in=filtered_services(params))
    term_id = params.uuid("taxonomy_term_id")
    found = term_for_hsds_id(term_id) if term_id else None
    if found is not None and found[0].model is District:
        locations = locations.filter(district_id=found[1])
    return locations.order_by("service__name", "service_id", "sort_order", "pk")


def service_at_location_json(serializer: HSDSSerializer, location: Location, full: bool) -> dict:
    """``service_at_location_list.json`` (one-to-one fields, with the place) or, `full`,
    ``compiled/service_at_location.json`` with the service, its phones and hours.
    A confidential place is only its district, as everywhere in the API."""
    service = location.service
    service_id = serializer.service_id(service)
    data = serializer.service_at_location(location, service_id)
    if full:
        data["service"] = serializer.service(service)
        data["phones"] = [
            serializer.phone(phone, service_id=service_id) for phone in service.phones.all()
        ]
        data["schedules"] = serializer.schedules_at(location)
    return data


@api_view
def service_at_location_list(request: HttpRequest, params: Params) -> dict:
    full = params.boolean("full")
    locations = public_locations(params)
    serializer = HSDSSerializer(params.locale, params.default_locale)

    def fetch(start: int, stop: int) -> list[Location]:
        queryset = locations.select_related("district", "service__organization")
        if full:
            queryset = queryset.prefetch_related(
                "service__phones", "service__schedules", "service__schedule_exceptions"
            )
        page = list(queryset[start:stop])
        map_source_ids(
            serializer, list({loc.service_id: loc.service for loc in page}.values()), params
        )
        return page

    return paginate(
        params,
        locations.count(),
        fetch,
        lambda location: service_at_location_json(serializer, location, full),
    )


def location_for_service_at_location_id(params: Params, value: str) -> Location | None:
    """The public place whose service_at_location id is `value` (ids are derived from the
    place's, so the public places are compared: a registry has a few thousand)."""
    key = parse_uuid(value)
    if key is None:
        return None
    for pk in public_locations(params).values_list("pk", flat=True):
        if derived_id(Location(pk=pk), "service_at_location") == key:
            return (
                Location.objects.select_related("district", "service__organization")
                .prefetch_related(
                    "service__phones", "service__schedules", "service__schedule_exceptions"
                )
                .get(pk=pk)
            )
    return None


@api_view
def service_at_location_detail(request: HttpRequest, params: Params, id: str) -> dict:
    location = location_for_service_at_location_id(params, id)
    if location is None:
        raise ApiError(f"Нет опубликованной службы в месте с id {id[:40]}", 404)
    serializer = HSDSSerializer(params.locale, params.default_locale)
    map_source_ids(serializer, [location.service], params)
    return service_at_location_json(serializer, location, full=True)


def matching_taxonomies(params: Params) -> list[Taxonomy]:
    query = params.search.lower()
    return [t for t in TAXONOMIES if not query or query in str(t.name).lower()]


@api_view
def taxonomy_list(request: HttpRequest, params: Params) -> dict:
    serializer = HSDSSerializer(params.locale, params.default_locale)
    taxonomies = matching_taxonomies(params)
    return paginate(
        params,
        len(taxonomies),
        lambda start, stop: taxonomies[start:stop],
        serializer.taxonomy,
    )


@api_view
def taxonomy_detail(request: HttpRequest, params: Params, id: str) -> dict:
    taxonomy = TAXONOMY_BY_ID.get(parse_uuid(id) or "")
    if taxonomy is None:
        raise ApiError(f"Нет таксономии с id {id[:40]}", 404)
    return HSDSSerializer(params.locale, params.default_locale).taxonomy(taxonomy)


def all_terms(params: Params, taxonomy: Taxonomy | None = None) -> list:
    """Kinds and target groups (source-locale rows, named in the locale) and districts."""
    terms: list = []
    for item in TAXONOMIES:
        if taxonomy is not None and item is not taxonomy:
            continue
        if item.model is District:
            terms += list(District.objects.order_by("region", "name"))
        else:
            terms += list(
                item.model.objects.filter(locale=params.default_locale).order_by(
                    "sort_order", "name"
                )
            )
    return terms


@api_view
def taxonomy_term_list(request: HttpRequest, params: Params) -> dict:
    taxonomy = None
    taxonomy_id = params.uuid("taxonomy_id")
    if taxonomy_id:
        taxonomy = TAXONOMY_BY_ID.get(taxonomy_id)
        if taxonomy is None:
            raise ApiError(f"Нет таксономии с id {taxonomy_id}")
    params.boolean("top_only")  # every term is a top term: accepted, changes nothing
    serializer = HSDSSerializer(params.locale, params.default_locale)
    terms = [serializer.taxonomy_term(term) for term in all_terms(params, taxonomy)]
    if params.uuid("parent_id"):
        terms = []  # our taxonomies are flat
    query = params.search.lower()
    if query:
        terms = [
            t for t in terms if query in t["name"].lower() or query in t.get("code", "").lower()
        ]
    return paginate(params, len(terms), lambda start, stop: terms[start:stop], lambda term: term)


@api_view
def taxonomy_term_detail(request: HttpRequest, params: Params, id: str) -> dict:
    found = term_for_hsds_id(id)
    term = None
    if found:
        taxonomy, pk = found
        queryset = taxonomy.model.objects.all()
        if taxonomy.model is not District:
            queryset = queryset.filter(locale=params.default_locale)
        term = queryset.filter(pk=pk).first()
    if term is None:
        raise ApiError(f"Нет термина таксономии с id {id[:40]}", 404)
    return HSDSSerializer(params.locale, params.default_locale).taxonomy_term(term)


@api_view
def not_found(request: HttpRequest, params: Params, path: str = "") -> dict:
    raise ApiError(f"Нет такого адреса API: /api/hsds/{path[:80]}", 404)


__all__ = [
    "api_root",
    "not_found",
    "openapi",
    "organization_detail",
    "organization_list",
    "service_detail",
    "service_at_location_detail",
    "service_at_location_list",
    "service_list",
    "taxonomy_detail",
    "taxonomy_list",
    "taxonomy_term_detail",
    "taxonomy_term_list",
]
