"""The registry in the page cache: the list (with filters), district and service pages are
stored for anonymous visitors, forgotten at once by any change of a public registry record,
and the corrections form on a cached service page still works, with and without JavaScript.
"""

import datetime as dt
import time

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from safechildhood.core.pagecache import store
from safechildhood.core.protection import TOKEN_FIELD, read_token
from safechildhood.home.models import EmergencyContacts
from safechildhood.registry.corrections import ServiceCorrection
from safechildhood.registry.models import CalendarDay, District, ServiceKind, TargetGroup

from .factories import (
    OrganizationPhoneFactory,
    PhoneFactory,
    ScheduleExceptionFactory,
    ScheduleFactory,
)
from .public_data import districts, make_service

pytestmark = pytest.mark.django_db

SERVICE = "/services/mediatsiya/"


def soon() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=3)


def cached(client, url: str) -> bytes:
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["X-Page-Cache"] == "hit", url
    assert not response.cookies
    return response.content


@pytest.fixture
def service(home, page_cache):
    EmergencyContacts.for_site(home.get_site())
    places = districts()
    return make_service(
        places["vologda"],
        name="Служба семейной медиации (демо)",
        slug="mediatsiya",
        kinds=["mediation"],
        target_groups=["parents"],
    )


@pytest.mark.parametrize(
    "url",
    [
        "/services/",
        "/services/?q=медиация&district=vologda",
        "/services/?kind=mediation&open_now=1&page=1",
        "/services/?near=59.22,39.89",
        "/services/district/",
        "/services/district/vologda/",
        SERVICE,
        "/en/services/",
    ],
)
def test_registry_pages_are_cached(client, service, url):
    cached(client, url)


def test_unknown_districts_and_corrections_pages_are_never_stored(client, service):
    for url in ("/services/?district=atlantis", f"{SERVICE}correction/", "/services/nothing/"):
        for _ in range(2):
            assert client.get(url).get("X-Page-Cache") != "hit", url


def test_a_published_change_of_a_service_is_shown_at_once(client, service):
    pages = [SERVICE, "/services/", "/services/district/vologda/"]
    for url in pages:
        cached(client, url)
    service.name = "Служба примирения (демо)"
    service.save_revision().publish()
    for url in pages:
        assert "Служба примирения (демо)".encode() in client.get(url).content, url


def test_an_unpublished_service_is_gone_at_once(client, service):
    cached(client, SERVICE)
    service.save_revision().publish()
    service.unpublish()
    assert client.get(SERVICE).status_code == 404


def test_a_service_draft_changes_nothing_and_keeps_the_cache(client, service):
    cached(client, SERVICE)
    service.name = "Черновик"
    service.save_revision()
    response = client.get(SERVICE)
    assert response["X-Page-Cache"] == "hit"
    assert "Черновик".encode() not in response.content


@pytest.mark.parametrize(
    "change, shown",
    [
        (lambda s: PhoneFactory(service=s, number="8 (8172) 00-99-99"), "00-99-99"),
        (
            lambda s: OrganizationPhoneFactory(organization=s.organization, number="8 (000) 123"),
            "8 (000) 123",
        ),
        (
            lambda s: ScheduleExceptionFactory(
                service=s, start_date=soon(), end_date=soon(), description="Санитарный день"
            ),
            "Санитарный день",
        ),
        (lambda s: s.phones.all().delete(), None),
    ],
    ids=["phone", "organisation-phone", "special-day", "phone-deleted"],
)
def test_records_of_a_service_forget_its_page(client, service, change, shown):
    cached(client, SERVICE)
    generation = store.current_generation()
    change(service)
    assert store.current_generation() != generation
    response = client.get(SERVICE)
    assert response["X-Page-Cache"] == "miss"
    if shown:
        assert shown.encode() in response.content


def test_an_organisation_rename_is_shown_at_once(client, service):
    cached(client, SERVICE)
    organization = service.organization
    organization.name = "Центр «Семья» (демо)"
    organization.save()
    assert "Центр «Семья» (демо)".encode() in client.get(SERVICE).content


def test_a_renamed_district_kind_or_group_is_shown_at_once(client, service):
    for url in ("/services/district/", "/services/", SERVICE):
        cached(client, url)
    district = District.objects.get(slug="vologda")
    district.name = "Город Вологда"
    district.save()
    assert "Город Вологда".encode() in client.get("/services/district/").content
    kind = ServiceKind.objects.get(code="mediation", locale__language_code="ru")
    kind.name = "Семейная медиация"
    kind.save()
    assert "Семейная медиация".encode() in client.get(SERVICE).content
    group = TargetGroup.objects.get(code="parents", locale__language_code="ru")
    group.name = "Мамы и папы"
    group.save()
    assert "Мамы и папы".encode() in client.get(SERVICE).content


