"""The demo registry as data: loaded from the HSDS file by the editors' import, it holds
everything the Python-built demo held: ``demo_snapshot.json`` is ``fingerprint()`` of the
demo that ``registry/demo.py`` built in Python before it became data (commit 099cdf6),
less each service's New Year holidays and pre-holiday day, which the official calendar
(``demo_data/calendar.json``) now gives every service at once, and plus the second place
of the Vologda family mediation service, with morning hours of its own (issue 14)."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone

from safechildhood.registry import demo
from safechildhood.registry.models import District, Organization, Service

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("demo_snapshot.json")


def coming_holidays(today: dt.date) -> dt.date:
    """1 January of the coming (or current) New Year holidays."""
    return dt.date(today.year if today <= dt.date(today.year, 1, 8) else today.year + 1, 1, 1)


def _days(day: dt.date | None, since: dt.date) -> int | None:
    return None if day is None else (day - since).days


def _service(service: Service, today: dt.date, holidays: dt.date) -> dict:
    """A service's fields and children, with dates relative to today or the holidays."""
    return {
        "name": service.name,
        "slug": service.slug,
        "description": service.description,
        "organization": service.organization.external_id if service.organization else "",
        **{
            name: getattr(service, name)
            for name in (
                "status",
                "alert",
                "is_24_7",
                "is_free",
                "fees_description",
                "languages",
                "minimum_age",
                "maximum_age",
                "eligibility_description",
                "application_process",
                "email",
                "url",
                "is_demo",
                "live",
                "has_unpublished_changes",
                "assurer_name",
            )
        },
        "alert_until": _days(service.alert_until, holidays),
        "assured_days_ago": _days(today, service.assured_date) if service.assured_date else None,
        "kinds": sorted(kind.code for kind in service.kinds.all()),
        "groups": sorted(group.code for group in service.target_groups.all()),
        "locations": [
            [
                place.district.slug,
                place.name,
                place.address,
                place.postal_code,
                place.latitude,
                place.longitude,
                place.is_confidential,
                place.accessibility,
                place.transportation,
            ]
            for place in service.locations.all()
        ],
        "areas": [[area.district.slug, area.description] for area in service.service_areas.all()],
        "phones": [[p.number, p.kind, p.description] for p in service.phones.all()],
        "schedules": sorted(
            [s.weekday, f"{s.opens_at:%H:%M}", f"{s.closes_at:%H:%M}"]
            for s in service.schedules.all()
        ),
        "exceptions": [
            [
                _days(e.start_date, holidays),
                _days(e.end_date, holidays),
                e.is_closed,
                f"{e.opens_at:%H:%M}" if e.opens_at else None,
                f"{e.closes_at:%H:%M}" if e.closes_at else None,
                e.description,
            ]
            for e in service.schedule_exceptions.order_by("start_date")
        ],
    }


def fingerprint() -> dict:
    """Districts, organisations and services as the demo leaves them (no ids, no dates):
    the Russian entries (the English translations are ``demo_english``'s, compared in
    ``test_demo_english``)."""
    today = timezone.localdate()
    holidays = coming_holidays(today)
    services = Service.objects.filter(
        external_id__startswith="demo:", locale__language_code="ru"
    ).order_by("external_id")
    organizations = Organization.objects.filter(
        external_id__startswith="demo:", locale__language_code="ru"
    )
    return {
        "districts": {
            d.slug: [d.name, d.kind, d.region, d.latitude, d.longitude]
            for d in District.objects.order_by("slug")
        },
        "organizations": {
            org.external_id: {
                "fields": [
                    org.name,
                    org.alternate_name,
                    org.legal_status,
                    org.description,
                    org.email,
                    org.website,
                    org.is_demo,
                ],
                "phones": [[p.number, p.kind, p.description] for p in org.phones.all()],
            }
            for org in organizations.order_by("external_id")
        },
        "services": {s.external_id: _service(s, today, holidays) for s in services},
    }


def test_the_demo_from_its_hsds_file_is_the_demo_it_was(demo_site):
    found = json.loads(json.dumps(fingerprint(), ensure_ascii=False))
    expected = json.loads(SNAPSHOT.read_text())
    assert len(found["services"]) == len(expected["services"])
    assert found["districts"] == expected["districts"]
    assert found["organizations"] == expected["organizations"]
    for key, service in expected["services"].items():
        assert found["services"][key] == service, key


def test_loading_again_creates_nothing_and_changes_nothing(demo_site):
    before = fingerprint()
    counts = Service.objects.count(), Organization.objects.count(), District.objects.count()
    russian = Service.objects.filter(external_id="demo:sos-vologda", locale__language_code="ru")
    russian.update(description="Правка редактора")
    demo.load()
    assert (Service.objects.count(), Organization.objects.count(), District.objects.count()) == (
        counts
    )
    edited = russian.get()
    assert edited.description == "Правка редактора"  # create only: an edit is left as it is
    before["services"]["demo:sos-vologda"]["description"] = "Правка редактора"
    assert fingerprint() == before
