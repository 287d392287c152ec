"""Against a real Elasticsearch 8 (``ELASTICSEARCH_URL=http://localhost:9200 pytest -m
elasticsearch``): build the indices, search in Russian, then delete them.

Every run uses its own index prefix, so it never touches the site's indices. The
database engine is disabled here: a silent fallback must not pass for Elasticsearch.
"""

import io
import os
import uuid

import pytest
from django.core.management import call_command

from safechildhood.home.search_source import PAGE as TYPE_PAGE
from safechildhood.news.search_source import NEWS as TYPE_NEWS
from safechildhood.registry.models import Service
from safechildhood.registry.search_source import SERVICE as TYPE_SERVICE
from search.elastic import connection, engine, indexing
from search.elastic.engine import ElasticEngine
from tests.factories import StandardPageFactory
from tests.news.factories import NewsIndexPageFactory, NewsPageFactory
from tests.registry.factories import DistrictFactory, LocationFactory, ServiceFactory

pytestmark = [
    pytest.mark.elasticsearch,
    pytest.mark.skipif(
        not os.environ.get("ELASTICSEARCH_URL"),
        reason="ELASTICSEARCH_URL unset: live Elasticsearch tests skipped",
    ),
    pytest.mark.django_db,
]


@pytest.fixture
def live(settings, monkeypatch):
    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.ELASTICSEARCH_INDEX = f"test-{uuid.uuid4().hex[:10]}"

    def no_fallback():
        raise AssertionError("Elasticsearch did not answer: the engine fell back")

    monkeypatch.setattr(engine, "_database_engine", no_fallback)
    client = connection.get_client()
    yield client
    prefix = connection.index_prefix()
    names = client.options(ignore_status=404).indices.get(index=f"{prefix}-*").body
    for name in names:
        if name.startswith(f"{prefix}-"):
            client.options(ignore_status=404).indices.delete(index=name)


@pytest.fixture
def site(home):
    sokol = DistrictFactory(name="Сокольский округ", slug="live-sokol")
    services = {
        "mediation": ServiceFactory(
            name="Служба семейной медиации (демо)",
            description="Помогаем родителям договориться о детях.",
            kinds=["mediation"],
        ),
        "bullying": ServiceFactory(
            name="Служба экстренного реагирования (демо)",
            description="Срочная помощь школьникам.",
            kinds=["bullying"],
        ),
        "women": ServiceFactory(
            name="Кризисное отделение для женщин (демо)",
            description="Временное проживание и консультации.",
            kinds=["women_crisis"],
        ),
        "green": ServiceFactory(
            name="Зелёная комната (демо)", description="Беседа с ребёнком.", kinds=["green_room"]
        ),
    }
    LocationFactory(
        service=services["women"],
        district=sokol,
        address="ул. Потаённая, д. 13",
        is_confidential=True,
    )
    news_index = NewsIndexPageFactory(parent=home)
    news = NewsPageFactory(
        parent=news_index,
        title="В области открылась служба медиации",
        lead="Медиаторы помогут семьям договориться.",
    )
    page = StandardPageFactory(
        parent=home, title="Как получить помощь", introduction="Куда звонить, если страшно."
    )
    return {**services, "news": news, "page": page}


def rebuild() -> str:
    out = io.StringIO()
    call_command("search_index", "--rebuild", stdout=out)
    return out.getvalue()


def refresh(client) -> None:
    for language in connection.languages():
        client.indices.refresh(index=connection.index_alias(language))


def services_found(query: str, **kwargs) -> list[int]:
    answer = ElasticEngine().search(query, language="ru", types=[TYPE_SERVICE], **kwargs)
    return [match.pk for match in answer.matches]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("медиатор", "mediation"),
        ("медиация", "mediation"),
        ("травля", "bullying"),
        ("буллинг", "bullying"),
        ("насилие", "women"),
        ("домашнее насилие", "women"),
        ("медиацыя", "mediation"),  # a typo
        ("булинг", "bullying"),  # a typo
        ("зеленая комната", "green"),  # ё typed as е
    ],
)
def test_words_find_the_expected_service_first(live, site, query, expected):
    rebuild()
    found = services_found(query)
    assert found and found[0] == site[expected].pk, (query, found)
    best = ElasticEngine().ids(TYPE_SERVICE, query, language="ru", limit=100)[0]
    assert best == site[expected].pk


def test_counts_highlights_and_kind_boost(live, site):
    rebuild()
    answer = ElasticEngine().search("медиация", language="ru", limit=1)
    assert answer.counts == {TYPE_SERVICE: 1, TYPE_PAGE: 0, TYPE_NEWS: 1}
    assert len(answer.matches) == 1  # the window; the counts cover everything
    only_news = ElasticEngine().search("медиация", language="ru", types=[TYPE_NEWS])
    assert [match.pk for match in only_news.matches] == [site["news"].pk]
    assert only_news.counts == answer.counts  # the type filter does not change the counts
    best = answer.matches[0]
    assert "<mark>" in "".join(best.highlights.values())
    boosted = ElasticEngine().search("служба", language="ru", kinds={"bullying": 2, "mediation": 1})
    assert [(match.type, match.pk) for match in boosted.matches[:2]] == [
        (TYPE_SERVICE, site["bullying"].pk),
        (TYPE_SERVICE, site["mediation"].pk),
    ]


def test_confidential_address_is_not_findable(live, site):
    rebuild()
    assert services_found("Потаённая") == []
    assert ElasticEngine().search("Потаенная 13", language="ru").total == 0
    assert services_found("Сокольский") == [site["women"].pk]  # its district is


def test_english_index_holds_untranslated_services(live, site):
    rebuild()
    answer = ElasticEngine().search("mediation", language="en", types=[TYPE_SERVICE])
    assert [match.pk for match in answer.matches][:1] == [site["mediation"].pk]


def test_unpublishing_removes_and_rebuild_swaps(live, site):
    output = rebuild()
    assert f"{connection.index_alias('ru')} → " in output
    first = indexing.alias_targets("ru", live)
    service = site["mediation"]
    service.unpublish()
    assert indexing.update_search_index.call(TYPE_SERVICE, [service.pk]) == "done"
    refresh(live)
    assert service.pk not in services_found("медиация")

    Service.objects.filter(pk=service.pk).update(live=True)
    rebuild()
    second = indexing.alias_targets("ru", live)
    assert second != first and len(second) == 1
    assert not live.indices.exists(index=first[0])  # the old index is deleted
    assert services_found("медиация") == [service.pk]
