"""Demo news: the news index and the five seed texts (shared/seeds/) as Russian articles.

Called by ``manage.py load_demo``; create only (``safechildhood.core.demo``): articles
are found by slug, districts by slug, cover illustrations by title; missing ones are
created and published, existing ones (an editor may have changed them) are left as
they are, unless ``load_demo --reset``.

Dates: the seeds give the Togliatti project (self-isolation, "первый квартал
2020 года": April 2020), the «Семейные диспетчерские» article (figures "с начала
2022 года": March 2022), the Vologda meeting ("20 сентября", within the 2022–2023
complex of measures: 20 September 2022) and the results of that complex (2022–2023
results: December 2023). The Sarmanovsky practice carries no date; it is placed in
2021 and marked as such in the text below. Phone numbers of the seeds other than
112 and 8-800-2000-122 are left out (demo data carries no other real numbers).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from safechildhood.core import demo
from safechildhood.registry.models import District, Service

from .models import NewsIndexPage, NewsPage

INDEX = {
    "slug": "novosti",
    "title": "Новости",
    "introduction": "Новости комплекса мер «Безопасное детство»: новые службы помощи семьям, "
    "практики регионов, итоги работы.",
}

# The English news index: the articles themselves are Russian only, and it says so.
INDEX_EN = {
    "slug": "news",
    "title": "News",
    "introduction": "News of the “Safe Childhood” programme: new services for families, "
    "practice from the regions, results. The articles are published in Russian only; "
    "switch the site to Russian to read them.",
}

# slug → (name, kind, region, latitude, longitude). The registry's demo uses the same slugs.
DISTRICTS: dict[str, tuple[str, str, str, float, float]] = {
    "vologda": ("Вологда", "city_okrug", "Вологодская область", 59.2205, 39.8916),
    "sarmanovskiy-rayon": (
        "Сармановский район",
        "municipal_district",
        "Республика Татарстан",
        55.2533,
        52.5897,
    ),
    "tolyatti": ("Тольятти", "city_okrug", "Самарская область", 53.5078, 49.4204),
    "cheboksary": ("Чебоксары", "city_okrug", "Чувашская Республика", 56.1439, 47.2489),
    "bodaybo": ("Бодайбинский район", "municipal_district", "Иркутская область", 57.8506, 114.1933),
    "tula": ("Тула", "city_okrug", "Тульская область", 54.1931, 37.6173),
}

# Flat illustrations drawn here (no photos of people, nothing downloaded).
COVERS = {
    "sos": ("#0f6e6e", "#e6f2f2", "Демо-иллюстрация: дом под защитой круга, бирюзовые тона"),
    "results": ("#1d5ea8", "#eaf1fb", "Демо-иллюстрация: столбики растущей диаграммы"),
    "dispatch": ("#4c2c92", "#f0ebfa", "Демо-иллюстрация: линии, сходящиеся к одному окну"),
}


def p(*paragraphs: str) -> dict[str, Any]:
    return {"type": "paragraph", "value": "".join(f"<p>{text}</p>" for text in paragraphs)}


def ul(*items: str) -> dict[str, Any]:
    return {
        "type": "paragraph",
        "value": "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>",
    }


def h2(text: str) -> dict[str, Any]:
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def numbers(title: str, *items: tuple[str, str]) -> dict[str, Any]:
    return {
        "type": "numbers",
        "value": {"title": title, "items": [{"number": n, "label": label} for n, label in items]},
    }


def quote(text: str, attribution: str) -> dict[str, Any]:
    return {"type": "quote", "value": {"text": text, "attribution": attribution}}


HELPLINE_CTA = {
    "type": "call_to_action",
    "value": {
        "title": "Нужна помощь прямо сейчас?",
        "text": "Детский телефон доверия: бесплатно, анонимно, круглосуточно.",
        "link_text": "Позвонить 8-800-2000-122",
        "page": None,
        "url": "tel:88002000122",
    },
}

ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "mobilnaya-narodnaya-opeka-tolyatti",
        "title": "В Тольятти начал работу проект «Мобильная народная опека»",
        "date": dt.date(2020, 4, 20),
        "lead": "В период самоизоляции семьям с детьми в трудной ситуации помогают мобильные "
        "бригады Комплексного центра социального обслуживания населения Центрального округа.",
        "tags": ["мобильная бригада", "народная опека", "горячая линия"],
        "districts": ["tolyatti"],
        "cover": None,
        "body": [
            p(
                "В период самоизоляции и ограниченного общения с внешним миром особого внимания "
                "требуют семьи с детьми, состоящие на учёте по причине трудной жизненной ситуации "
                "или социально опасного положения.",
                "В целях оказания оперативной социальной, психологической, педагогической помощи "
                "семьям, а также предотвращения ненадлежащего отношения к несовершеннолетним "
                "администрация Тольятти совместно с Комплексным центром социального обслуживания "
                "населения Центрального округа реализуют новый межведомственный проект "
                "«Мобильная народная опека». Городской проект «Народная опека», стартовавший в "
                "2020 году, дополнен проектом Комплексного центра «Мобильная помощь в каждый дом».",
            ),
            h2("Как работает проект"),
            p(
                "<b>Первый этап.</b> Каждый, кто в период самоизоляции столкнулся с кризисом в "
                "своей семье или стал свидетелем неправомерных действий в отношении детей и любого "
                "семейного насилия, может позвонить на телефоны «горячей линии» проекта или на "
                "номер народной опеки (в демонстрационной версии сайта номера не приводятся).",
                "<b>Второй этап.</b> В случаях, требующих незамедлительного вмешательства, "
                "на место выезжает мобильная бригада: социальный педагог и психолог "
                "Комплексного центра. "
                "При необходимости подключаются сотрудники органов опеки, полиции, комиссии по "
                "делам несовершеннолетних и защите их прав.",
                "<b>Третий этап.</b> На месте мобильная бригада:",
            ),
            ul(
                "проводит обследование семьи, чтобы определить, какая социальная помощь ей нужна;",
                "предоставляет информационно-консультативную помощь, правовые, педагогические и "
                "другие срочные социальные услуги;",
                "при подтверждении тяжёлой жизненной ситуации в семье комиссионно решается вопрос "
                "о сопровождении семьи органами системы профилактики.",
            ),
            numbers(
                "По итогам первого квартала 2020 года",
                ("700", "семей на социальном обслуживании в отделениях центра"),
                ("1173", "ребёнка воспитываются в этих семьях"),
            ),
            p(
                "Проект позволит выявить семьи на ранней стадии неблагополучия, нормализовать "
                "психологический климат в семье, улучшить отношения родителей и детей и защитить "
                "права и интересы несовершеннолетних."
            ),
            HELPLINE_CTA,
        ],
    },
    {
        "slug": "sarmanovskiy-rayon-pomoshch-semyam",
        "title": "Сармановский район: единое окно помощи семьям в трудной жизненной ситуации",
        "date": dt.date(2021, 10, 15),
        "lead": "Комплексный центр «Шафкатъ» в Сармановском районе Татарстана объединил ведомства, "
        "чтобы выявлять семейное неблагополучие раньше и помогать семье командой.",
        "tags": ["межведомственное взаимодействие", "семьи в трудной ситуации"],
        "districts": ["sarmanovskiy-rayon"],
        "cover": None,
        "body": [
            p(
                "ГАУСО «КЦСОН «Шафкатъ» в Сармановском муниципальном районе Республики Татарстан "
                "представил практику оказания социальной помощи и поддержки семьям, находящимся в "
                "трудной жизненной ситуации. Это модель межведомственного взаимодействия: "
                "выявление проблем семейного неблагополучия, социальная и иные виды помощи, "
                "коллегиальное принятие мер по защите прав и законных интересов детей. "
                "Работа ведётся по участковому принципу. (Дата публикации в демонстрационных "
                "данных условная: в исходном тексте её нет.)"
            ),
            h2("Кто участвует"),
            ul(
                "учреждения социального обслуживания населения;",
                "подразделения по делам несовершеннолетних органов внутренних дел;",
                "учреждения здравоохранения и образования;",
                "отдел опеки и попечительства, отдел по делам молодёжи и спорту;",
                "сельские поселения и центр занятости населения.",
            ),
            h2("Как устроена помощь"),
            p(
                "<b>Единое окно</b> — одна система работы с семьями в трудной жизненной ситуации. "
                "<b>Командный подход</b> — решения принимаются коллегиально. "
                "<b>Семья — партнёр</b>: семья участвует в реабилитации, "
                "а не только получает помощь."
            ),
            ul(
                "приём сообщений о нарушении прав и законных интересов несовершеннолетних;",
                "формирование команды и определение экстренности реагирования;",
                "выезд межведомственной команды по адресу;",
                "оценка рисков и угроз безопасности ребёнка и семьи, помощь и поддержка;",
                "коллегиальное решение о реабилитационной работе;",
                "сопровождение семьи и ребёнка по межведомственной индивидуальной программе.",
            ),
            numbers(
                "Результаты внедрения практики",
                ("на 56%", "меньше случаев помещения детей в государственные учреждения"),
                ("на 45%", "меньше детей, о нарушении прав которых поступили сообщения"),
                ("на 13%", "меньше семей на межведомственном сопровождении"),
            ),
            HELPLINE_CTA,
        ],
    },
    {
        "slug": "semeynye-dispetcherskie",
        "title": "Более 10 тысяч российских семей получат помощь «Семейных диспетчерских»",
        "date": dt.date(2022, 3, 15),
        "lead": "С 2021 года в 21 регионе семьям с детьми помогают 28 «Семейных диспетчерских»: "
        "социальные службы, работающие в режиме «одного окна».",
        "tags": ["семейная диспетчерская", "Фонд поддержки детей"],
        "districts": ["cheboksary", "bodaybo", "tula"],
        "cover": "dispatch",
        "body": [
            p(
                "«Семейные диспетчерские» позволяют оперативно обеспечить семьям с детьми, "
                "попавшим в сложную ситуацию и не сумевшим преодолеть её самостоятельно, адресную "
                "комплексную социальную помощь. Поддержку в их создании оказывает Фонд поддержки "
                "детей, находящихся в трудной жизненной ситуации. По прогнозам, к концу 2022 года "
                "помощь специалистов служб получат более 10 000 семей.",
                "В фокусе внимания — семьи в ситуации социального неблагополучия, многодетные "
                "семьи, родители, воспитывающие детей с особенностями развития. Поводом для "
                "обращения могут стать сложности детско-родительских отношений, трудности в "
                "воспитании, тяжёлое финансовое положение, юридические проблемы.",
            ),
            h2("Как работает служба"),
            p(
                "Первый этап — консультация по телефону службы или онлайн. Если информации семье "
                "недостаточно, подключаются психологи, специалисты по социальной работе, юристы. "
                "Для каждой семьи составляется индивидуальная программа сопровождения, за семьёй "
                "закрепляется куратор, который «ведёт» её по всему маршруту помощи."
            ),
            numbers(
                "Цифры и факты",
                ("28", "«Семейных диспетчерских» в 21 регионе"),
                ("439", "обращений в Чебоксарах в 2021 году; 90 семей взяты на сопровождение"),
                ("296", "семей с 457 детьми получили помощь в Бодайбо в 2021 году"),
                ("более 3000", "телефонных консультаций в Туле в 2021 году"),
            ),
            quote(
                "Нашей проблемой занялась психолог службы, и она сразу поняла, какие струны души "
                "подростка затронуть, как помочь ребёнку раскрыться. Уже через месяц занятий "
                "ситуация стала улучшаться, тепло и взаимопонимание вернулись в наш дом.",
                "Многодетная мама Елена, Тула (по материалам «Тульских известий»)",
            ),
            HELPLINE_CTA,
        ],
    },
    {
        "slug": "sluzhby-sos-vologodskaya-oblast",
        "title": "В Вологодской области создадут службы экстренного реагирования "
        "на кризисные ситуации в семье",
        "date": dt.date(2022, 9, 20),
        "lead": "В 27 организациях социального обслуживания области появятся службы «SOS — "
        "служба особого сопровождения» для раннего выявления кризисов в семьях с детьми "
        "и экстренной помощи.",
        "tags": ["SOS-служба", "Безопасное детство", "экстренная помощь"],
        "districts": ["vologda"],
        "cover": "sos",
        "body": [
            p(
                "20 сентября Территориальный центр социальной помощи семье и детям провёл "
                "совещание в формате видеоконференцсвязи с организациями — соисполнителями "
                "Комплекса мер Вологодской области «Безопасное детство». В совещании приняли "
                "участие более 60 специалистов из 27 организаций социального обслуживания области.",
                "В этих учреждениях на базе отделений по работе с семьёй и детьми будут созданы "
                "службы экстренного реагирования на кризисные ситуации в семье «SOS — служба "
                "особого сопровождения». Цель службы — раннее выявление и вмешательство в "
                "кризисные ситуации семей с детьми, оказание экстренной помощи.",
            ),
            numbers(
                "",
                ("более 60", "специалистов участвовали в совещании"),
                ("27", "организаций социального обслуживания создадут службы SOS"),
            ),
            p(
                "Участники обсудили регламентацию деятельности служб, опыт других регионов, "
                "целевые показатели, локальные акты и формы документации. Специалисты "
                "Комплексного центра социального обслуживания населения Сокольского района "
                "поделились опытом экстренного реагирования на кризисные ситуации в семье. "
                "Отдельно обсудили, как рассказать жителям и органам системы профилактики, как "
                "обратиться в службу и какую помощь она оказывает.",
                "Комплекс мер «Безопасное детство» реализуется при софинансировании Фонда "
                "поддержки детей, находящихся в трудной жизненной ситуации.",
            ),
            HELPLINE_CTA,
        ],
    },
    {
        "slug": "itogi-bezopasnoe-detstvo-vologodskaya-oblast",
        "title": "Впечатляющие результаты: итоги комплекса мер «Безопасное детство» "
        "в Вологодской области",
        "date": dt.date(2023, 12, 15),
        "lead": "За 2022–2023 годы в области создано 55 новых служб помощи семьям в кризисной "
        "ситуации, специализированную помощь получили более 800 детей.",
        "tags": [
            "Безопасное детство",
            "итоги",
            "SOS-служба",
            "медиация",
            "буллинг",
            "зелёная комната",
        ],
        "districts": ["vologda"],
        "cover": "results",
        "body": [
            p(
                "В Территориальном центре социальной помощи семье и детям состоялось "
                "межрегиональное совещание, на котором подвели итоги Комплекса мер по оказанию "
                "помощи детям, пострадавшим от жестокого обращения, обеспечению безопасности "
                "детей «Безопасное детство», реализованного в Вологодской области в 2022–2023 "
                "годах при софинансировании Фонда поддержки детей, находящихся в трудной "
                "жизненной ситуации. Лучшие практики представили соисполнители комплекса мер, а "
                "также коллеги из Московской, Мурманской областей и Республики Карелия.",
            ),
            numbers(
                "55 новых служб",
                ("27", "служб экстренного реагирования «SOS — служба особого сопровождения»"),
                (
                    "4",
                    "службы реагирования на школьный буллинг, суицидальное и "
                    "аутоагрессивное поведение",
                ),
                ("7", "служб семейной медиации"),
                ("9", "служб примирения"),
                ("3", "службы поддержки женщин, пострадавших от насилия"),
                ("3", "«Зелёные комнаты»"),
                ("2", "игротерапевтических кабинета"),
            ),
            p(
                "Разработаны и внедрены 12 программ психологической реабилитации "
                "несовершеннолетних, пострадавших от насилия, 15 программ выявления случаев "
                "насилия в детской среде и 54 программы предотвращения деструктивного поведения "
                "подростков. В центрах помощи детям, оставшимся без попечения родителей, работает "
                "школа «Юный медиатор»; прошли акции «Стоп-буллинг», «Курьеры безопасности» и "
                "«Лаборатория добрых игр».",
            ),
            numbers(
                "Кому помогли",
                ("более 800", "детей, пострадавших от жестокого обращения"),
                ("32", "женщины с детьми, пострадавшие от насилия или под угрозой насилия"),
                ("837", "детей и подростков, проявлявших насилие к другим детям"),
                ("около 600", "родителей, не выполнявших обязанности по воспитанию детей"),
                ("более 6000", "детей и подростков занимались по программам профилактики"),
            ),
            p(
                "Обеспечен 100% территориальный охват области: современные социальные технологии "
                "внедрены в работу организаций социального обслуживания, образования и "
                "здравоохранения."
            ),
            HELPLINE_CTA,
        ],
    },
]


def load(home: Page, stdout=None) -> None:
    """Create the news index and the seed articles under `home` where they are missing."""
    districts = ensure_districts()
    index = ensure_index(home)
    ensure_english_index(index)
    for data in ARTICLES:
        save_article(index, data, districts)
    if stdout is not None:
        stdout.write(f"News: {len(ARTICLES)} demo articles in «{index.title}».")


def ensure_districts() -> dict[str, District]:
    districts = {}
    for slug, (name, kind, region, lat, lon) in DISTRICTS.items():
        # Get or create, never reset: the registry's demo owns the districts' values.
        districts[slug], _ = District.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "region": region,
                "latitude": lat,
                "longitude": lon,
            },
        )
    return districts


def ensure_index(home: Page) -> NewsIndexPage:
    index = NewsIndexPage.objects.child_of(home).first()
    created = index is None
    if index is None:
        index = NewsIndexPage(slug=INDEX["slug"], title=INDEX["title"])
        home.add_child(instance=index)
    if demo.may_fill(created):
        index.title = INDEX["title"]
        index.introduction = INDEX["introduction"]
        index.search_description = INDEX["introduction"]
        index.save_revision().publish()
    return index


def ensure_english_index(index: NewsIndexPage) -> NewsIndexPage | None:
    """The news index's English translation, when the English home page exists."""
    en = Locale.objects.filter(language_code="en").first()
    if en is None or not index.get_parent().has_translation(en):
        return None
    translation = NewsIndexPage.objects.filter(
        translation_key=index.translation_key, locale=en
    ).first()
    created = translation is None
    if translation is None:
        translation = index.copy_for_translation(en)
    if demo.may_fill(created):
        translation.slug = INDEX_EN["slug"]
        translation.title = INDEX_EN["title"]
        translation.introduction = INDEX_EN["introduction"]
        translation.search_description = INDEX_EN["introduction"]
        translation.save_revision().publish()
    return translation


