"""The searches sent to Elasticsearch (read from ``Search.to_dict()``) and the engine's
answers: hits to ``Match`` rows, the aggregation to counts, the database when
Elasticsearch does not answer. No server: the client is a fake or a closed port."""

import json
import sys
import types as pytypes

import pytest
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import ConnectionTimeout

from safechildhood.home.search_source import PAGE as TYPE_PAGE
from safechildhood.news.search_source import NEWS as TYPE_NEWS
from safechildhood.registry.search_source import SERVICE as TYPE_SERVICE
from search.elastic import connection, queries
from search.elastic.engine import ElasticEngine
from search.engine import EngineAnswer, Match
from search.sources import source_keys

TYPES = source_keys()  # the registered sources: service, page, news


def body(search) -> dict:
    return search.to_dict()


def text_clauses(search_dict: dict) -> list[dict]:
    """The should clauses of the text query, wherever the kind boost put it."""
    query = search_dict["query"]
    while "function_score" in query:
        query = query["function_score"]["query"]
    should = query["bool"]["should"]
    if "multi_match" not in should[0]:  # the kinds' services found without the words
        should = should[0]["bool"]["should"]
    return should


def all_keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in all_keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in all_keys(item)}
    return set()


# --- site_search ---------------------------------------------------------------------


def test_any_word_matches_and_every_word_comes_first():
    """Issue 12: every word had to match; now any word does, and a document holding
    every word scores :data:`ALL_WORDS_WEIGHT` more, above any text score."""
    search_dict = body(queries.site_search("семейная медиация"))
    assert search_dict["query"]["bool"]["minimum_should_match"] == 1
    exact, fuzzy, phrase, every = text_clauses(search_dict)
    assert exact["multi_match"] == {
        "query": "семейная медиация",
        "fields": ["title^3", "body"],
        "type": "cross_fields",
        "operator": "or",
    }
    assert fuzzy["multi_match"]["fuzziness"] == "AUTO"
    assert fuzzy["multi_match"]["operator"] == "or"
    assert fuzzy["multi_match"]["fields"] == ["title^3", "body"]
    assert fuzzy["multi_match"]["boost"] < 1  # a typo never outranks the right word
    assert phrase["multi_match"]["type"] == "phrase"
    assert phrase["multi_match"]["boost"] > 1
    assert every == {
        "constant_score": {
            "filter": {
                "multi_match": {
                    "query": "семейная медиация",
                    "fields": ["title^3", "body"],
                    "type": "cross_fields",
                    "operator": "and",
                }
            },
            "boost": queries.ALL_WORDS_WEIGHT,
        }
    }
    assert queries.ALL_WORDS_WEIGHT < queries.GROUP_WEIGHT < queries.KIND_WEIGHT


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\"' AND (x", "AND x"),
        ("медиация* OR title:secret~2 ^10", "медиация OR title secret 2 10"),
        ('"домашнее насилие"', "домашнее насилие"),
        ('{"query": {"match_all": {}}}', "query match_all"),
        ("a\\b/c[d]", "a b c d"),
    ],
)
def test_visitor_syntax_is_only_words(raw, expected):
    search_dict = body(queries.site_search(raw))
    keys = all_keys(search_dict)
    assert "query_string" not in keys
    assert "simple_query_string" not in keys
    assert "match_all" not in keys
    for clause in text_clauses(search_dict):
        match = clause.get("multi_match") or clause["constant_score"]["filter"]["multi_match"]
        assert match["query"] == expected


def test_type_filter_narrows_hits_not_counts():
    search_dict = body(queries.site_search("помощь", types=[TYPE_NEWS, TYPE_SERVICE]))
    # A post_filter: the hits are of the asked types, the aggregation counts all types
    # (the type filter shows what each choice would find).
    assert search_dict["post_filter"] == {"terms": {"type": [TYPE_SERVICE, TYPE_NEWS]}}
    assert "filter" not in search_dict["query"]["bool"]
    assert search_dict["aggs"] == {"types": {"terms": {"field": "type", "size": len(TYPES)}}}


def test_unknown_types_are_dropped():
    search_dict = body(queries.site_search("помощь", types=[TYPE_PAGE, "user"]))
    assert search_dict["post_filter"] == {"terms": {"type": [TYPE_PAGE]}}


