"""Demo registry: the services the seed materials describe, with invented details.

Real: the programmes, the kinds and counts of services (Vologda oblast: 27 SOS
services, 4 bullying/suicide emergency services, 7 family mediation and 9
reconciliation services, 3 crisis-support services for women, 3 green rooms, 2
play-therapy rooms; «Шафкатъ» in Sarmanovo; Togliatti's hotlines and mobile
brigade; «Семейная диспетчерская» in Cheboksary, Bodaibo and Tula), district
names and approximate centres. Invented and marked «(демо)»: organisation names,
addresses, opening hours; phone numbers use the non-existent code (000). The
only real number is the children's helpline 8-800-2000-122.

`load()` is idempotent: districts by slug, organisations and services by
`external_id` ("demo:…"); a service's phones, places and hours are replaced, an
organisation's phones updated in place.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from typing import TextIO

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from .models import (
    District,
    Location,
    Organization,
    OrganizationPhone,
    Phone,
    Schedule,
    ScheduleException,
    Service,
    ServiceArea,
    ServiceKind,
    TargetGroup,
    make_slug,
)

HELPLINE = "8-800-2000-122"
VOLOGDA_REGION = "Вологодская область"
K = District.Kind

# Slugs outside Vologda oblast match the news demo (safechildhood.news.demo).
# Vologda oblast's municipal okrugs: key, adjective («Бабаевский» → «Бабаевский округ»),
# approximate centre. The oblast's two city okrugs and the other regions follow.
VOLOGDA_OKRUGS = [
    ("babaevskiy", "Бабаевский", 59.3890, 35.9370),
    ("babushkinskiy", "Бабушкинский", 59.7530, 43.1200),
    ("belozerskiy", "Белозерский", 60.0330, 37.7900),
    ("vashkinskiy", "Вашкинский", 60.2600, 37.9800),
    ("velikoustyugskiy", "Великоустюгский", 60.7604, 46.3054),
    ("verkhovazhskiy", "Верховажский", 60.7150, 42.0500),
    ("vozhegodskiy", "Вожегодский", 60.4720, 40.2100),
    ("vologodskiy", "Вологодский", 59.3500, 39.9500),
    ("vytegorskiy", "Вытегорский", 61.0060, 36.4490),
    ("gryazovetskiy", "Грязовецкий", 58.8760, 40.2500),
    ("kaduyskiy", "Кадуйский", 59.2000, 37.1500),
    ("kirillovskiy", "Кирилловский", 59.8600, 38.3800),
    ("kichmengsko-gorodetskiy", "Кичменгско-Городецкий", 59.9800, 45.7800),
    ("mezhdurechenskiy", "Междуреченский", 59.3800, 40.7000),
    ("nikolskiy", "Никольский", 59.5330, 45.4580),
    ("nyuksenskiy", "Нюксенский", 60.4150, 44.2350),
    ("sokolskiy", "Сокольский", 59.4760, 40.1110),
    ("syamzhenskiy", "Сямженский", 60.0170, 41.0600),
    ("tarnogskiy", "Тарногский", 60.5000, 43.5800),
    ("totemskiy", "Тотемский", 59.9730, 42.7580),
    ("ust-kubinskiy", "Усть-Кубинский", 59.6400, 39.7200),
    ("ustyuzhenskiy", "Устюженский", 58.8380, 36.4370),
    ("kharovskiy", "Харовский", 59.9490, 40.2000),
    ("chagodoshchenskiy", "Чагодощенский", 59.1600, 35.3300),
    ("sheksninskiy", "Шекснинский", 59.2160, 38.5050),
]


def _okrug(key: str, adjective: str, lat: float, lon: float) -> tuple:
    genitive = adjective[:-2] + "ого округа"  # «Бабаевский» → «Бабаевского округа»
    return (key, f"{adjective} округ", genitive, K.MUNICIPAL_OKRUG, VOLOGDA_REGION, lat, lon)


# key, name, genitive (for organisation names), kind, region, latitude, longitude
DISTRICTS: list[tuple[str, str, str, str, str, float, float]] = [
    ("vologda", "Вологда", "города Вологды", K.CITY_OKRUG, VOLOGDA_REGION, 59.2205, 39.8915),
    ("cherepovets", "Череповец", "города Череповца", K.CITY_OKRUG, VOLOGDA_REGION, 59.127, 37.909),
    *(_okrug(*row) for row in VOLOGDA_OKRUGS),
    (
        "cherepovetskiy",
        "Череповецкий район",
        "Череповецкого района",
        K.MUNICIPAL_DISTRICT,
        VOLOGDA_REGION,
        59.3000,
        38.3000,
    ),
    (
        "sarmanovskiy-rayon",
        "Сармановский район",
        "Сармановского района",
        K.MUNICIPAL_DISTRICT,
        "Республика Татарстан",
        55.2530,
        52.5880,
    ),
    (
        "tolyatti",
        "Тольятти",
        "города Тольятти",
        K.CITY_OKRUG,
        "Самарская область",
        53.5078,
        49.4204,
    ),
    (
        "cheboksary",
        "Чебоксары",
        "города Чебоксары",
        K.CITY_OKRUG,
        "Чувашская Республика",
        56.1439,
        47.2489,
    ),
    (
        "bodaybo",
        "Бодайбинский район",
        "Бодайбинского района",
        K.MUNICIPAL_DISTRICT,
        "Иркутская область",
        57.8500,
        114.1930,
    ),
    ("tula", "Тула", "города Тулы", K.CITY_OKRUG, "Тульская область", 54.1930, 37.6170),
]

VOLOGDA_KEYS = [row[0] for row in DISTRICTS if row[4] == VOLOGDA_REGION]
# The Vologda district (округ) is served by the city's SOS service rather than its own.
SOS_KEYS = [key for key in VOLOGDA_KEYS if key != "vologodskiy"]

T = dt.time
OFFICE = [(d, T(8), T(12)) for d in range(5)] + [
    *[(d, T(13), T(17)) for d in range(4)],
    (4, T(13), T(16)),
]
OFFICE_SATURDAY = [*OFFICE, (5, T(10), T(14))]
EVENINGS = [(1, T(14), T(19)), (3, T(14), T(19)), (5, T(10), T(14))]
# A night line on Friday and Saturday runs past midnight (Moscow time).
NIGHT_LINE = [(d, T(9), T(18)) for d in range(5)] + [(4, T(18), T(2)), (5, T(18), T(2))]
DAILY = [(d, T(8), T(20)) for d in range(7)]


@dataclass
class Spec:
    key: str
    name: str
    org: str
    district: str
    kinds: list[str]
    groups: list[str]
    description: str
    hours: list[tuple[int, dt.time, dt.time]] = field(default_factory=lambda: OFFICE)
    is_24_7: bool = False
    confidential: bool = False
    areas: list[str] = field(default_factory=list)
    phones: list[tuple[str, str]] = field(default_factory=lambda: [("daytime", "")])
    extra: dict = field(default_factory=dict)


class _Phones:
    """Numbers in the non-existent code (000): obviously fictional and still dialable-looking."""

    def __init__(self) -> None:
        self.n = 0

    def next(self) -> str:
        self.n += 1
        return f"+7 (000) {self.n // 10000:03d}-{self.n // 100 % 100:02d}-{self.n % 100:02d}"


def _organization_phones(n: int) -> list[tuple[str, str, str]]:
    """(number, kind, description): a reception for every organisation, a director for every
    other one; numbers in the non-existent code (000), apart from the services' ones."""
    phones = [(f"+7 (000) 900-{n // 100:02d}-{n % 100:02d}", Phone.Kind.DAYTIME, "приёмная")]
    if n % 2 == 0:
        phones.append(
            (f"+7 (000) 901-{n // 100:02d}-{n % 100:02d}", Phone.Kind.DAYTIME, "директор")
        )
    return phones


