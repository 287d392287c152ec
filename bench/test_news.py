"""Server time of the news index and an article with 5,000 published news items.

The news are written in bulk (treebeard paths computed, not one `add_child` per
page), so that the set-up takes seconds. Each benchmark records its p95 and
its number of SQL queries in `extra_info`; the figures go to bench/RESULTS.md.
"""

import datetime as dt
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F
from django.utils import timezone
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page

from safechildhood.news.models import NewsPage, NewsPageTag
from safechildhood.registry.models import District
from tests.factories import build_site
from tests.news.factories import CoverImageFactory, NewsIndexPageFactory

from .conftest import measure

NEWS_COUNT = 5_000
TOPICS = ["медиация", "буллинг", "SOS-служба", "зелёная комната", "семейная диспетчерская"]
BATCH = 500


def bulk_news(index, count: int) -> list[int]:
    """`count` live articles under `index`, with covers, two topics and a district each."""
    content_type = ContentType.objects.get_for_model(NewsPage)
    images = [CoverImageFactory() for _ in range(10)]
    districts = [
        District.objects.get_or_create(
            slug=f"bench-{i}",
            defaults={
                "name": f"Район {i}",
                "region": "Вологодская область",
                "latitude": 59.2,
                "longitude": 39.9,
            },
        )[0]
        for i in range(20)
    ]
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TOPICS]
    now = timezone.now()
    start = index.numchild
    pages = []
    for i in range(count):
        slug = f"novost-{start + i + 1}"
        pages.append(
            Page(
                title=f"Новость {i}: в районе открылась служба помощи семьям",
                draft_title=f"Новость {i}",
                slug=slug,
                content_type=content_type,
                path=Page._get_path(index.path, index.depth + 1, start + i + 1),
                depth=index.depth + 1,
                numchild=0,
                url_path=f"{index.url_path}{slug}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
                locale_id=index.locale_id,
                translation_key=uuid.uuid4(),
            )
        )
    ids: list[int] = []
    for offset in range(0, count, BATCH):
        created = Page.objects.bulk_create(pages[offset : offset + BATCH])
        ids.extend(page.pk for page in created)
    news = [
        NewsPage(
            page_ptr_id=page_id,
            date=dt.date(2020, 1, 1) + dt.timedelta(days=i % 1460),
            lead="Служба экстренного реагирования начала работу в районе.",
            cover_image_id=images[i % len(images)].pk,
            cover_alt="Специалисты службы",
            body=[],
        )
        for i, page_id in enumerate(ids)
    ]
    local_fields = NewsPage._meta.local_concrete_fields
    for offset in range(0, count, BATCH):
        NewsPage.objects._insert(news[offset : offset + BATCH], fields=local_fields)
    NewsPageTag.objects.bulk_create(
        [
            NewsPageTag(content_object_id=page_id, tag_id=tags[(i + k) % len(tags)].pk)
            for i, page_id in enumerate(ids)
            for k in range(2)
        ],
        batch_size=BATCH,
    )
    through = NewsPage.districts.through
    through.objects.bulk_create(
        [
            through(newspage_id=page_id, district_id=districts[i % len(districts)].pk)
            for i, page_id in enumerate(ids)
        ],
        batch_size=BATCH,
    )
    Page.objects.filter(pk=index.pk).update(numchild=F("numchild") + count)
    # Fresh statistics, as autovacuum would gather them after such an insert.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return ids


@pytest.fixture
def news_site(db):
    home = build_site()
    index = NewsIndexPageFactory(parent=home)
    ids = bulk_news(index, NEWS_COUNT)
    assert NewsPage.objects.child_of(index).live().count() == NEWS_COUNT
    return index, ids


@pytest.mark.parametrize(
    "query",
    ["", "?page=250", "?tag=медиация", "?district=bench-3&year=2022&page=3"],
)
def test_news_index_with_5000_news(benchmark, client, news_site, query):
    index, _ids = news_site
    measure(benchmark, client, index.url + query, news=NEWS_COUNT)


def test_news_article_with_5000_news(benchmark, client, news_site):
    _index, ids = news_site
    measure(benchmark, client, NewsPage.objects.get(pk=ids[-1]).url, news=NEWS_COUNT)


def test_rss_feed_with_5000_news(benchmark, client, news_site):
    index, _ids = news_site
    measure(benchmark, client, index.url + "rss/", news=NEWS_COUNT)


def test_bulk_pages_are_a_valid_tree(news_site):
    """The bulk paths are what treebeard would have written."""
    index, ids = news_site
    index.refresh_from_db()
    assert index.numchild == NEWS_COUNT
    assert Page.find_problems() == ([], [], [], [], [])
    assert get_image_model().objects.count() == 10