def test_kind_boost_only_with_kinds():
    plain = body(queries.site_search("насилие в семье"))
    assert "function_score" not in json.dumps(plain)
    assert "function_score" not in json.dumps(body(queries.site_search("x", kinds={})))
    boosted = body(queries.site_search("насилие в семье", kinds={"women_crisis": 2, "sos": 1}))
    breadth = boosted["query"]["function_score"]
    assert (breadth["boost_mode"], breadth["score_mode"]) == ("sum", "sum")
    score = breadth["query"]["function_score"]
    assert (score["boost_mode"], score["score_mode"]) == ("sum", "max")
    # The kind named by more words first: a service gets the weight of its strongest kind.
    assert score["functions"] == [
        {
            "filter": {
                "bool": {
                    "filter": [
                        {"term": {"type": TYPE_SERVICE}},
                        {"terms": {"kinds": ["women_crisis"]}},
                    ]
                }
            },
            "weight": 2 * queries.KIND_WEIGHT,
        },
        {
            "filter": {
                "bool": {
                    "filter": [{"term": {"type": TYPE_SERVICE}}, {"terms": {"kinds": ["sos"]}}]
                }
            },
            "weight": queries.KIND_WEIGHT,
        },
    ]
    # The text query is unchanged underneath.
    assert text_clauses(boosted) == text_clauses(plain)


def test_a_service_of_more_of_the_named_kinds_comes_first_among_equals():
    """Both kinds named as strongly: a service having both gets more than one having
    one, and less than a level more of the strongest kind."""
    levels = {"social_support": 4, "family_dispatch": 4}
    breadth = body(queries.site_search("нечем кормить", kinds=levels))["query"]["function_score"]
    weights = {
        function["filter"]["bool"]["filter"][1]["term"]["kinds"]: function["weight"]
        for function in breadth["functions"]
    }
    assert weights == {
        "family_dispatch": 4 * queries.KIND_WEIGHT / 9,
        "social_support": 4 * queries.KIND_WEIGHT / 9,
    }
    assert sum(weights.values()) < queries.KIND_WEIGHT
    one = body(queries.site_search("нечем кормить", kinds={"social_support": 4}))
    assert one["query"]["function_score"]["score_mode"] == "max"  # one kind: no breadth


def test_services_of_a_named_kind_are_found_without_the_words():
    """«помирить» is in no document: the services of the kind it names match anyway."""
    boosted = body(queries.site_search("помирить", kinds={"reconciliation": 1}))
    matched = boosted["query"]["function_score"]["query"]["bool"]
    assert matched["minimum_should_match"] == 1
    text, named = matched["should"]
    assert "multi_match" in text["bool"]["should"][0]
    assert named == {
        "bool": {
            "filter": [{"term": {"type": TYPE_SERVICE}}, {"terms": {"kinds": ["reconciliation"]}}]
        }
    }


def test_named_target_groups_weigh_less_than_kinds_and_find_nothing_alone():
    both = body(
        queries.site_search("муж бьёт", kinds={"women_crisis": 2, "group:women_violence": 2})
    )
    groups = both["query"]["function_score"]
    assert groups["functions"] == [
        {
            "filter": {
                "bool": {
                    "filter": [
                        {"term": {"type": TYPE_SERVICE}},
                        {"terms": {"groups": ["women_violence"]}},
                    ]
                }
            },
            "weight": 2 * queries.GROUP_WEIGHT,
        }
    ]
    kinds = groups["query"]["function_score"]
    assert kinds["functions"][0]["weight"] == 2 * queries.KIND_WEIGHT
    only_groups = body(queries.site_search("подросток", kinds={"group:teenagers": 1}))
    # A group orders services; it adds none that hold no word.
    assert "terms" not in json.dumps(only_groups["query"]["function_score"]["query"])


def test_highlight_settings():
    highlight = body(queries.site_search("травля"))["highlight"]
    assert highlight["pre_tags"] == ["<mark>"]
    assert highlight["post_tags"] == ["</mark>"]
    assert highlight["encoder"] == "html"  # the text around the marks is escaped
    assert highlight["fields"]["title"] == {"number_of_fragments": 0}
    assert highlight["fields"]["body"] == {"fragment_size": 200, "number_of_fragments": 1}


def test_offset_and_limit_are_from_and_size():
    search_dict = body(queries.site_search("травля", offset=20, limit=10))
    assert (search_dict["from"], search_dict["size"]) == (20, 10)
    negative = body(queries.site_search("травля", offset=-5, limit=3))
    assert (negative.get("from", 0), negative["size"]) == (0, 3)


def test_only_type_and_pk_come_back_best_first():
    search_dict = body(queries.site_search("травля"))
    assert search_dict["_source"] == ["type", "pk"]
    assert search_dict["sort"][0] == "_score"
    assert search_dict["track_scores"] is True


