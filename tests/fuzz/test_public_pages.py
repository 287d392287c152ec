"""Fuzzing the public GET pages: registry list, district and service pages, site search,
news index and feeds, information pages. Never a 5xx; a 404 only where documented
(an unknown district, kind, group, slug, news filter or page); nothing written."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from . import strategies as s
from .checks import assert_answer, assert_read_only, counts
from .conftest import example

pytestmark = pytest.mark.django_db

# The registry list's parameters (README «The list»).
FLAGS = ("open_now", "24x7", "free")


def _last(query: str, name: str) -> str:
    """What Django's ``QueryDict.get`` gives a view: the last value, cleaned as the
    middleware cleans it (control characters removed). The URL's raw tabs and line
    breaks never reach the server: ``urlsplit`` drops them (as browsers do), so the
    test client sends ``?\ndistrict=x`` as ``?district=x``; and a ``#`` starts the fragment,
    which is never sent (``?kind=%#&kind=bullying`` asks for the kind ``%``)."""
    from django.http import QueryDict

    from safechildhood.core.clean_input import cleaned

    return cleaned(QueryDict(_sent(query))).get(name, "").strip()


def _sent(query: str) -> str:
    """The query string as it reaches the server (see ``_last``)."""
    return query.translate({ord(c): None for c in "\t\r\n"}).split("#", 1)[0]


def registry_query(demo) -> st.SearchStrategy[str]:
    return s.query_string(
        {
            "q": s.value(*s.WORDS),
            "district": s.value(*demo.district_slugs),
            "kind": s.value(*demo.kinds),
            "group": s.value(*demo.groups),
            "near": s.value(*s.COORDINATES),
            "page": s.value(*s.NUMBERS),
            **{flag: s.value("1", "on", "да", "0", "") for flag in FLAGS},
        }
    )


@st.composite
def registry_request(draw, demo):
    """Any query string, and often the combinations the issue names: a district or
    `near` together with words that may reduce to nothing."""
    query = draw(registry_query(demo))
    if draw(st.booleans()):
        extra = {"q": draw(s.text())}
        if draw(st.booleans()):
            extra["district"] = draw(st.sampled_from(demo.district_slugs))
        if draw(st.booleans()):
            extra["near"] = draw(st.sampled_from(s.COORDINATES))
        if draw(st.booleans()):
            extra["kind"] = draw(st.sampled_from(demo.kinds))
        extra.update({flag: "1" for flag in FLAGS if draw(st.booleans())})
        query = "&".join(part for part in (query, urlencode(extra)) if part)
    return query


def test_registry_list(demo):
    @given(prefix=s.LANGUAGE_PREFIX, query=registry_request(demo))
    def run(prefix, query):
        with example():
            before = counts()
            response = Client().get(f"{prefix}/services/?{query}")
            known = {
                "district": demo.district_slugs,
                "kind": demo.kinds,
                "group": demo.groups,
            }
            unknown = [
                name for name, valid in known.items() if _last(query, name) not in ("", *valid)
            ]
            assert_answer(response, {404} if unknown else {200}, f"/services/?{query}")
            assert_read_only(before, query)

    run()


def test_registry_district_and_service_pages(demo):
    paths = st.one_of(
        s.slug(*demo.district_slugs).map(lambda slug: ("district", slug)),
        s.slug(*demo.service_slugs).map(lambda slug: ("service", slug)),
        s.slug(*demo.service_slugs).map(lambda slug: ("correction", slug)),
    )

    @given(prefix=s.LANGUAGE_PREFIX, target=paths, query=s.query_string({"page": s.text()}))
    def run(prefix, target, query):
        kind, slug = target
        url = {
            "district": f"/services/district/{s.segment(slug)}/",
            "service": f"/services/{s.segment(slug)}/",
            "correction": f"/services/{s.segment(slug)}/correction/",
        }[kind]
        known = demo.district_slugs if kind == "district" else demo.service_slugs
        with example():
            before = counts()
            response = Client().get(f"{prefix}{url}?{query}")
            assert_answer(response, {200} if slug in known else {404}, url)
            assert_read_only(before, url)

    run()


def test_site_search(demo):
    query = s.query_string(
        {
            "q": s.value(*s.WORDS),
            "type": s.value("service", "page", "news"),
            "page": s.value(*s.NUMBERS),
        }
    )

    @given(prefix=s.LANGUAGE_PREFIX, query=query)
    def run(prefix, query):
        with example():
            before = counts()
            response = Client().get(f"{prefix}/search/?{query}")
            assert_answer(response, {200}, f"/search/?{query}")
            assert_read_only(before, query)

    run()


def test_news_index_and_feeds(demo):
    query = s.query_string(
        {
            "tag": s.value(*demo.news_tags),
            "district": s.value(*demo.news_districts),
            "year": s.value(*demo.news_years),
            "page": s.value(*s.NUMBERS),
        }
    )

    @given(
        index=st.sampled_from(demo.news_indexes),
        suffix=st.sampled_from(["", "rss/", "atom/"]),
        query=query,
    )
    def run(index, suffix, query):
        with example():
            before = counts()
            response = Client().get(f"{index}{suffix}?{query}")
            filtered = any(_last(query, name) for name in ("tag", "district", "year", "page"))
            paged = suffix and "page" in _cleaned_names(query)
            allowed = {200, 404} if filtered or paged else {200}
            assert_answer(response, allowed, f"{index}{suffix}?{query}")
            assert_read_only(before, query)

    run()


def _cleaned_names(query: str) -> set[str]:
    from django.http import QueryDict

    from safechildhood.core.clean_input import cleaned

    return set(cleaned(QueryDict(_sent(query))))


def test_information_pages_and_junk_paths(demo):
    paths = st.one_of(
        st.sampled_from(demo.page_paths),
        st.lists(s.slug().map(s.segment), min_size=1, max_size=3).map(
            lambda parts: "/" + "/".join(parts) + "/"
        ),
        st.sampled_from(demo.page_paths).flatmap(
            lambda p: s.slug().map(lambda x: f"{p}{s.segment(x)}/")
        ),
    )

    @given(prefix=s.LANGUAGE_PREFIX, path=paths, query=s.query_string({"q": s.text()}))
    def run(prefix, path, query):
        if path.startswith("/en/"):
            prefix = ""
        with example():
            before = counts()
            response = Client().get(f"{prefix}{path}?{query}")
            assert_answer(response, {200, 301, 302, 404}, f"{prefix}{path}")
            assert_read_only(before, path)

    run()
