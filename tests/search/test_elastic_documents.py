"""What goes into the Elasticsearch index: documents of pages, news and services, and
each language's analysis. The privacy rule: nothing of a confidential place but its
district, anywhere in the serialized document."""

import datetime as dt
import json

import pytest
from wagtail.models import Locale
from wagtail.rich_text import RichText

from safechildhood.home.search_source import page_document
from safechildhood.news.search_source import news_document
from safechildhood.registry.models import Service
from safechildhood.registry.search_source import service_document, service_prefetch
from search.elastic import documents
from search.elastic.documents import SearchDocument, index_definition, stream_text
from tests.factories import StandardPageFactory
from tests.news.factories import NewsIndexPageFactory, NewsPageFactory
from tests.registry.factories import (
    DistrictFactory,
    LocationFactory,
    OrganizationFactory,
    ServiceAreaFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


def serialized(document: SearchDocument) -> str:
    return json.dumps(document.to_dict(include_meta=True), ensure_ascii=False, default=str)


# --- index settings ----------------------------------------------------------------------


def test_russian_index_folds_yo_drops_stop_words_and_stems():
    definition = index_definition("ru", "safechildhood-ru-1").to_dict()
    analysis = definition["settings"]["analysis"]
    text = analysis["analyzer"]["site_text"]
    assert text["tokenizer"] == "standard"
    (char_filter,) = text["char_filter"]
    assert "ё => е" in analysis["char_filter"][char_filter]["mappings"]
    assert "Ё => Е" in analysis["char_filter"][char_filter]["mappings"]
    assert text["filter"][0] == "lowercase"
    filters = [analysis["filter"][name] for name in text["filter"][1:]]
    assert {"type": "stop", "stopwords": "_russian_"} in filters
    assert {"type": "stemmer", "language": "russian"} in filters
    assert definition["settings"]["number_of_shards"] == 1


def test_both_languages_share_the_mapping():
    ru, en = index_definition("ru").to_dict(), index_definition("en").to_dict()
    assert ru["mappings"] == en["mappings"]
    mapping = ru["mappings"]
    assert mapping["dynamic"] == "strict"  # an undeclared field (an address) is refused
    fields = mapping["properties"]
    assert fields["title"] == {"type": "text", "analyzer": "site_text"}
    assert fields["body"] == {"type": "text", "analyzer": "site_text"}
    for keyword in ("type", "kinds", "groups", "districts"):
        assert fields[keyword] == {"type": "keyword"}
    assert fields["pk"] == {"type": "integer"}
    assert fields["date"] == {"type": "date"}
    assert fields["is_24_7"] == {"type": "boolean"}
    assert fields["url"]["index"] is False
    english = en["settings"]["analysis"]
    assert {"type": "stemmer", "language": "english"} in english["filter"].values()
    assert {"type": "stop", "stopwords": "_english_"} in english["filter"].values()


# --- pages and news --------------------------------------------------------------------------


def test_standard_page_document(home):
    page = StandardPageFactory(
        parent=home,
        title="Как помочь ребёнку при травле",
        introduction="Что делать родителям, если ребёнка травят в школе.",
    )
    page.body = [
        ("heading", {"text": "Куда обратиться", "level": "h2"}),
        ("paragraph", RichText("<p>Позвоните в <b>службу</b> экстренного реагирования.</p>")),
    ]
    page.save()
    page.refresh_from_db()

    document = page_document(page)
    data = document.to_dict(include_meta=True)
    assert data["_id"] == f"page-{page.pk}"
    assert data["_index"] == "safechildhood-ru"
    source = data["_source"]
    assert source["type"] == "page" and source["pk"] == page.pk
    assert source["title"] == "Как помочь ребёнку при травле"
    assert "Что делать родителям" in source["body"]
    assert "Куда обратиться" in source["body"]
    assert "Позвоните в службу экстренного реагирования." in source["body"]
    assert "<b>" not in source["body"]
    # A heading's level is a choice, not content.
    assert "h2" not in source["body"] and "Заголовок раздела" not in source["body"]
    assert "kinds" not in source and "date" not in source


def test_news_document_has_date_tags_and_districts(home):
    sokol = DistrictFactory(name="Сокольский округ", slug="sokolskij")
    totma = DistrictFactory(name="Тотемский округ", slug="totemskij")
    news = NewsPageFactory(
        parent=NewsIndexPageFactory(parent=home),
        title="Открылась служба медиации",
        lead="Медиаторы помогут семьям договориться.",
        date=dt.date(2025, 3, 14),
        tags=["медиация", "семья"],
        districts=[sokol, totma],
    )
    news.refresh_from_db()

    data = news_document(news).to_dict(include_meta=True)
    assert data["_id"] == f"news-{news.pk}"
    source = data["_source"]
    assert source["type"] == "news"
    assert source["date"] == dt.date(2025, 3, 14)
    assert source["districts"] == ["sokolskij", "totemskij"]
    assert "Медиаторы помогут семьям договориться." in source["body"]
    assert "медиация" in source["body"] and "семья" in source["body"]
    assert "Сокольский округ" in source["body"]


def test_stream_text_skips_choices_and_keeps_nested_text(home):
    page = StandardPageFactory(parent=home)
    page.body = [
        (
            "accordion",
            {
                "title": "Частые вопросы",
                "items": [{"question": "Нужно ли имя?", "answer": RichText("<p>Нет.</p>")}],
            },
        ),
        ("heading", {"text": "Контакты", "level": "h3"}),
    ]
    page.save()
    page.refresh_from_db()
    text = stream_text(page.body.stream_block, page.body)
    assert text == ["Частые вопросы", "Нужно ли имя?", "Нет.", "Контакты"]


# --- services -----------------------------------------------------------------------------------


@pytest.fixture
def shelter():
    """A crisis service for women with one confidential place and one public one."""
    organization = OrganizationFactory(name="Центр «Надежда»", alternate_name="Надежда")
    service = ServiceFactory(
        name="Кризисное отделение для женщин",
        alternate_name="Убежище",
        description="Временное проживание и консультации.",
        eligibility_description="Женщины с детьми, пострадавшие от насилия.",
        application_process="Позвоните на горячую линию.",
        organization=organization,
        is_24_7=True,
        kinds=["women_crisis", "helpline"],
        target_groups=["women_violence"],
    )
    secret = DistrictFactory(
        name="Сокольский округ", slug="sokolskij", region="Вологодская область"
    )
    LocationFactory(
        service=service,
        name="Отделение в с. Тайное",
        address="с. Тайное, ул. Скрытая, д. 7",
        postal_code="162139",
        district=secret,
        latitude=59.4711,
        longitude=40.1234,
        transportation="Автобус 112 до остановки «Фабрика»",
        accessibility="Пандус со двора",
        is_confidential=True,
    )
    ServiceAreaFactory(service=service, district=DistrictFactory(name="Вологда", slug="vologda"))
    return Service.objects.prefetch_related(*service_prefetch()).get(pk=service.pk)


def test_service_document(shelter):
    data = service_document(shelter).to_dict(include_meta=True)
    assert data["_id"] == f"service-{shelter.pk}"
    assert data["_index"] == "safechildhood-ru"
    source = data["_source"]
    assert source["type"] == "service"
    assert source["title"] == "Кризисное отделение для женщин"
    assert source["kinds"] == ["helpline", "women_crisis"]
    assert source["groups"] == ["women_violence"]  # the target groups' codes, to boost on
    assert source["districts"] == ["sokolskij", "vologda"]
    assert source["is_24_7"] is True
    body = source["body"]
    for text in (
        "Убежище",
        "Временное проживание и консультации.",
        "Женщины с детьми, пострадавшие от насилия.",
        "Позвоните на горячую линию.",
        "Центр «Надежда»",
        "Кризисная помощь женщинам, пострадавшим от насилия",  # the kind's name
        "насилие насилия насилии",  # and its search keywords
        "Телефон доверия",
        "Женщины, пострадавшие от насилия",  # the target group
        "Сокольский округ",  # a confidential place's district is public
        "Вологодская область",
        "Вологда",
    ):
        assert text in body, text


def test_a_confidential_place_leaves_only_its_district(shelter):
    whole = serialized(service_document(shelter))
    for secret in (
        "Тайное",
        "Скрытая",
        "162139",
        "59.4711",
        "40.1234",
        "Автобус",
        "Фабрика",
        "Пандус",
    ):
        assert secret not in whole, secret
    assert "sokolskij" in whole and "Сокольский округ" in whole


def test_public_addresses_are_not_indexed_either():
    service = ServiceFactory()
    LocationFactory(service=service, address="г. Вологда, ул. Мира, д. 1", latitude=59.2205)
    service = Service.objects.prefetch_related(*service_prefetch()).get(pk=service.pk)
    whole = serialized(service_document(service))
    assert "Мира" not in whole and "59.2205" not in whole


def test_untranslated_service_in_the_english_index_uses_english_kind_names(shelter):
    Locale.objects.get_or_create(language_code="en")
    data = service_document(shelter, "en").to_dict(include_meta=True)
    assert data["_index"] == "safechildhood-en"
    assert data["_id"] == f"service-{shelter.pk}"
    body = data["_source"]["body"]
    assert "Crisis support for women affected by violence" in body
    assert "Временное проживание и консультации." in body  # the Russian entry stands in


def test_document_for_refuses_other_objects(home):
    with pytest.raises(TypeError):
        documents.document_for(home)