def test_service_search():
    search_dict = body(queries.source_search(TYPE_SERVICE, "медиатор (", limit=1000))
    assert search_dict["size"] == 1000
    assert search_dict["_source"] == ["pk"]
    assert search_dict["query"]["bool"]["filter"] == [{"term": {"type": TYPE_SERVICE}}]
    assert (
        search_dict["query"]["bool"]["must"][0]["bool"]["should"][0]["multi_match"]["query"]
        == "медиатор"
    )
    assert "aggs" not in search_dict and "highlight" not in search_dict


# --- the engine ------------------------------------------------------------------------------


class FakeClient:
    """Answers ``search`` with a canned response and records the request."""

    def __init__(self, response=None, error=None):
        self.response, self.error, self.requests = response, error, []

    def search(self, **kwargs):
        self.requests.append(kwargs)
        if self.error:
            raise self.error
        return pytypes.SimpleNamespace(body=self.response)


def es_response(hits, buckets):
    return {
        "took": 3,
        "timed_out": False,
        "hits": {"total": {"value": len(hits), "relation": "eq"}, "max_score": None, "hits": hits},
        "aggregations": {"types": {"buckets": buckets}},
    }


def hit(type_, pk, score, highlight=None):
    found = {
        "_index": "safechildhood-ru-1",
        "_id": f"{type_}-{pk}",
        "_score": score,
        "_source": {"type": type_, "pk": pk},
        "sort": [score],
    }
    if highlight:
        found["highlight"] = highlight
    return found


@pytest.fixture
def elastic(settings, monkeypatch):
    settings.ELASTICSEARCH_URL = "http://elastic.invalid:9200"
    settings.ELASTICSEARCH_INDEX = "SafeChildhood"
    client = FakeClient()
    monkeypatch.setattr(connection, "get_client", lambda: client)
    return client


@pytest.fixture
def database_engine(monkeypatch):
    """A stand-in for ``search.database.DatabaseEngine`` that records its calls."""
    calls = []
    answer = EngineAnswer(
        matches=[Match(type=TYPE_PAGE, pk=5)], counts={TYPE_SERVICE: 0, TYPE_PAGE: 1, TYPE_NEWS: 0}
    )

    class RecordingDatabaseEngine:
        def search(self, query, **kwargs):
            calls.append(("search", query, kwargs))
            return answer

        def ids(self, source, query, **kwargs):
            calls.append(("ids", source, query, kwargs))
            return [7, 3]

    module = pytypes.ModuleType("search.database")
    module.DatabaseEngine = RecordingDatabaseEngine
    monkeypatch.setitem(sys.modules, "search.database", module)
    return pytypes.SimpleNamespace(calls=calls, answer=answer)


def test_engine_turns_hits_and_buckets_into_an_answer(elastic):
    elastic.response = es_response(
        [
            hit(TYPE_SERVICE, 12, 1004.5, {"title": ["Служба <mark>медиации</mark>"]}),
            hit(
                TYPE_NEWS,
                3,
                2.25,
                {"body": ["про <mark>медиацию</mark> &amp; споры", "и <mark>медиатора</mark>"]},
            ),
        ],
        [{"key": TYPE_SERVICE, "doc_count": 4}, {"key": TYPE_NEWS, "doc_count": 1}],
    )
    answer = ElasticEngine().search(
        "медиация", language="ru", offset=0, limit=2, kinds={"mediation": 1}
    )
    assert answer.matches == [
        Match(TYPE_SERVICE, 12, 1004.5, {"title": "Служба <mark>медиации</mark>"}),
        Match(
            TYPE_NEWS,
            3,
            2.25,
            {"body": "про <mark>медиацию</mark> &amp; споры … и <mark>медиатора</mark>"},
        ),
    ]
    # Every type is counted, 0 when none matched; the window does not matter.
    assert answer.counts == {TYPE_SERVICE: 4, TYPE_PAGE: 0, TYPE_NEWS: 1}
    assert answer.total == 5
    (request,) = elastic.requests
    assert request["index"] == ["safechildhood-ru"]  # the language's alias, lower case
    assert request["body"]["query"]["function_score"]["functions"][0]["weight"] == 10000


def test_engine_counts_every_type_whatever_it_asks_for(elastic):
    elastic.response = es_response(
        [hit(TYPE_NEWS, 8, 1.5)],
        [{"key": TYPE_NEWS, "doc_count": 2}, {"key": TYPE_PAGE, "doc_count": 5}],
    )
    answer = ElasticEngine().search("медиация", language="en", types=[TYPE_NEWS])
    assert [match.type for match in answer.matches] == [TYPE_NEWS]
    assert answer.counts == {TYPE_SERVICE: 0, TYPE_PAGE: 5, TYPE_NEWS: 2}
    assert elastic.requests[0]["index"] == ["safechildhood-en"]
    assert elastic.requests[0]["body"]["post_filter"] == {"terms": {"type": [TYPE_NEWS]}}


