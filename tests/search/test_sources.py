"""The search host and its sources: every app registers one from its own
``search_source`` module; the engines, the ``/search/`` page, the indexer and the
spelling go over them. A throwaway source (Wagtail's documents, declared here with
``search.api`` only) is found, counted, shown and indexed without a line of ``search/``
changing."""

import ast
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.template import Template
from django.template.loader import get_template
from wagtail.documents.models import Document

import search
from safechildhood.home.models import StandardPage
from safechildhood.news.models import NewsPage
from safechildhood.registry.models import Service
from search import sources
from search.api import SearchSource, highlight, make_document, register, unregister
from search.database import DatabaseEngine
from search.elastic import indexing, queries
from search.query import SearchRequest
from search.site import search_site
from search.spelling import correct
from tests.factories import StandardPageFactory

SEARCH_DIR = Path(search.__file__).parent
APPS = ("home", "news", "registry", "requests")


# --- the registry ------------------------------------------------------------------------


def test_every_app_registers_its_source_in_the_type_filters_order():
    assert sources.source_keys() == ("service", "page", "news")
    models = {source.key: source.model for source in sources.sources()}
    assert models == {"service": Service, "page": StandardPage, "news": NewsPage}
    for source in sources.sources():
        assert str(source.label) and str(source.plural)
        get_template(source.template)  # the card exists
        assert type(source).__module__.endswith(".search_source")


@pytest.mark.django_db
def test_finding_a_source():
    assert sources.get_source("news").model is NewsPage
    with pytest.raises(ValueError, match="Unknown search type"):
        sources.get_source("video")
    assert sources.source_for_model(StandardPage).key == "page"
    assert sources.source_for_model(Document) is None
    assert sources.source_for(Service(name="x")).key == "service"
    with pytest.raises(TypeError):
        sources.source_for(Document(title="x"))


def test_a_source_needs_a_key_and_registering_again_replaces_it():
    with pytest.raises(ValueError):
        register(SearchSource())
    news = sources.get_source("news")
    sources.autodiscover()  # modules already imported: nothing twice
    assert sources.source_keys() == ("service", "page", "news")
    assert register(news) is news and sources.source_keys().count("news") == 1


def test_iter_sources_keeps_the_filters_order():
    assert [s.key for s in sources.iter_sources(["news", "video", "service"])] == [
        "service",
        "news",
    ]


def test_the_host_imports_no_app_and_names_no_type():
    """``search`` sits below the apps: no import of them, no if/elif over their types."""
    for path in SEARCH_DIR.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert not name.startswith(tuple(f"safechildhood.{app}" for app in APPS)), (
                    path,
                    name,
                )
        text = path.read_text(encoding="utf-8")
        assert "TYPE_SERVICE" not in text and "TYPE_NEWS" not in text, path
        assert "TYPE_PAGE" not in text, path


# --- a throwaway source --------------------------------------------------------------------


class Documents(SearchSource):
    """What an app adding documents to the search would write in its search_source.py."""

    key = "document"
    label = "Документ"
    plural = "Документы"
    order = 40
    model = Document
    template = Template(
        '<li class="search-result search-result--document">{{ hit.label }}: '
        "{{ hit.highlights.title }}</li>"
    )

    def searchable(self, language):
        return Document.objects.all()

    def highlights(self, match, obj, query):
        return {"title": highlight(obj.title, query)}

    def document(self, obj, language, context=None):
        return make_document(self.key, obj, language, title=obj.title, body="")

    def vocabulary(self, language):
        return ["Меморандум"]


@pytest.fixture
def documents(db):
    source = register(Documents())
    yield source
    unregister(source.key)


@pytest.fixture
def memo(documents):
    return Document.objects.create(
        title="Памятка о медиации для родителей", file=ContentFile(b"memo", name="memo.txt")
    )


def test_a_new_source_is_found_by_the_database_engine(home, memo):
    StandardPageFactory(parent=home, title="Семейная медиация")
    answer = DatabaseEngine().search("медиации", language="ru")
    assert answer.counts == {"service": 0, "page": 1, "news": 0, "document": 1}
    assert ("document", memo.pk) in [(match.type, match.pk) for match in answer.matches]
    only = DatabaseEngine().search("памятка", language="ru", types=["document"])
    assert [(match.type, match.pk) for match in only.matches] == [("document", memo.pk)]
    assert DatabaseEngine().ids("document", "памятка", language="ru", limit=5) == [memo.pk]


def test_a_new_source_is_searched_shown_and_offered_as_a_filter(client, home, memo):
    results = search_site(SearchRequest(query="памятка", language="ru"))
    assert [(hit.type, hit.object) for hit in results.hits] == [("document", memo)]
    assert results.facets["type"] == {"service": 0, "page": 0, "news": 0, "document": 1}

    response = client.get("/search/", {"q": "памятка", "type": "document"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Документ: <mark>Памятка</mark> о медиации для родителей" in html
    assert "Документы" in html  # the type filter's option


def test_a_new_source_is_indexed_for_elasticsearch(memo):
    assert indexing.type_of(memo) == "document"
    actions = indexing.sync_actions("document", [memo.pk])
    assert [(action["_id"], action["_index"]) for action in actions] == [
        (f"document-{memo.pk}", "safechildhood-ru"),
        (f"document-{memo.pk}", "safechildhood-en"),
    ]
    assert actions[0]["_source"]["title"] == "Памятка о медиации для родителей"
    assert memo in list(indexing.public_objects("ru"))
    search_dict = queries.site_search("памятка").to_dict()
    assert search_dict["aggs"]["types"]["terms"]["size"] == 4


def test_a_new_source_adds_to_the_spelling_vocabulary(documents):
    assert correct("меморандом", "ru") == "меморандум"
