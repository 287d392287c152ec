"""Seed the managed taxonomies (kinds of help, target groups) in Russian and English.

Each term has a stable `code` (used in URLs, filters and imports) and `keywords`:
synonyms and word forms, so that «медиатор», «травля», «буллинг», «насилие» find
the right services with PostgreSQL's Russian stemming and with SQLite's plain
word matching alike. The English row shares the Russian row's translation_key,
so Wagtail sees it as its translation. Editors can add and edit terms later.
"""

import uuid

from django.db import migrations

# code, (ru name, ru description), (en name, en description), keywords
KINDS = [
    (
        "sos",
        (
            "SOS – служба особого сопровождения",
            "Служба экстренного реагирования на кризисные ситуации в семье: раннее "
            "выявление и экстренная помощь семьям с детьми.",
        ),
        (
            "SOS – special family support service",
            "Emergency response to crises in families with children: early help and "
            "urgent support.",
        ),
        "SOS экстренная экстренное экстренный реагирование кризис кризисная кризисные "
        "ситуация семья семьи семье сопровождение срочно срочная помощь выезд "
        "emergency crisis family urgent",
    ),
    (
        "bullying",
        (
            "Служба экстренного реагирования при буллинге, суицидальном и "
            "аутоагрессивном поведении",
            "Срочная помощь школьникам и их родителям при травле, угрозе суицида и "
            "самоповреждениях.",
        ),
        (
            "Emergency service for bullying, suicidal and self-harming behaviour",
            "Urgent help for pupils and parents in cases of bullying, suicide risk and self-harm.",
        ),
        "травля травли травлю травле травят буллинг буллинга буллингом кибербуллинг "
        "школа школе школьный школьная школьники одноклассники суицид суицида "
        "суицидальное суицидальные самоповреждение самоповреждения селфхарм "
        "аутоагрессия аутоагрессивное bullying cyberbullying suicide self-harm school",
    ),
    (
        "mediation",
        (
            "Служба семейной медиации",
            "Медиатор помогает родителям и детям договориться: споры о детях, развод, "
            "конфликты в семье.",
        ),
        (
            "Family mediation service",
            "A mediator helps parents and children reach agreement: disputes over "
            "children, divorce, family conflicts.",
        ),
        "медиация медиации медиацию медиатор медиатора медиатору медиаторы медиаторов "
        "медиативный медиативная примирение договориться переговоры конфликт "
        "конфликты развод споры спор mediation mediator divorce conflict",
    ),
    (
        "reconciliation",
        (
            "Служба примирения",
            "Восстановительные программы для подростков и семей: разрешение конфликтов "
            "и правонарушений через примирение.",
        ),
        (
            "Reconciliation service",
            "Restorative programmes for teenagers and families: resolving conflicts "
            "through reconciliation.",
        ),
        "примирение примирения примирить восстановительная восстановительные "
        "медиация медиатор школьная служба конфликт конфликты ссора подростки "
        "правонарушение reconciliation restorative justice conflict",
    ),
    (
        "women_crisis",
        (
            "Кризисная помощь женщинам, пострадавшим от насилия",
            "Поддержка женщин и матерей с детьми, пострадавших от насилия или "
            "живущих под угрозой насилия: консультации, временное проживание.",
        ),
        (
            "Crisis support for women affected by violence",
            "Support for women and mothers with children affected or threatened by "
            "violence: counselling, temporary shelter.",
        ),
        "насилие насилия насилии насилием домашнее семейное семье семья побои бьёт бьет избиение "
        "угрозы кризисный центр приют убежище женщины женщинам женщина мать матери "
        "violence domestic abuse shelter women",
    ),
    (
        "green_room",
        (
            "Зелёная комната",
            "Оборудованная комната, где специалисты бережно беседуют с ребёнком, "
            "пострадавшим от насилия или ставшим свидетелем преступления.",
        ),
        (
            "Green room",
            "A child-friendly room where specialists interview a child who has suffered "
            "violence or witnessed a crime.",
        ),
        "зелёная зеленая комната опрос допрос беседа ребёнок ребенок пострадавший "
        "свидетель жестокое обращение следствие green room child interview",
    ),
    (
        "play_therapy",
        (
            "Игротерапевтический кабинет",
            "Психологическая помощь детям через игру, в том числе после травмы.",
        ),
        (
            "Play-therapy room",
            "Psychological help for children through play, including after trauma.",
        ),
        "игротерапия игротерапии игровая терапия игротерапевт игры психолог дети "
        "малыши травма play therapy",
    ),
    (
        "family_dispatch",
        (
            "Семейная диспетчерская",
            "Служба «одного окна»: консультирует семью и собирает нужную помощь разных "
            "ведомств, закрепляет куратора.",
        ),
        (
            "Family dispatch",
            "A one-stop service: advises a family, gathers help from different "
            "agencies and assigns a case manager.",
        ),
        "семейная диспетчерская диспетчерская диспетчер одно окно единое окно "
        "консультация куратор сопровождение многодетные трудная ситуация "
        "family dispatch one-stop",
    ),
    (
        "mobile_team",
        (
            "Выездная (мобильная) бригада",
            "Специалисты выезжают к семье домой, когда нужна срочная помощь.",
        ),
        (
            "Mobile team",
            "Specialists visit the family at home when urgent help is needed.",
        ),
        "выезд выездная мобильная бригада бригады команда на дом домой срочно "
        "межведомственная mobile team outreach home visit",
    ),
    (
        "helpline",
        (
            "Телефон доверия",
            "Анонимная и бесплатная психологическая помощь по телефону.",
        ),
        (
            "Helpline",
            "Anonymous, free psychological help by phone.",
        ),
        "телефон доверия горячая линия анонимно анонимный позвонить звонок "
        "поговорить helpline hotline phone",
    ),
    (
        "psychological",
        (
            "Психологическая помощь",
            "Консультации психолога для детей, подростков и родителей.",
        ),
        (
            "Psychological help",
            "Counselling for children, teenagers and parents.",
        ),
        "психолог психолога психологическая психологическую помощь консультация "
        "тревога депрессия стресс страх горе психотерапевт psychologist counselling",
    ),
    (
        "legal",
        (
            "Юридическая помощь",
            "Бесплатные консультации юриста: права ребёнка, алименты, опека, жильё.",
        ),
        (
            "Legal help",
            "Free legal advice: children's rights, child support, guardianship, housing.",
        ),
        "юрист юриста юридическая правовая консультация права алименты опека "
        "суд документы жильё lawyer legal rights",
    ),
    (
        "social_support",
        (
            "Социальная поддержка",
            "Социальные услуги и сопровождение семей в трудной жизненной ситуации.",
        ),
        (
            "Social support",
            "Social services and case support for families in difficult circumstances.",
        ),
        "социальная помощь поддержка соцзащита пособия выплаты малоимущие трудная "
        "жизненная ситуация продукты одежда трудоустройство social support benefits",
    ),
]

