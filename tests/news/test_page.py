"""A news article: what it shows, how it is shared, what it links to."""

import datetime as dt
import json

import pytest
import wagtail_factories
from django.core.exceptions import ValidationError
from wagtail.models import Locale

from safechildhood.news.models import NewsPage
from safechildhood.registry.models import Service
from tests.news.conftest import soup
from tests.news.factories import CoverImageFactory, NewsPageFactory
from tests.registry.factories import DistrictFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(news_index):
    return NewsPageFactory(
        parent=news_index,
        title="Службы SOS в Вологодской области",
        slug="sluzhby-sos",
        date=dt.date(2022, 9, 20),
        lead="В 27 организациях появятся службы экстренного реагирования.",
        cover_image=CoverImageFactory(),
        cover_alt="Специалисты службы SOS",
        tags=["SOS-служба", "экстренная помощь"],
        districts=[DistrictFactory(slug="vologda", name="Вологда")],
    )


def test_article_shows_date_lead_cover_topics_and_breadcrumbs(client, home, news_index, article):
    response = client.get(article.url)
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text() == "Службы SOS в Вологодской области"
    assert page.select_one(".news-article time")["datetime"] == "2022-09-20"
    assert "В 27 организациях" in page.select_one(".news-article .lead").get_text()
    cover = page.select_one(".news-article__cover img")
    assert cover["alt"] == "Специалисты службы SOS" and "800w" in cover["srcset"]
    crumbs = page.select(".breadcrumbs li")
    assert [li.get_text(strip=True) for li in crumbs] == [
        home.title,
        news_index.title,
        "Службы SOS в Вологодской области",
    ]
    assert crumbs[1].a["href"] == news_index.url
    topics = {a.get_text(): a["href"] for a in page.select(".news-article__topics a")}
    assert topics["Вологда"] == news_index.url + "?district=vologda"
    assert topics["SOS-служба"].startswith(news_index.url + "?tag=")
    # A topic link leads to a list that contains this article.
    listed = soup(client.get(topics["SOS-служба"])).select(".news-card__title a")
    assert [a.get_text() for a in listed] == [article.title]


def test_open_graph_twitter_and_json_ld(client, article):
    page = soup(client.get(article.url))

    def meta(attr: str, name: str) -> str:
        return page.select_one(f"meta[{attr}='{name}']")["content"]

    full_url = "http://localhost/novosti/sluzhby-sos/"
    assert meta("property", "og:type") == "article"
    assert meta("property", "og:title") == article.title
    assert meta("property", "og:description") == article.lead
    assert meta("property", "og:url") == full_url
    assert meta("property", "og:locale") == "ru_RU"
    assert meta("property", "og:image").startswith("http://localhost/media/images/")
    assert ".fill-1200x630." in meta("property", "og:image")
    assert meta("property", "og:image:alt") == "Специалисты службы SOS"
    assert meta("property", "article:published_time").startswith("2022-09-20")
    tags = {m["content"] for m in page.select("meta[property='article:tag']")}
    assert tags == {"SOS-служба", "экстренная помощь"}
    assert meta("name", "twitter:card") == "summary_large_image"
    assert meta("name", "twitter:title") == article.title
    assert page.select_one("link[rel=canonical]")["href"] == full_url
    data = json.loads(page.select_one("script[type='application/ld+json']").string)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["datePublished"].startswith("2022-09-20")


def test_json_ld_cannot_break_out_of_its_script_element(client, news_index):
    page = NewsPageFactory(parent=news_index, title="</script><script>alert(1)</script>")
    html = client.get(page.url).content.decode()
    assert "</script><script>alert(1)" not in html
    data = json.loads(
        soup(client.get(page.url)).select_one("script[type='application/ld+json']").string
    )
    assert data["headline"] == "</script><script>alert(1)</script>"


def test_article_without_cover_has_a_summary_card(client, news_index):
    page = NewsPageFactory(parent=news_index)
    html = soup(client.get(page.url))
    assert html.select_one("meta[name='twitter:card']")["content"] == "summary"
    assert html.select_one("meta[property='og:image']") is None