def save_article(index: NewsIndexPage, data: dict[str, Any], districts: dict) -> NewsPage:
    page = NewsPage.objects.child_of(index).filter(slug=data["slug"]).first()
    created = page is None
    if page is None:
        page = NewsPage(
            slug=data["slug"], title=data["title"], date=data["date"], lead=data["lead"]
        )
        index.add_child(instance=page)
    if not demo.may_fill(created):
        return page
    page.title = data["title"]
    page.date = data["date"]
    page.lead = data["lead"]
    page.search_description = data["lead"]
    page.body = [*data["body"], *related_services_block(data)]
    if data["cover"]:
        page.cover_image = cover_image(data["cover"])
        page.cover_alt = COVERS[data["cover"]][2]
    page.tags.set(data["tags"])
    page.districts.set([districts[slug] for slug in data["districts"]])
    page.save_revision().publish()
    return page


def related_services_block(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Registry services of the article's districts, once the registry's demo created them."""
    services = list(
        Service.objects.public()
        .filter(locale__language_code="ru")
        .filter(locations__district__slug__in=data["districts"])
        .distinct()
        .order_by("name")
        .values_list("pk", flat=True)[:3]
    )
    if not services:
        return []
    return [
        {
            "type": "related_services",
            "value": {"title": "Куда обратиться", "services": services},
        }
    ]


def cover_image(key: str):
    """A flat demo illustration (PNG drawn with Pillow), created once."""
    Image = get_image_model()  # noqa: N806
    title = f"Демо: обложка новости ({key})"
    image = Image.objects.filter(title=title).first()
    if image is not None:
        return image
    dark, light, alt = COVERS[key]
    image = Image(
        title=title, description=alt, file=ImageFile(_draw(key, dark, light), f"demo-{key}.png")
    )
    image.save()
    return image


def _draw(key: str, dark: str, light: str) -> io.BytesIO:
    from PIL import Image as PILImage
    from PIL import ImageDraw

    width, height = 1600, 900
    picture = PILImage.new("RGB", (width, height), light)
    draw = ImageDraw.Draw(picture)
    if key == "sos":
        draw.ellipse((500, 150, 1100, 750), outline=dark, width=40)
        draw.polygon([(800, 280), (620, 450), (980, 450)], fill=dark)
        draw.rectangle((660, 450, 940, 640), fill=dark)
        draw.rectangle((770, 520, 830, 640), fill=light)
    elif key == "results":
        for i, bar in enumerate([180, 300, 420, 560, 680]):
            left = 300 + i * 220
            draw.rectangle((left, 780 - bar, left + 140, 780), fill=dark)
        draw.line((240, 780, 1360, 780), fill=dark, width=12)
    else:
        for i in range(7):
            draw.line((100, 100 + i * 115, 1100, 450), fill=dark, width=14)
        draw.rectangle((1100, 300, 1400, 600), outline=dark, width=30)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    buffer.seek(0)
    return buffer