def test_a_visitors_note_does_not_empty_the_cache(client, service):
    cached(client, SERVICE)
    ServiceCorrection.objects.create(service=service, description="Сменился телефон")
    assert client.get(SERVICE)["X-Page-Cache"] == "hit"


def form_token(response) -> str:
    form = BeautifulSoup(response.content, "html.parser").select_one("form.correction__form")
    return form.find("input", attrs={"name": TOKEN_FIELD})["value"]


def test_each_copy_of_a_cached_service_page_has_its_own_fresh_form_token(client, service):
    first = client.get(SERVICE)
    later = [client.get(SERVICE) for _ in range(2)]
    assert [r["X-Page-Cache"] for r in later] == ["hit", "hit"]
    tokens = [form_token(r) for r in (first, *later)]
    assert len(set(tokens)) == 3
    for token in tokens:
        read_token(token, "registry_correction")  # genuine, for this form
    # served whole (no ETag), so a browser never shows an old token again
    assert later[-1]["Cache-Control"] == "no-cache" and "ETag" not in later[-1]
    # stored without a token: the page is kept in parts around it
    (entry,) = stored_entries()
    assert entry["f"] == ["registry.correction_form"]
    assert not any(token.encode() in b"".join(entry["p"]) for token in tokens)


def stored_entries() -> list[dict]:
    """The page cache's entries in the test's memory cache."""
    from django.core.cache import cache

    keys = [key.split(":", 2)[2] for key in cache._cache if ":pagecache:page:" in key]
    return [cache.get(key) for key in keys]


def test_the_form_on_a_cached_page_is_accepted_without_javascript(client, service):
    client.get(SERVICE)
    response = client.get(SERVICE)
    assert response["X-Page-Cache"] == "hit"
    sent = client.post(
        f"{SERVICE}correction/",
        {TOKEN_FIELD: form_token(response), "description": "Сменился телефон службы."},
    )
    assert sent.status_code == 302
    assert ServiceCorrection.objects.filter(service=service).count() == 1


# --- "Open now" and today's hours: a stored page lasts until some service opens or closes --


def moment(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    from safechildhood.registry.models import site_timezone

    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=site_timezone())


def test_a_registry_page_lasts_until_the_next_opening_or_closing(service):
    from safechildhood.registry.clock import boundaries, next_change

    ScheduleFactory(service=service, weekday=0, opens_at=dt.time(9), closes_at=dt.time(18))
    ScheduleExceptionFactory(
        service=service, is_closed=False, opens_at=dt.time(10, 30), closes_at=dt.time(14)
    )
    assert boundaries() == {dt.time(0), dt.time(9), dt.time(18), dt.time(10, 30), dt.time(14)}
    day = dt.date(2026, 12, 7)
    assert next_change(moment(day, 8, 59)) == moment(day, 9).timestamp()
    assert next_change(moment(day, 9)) == moment(day, 10, 30).timestamp()
    assert next_change(moment(day, 15)) == moment(day, 18).timestamp()
    # after the last closing: midnight, when "today" and the special days change
    assert next_change(moment(day, 23, 59)) == moment(day + dt.timedelta(days=1), 0).timestamp()


def test_the_service_page_is_stored_until_then(client, service):
    from safechildhood.registry.clock import next_change

    ScheduleFactory(service=service, weekday=0, opens_at=dt.time(9), closes_at=dt.time(18))
    client.get(SERVICE)
    (entry,) = stored_entries()
    assert entry["x"] == pytest.approx(min(next_change(), time.time() + 600), abs=5)


def test_with_the_cache_down_the_service_page_and_its_form_still_work(client, service, settings):
    settings.CACHES = {
        **settings.CACHES,
        "dead": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    settings.PAGE_CACHE_ALIAS = "dead"
    for _ in range(2):
        response = client.get(SERVICE)
        assert response.status_code == 200
        assert response["X-Page-Cache"] == "miss"
        read_token(form_token(response), "registry_correction")
    service.name = "Служба примирения (демо)"
    service.save_revision().publish()  # the editor's publish is not stopped either
    assert "Служба примирения (демо)".encode() in client.get(SERVICE).content


def test_a_new_day_of_the_official_calendar_is_shown_at_once(client, service):
    cached(client, SERVICE)
    day = CalendarDay.objects.create(
        date=timezone.localdate() + dt.timedelta(days=2),
        kind=CalendarDay.Kind.HOLIDAY,
        name="Праздник для проверки",
    )
    page = client.get(SERVICE)
    assert page.get("X-Page-Cache") != "hit"
    assert "Праздник для проверки" in page.content.decode()
    day.delete()
    assert "Праздник для проверки" not in client.get(SERVICE).content.decode()