def _set_organization_phones(
    organization: Organization, wanted: list[tuple[str, str, str]], locale: Locale
) -> None:
    """Idempotent: existing rows are updated in place (their ids stay), extra ones deleted."""
    existing = list(organization.phones.all())
    current = [(p.number, p.kind, p.description) for p in existing]
    if current == wanted:
        return
    phones = []
    for index, (number, kind, description) in enumerate(wanted):
        phone = existing[index] if index < len(existing) else OrganizationPhone(locale=locale)
        phone.number, phone.kind, phone.description = number, kind, description
        phone.sort_order = index
        phones.append(phone)
    organization.phones = phones
    organization.save()


def _organizations() -> dict[str, dict]:
    orgs: dict[str, dict] = {}
    for key, _name, genitive, *_ in DISTRICTS:
        if key not in SOS_KEYS:
            continue
        orgs[f"kcson-{key}"] = {
            "name": "Бюджетное учреждение социального обслуживания «Комплексный центр "
            f"социального обслуживания населения {genitive}» (демо)",
            "alternate_name": f"КЦСОН {genitive} (демо)",
            "legal_status": "бюджетное учреждение социального обслуживания",
            "description": "Социальные услуги семьям с детьми, отделение по работе с семьёй "
            "и детьми, служба «SOS – служба особого сопровождения». Демонстрационная запись.",
        }
    orgs["tsentr"] = {
        "name": "Территориальный центр социальной помощи семье и детям (демо)",
        "alternate_name": "Территориальный центр (демо)",
        "legal_status": "бюджетное учреждение социального обслуживания",
        "description": "Региональный методический центр комплекса мер «Безопасное детство» "
        "в Вологодской области. Демонстрационная запись.",
    }
    for key, genitive in (("vologda", "г. Вологды"), ("cherepovets", "г. Череповца")):
        orgs[f"ppms-{key}"] = {
            "name": "Центр психолого-педагогической, медицинской и социальной помощи "
            f"{genitive} (демо)",
            "alternate_name": f"ППМС-центр {genitive} (демо)",
            "legal_status": "муниципальное учреждение",
            "description": "Психологи и социальные педагоги для детей, родителей и школ. "
            "Демонстрационная запись.",
        }
    orgs["shafkat"] = {
        "name": "ГАУСО «Комплексный центр социального обслуживания населения «Шафкатъ» "
        "в Сармановском муниципальном районе» (демо)",
        "alternate_name": "КЦСОН «Шафкатъ» (демо)",
        "legal_status": "государственное автономное учреждение социального обслуживания",
        "description": "Помощь семьям в трудной жизненной ситуации по участковому принципу и "
        "межведомственное сопровождение семей с детьми: «единое окно», командный подход, "
        "семья — партнёр. Демонстрационная запись.",
    }
    orgs["tolyatti"] = {
        "name": "Комплексный центр социального обслуживания населения Центрального округа, "
        "отделения в Тольятти (демо)",
        "alternate_name": "КЦСОН Центрального округа (демо)",
        "legal_status": "государственное казённое учреждение",
        "description": "Проекты «Народная опека» и «Мобильная помощь в каждый дом» вместе с "
        "администрацией Тольятти. Демонстрационная запись.",
    }
    orgs["cheboksary"] = {
        "name": "Комплексный центр социального обслуживания населения г. Чебоксары (демо)",
        "alternate_name": "КЦСОН г. Чебоксары (демо)",
        "legal_status": "бюджетное учреждение",
        "description": "Здесь работает «Семейная диспетчерская». Демонстрационная запись.",
    }
    orgs["bodaybo"] = {
        "name": "Комплексный центр социального обслуживания населения г. Бодайбо и "
        "Бодайбинского района (демо)",
        "alternate_name": "КЦСОН г. Бодайбо (демо)",
        "legal_status": "областное государственное бюджетное учреждение",
        "description": "Здесь работает «Семейная диспетчерская». Демонстрационная запись.",
    }
    orgs["tula"] = {
        "name": "Областной центр помощи семье и детям, Тула (демо)",
        "alternate_name": "Центр помощи семье и детям (демо)",
        "legal_status": "государственное учреждение",
        "description": "Здесь работает «Семейная диспетчерская». Демонстрационная запись.",
    }
    return orgs


