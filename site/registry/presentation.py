"""What the public pages show about a service, prepared once in Python (no logic in templates).

All of it reads prefetched relations only. Privacy: map markers come from
``Location.public_coordinates()`` (confidential places never get a marker) and
addresses from ``public_address()`` / ``public_label()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from .hours import (
    DayHours,
    has_own_hours,
    is_open_at,
    opening_note,
    upcoming_exceptions,
    week_hours,
)
from .models import Location, ScheduleException, Service


def service_url(service: Service) -> str:
    """The page in the visitor's language (an untranslated entry is shown there too)."""
    if not service.slug:
        return ""  # an unsaved entry in the admin preview
    try:
        return reverse("registry:detail", kwargs={"slug": service.slug})
    except NoReverseMatch:
        return ""


def localized(terms: Iterable, names: Mapping[str, object] | None) -> list:
    """The service's kinds or groups (source-language rows) in the visitor's language."""
    rows = [names.get(term.code, term) if names else term for term in terms]
    return sorted(rows, key=lambda term: (term.sort_order, term.name))


def decorate(services: Iterable[Service], kinds: Mapping[str, object]) -> None:
    """Give each card ``kind_terms``, ``page_url`` and ``distance`` (no query).

    Kind names come from the ``kind_codes`` annotation (``registry.queries.card_queryset``)
    and the localized taxonomy. (``page_url``, not ``url``: ``Service.url`` is the
    service's own website.)
    """
    for service in services:
        codes = [code for code in (getattr(service, "kind_codes", "") or "").split(",") if code]
        service.kind_terms = sorted(
            (kinds[code] for code in set(codes) if code in kinds),
            key=lambda term: (term.sort_order, term.name),
        )
        service.page_url = service_url(service)
        service.distance = getattr(service, "distance_km", None)


@dataclass
class KindGroup:
    """One kind on a district page: the cards of services whose first kind it is, and the
    names of those shown under an earlier kind (a link to their card, not a second card)."""

    kind: object | None  # a localized kind term; None for services without a kind
    cards: list[Service]
    also: list[Service]

    @property
    def count(self) -> int:
        return len(self.cards) + len(self.also)


def group_by_kind(services: list[Service], kinds: Mapping[str, object]) -> list[KindGroup]:
    """Each service once, under the first of its kinds in the taxonomy's order: a district
    page that repeated each service under every kind ran to 12 screens for 5 services."""
    groups, shown = [], set()
    for code, kind in kinds.items():
        members = [s for s in services if any(t.code == code for t in s.kind_terms)]
        cards = [s for s in members if s.pk not in shown]
        also = [s for s in members if s.pk in shown]
        shown.update(s.pk for s in cards)
        if members:
            groups.append(KindGroup(kind, cards, also))
    others = [s for s in services if not s.kind_terms]
    if others:
        groups.append(KindGroup(None, others, []))
    return groups


def map_markers(services: Iterable[Service]) -> list[dict]:
    """Points for the map's JSON data island: public coordinates only."""
    markers = []
    for service in services:
        url = getattr(service, "page_url", None) or service_url(service)
        for location in service.locations.all():
            point = location.public_coordinates()
            if point is None:
                continue
            markers.append(
                {
                    "lat": point[0],
                    "lon": point[1],
                    "name": service.name,
                    "address": location.public_address(),
                    "url": url,
                }
            )
    return markers


@dataclass
class ServicePage:
    """Everything the service page shows beyond the model's own fields."""

    service: Service
    url: str
    kinds: list  # ServiceKind rows or listing.Term (translated names)
    target_groups: list
    open_now: bool
    opening_note: str  # «Откроется завтра в 9:00» while closed
    alert: str
    week: list[DayHours]
    exceptions: list[ScheduleException]
    places: list
    districts: list
    markers: list[dict]

    @property
    def has_hours(self) -> bool:
        return any(day.periods for day in self.week) or bool(self.exceptions)

    @property
    def places_own_hours(self) -> bool:
        """Some place shows its own hours beside its address."""
        return any(place.own_week for place in self.places)


def own_week(service: Service, place: Location, general: list[DayHours]) -> list[DayHours]:
    """The place's week when it keeps hours of its own that differ from the general ones;
    none for a confidential place, whose own hours are never published."""
    if place.is_confidential or service.is_24_7 or not has_own_hours(service, place):
        return []
    week = week_hours(service, location=place)
    same = [(d.weekday, d.periods) for d in week] == [(d.weekday, d.periods) for d in general]
    return [] if same else week


def service_page(
    service: Service,
    kinds: Mapping[str, object] | None = None,
    groups: Mapping[str, object] | None = None,
) -> ServicePage:
    """Prepare the service page (prefetched relations; works on an unsaved preview too)."""
    places = list(service.locations.all())
    service.page_url = service_url(service)
    open_now = is_open_at(service)
    week = week_hours(service)
    for place in places:
        place.own_week = own_week(service, place, week)
        # A confidential place's own hours stay unpublished: only that they differ.
        place.hours_by_phone = (
            place.is_confidential and not service.is_24_7 and has_own_hours(service, place)
        )
    return ServicePage(
        service=service,
        url=service.page_url,
        kinds=localized(service.kinds.all(), kinds),
        target_groups=localized(service.target_groups.all(), groups),
        open_now=open_now,
        opening_note="" if open_now else opening_note(service),
        alert=service.current_alert,
        week=week,
        exceptions=upcoming_exceptions(service),
        places=places,
        districts=[place.district for place in service.service_areas.all()],
        markers=map_markers([service]),
    )
