"""/services/<slug>/: all a family needs; machine-readable, printable, private where it must be."""

import datetime as dt
import json

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safechildhood.registry.models import Phone, Service

from .factories import (
    LocationFactory,
    OrganizationPhoneFactory,
    PhoneFactory,
    ScheduleExceptionFactory,
    ScheduleFactory,
    ServiceAreaFactory,
    ServiceFactory,
)
from .public_data import always_open, confidential_shelter, districts, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(home):
    return districts()


@pytest.fixture
def service(places):
    today = timezone.localdate()
    service = make_service(
        places["vologda"],
        name="Служба семейной медиации (демо)",
        slug="mediatsiya",
        alternate_name="Семейный медиатор",
        description="Помогаем родителям договориться о детях.",
        kinds=["mediation"],
        target_groups=["parents", "families_with_children"],
        email="mediation@example.org",
        url="https://example.org/mediation",
        eligibility_description="Родители детей до 18 лет.",
        minimum_age=0,
        maximum_age=18,
        application_process="Позвоните и запишитесь.",
        languages="русский, татарский",
        accessibility="Вход без ступенек.",
        alert="Закрыто на праздники до 10 января",
        alert_until=today + dt.timedelta(days=5),
        assured_date=dt.date(2026, 3, 1),
        phones=(),
    )
    PhoneFactory(service=service, number="8 (8172) 00-00-63", kind=Phone.Kind.HOTLINE)
    PhoneFactory(service=service, number="+7 (000) 000-00-64", kind=Phone.Kind.MOBILE)
    OrganizationPhoneFactory(
        organization=service.organization, number="8 (8172) 00-00-70", description="приёмная"
    )
    OrganizationPhoneFactory(
        organization=service.organization, number="8 (8172) 00-00-71", kind=Phone.Kind.MOBILE
    )
    ScheduleFactory(service=service, weekday=0, opens_at=dt.time(9), closes_at=dt.time(13))
    ScheduleFactory(service=service, weekday=0, opens_at=dt.time(14), closes_at=dt.time(18))
    ScheduleExceptionFactory(
        service=service,
        start_date=today,
        end_date=today + dt.timedelta(days=2),
        description="Праздники",
    )
    ServiceAreaFactory(service=service, district=places["sokol"])
    location = service.locations.get()
    location.transportation = "Автобус 5 до остановки «Центр»"
    location.postal_code = "160000"
    location.save()
    service.save()
    return Service.objects.get(pk=service.pk)


def page(client, slug):
    response = client.get(f"/services/{slug}/")
    return response, BeautifulSoup(response.content, "html.parser")


def jsonld(soup):
    scripts = soup.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def test_service_page_shows_every_field_with_links(client, service):
    response, soup = page(client, "mediatsiya")
    assert response.status_code == 200
    main = soup.select_one("main")
    text = main.get_text(" ", strip=True)
    assert soup.select_one("h1").get_text() == "Служба семейной медиации (демо)"
    for expected in [
        "Семейный медиатор",
        "Помогаем родителям договориться о детях.",
        "Служба семейной медиации",
        "Родители",
        "Семьи с детьми",
        "Родители детей до 18 лет.",
        "от 0",
        "до 18 лет",
        "Позвоните и запишитесь.",
        "русский, татарский",
        "Вход без ступенек.",
        "Автобус 5 до остановки «Центр»",
        "Бесплатно",
        "Комплексный центр социального обслуживания",
    ]:
        assert expected in text, expected
    tel = [a["href"] for a in main.select("a[href^='tel:']")]
    assert "tel:88172000063" in tel and "tel:+70000000064" in tel
    assert main.select_one("a[href='mailto:mediation@example.org']")
    assert main.select_one("a[href='https://example.org/mediation']")
    sokol = main.find("a", string="Сокольский округ")
    assert sokol["href"] == "/services/district/sokolskiy/"


def test_service_page_shows_the_organization_with_all_its_phones(client, service):
    _response, soup = page(client, "mediatsiya")
    section = soup.select_one("section[aria-labelledby='service-org']")
    text = section.get_text(" ", strip=True)
    assert service.organization.name in text
    assert "приёмная" in text
    assert [a["href"] for a in section.select("a[href^='tel:']")] == [
        "tel:88172000070",
        "tel:88172000071",
    ]


def test_alert_banner_and_its_expiry(client, service):
    _response, soup = page(client, "mediatsiya")
    assert "Закрыто на праздники до 10 января" in soup.select_one(".service-alert").get_text()
    Service.objects.filter(pk=service.pk).update(alert_until=dt.date(2020, 1, 1))
    _response, soup = page(client, "mediatsiya")
    assert soup.select_one(".service-alert") is None