SOS_TEXT = (
    "Служба экстренного реагирования на кризисные ситуации в семье. Специалисты отделения по "
    "работе с семьёй и детьми быстро откликаются, когда семье с детьми нужна срочная помощь: "
    "насилие или его угроза, тяжёлый конфликт, родители не справляются. Раннее выявление, "
    "выезд к семье, экстренная помощь и дальнейшее сопровождение."
)
BULLYING_TEXT = (
    "Срочная помощь, если ребёнка травят в школе или в сети, если подросток говорит о "
    "самоубийстве или причиняет себе вред. Психологи работают с ребёнком, родителями и "
    "школой; при угрозе жизни звоните 112."
)
MEDIATION_TEXT = (
    "Медиатор помогает родителям договориться: с кем живёт ребёнок, как общается со вторым "
    "родителем, как пережить развод без войны. Встречи добровольные и конфиденциальные."
)
RECONCILIATION_TEXT = (
    "Восстановительные программы для подростков и семей: встреча сторон конфликта с "
    "ведущим, чтобы загладить вред и договориться, как жить дальше. Работает и со школами."
)
WOMEN_TEXT = (
    "Поддержка женщин и матерей с детьми, пострадавших от насилия в семье или живущих под "
    "угрозой насилия: консультации психолога и юриста, помощь в безопасном плане, временное "
    "проживание. Адрес не публикуется: его сообщают по телефону."
)
GREEN_ROOM_TEXT = (
    "Специально оборудованная комната, где следователь и психолог бережно беседуют с "
    "ребёнком, пострадавшим от насилия или ставшим свидетелем преступления, — один раз, без "
    "повторных допросов."
)
PLAY_TEXT = (
    "Игротерапевтический кабинет: психолог помогает ребёнку пережить травму и справиться со "
    "страхами через игру. Занятия для детей от 3 до 12 лет вместе с родителями."
)
DISPATCH_TEXT = (
    "«Семейная диспетчерская» работает в режиме «одного окна»: консультирует по телефону и "
    "онлайн, объясняет, где и какую помощь можно получить, подключает психологов, юристов и "
    "специалистов по социальной работе, составляет программу сопровождения и закрепляет за "
    "семьёй куратора."
)