def test_cover_needs_an_alt_text_unless_the_image_has_a_description(news_index):
    page = NewsPageFactory(parent=news_index)
    page.cover_image = CoverImageFactory(description="")
    page.cover_alt = "   "
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "cover_alt" in error.value.message_dict
    page.cover_alt = "Дети рисуют на занятии"
    page.full_clean()
    assert page.cover_alt_text == "Дети рисуют на занятии"
    page.cover_alt = ""
    page.cover_image = CoverImageFactory(description="Зелёная комната в центре")
    page.full_clean()
    assert page.cover_alt_text == "Зелёная комната в центре"


def test_related_news_share_a_topic_or_a_district(client, news_index, article):
    vologda = article.districts.first()
    same_tag = NewsPageFactory(parent=news_index, title="Та же тема", tags=["SOS-служба"])
    same_district = NewsPageFactory(parent=news_index, title="Тот же район", districts=[vologda])
    NewsPageFactory(parent=news_index, title="Не связана", tags=["другое"])
    NewsPageFactory(parent=news_index, title="Черновик", tags=["SOS-служба"], live=False)
    related = [
        a.get_text()
        for a in soup(client.get(article.url)).select(".related-news .news-card__title a")
    ]
    assert set(related) == {same_tag.title, same_district.title}
    for i in range(4):
        NewsPageFactory(parent=news_index, tags=["SOS-служба"], date=dt.date(2023, 1, 1 + i))
    cards = soup(client.get(article.url)).select(".related-news .news-card")
    assert len(cards) == 3


def test_article_with_nothing_related_has_no_related_section(client, news_index):
    page = NewsPageFactory(parent=news_index, tags=["одна"])
    assert soup(client.get(page.url)).select_one(".related-news") is None


def test_news_blocks_quote_numbers_document_and_services(client, news_index):
    document = wagtail_factories.DocumentFactory(title="Положение о службе")
    shown = ServiceFactory(name="Служба медиации", alternate_name="СМ")
    closed = ServiceFactory(name="Закрытая служба", status=Service.Status.CLOSED)
    page = NewsPageFactory(parent=news_index)
    page.body = [
        {"type": "quote", "value": {"text": "Тепло вернулось в наш дом.", "attribution": "Елена"}},
        {
            "type": "numbers",
            "value": {
                "title": "Итоги",
                "items": [
                    {"number": "55", "label": "новых служб"},
                    {"number": "27", "label": "служб SOS"},
                ],
            },
        },
        {"type": "document", "value": {"document": document.pk, "title": ""}},
        {
            "type": "related_services",
            "value": {"title": "Куда обратиться", "services": [closed.pk, shown.pk]},
        },
    ]
    page.save_revision().publish()
    html = soup(client.get(page.url))
    assert html.select_one(".quote blockquote").get_text(strip=True) == "Тепло вернулось в наш дом."
    assert "Елена" in html.select_one(".quote figcaption").get_text()
    figures = [
        (li.select_one(".numbers__number").get_text(), li.select_one(".numbers__label").get_text())
        for li in html.select(".numbers__item")
    ]
    assert figures == [("55", "новых служб"), ("27", "служб SOS")]
    link = html.select_one(".document-link a")
    assert link.get_text() == "Положение о службе" and link["href"] == document.url
    services = [n.get_text() for n in html.select(".related-services__name")]
    assert services == ["Служба медиации"]


def test_related_services_show_the_english_translation_on_english_pages(
    client, news_index, english_home
):
    from django.utils import translation

    from safechildhood.news.blocks import localized_public_services

    service = ServiceFactory(name="Служба медиации")
    english = service.copy_for_translation(Locale.objects.get(language_code="en"))
    english.name = "Family mediation service"
    english.live = True
    english.save()
    with translation.override("en"):
        assert [s.name for s in localized_public_services([service])] == [english.name]
    with translation.override("ru"):
        assert [s.name for s in localized_public_services([service])] == [service.name]


def test_news_page_can_only_live_under_a_news_index(home, news_index):
    assert NewsPage.can_create_at(news_index)
    assert not NewsPage.can_create_at(home)
