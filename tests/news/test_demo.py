"""Demo news: the five seed texts, with their dates, topics and districts; idempotent."""

import io

import pytest

from safechildhood.news import demo
from safechildhood.news.models import NewsIndexPage, NewsPage
from safechildhood.registry.models import District
from tests.news.conftest import soup

pytestmark = pytest.mark.django_db


def test_demo_news_are_the_seeds_and_loading_twice_changes_nothing(client, home):
    demo.load(home, io.StringIO())
    demo.load(home, io.StringIO())
    assert NewsIndexPage.objects.count() == 1
    news = list(NewsPage.objects.live().order_by("date"))
    assert len(news) == 5
    assert [n.date.year for n in news] == [2020, 2021, 2022, 2022, 2023]
    assert all(n.locale.language_code == "ru" for n in news)
    by_slug = {n.slug: n for n in news}
    results = by_slug["itogi-bezopasnoe-detstvo-vologodskaya-oblast"]
    assert "55" in results.lead
    assert {"медиация", "буллинг"} <= set(results.tags.names())
    assert [d.slug for d in results.districts.all()] == ["vologda"]
    dispatch = by_slug["semeynye-dispetcherskie"]
    assert {d.slug for d in dispatch.districts.all()} == {"cheboksary", "bodaybo", "tula"}
    assert by_slug["sluzhby-sos-vologodskaya-oblast"].date.isoformat() == "2022-09-20"
    assert District.objects.filter(slug__in=demo.DISTRICTS).count() == 6
    assert all(n.cover_alt_text for n in news if n.cover_image)

    index = soup(client.get(NewsIndexPage.objects.get().url))
    assert "55 новых служб" in index.select_one(".news-card__lead").get_text()
    article = soup(client.get(results.url))
    figures = [n.get_text() for n in article.select(".numbers__number")]
    assert "27" in figures and "более 800" in figures


def test_demo_text_has_no_phone_numbers_but_the_two_allowed(home):
    import re

    demo.load(home, io.StringIO())
    text = " ".join(str(n.body) + n.lead for n in NewsPage.objects.all())
    numbers = set(re.findall(r"(?:tel:)?\+?\d[\d\- ()]{5,}\d", text))
    allowed = {"tel:88002000122", "8-800-2000-122"}
    assert {n.strip() for n in numbers} - allowed == set()


def test_demo_keeps_existing_districts(home):
    District.objects.create(
        slug="vologda",
        name="Вологда (из реестра)",
        region="Вологодская область",
        latitude=59.2,
        longitude=39.9,
    )
    demo.load(home, io.StringIO())
    assert District.objects.get(slug="vologda").name == "Вологда (из реестра)"