def _specs() -> list[Spec]:
    specs: list[Spec] = []
    name_of = {row[0]: row[1] for row in DISTRICTS}

    for key in SOS_KEYS:
        specs.append(
            Spec(
                key=f"sos-{key}",
                name=f"SOS – служба особого сопровождения: {name_of[key]}",
                org=f"kcson-{key}",
                district=key,
                kinds=["sos", "social_support"],
                groups=["families_with_children", "crisis_families", "children_violence"],
                description=SOS_TEXT,
                areas=["vologodskiy"] if key == "vologda" else [],
                phones=[("daytime", ""), ("out_of_hours", "мобильный дежурного специалиста")],
                extra={
                    "application_process": "Позвоните или придите без записи. Сообщить о "
                    "семье, которой нужна помощь, можно анонимно.",
                },
            )
        )

    bullying = [
        ("vologda", "tsentr", True, list(VOLOGDA_KEYS)),
        ("cherepovets", "ppms-cherepovets", False, []),
        ("sokolskiy", "kcson-sokolskiy", False, []),
        ("velikoustyugskiy", "kcson-velikoustyugskiy", False, []),
    ]
    for key, org, is_24_7, areas in bullying:
        specs.append(
            Spec(
                key=f"bullying-{key}",
                name="Служба экстренного реагирования при буллинге, суицидальном и "
                f"аутоагрессивном поведении: {name_of[key]}",
                org=org,
                district=key,
                kinds=["bullying", "psychological"],
                groups=["teenagers", "parents"],
                description=BULLYING_TEXT,
                hours=[] if is_24_7 else (NIGHT_LINE if key == "cherepovets" else OFFICE),
                is_24_7=is_24_7,
                areas=areas,
                phones=[("hotline", "круглосуточно" if is_24_7 else ""), ("daytime", "")],
                extra={"minimum_age": 7, "maximum_age": 18},
            )
        )

    for key in [
        "vologda",
        "cherepovets",
        "sokolskiy",
        "velikoustyugskiy",
        "gryazovetskiy",
        "sheksninskiy",
        "totemskiy",
    ]:
        specs.append(
            Spec(
                key=f"mediation-{key}",
                name=f"Служба семейной медиации: {name_of[key]}",
                org="tsentr" if key == "vologda" else f"kcson-{key}",
                district=key,
                kinds=["mediation"],
                groups=["parents", "families_with_children"],
                description=MEDIATION_TEXT,
                hours=EVENINGS,
                extra={
                    "application_process": "Запишитесь по телефону; на первую встречу "
                    "можно прийти одному из родителей."
                },
            )
        )

    reconciliation = [
        ("vologda", "tsentr"),
        ("vologda", "ppms-vologda"),
        ("cherepovets", "kcson-cherepovets"),
        ("cherepovets", "ppms-cherepovets"),
        ("babaevskiy", "kcson-babaevskiy"),
        ("kirillovskiy", "kcson-kirillovskiy"),
        ("nikolskiy", "kcson-nikolskiy"),
        ("vytegorskiy", "kcson-vytegorskiy"),
        ("kharovskiy", "kcson-kharovskiy"),
    ]
    for key, org in reconciliation:
        suffix = " (ППМС-центр)" if org.startswith("ppms") else ""
        specs.append(
            Spec(
                key=f"reconciliation-{key}-{org}",
                name=f"Служба примирения: {name_of[key]}{suffix}",
                org=org,
                district=key,
                kinds=["reconciliation"],
                groups=["teenagers", "parents"],
                description=RECONCILIATION_TEXT,
                extra={"minimum_age": 10, "maximum_age": 18},
            )
        )

    women = [
        ("vologda", True, list(VOLOGDA_KEYS)),
        ("cherepovets", False, []),
        ("velikoustyugskiy", False, []),
    ]
    for key, is_24_7, areas in women:
        specs.append(
            Spec(
                key=f"women-{key}",
                name=f"Кризисная помощь женщинам, пострадавшим от насилия: {name_of[key]}",
                org=f"kcson-{key}",
                district=key,
                kinds=["women_crisis", "psychological", "legal"],
                groups=["women_violence", "families_with_children"],
                description=WOMEN_TEXT,
                hours=[] if is_24_7 else OFFICE,
                is_24_7=is_24_7,
                confidential=True,
                areas=areas,
                phones=[("hotline", "круглосуточно" if is_24_7 else "в рабочее время")],
                extra={
                    "eligibility_description": "Женщины, в том числе с детьми, "
                    "пострадавшие от насилия или живущие под его угрозой."
                },
            )
        )

    green = [
        ("vologda", "tsentr", {}),
        ("cherepovets", "ppms-cherepovets", {}),
        (
            "velikoustyugskiy",
            "kcson-velikoustyugskiy",
            {
                "status": Service.Status.TEMPORARILY_CLOSED,
                "alert": "Временно не работает: "
                "ремонт помещения (демо). Звоните — подскажем, куда обратиться.",
            },
        ),
    ]
    for key, org, extra in green:
        specs.append(
            Spec(
                key=f"green-room-{key}",
                name=f"Зелёная комната: {name_of[key]}",
                org=org,
                district=key,
                kinds=["green_room"],
                groups=["children_violence"],
                description=GREEN_ROOM_TEXT,
                extra={
                    "application_process": "По направлению следователя, органов опеки или "
                    "по записи для родителей пострадавшего ребёнка.",
                    **extra,
                },
            )
        )

    for key, org in (("vologda", "tsentr"), ("cherepovets", "kcson-cherepovets")):
        specs.append(
            Spec(
                key=f"play-therapy-{key}",
                name=f"Игротерапевтический кабинет: {name_of[key]}",
                org=org,
                district=key,
                kinds=["play_therapy", "psychological"],
                groups=["children_violence", "families_with_children"],
                description=PLAY_TEXT,
                hours=OFFICE_SATURDAY,
                extra={"minimum_age": 3, "maximum_age": 12},
            )
        )

    specs += [
        Spec(
            key="shafkat-family",
            name="Отделение социальной помощи семье и детям «Шафкатъ»",
            org="shafkat",
            district="sarmanovskiy-rayon",
            kinds=["social_support", "psychological", "legal"],
            groups=["crisis_families", "parents", "children_violence", "teenagers"],
            description="Индивидуальная работа с семьёй: психологическая, правовая, медицинская "
            "и иная помощь, содействие в трудоустройстве. Единое окно для семей в трудной "
            "жизненной ситуации, работа по участковому принципу.",
            extra={"languages": "русский, татарский"},
        ),
        Spec(
            key="shafkat-team",
            name="Межведомственная команда экстренного реагирования (Сармановский район)",
            org="shafkat",
            district="sarmanovskiy-rayon",
            kinds=["mobile_team", "sos"],
            groups=["children_violence", "crisis_families", "families_with_children"],
            description="Принимает сообщения о нарушении прав детей, собирает команду "
            "(социальная служба, полиция, больница, школа, опека), выезжает по адресу, "
            "оценивает риски для ребёнка и семьи и коллегиально решает, какая помощь нужна.",
            phones=[
                ("daytime", "приём сообщений"),
                ("out_of_hours", "дежурный"),
                ("real:" + HELPLINE, "Детский телефон доверия, бесплатно и круглосуточно"),
            ],
            extra={"languages": "русский, татарский"},
        ),
        Spec(
            key="tolyatti-hotline",
            name="Горячая линия «Мобильная народная опека» (Тольятти)",
            org="tolyatti",
            district="tolyatti",
            kinds=["helpline", "social_support"],
            groups=["families_with_children", "children_violence", "crisis_families"],
            description="Позвоните, если семья в кризисе или вы стали свидетелем насилия над "
            "ребёнком или в семье. В срочных случаях на место выезжает мобильная бригада.",
            hours=DAILY,
            phones=[
                ("hotline", "горячая линия"),
                ("hotline", "горячая линия"),
                ("hotline", "горячая линия"),
                ("daytime", "номер «Народной опеки»"),
            ],
        ),
        Spec(
            key="tolyatti-brigade",
            name="Мобильная бригада «Мобильная помощь в каждый дом» (Тольятти)",
            org="tolyatti",
            district="tolyatti",
            kinds=["mobile_team", "social_support", "psychological"],
            groups=["families_with_children", "crisis_families"],
            description="Социальный педагог и психолог выезжают к семье: обследуют, "
            "консультируют, оказывают срочные социальные услуги; при необходимости "
            "подключаются опека, полиция и комиссия по делам несовершеннолетних.",
            hours=DAILY,
            phones=[("mobile", "диспетчер бригады")],
            extra={"application_process": "Бригаду вызывают через горячую линию."},
        ),
    ]
    for key, org in (("cheboksary", "cheboksary"), ("bodaybo", "bodaybo"), ("tula", "tula")):
        specs.append(
            Spec(
                key=f"dispatch-{key}",
                name=f"Семейная диспетчерская: {name_of[key]}",
                org=org,
                district=key,
                kinds=["family_dispatch", "social_support"],
                groups=[
                    "families_with_children",
                    "large_families",
                    "disabled_children",
                    "crisis_families",
                ],
                description=DISPATCH_TEXT,
                phones=[("daytime", "консультации"), ("mobile", "куратор")],
            )
        )
    return specs