TARGET_GROUPS = [
    (
        "families_with_children",
        ("Семьи с детьми", ""),
        ("Families with children", ""),
        "семья семьи семьям дети детей ребёнок ребенок родители",
    ),
    (
        "children_violence",
        ("Дети, пострадавшие от насилия", ""),
        ("Children affected by violence", ""),
        "дети ребёнок ребенок насилие жестокое обращение побои пострадавшие",
    ),
    (
        "teenagers",
        ("Подростки", ""),
        ("Teenagers", ""),
        "подросток подростки подростков школьник школьники юноши девушки",
    ),
    (
        "women_violence",
        ("Женщины, пострадавшие от насилия", ""),
        ("Women affected by violence", ""),
        "женщины женщина мать насилие домашнее побои",
    ),
    (
        "parents",
        ("Родители", ""),
        ("Parents", ""),
        "родители родитель мама папа мать отец опекуны",
    ),
    (
        "large_families",
        ("Многодетные семьи", ""),
        ("Large families", ""),
        "многодетные многодетная многодетных",
    ),
    (
        "disabled_children",
        ("Семьи, воспитывающие детей с инвалидностью", ""),
        ("Families raising disabled children", ""),
        "инвалидность инвалидностью инвалид ОВЗ особенности развития",
    ),
    (
        "crisis_families",
        ("Семьи в трудной жизненной ситуации", ""),
        ("Families in difficult circumstances", ""),
        "трудная жизненная ситуация социально опасное положение неблагополучие кризис",
    ),
]


def seed(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    ru = Locale.objects.get_or_create(language_code="ru")[0]
    en = Locale.objects.get_or_create(language_code="en")[0]
    for model_name, rows in (("ServiceKind", KINDS), ("TargetGroup", TARGET_GROUPS)):
        model = apps.get_model("registry", model_name)
        for order, (code, (ru_name, ru_text), (en_name, en_text), keywords) in enumerate(rows):
            existing = model.objects.filter(code=code, locale=ru).first()
            key = existing.translation_key if existing else uuid.uuid4()
            for locale, name, text in ((ru, ru_name, ru_text), (en, en_name, en_text)):
                model.objects.get_or_create(
                    code=code,
                    locale=locale,
                    defaults={
                        "translation_key": key,
                        "name": name,
                        "description": text,
                        "keywords": keywords,
                        "sort_order": (order + 1) * 10,
                    },
                )


def unseed(apps, schema_editor):
    for model_name, rows in (("ServiceKind", KINDS), ("TargetGroup", TARGET_GROUPS)):
        model = apps.get_model("registry", model_name)
        model.objects.filter(code__in=[row[0] for row in rows], services__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_services"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