def test_open_now_badge(client, service, places):
    _response, soup = page(client, "mediatsiya")
    assert "Сейчас закрыто" in soup.select_one(".badges").get_text()  # closed today (holiday)
    open_service = make_service(places["vologda"], name="Открытая служба (демо)", slug="open")
    always_open(open_service)
    _response, soup = page(client, "open")
    assert "Открыто сейчас" in soup.select_one(".badges").get_text()


def test_opening_hours_table_with_todays_exception(client, service):
    _response, soup = page(client, "mediatsiya")
    rows = soup.select("table.hours tbody tr")
    assert len(rows) == 7
    monday = rows[0].get_text(" ", strip=True)
    today_row = soup.select_one("tr.hours__today").get_text(" ", strip=True)
    assert "сегодня" in today_row and "Праздники: не работает" in today_row
    if timezone.localdate().weekday() != 0:
        assert "09:00–13:00, 14:00–18:00" in monday
    exceptions = soup.select_one("ul.exceptions").get_text(" ", strip=True)
    assert "не работает" in exceptions and "Праздники" in exceptions


def test_verified_date_is_shown_apart_from_last_modified(client, service):
    _response, soup = page(client, "mediatsiya")
    assert soup.select_one(".service__verified").get_text() == "Проверено: 1 марта 2026"
    modified = soup.select_one(".service__modified").get_text()
    assert modified.startswith("Запись изменена:")
    assert "1 марта 2026" not in modified


def test_never_verified_says_so(client, places):
    make_service(places["vologda"], name="Новая служба (демо)", slug="novaya")
    _response, soup = page(client, "novaya")
    assert soup.select_one(".service__verified") is None
    assert "ещё не сверялись" in soup.select_one(".service__meta").get_text()


def test_print_stylesheet_is_linked(client, service):
    _response, soup = page(client, "mediatsiya")
    sheet = soup.find("link", rel="stylesheet", media="print")
    assert sheet["href"].endswith("registry/css/print.css")
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("registry/css/print.css")).read_text(encoding="utf-8")
    assert ".registry-map" in css and ".correction" in css  # no map or form on paper


def test_map_has_the_public_point(client, service):
    _response, soup = page(client, "mediatsiya")
    markers = json.loads(soup.find("script", id="registry-map-data").string)
    location = service.locations.get()
    assert markers == [
        {
            "lat": location.latitude,
            "lon": location.longitude,
            "name": service.name,
            "address": location.address,
            "url": "/services/mediatsiya/",
        }
    ]
    scripts = [s["src"] for s in soup.find_all("script", src=True)]
    assert any(src.endswith("registry/vendor/leaflet/leaflet.js") for src in scripts)


def test_jsonld_describes_the_government_service(client, service):
    _response, soup = page(client, "mediatsiya")
    data = jsonld(soup)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "GovernmentService"
    assert data["name"] == "Служба семейной медиации (демо)"
    assert data["url"] == "http://testserver/services/mediatsiya/"
    assert data["serviceType"] == ["Служба семейной медиации"]
    assert data["provider"]["@type"] == "Organization"
    assert data["provider"]["name"].startswith("Комплексный центр")
    assert data["provider"]["telephone"] == "8 (8172) 00-00-70"
    assert [p["telephone"] for p in data["provider"]["contactPoint"]] == [
        "8 (8172) 00-00-70",
        "8 (8172) 00-00-71",
    ]
    assert {"Вологда", "Сокольский округ"} <= {a["name"] for a in data["areaServed"]}
    channel = data["availableChannel"]
    assert [p["telephone"] for p in channel["servicePhone"]] == [
        "8 (8172) 00-00-63",
        "+7 (000) 000-00-64",
    ]
    place = channel["serviceLocation"][0]
    location = service.locations.get()
    assert place["address"]["streetAddress"] == location.address
    assert place["address"]["postalCode"] == "160000"
    assert place["address"]["addressCountry"] == "RU"
    assert place["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": location.latitude,
        "longitude": location.longitude,
    }
    assert place["telephone"] == ["8 (8172) 00-00-63", "+7 (000) 000-00-64"]
    weekly = [s for s in place["openingHoursSpecification"] if "dayOfWeek" in s]
    assert weekly == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Monday",
            "opens": "09:00",
            "closes": "13:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Monday",
            "opens": "14:00",
            "closes": "18:00",
        },
    ]
    holiday = [s for s in data["hoursAvailable"] if "validFrom" in s][0]
    assert holiday["opens"] == holiday["closes"] == "00:00"
    assert holiday["validFrom"] == timezone.localdate().isoformat()


