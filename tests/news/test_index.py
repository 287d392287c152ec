"""The news index: order, pages, filters, covers, and bad input that must never be a 500."""

import datetime as dt

import pytest
from wagtail.models import Locale, PageViewRestriction

from tests.news.conftest import soup
from tests.news.factories import CoverImageFactory, NewsIndexPageFactory, NewsPageFactory
from tests.registry.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [a.get_text(strip=True) for a in soup(response).select(".news-card__title a")]


def test_newest_first_ten_per_page(client, news_index):
    for day in range(23):
        NewsPageFactory(parent=news_index, title=f"Н{day:02d}", date=dt.date(2022, 1, 1 + day))
    first = client.get(news_index.url)
    assert first.status_code == 200
    assert titles(first) == [f"Н{day:02d}" for day in range(22, 12, -1)]
    assert "Найдено новостей: 23" in soup(first).select_one(".news-count").get_text()
    next_link = soup(first).select_one(".pagination a[rel=next]")
    assert next_link["href"] == "?page=2"

    third = client.get(news_index.url + "?page=3")
    assert titles(third) == ["Н02", "Н01", "Н00"]
    assert soup(third).select_one(".pagination a[rel=prev]")["href"] == "?page=2"


def test_same_day_news_keep_a_stable_order(client, news_index):
    first = NewsPageFactory(parent=news_index, title="Раньше", date=dt.date(2023, 5, 1))
    second = NewsPageFactory(parent=news_index, title="Позже", date=dt.date(2023, 5, 1))
    assert first.pk < second.pk
    assert titles(client.get(news_index.url)) == ["Позже", "Раньше"]


def test_each_item_shows_date_lead_and_responsive_lazy_cover_with_alt(client, news_index):
    NewsPageFactory(
        parent=news_index,
        title="Служба SOS открылась",
        date=dt.date(2022, 9, 20),
        lead="Служба экстренного реагирования начала работу.",
        cover_image=CoverImageFactory(),
        cover_alt="Сотрудники службы у входа в центр",
    )
    card = soup(client.get(news_index.url)).select_one(".news-card")
    assert card.select_one("time")["datetime"] == "2022-09-20"
    assert "20 сентября 2022" in card.select_one("time").get_text()
    assert "Служба экстренного реагирования" in card.select_one(".news-card__lead").get_text()
    img = card.select_one("img")
    assert img["loading"] == "lazy"
    assert img["alt"] == "Сотрудники службы у входа в центр"
    widths = [part.split()[-1] for part in img["srcset"].split(",")]
    assert widths == ["400w", "800w"]
    assert img["sizes"] and img["width"] and img["height"]


def test_cover_alt_falls_back_to_the_image_description(client, news_index):
    NewsPageFactory(
        parent=news_index, cover_image=CoverImageFactory(description="Дети на площадке")
    )
    assert soup(client.get(news_index.url)).select_one(".news-card img")["alt"] == (
        "Дети на площадке"
    )


def test_filter_by_tag_district_and_year(client, news_index):
    vologda = DistrictFactory(slug="vologda", name="Вологда")
    tula = DistrictFactory(slug="tula", name="Тула")
    NewsPageFactory(
        parent=news_index,
        title="Медиация в Вологде",
        date=dt.date(2022, 3, 1),
        tags=["медиация"],
        districts=[vologda],
    )
    NewsPageFactory(
        parent=news_index,
        title="Буллинг в Туле",
        date=dt.date(2023, 3, 1),
        tags=["буллинг"],
        districts=[tula],
    )
    NewsPageFactory(
        parent=news_index,
        title="Медиация в Туле",
        date=dt.date(2023, 4, 1),
        tags=["медиация"],
        districts=[tula],
    )

    assert titles(client.get(news_index.url, {"tag": "медиация"})) == [
        "Медиация в Туле",
        "Медиация в Вологде",
    ]
    assert titles(client.get(news_index.url, {"district": "vologda"})) == ["Медиация в Вологде"]
    assert titles(client.get(news_index.url, {"year": "2023"})) == [
        "Медиация в Туле",
        "Буллинг в Туле",
    ]
    combined = client.get(news_index.url, {"tag": "медиация", "district": "tula", "year": "2023"})
    assert titles(combined) == ["Медиация в Туле"]
    page = soup(combined)
    assert page.select_one("#news-filter-tag option[selected]")["value"] == "медиация"
    assert page.select_one("#news-filter-district option[selected]")["value"] == "tula"
    assert page.select_one("#news-filter-year option[selected]")["value"] == "2023"
    # The filter options offer only what exists, years newest first.
    assert [o["value"] for o in page.select("#news-filter-year option")] == ["", "2023", "2022"]
    # A valid combination with no news is an empty list, not an error.
    empty = client.get(news_index.url, {"tag": "буллинг", "year": "2022"})
    assert empty.status_code == 200
    assert titles(empty) == []
    # Tags on a card link to the filtered list.
    tag_link = soup(client.get(news_index.url)).select_one(".news-card .tag-list a")
    assert tag_link["href"].startswith(news_index.url + "?tag=")


