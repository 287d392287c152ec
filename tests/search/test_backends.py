"""The registry's word matching asks the configured engine when it is not the database."""

import pytest

from safechildhood.registry.models import Service
from safechildhood.registry.queries import search_services
from search import backends
from search.engine import EngineAnswer
from search.query import SearchRequest
from tests.registry.factories import ServiceFactory

pytestmark = pytest.mark.django_db


class FixedEngine:
    """An external engine that always answers the same services, best first."""

    answer: list[int] = []
    asked: list[tuple[str, str]] = []

    def search(self, query, **kwargs):  # pragma: no cover - not used by the registry
        return EngineAnswer(matches=[], counts={})

    def ids(self, source, query, *, language, limit):
        assert source == "service"
        FixedEngine.asked.append((query, language))
        return FixedEngine.answer[:limit]


@pytest.fixture
def external(settings):
    settings.SEARCH_ENGINE = f"{__name__}.FixedEngine"
    FixedEngine.asked = []
    return FixedEngine


def test_the_database_answers_by_default(home):
    service = ServiceFactory(name="Служба медиации (демо)")
    ServiceFactory(name="Другая служба (демо)")
    found = backends.matching(Service.objects.public(), "медиации")
    assert list(found) == [service]


def test_an_external_engine_orders_and_the_callers_filters_still_apply(home, external):
    first = ServiceFactory(name="Первая (демо)")
    second = ServiceFactory(name="Вторая (демо)")
    closed = ServiceFactory(name="Закрытая (демо)", status=Service.Status.CLOSED)
    external.answer = [second.pk, closed.pk, first.pk]
    results = search_services(SearchRequest(query="что угодно", language="ru"))
    assert results.items == [second, first]  # the engine's order; closed filtered out here
    assert ("что угодно", "ru") in external.asked
    assert set(backends.matching(Service.objects.public(), "x")) == {first, second}


def test_an_external_engine_with_no_match_finds_nothing(home, external):
    ServiceFactory(name="Служба (демо)")
    external.answer = []
    assert search_services(SearchRequest(query="медиация", language="ru")).items == []
