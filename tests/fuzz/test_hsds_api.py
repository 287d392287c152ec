"""Fuzzing every path and parameter of the HSDS API (/api/hsds/): never a 5xx, always
JSON with CORS; a 400 for a bad parameter, a 404 for an unknown id, page or path (as
documented in the README), and a well-formed page envelope otherwise."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from . import strategies as s
from .checks import assert_answer, assert_read_only, counts
from .conftest import example

pytestmark = pytest.mark.django_db

LISTS = ("services", "organizations", "taxonomies", "taxonomy_terms")
DATES = [
    "2020-01-01",
    "2020-01-01T00:00:00Z",
    "2020-01-01T00:00:00+03:00",
    "2099-12-31",
    "2020-13-45",
    "0001-01-01",
    "9999-12-31T23:59:59",
    "2020-01-01 00:00:00+03:00",
    "today",
]
UUID_JUNK = ["00000000-0000-0000-0000-000000000000", "not-a-uuid", "12", "{}", "%00"]


def api_query(demo) -> st.SearchStrategy[str]:
    ids = [i for kind in LISTS for i in demo.hsds[kind]] or UUID_JUNK
    return s.query_string(
        {
            "page": s.value(*s.NUMBERS),
            "per_page": s.value("1", "50", "100", "101", "0", *s.NUMBERS),
            "search": s.value(*s.WORDS),
            "taxonomy_term_id": s.value(*demo.hsds["taxonomy_terms"], *UUID_JUNK),
            "taxonomy_id": s.value(*demo.hsds["taxonomies"], *UUID_JUNK),
            "organization_id": s.value(*demo.hsds["organizations"], *UUID_JUNK),
            "parent_id": s.value(*ids),
            "modified_after": s.value(*DATES),
            "full": s.value("true", "false", "1", "0", "yes", "no"),
            "full_service": s.value("true", "false"),
            "minimal": s.value("true", "false", "1", "0"),
            "top_only": s.value("true", "false"),
            "locale": s.value("ru", "en", "de", "EN"),
            "format": s.value("json", "xml"),
        }
    )


def assert_api_answer(response, allowed: set[int], what: str) -> None:
    assert_answer(response, allowed, what)
    assert response["Content-Type"].startswith("application/json"), what
    assert response["Access-Control-Allow-Origin"] == "*", what
    body = response.json()
    if response.status_code >= 400:
        assert body["status"] == response.status_code and body["error"], what
    elif isinstance(body, dict) and "contents" in body:
        assert body["size"] == len(body["contents"]) <= 100, what
        assert body["total_items"] >= body["size"] and body["page_number"] >= 1, what
        assert body["empty"] == (body["total_items"] == 0), what


def test_hsds_lists(demo):
    @given(kind=st.sampled_from(LISTS), slash=st.sampled_from(["", "/"]), query=api_query(demo))
    def run(kind, slash, query):
        with example():
            before = counts()
            response = Client().get(f"/api/hsds/{kind}{slash}?{query}")
            assert_api_answer(response, {200, 400, 404}, f"{kind}?{query}")
            assert_read_only(before, query)

    run()


def test_hsds_details_and_unknown_paths(demo):
    ids = st.one_of(
        st.sampled_from([i for kind in LISTS for i in demo.hsds[kind]]),
        st.sampled_from(UUID_JUNK),
        s.slug(),
        st.uuids().map(str),
    )
    paths = st.one_of(
        st.tuples(st.sampled_from(LISTS), ids).map(lambda pair: f"{pair[0]}/{s.segment(pair[1])}"),
        st.lists(s.slug().map(s.segment), min_size=1, max_size=3).map("/".join),
        st.sampled_from(["", "openapi.json", "locations", "services/a/b"]),
    )

    @given(path=paths, query=api_query(demo))
    def run(path, query):
        with example():
            before = counts()
            response = Client().get(f"/api/hsds/{path}?{query}")
            assert_api_answer(response, {200, 400, 404}, f"{path}?{query}")
            assert_read_only(before, path)

    run()


def test_hsds_methods(demo):
    @given(
        method=st.sampled_from(["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]),
        kind=st.sampled_from(LISTS),
        body=s.text(),
    )
    def run(method, kind, body):
        with example():
            before = counts()
            response = Client().generic(method, f"/api/hsds/{kind}", body.encode())
            assert response.status_code in {200, 204, 405}, method
            assert_read_only(before, method)

    run()
