"""Small, known registries for the public-page tests (test_public_*.py).

Vologda and Cherepovets are ~115 km apart; Sokol is ~35 km north of Vologda.
Services get phones, places and hours like real entries so that every test
sees what a visitor sees.
"""

import datetime as dt

from safechildhood.registry.models import Phone, Service

from .factories import (
    DistrictFactory,
    LocationFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAreaFactory,
    ServiceFactory,
)

VOLOGDA = (59.2205, 39.8915)
SOKOL = (59.4758, 40.1114)
CHEREPOVETS = (59.1269, 37.9090)
BABAEVO = (59.3890, 35.9370)


def districts():
    return {
        "vologda": DistrictFactory(
            name="Вологда", slug="vologda", latitude=VOLOGDA[0], longitude=VOLOGDA[1]
        ),
        "sokol": DistrictFactory(
            name="Сокольский округ", slug="sokolskiy", latitude=SOKOL[0], longitude=SOKOL[1]
        ),
        "cherepovets": DistrictFactory(
            name="Череповец",
            slug="cherepovets",
            latitude=CHEREPOVETS[0],
            longitude=CHEREPOVETS[1],
        ),
        "babaevo": DistrictFactory(
            name="Бабаевский округ", slug="babaevskiy", latitude=BABAEVO[0], longitude=BABAEVO[1]
        ),
        "tula": DistrictFactory(
            name="Тула", slug="tula", region="Тульская область", latitude=54.19, longitude=37.62
        ),
    }


def always_open(service: Service) -> None:
    """Every day, the whole day (00:00–00:00): open whenever the test runs."""
    for day in range(7):
        ScheduleFactory(service=service, weekday=day, opens_at=dt.time(0), closes_at=dt.time(0))


def make_service(district, point=None, *, phones=("8 (8172) 00-00-01",), **kwargs) -> Service:
    """A live service with one place in `district` (at `point`, default the centre)."""
    service = ServiceFactory(**kwargs)
    lat, lon = point or (district.latitude, district.longitude)
    LocationFactory(service=service, district=district, latitude=lat, longitude=lon)
    for number in phones:
        PhoneFactory(service=service, number=number, kind=Phone.Kind.DAYTIME)
    service.save()  # re-index with the district's name
    return service


def registry():
    """A handful of services of different kinds in three Vologda districts and Tula."""
    places = districts()
    services = {
        "mediation": make_service(
            places["vologda"],
            name="Служба семейной медиации (демо)",
            slug="mediatsiya",
            description="Помогаем родителям договориться о детях после развода.",
            kinds=["mediation"],
            target_groups=["parents"],
        ),
        "bullying": make_service(
            places["cherepovets"],
            name="Служба экстренного реагирования (демо)",
            slug="reagirovanie",
            description="Срочная помощь школьникам и их родителям.",
            kinds=["bullying"],
            target_groups=["teenagers"],
        ),
        "women": make_service(
            places["vologda"],
            name="Кризисное отделение для женщин (демо)",
            slug="krizisnoe-otdelenie",
            description="Временное проживание и консультации юриста.",
            kinds=["women_crisis"],
            target_groups=["women_violence"],
            is_24_7=True,
        ),
        "sos_sokol": make_service(
            places["sokol"],
            name="SOS – служба особого сопровождения, Сокол (демо)",
            slug="sos-sokol",
            description="Выезд к семье в кризисной ситуации.",
            kinds=["sos"],
            target_groups=["families_with_children"],
        ),
        "paid_legal": make_service(
            places["vologda"],
            VOLOGDA,
            name="Юридическая консультация (демо)",
            slug="yurist",
            description="Консультации по опеке и алиментам.",
            kinds=["legal"],
            is_free=False,
            fees_description="500 рублей за консультацию",
        ),
    }
    always_open(services["mediation"])
    return places, services


def confidential_shelter(district) -> Service:
    """A shelter whose address and coordinates must never reach a public output."""
    service = ServiceFactory(
        name="Приют для женщин с детьми (демо)",
        slug="priyut",
        description="Безопасное временное проживание.",
        kinds=["women_crisis"],
        is_24_7=True,
    )
    LocationFactory(
        service=service,
        district=district,
        address="ул. Секретная, д. 7 (демо)",
        postal_code="160099",
        latitude=59.2333,
        longitude=39.9111,
        transportation="Автобус 21 до остановки «Секретная»",
        is_confidential=True,
    )
    PhoneFactory(service=service, number="8 (8172) 00-00-99", kind=Phone.Kind.HOTLINE)
    ServiceAreaFactory(service=service, district=district)
    service.save()
    return service