def test_filters_and_pagination_work_together(client, news_index):
    for i in range(12):
        NewsPageFactory(parent=news_index, tags=["sos"], date=dt.date(2022, 1, 1 + i))
    NewsPageFactory(parent=news_index, tags=["другое"])
    response = client.get(news_index.url, {"tag": "sos", "page": "2"})
    assert response.status_code == 200
    assert len(titles(response)) == 2
    prev = soup(response).select_one(".pagination a[rel=prev]")["href"]
    assert "tag=sos" in prev and "page=1" in prev


def test_only_live_public_news_of_this_language_are_listed(client, news_index, english_home):
    NewsPageFactory(parent=news_index, title="Опубликована")
    NewsPageFactory(parent=news_index, title="Черновик", live=False)
    private = NewsPageFactory(parent=news_index, title="Закрытая")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    english_index = NewsIndexPageFactory(parent=english_home, title="News", slug="news")
    english_index.locale = Locale.objects.get(language_code="en")
    english_index.save()
    NewsPageFactory(parent=english_index, title="English news")

    assert titles(client.get(news_index.url)) == ["Опубликована"]
    assert titles(client.get("/en/news/")) == ["English news"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"tag": "net-takoy-temy"}, "Новостей на тему"),
        ({"district": "net-takogo-rayona"}, "Новостей об этом районе нет"),
        ({"year": "1999"}, "Новостей за 1999 год нет"),
        ({"page": "5"}, "Такой страницы нет"),
        ({"page": "0"}, "Такого фильтра нет"),
        ({"page": "abc"}, "Такого фильтра нет"),
    ],
)
def test_unknown_filter_or_page_is_a_helpful_404(client, news_index, query, message):
    NewsPageFactory(parent=news_index, tags=["медиация"])
    response = client.get(news_index.url, query)
    assert response.status_code == 404
    page = soup(response)
    assert message in page.select_one(".news-problem").get_text()
    assert page.select_one(".news-problem a")["href"] == news_index.url
    # Still the whole site: filters to choose from and the emergency numbers.
    assert page.select_one("form.news-filters")
    assert page.select_one("header a[href='tel:112']")
    assert page.select_one("meta[name=robots]")["content"] == "noindex"


@pytest.mark.parametrize("query", ["?page=+", "?page=%20%20", "?year=+", "?page=+&year=%20"])
def test_a_blank_page_or_year_is_no_filter(client, news_index, query):
    """As a blank tag or district is: `make fuzz` found «?page=+» (a space) refused with
    «Такого фильтра нет» while «?page=» showed the first page."""
    NewsPageFactory(parent=news_index, title="Опубликована")
    response = client.get(news_index.url + query)
    assert response.status_code == 200
    assert titles(response) == ["Опубликована"]


JUNK = [
    "?page=-1",
    "?page=1.5",
    "?page=1e3",
    "?page=99999999999999999999999",
    "?page=%00",
    "?page=",
    "?page=1&page=abc",
    "?tag=%00",
    "?tag=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "?tag=" + "а" * 5000,
    "?tag=%F0%9F%92%A3",
    "?tag=%ED%A0%80",
    "?tag[]=x",
    "?district=%27%20OR%201%3D1--",
    "?district=../../etc/passwd",
    "?year=abc",
    "?year=0",
    "?year=-2022",
    "?year=20220",
    "?year=2022%00",
    "?year=%D9%A2%D9%A0%D9%A2%D9%A2",
    "?tag=&district=&year=",
    "?utm_source=x&fbclid=" + "x" * 3000,
]


@pytest.mark.parametrize("query", JUNK)
@pytest.mark.parametrize("suffix", ["", "rss/", "atom/"])
def test_junk_in_the_query_string_is_never_a_500(client, news_index, query, suffix):
    NewsPageFactory(parent=news_index, tags=["медиация"], date=dt.date(2022, 1, 1))
    response = client.get(news_index.url + suffix + query)
    assert response.status_code in (200, 404), (query, response.status_code)
    if suffix == "" and response.status_code == 404:
        assert soup(response).select_one(".news-problem")


def test_unknown_route_under_the_index_is_a_404(client, news_index):
    assert client.get(news_index.url + "no-such-news/").status_code == 404
    assert client.get(news_index.url + "rss/extra/").status_code == 404


def test_filter_options_follow_publishing(client, news_index):
    """Options are cached; publishing or unpublishing news refreshes them."""
    first = NewsPageFactory(parent=news_index, tags=["медиация"])
    assert client.get(news_index.url, {"tag": "медиация"}).status_code == 200
    assert client.get(news_index.url, {"tag": "буллинг"}).status_code == 404

    later = NewsPageFactory(parent=news_index, live=False)
    later.tags.set(["буллинг"])
    later.save_revision().publish()
    assert client.get(news_index.url, {"tag": "буллинг"}).status_code == 200

    first.unpublish()
    assert client.get(news_index.url, {"tag": "медиация"}).status_code == 404
    options = soup(client.get(news_index.url)).select("#news-filter-tag option")
    assert [o["value"] for o in options] == ["", "буллинг"]