def ensure_taxonomy() -> None:
    """Re-seed kinds and target groups if the database was flushed since migrating.

    The data migration seeds them; `manage.py flush` and transactional tests remove them.
    """
    from django.apps import apps

    seeding = importlib.import_module("safechildhood.registry.migrations.0003_seed_taxonomy")
    seeding.seed(apps, None)


def _holidays(today: dt.date) -> tuple[dt.date, dt.date]:
    """The coming (or current) New Year holidays: 1–8 January."""
    year = today.year if today <= dt.date(today.year, 1, 8) else today.year + 1
    return dt.date(year, 1, 1), dt.date(year, 1, 8)


@transaction.atomic
def load(home=None, stdout: TextIO | None = None) -> None:
    """Create or update the demo registry (idempotent)."""
    ru = Locale.objects.get_or_create(language_code="ru")[0]
    today = timezone.localdate()
    holidays_start, holidays_end = _holidays(today)

    districts: dict[str, District] = {}
    for key, name, _gen, kind, region, lat, lon in DISTRICTS:
        districts[key], _ = District.objects.update_or_create(
            slug=key,
            defaults={
                "name": name,
                "kind": kind,
                "region": region,
                "latitude": lat,
                "longitude": lon,
            },
        )

    orgs: dict[str, Organization] = {}
    for n, (key, data) in enumerate(_organizations().items()):
        orgs[key], _ = Organization.objects.update_or_create(
            external_id=f"demo:{key}",
            locale=ru,
            defaults={**data, "is_demo": True, "email": f"demo-{make_slug(key)}@example.org"},
        )
        _set_organization_phones(orgs[key], _organization_phones(n), ru)

    ensure_taxonomy()
    kinds = {k.code: k for k in ServiceKind.objects.filter(locale=ru)}
    groups = {g.code: g for g in TargetGroup.objects.filter(locale=ru)}
    phones = _Phones()
    verified_days = [12, 40, 75, 130, 210, 400, None]

    specs = _specs()
    for index, spec in enumerate(specs):
        district = districts[spec.district]
        service = Service.objects.filter(external_id=f"demo:{spec.key}", locale=ru).first()
        if service is None:
            service = Service(external_id=f"demo:{spec.key}", locale=ru)
        days = verified_days[index % len(verified_days)]
        values = {
            "name": spec.name,
            "slug": make_slug(spec.key),
            "description": spec.description,
            "organization": orgs[spec.org],
            "status": Service.Status.ACTIVE,
            "alert": "",
            "alert_until": None,
            "is_24_7": spec.is_24_7,
            "is_free": True,
            "languages": "русский",
            "email": f"demo-{make_slug(spec.key)}@example.org",
            "assured_date": today - dt.timedelta(days=days) if days is not None else None,
            "assurer_name": "Демо-редактор" if days is not None else "",
            "is_demo": True,
            "live": True,
            "has_unpublished_changes": False,
            "minimum_age": None,
            "maximum_age": None,
            "eligibility_description": "",
            "application_process": "",
            **spec.extra,
        }
        for name, value in values.items():
            setattr(service, name, value)
        usual = not service.is_24_7 and service.status == Service.Status.ACTIVE
        if usual and not service.alert and index % 3 == 0:
            service.alert = (
                f"В праздники {holidays_start:%d.%m}–{holidays_end:%d.%m} не работает; "
                "в экстренной ситуации звоните 112."
            )
            service.alert_until = holidays_end
        service.first_published_at = service.first_published_at or timezone.now()
        service.last_published_at = timezone.now()

        offset = (index % 7 - 3) * 0.004
        service.locations = [
            Location(
                locale=ru,
                district=district,
                name="" if not spec.confidential else "Кризисное отделение",
                address=(
                    f"{district.name}, ул. Конфиденциальная, д. {index + 1} (демо)"
                    if spec.confidential
                    else f"{district.name}, ул. Примерная, д. {index + 1} (демо)"
                ),
                postal_code="000000",
                latitude=district.latitude + offset,
                longitude=district.longitude - offset,
                is_confidential=spec.confidential,
                accessibility=""
                if spec.confidential
                else "Вход без ступенек, кнопка вызова (демо)",
                transportation=""
                if spec.confidential
                else "Остановка «Центр», 5 минут пешком (демо)",
            )
        ]
        service.service_areas = [
            ServiceArea(district=districts[key]) for key in spec.areas if key != spec.district
        ]
        service.phones = [
            Phone(
                locale=ru,
                number=kind.removeprefix("real:") if kind.startswith("real:") else phones.next(),
                kind=Phone.Kind.HOTLINE if kind.startswith("real:") else kind,
                description=description,
            )
            for kind, description in spec.phones
        ]
        service.schedules = [
            Schedule(weekday=day, opens_at=opens, closes_at=closes)
            for day, opens, closes in spec.hours
        ]
        service.schedule_exceptions = (
            []
            if spec.is_24_7
            else [
                ScheduleException(
                    locale=ru,
                    start_date=holidays_start - dt.timedelta(days=1),
                    is_closed=False,
                    opens_at=T(8),
                    closes_at=T(13),
                    description="Предпраздничный день",
                ),
                ScheduleException(
                    locale=ru,
                    start_date=holidays_start,
                    end_date=holidays_end,
                    is_closed=True,
                    description="Новогодние праздники",
                ),
            ]
        )
        service.kinds = [kinds[code] for code in spec.kinds]
        service.target_groups = [groups[code] for code in spec.groups]
        service.save()

    if stdout is not None:
        stdout.write(
            f"Registry: {len(specs)} demo services, {len(orgs)} organisations, "
            f"{len(districts)} districts."
        )