def test_engine_without_words_asks_nothing(elastic):
    answer = ElasticEngine().search("«» !!", language="ru")
    assert answer.matches == [] and answer.counts == dict.fromkeys(TYPES, 0)
    assert ElasticEngine().ids(TYPE_SERVICE, "...", language="ru", limit=10) == []
    assert elastic.requests == []


def test_service_ids(elastic):
    elastic.response = {
        "hits": {"hits": [hit(TYPE_SERVICE, 9, 3.0), hit(TYPE_SERVICE, 2, 1.0)]},
    }
    assert ElasticEngine().ids(TYPE_SERVICE, "травля", language="ru", limit=1000) == [9, 2]
    assert elastic.requests[0]["body"]["size"] == 1000


@pytest.mark.parametrize(
    "error", [ESConnectionError("connection refused"), ConnectionTimeout("timed out")]
)
def test_engine_falls_back_to_the_database(elastic, database_engine, error, caplog):
    elastic.error = error
    answer = ElasticEngine().search(
        "медиация", language="ru", types=[TYPE_PAGE], offset=10, limit=5, kinds={"x": 1}
    )
    assert answer is database_engine.answer
    assert database_engine.calls == [
        (
            "search",
            "медиация",
            {
                "language": "ru",
                "types": [TYPE_PAGE],
                "offset": 10,
                "limit": 5,
                "kinds": {"x": 1},
            },
        )
    ]
    assert "Elasticsearch did not answer" in caplog.text
    assert ElasticEngine().ids(TYPE_SERVICE, "травля", language="ru", limit=50) == [7, 3]
    asked = {"language": "ru", "limit": 50}
    assert database_engine.calls[-1] == ("ids", TYPE_SERVICE, "травля", asked)


def test_engine_falls_back_on_a_missing_index(elastic, database_engine):
    from elasticsearch import NotFoundError

    meta = pytypes.SimpleNamespace(status=404, headers={})
    elastic.error = NotFoundError("index_not_found_exception", meta, {})
    assert ElasticEngine().search("медиация", language="ru") is database_engine.answer


def test_engine_falls_back_when_nothing_listens(settings, database_engine):
    """A real client, a real refused connection: no 500, the database answers."""
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    assert ElasticEngine().search("медиация", language="ru") is database_engine.answer
    assert database_engine.calls[0][0] == "search"


@pytest.mark.django_db
def test_the_real_database_engine_answers_when_elasticsearch_is_down(settings):
    """End to end: a refused connection, and the visitor still finds the service."""
    from tests.registry.factories import ServiceFactory

    service = ServiceFactory(name="Служба семейной медиации", kinds=["mediation"])
    ServiceFactory(name="Зелёная комната", kinds=["green_room"])
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    answer = ElasticEngine().search("медиация", language="ru", types=[TYPE_SERVICE])
    assert [(match.type, match.pk) for match in answer.matches] == [(TYPE_SERVICE, service.pk)]
    assert answer.counts[TYPE_SERVICE] == 1
    assert ElasticEngine().ids(TYPE_SERVICE, "медиация", language="ru", limit=10) == [service.pk]


# --- connection ------------------------------------------------------------------------------


def test_client_from_settings(settings):
    settings.ELASTICSEARCH_URL = "https://user:secret@search.example:9243"
    settings.ELASTICSEARCH_TIMEOUT = 2.5
    client = connection.get_client()
    assert client is connection.get_client()  # one pool per process
    assert client.transport.node_pool.get().config.host == "search.example"
    assert client._request_timeout == 2.5
    assert connection.safe_url() == "https://search.example:9243"


def test_unusable_urls_are_configuration_errors(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.ELASTICSEARCH_URL = ""
    with pytest.raises(ImproperlyConfigured):
        connection.get_client()
    settings.ELASTICSEARCH_URL = "localhost"
    with pytest.raises(ImproperlyConfigured):
        connection.get_client()


def test_index_names(settings):
    settings.ELASTICSEARCH_INDEX = "SafeChildhood"
    assert connection.index_alias("ru") == "safechildhood-ru"
    assert connection.new_index_name("en").startswith("safechildhood-en-20")
    assert connection.languages() == ["ru", "en"]