def test_jsonld_of_a_24_7_service(client, places):
    make_service(places["vologda"], name="Телефон доверия (демо)", slug="td", is_24_7=True)
    _response, soup = page(client, "td")
    hours = jsonld(soup)["hoursAvailable"]
    assert hours == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [
                f"https://schema.org/{day}"
                for day in [
                    "Monday",
                    "Tuesday",
                    "Wednesday",
                    "Thursday",
                    "Friday",
                    "Saturday",
                    "Sunday",
                ]
            ],
            "opens": "00:00",
            "closes": "23:59",
        }
    ]


def test_jsonld_cannot_break_out_of_its_script(client, places):
    make_service(places["vologda"], name="</script><script>alert(1)</script>", slug="xss")
    response, soup = page(client, "xss")
    assert b"</script><script>alert(1)" not in response.content
    assert jsonld(soup)["name"] == "</script><script>alert(1)</script>"


def test_confidential_location_hidden_on_page_map_and_jsonld(client, places):
    confidential_shelter(places["vologda"])
    response, soup = page(client, "priyut")
    assert response.status_code == 200
    html = response.content.decode()
    for secret in ["Секретная", "160099", "59.2333", "39.9111", "Автобус 21"]:
        assert secret not in html, secret
    assert "Вологда (адрес сообщают по телефону)" in soup.select_one("main").get_text()
    assert soup.select_one("a[href='tel:88172000099']")
    assert soup.find("script", id="registry-map-data") is None  # no point, no map
    data = jsonld(soup)
    assert "serviceLocation" not in data.get("availableChannel", {})
    assert "geo" not in json.dumps(data) and "streetAddress" not in json.dumps(data)
    assert data["areaServed"] == [{"@type": "AdministrativeArea", "name": "Вологда"}]
    assert data["availableChannel"]["servicePhone"][0]["telephone"] == "8 (8172) 00-00-99"


def test_unknown_closed_or_unpublished_service_is_a_helpful_404(client, places):
    ServiceFactory(slug="zakryta", status=Service.Status.CLOSED)
    ServiceFactory(slug="chernovik", live=False)
    for slug in ["net-takoy", "zakryta", "chernovik"]:
        response, soup = page(client, slug)
        assert response.status_code == 404
        assert soup.select_one("form.registry-search input[name='q']") is not None
        assert "8-800-2000-122" in soup.select_one("main .emergency").get_text()


def test_temporarily_closed_service_is_shown_with_its_status(client, places):
    make_service(
        places["vologda"],
        name="На ремонте (демо)",
        slug="remont",
        status=Service.Status.TEMPORARILY_CLOSED,
        alert="Ремонт до 1 июня",
    )
    _response, soup = page(client, "remont")
    assert "Временно не работает" in soup.select_one(".badges").get_text()
    assert "Ремонт до 1 июня" in soup.select_one(".service-alert").get_text()


def test_english_page_falls_back_to_the_russian_entry(client, service):
    response = client.get("/en/services/mediatsiya/")
    assert response.status_code == 200
    assert "Служба семейной медиации (демо)" in response.content.decode()


def test_service_page_queries_are_constant(client, service, places, django_assert_num_queries):
    client.get("/services/mediatsiya/")
    with CaptureQueriesContext(connection) as before:
        client.get("/services/mediatsiya/")
    for number in range(10):
        PhoneFactory(service=service, number=f"8 (8172) 10-00-{number:02d}")
        OrganizationPhoneFactory(organization=service.organization)
        ScheduleFactory(service=service, weekday=number % 7)
        LocationFactory(service=service, district=places["tula"])
        ServiceAreaFactory(service=service, district=places["babaevo"])
        make_service(places["vologda"], name=f"Другая служба {number} (демо)")
    with django_assert_num_queries(len(before)):
        assert client.get("/services/mediatsiya/").status_code == 200
    assert len(before) <= 14


def test_admin_preview_uses_the_public_template(rf, service):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    assert service.get_preview_template(request, "")[0] == "registry/service_detail.html"
    from django.template.loader import render_to_string

    preview = Service.objects.with_public_related().get(pk=service.pk)
    html = render_to_string(
        "registry/service_detail.html",
        preview.get_preview_context(request, ""),
        request=request,
    )
    assert "Служба семейной медиации (демо)" in html
    assert "correction__form" not in html  # no error report form in a preview
    assert "application/ld+json" in html


def test_absolute_url_follows_the_entry_language(service):
    assert service.get_absolute_url() == "/services/mediatsiya/"
