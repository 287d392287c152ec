"""HEAD is GET without the body (RFC 9110): link checkers, uptime monitors and some
browsers' prefetchers send it. `make fuzz` found «HEAD /report/» answered 405; every page
a visitor may GET answers HEAD with the same status and no body."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.registry.factories import ServiceFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/report/",
    "/report/form/",
    "/report/family/",
    "/report/status/",
    "/report/altcha/",
    "/robots.txt",
    "/site-map/",
    "/services/{slug}/correction/",
    "/services/confirm/not-a-token/",
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_head_answers_as_get_without_a_body(home, path, prefix):
    if "robots" in path and prefix:
        pytest.skip("robots.txt has no language prefix")
    url = prefix + path.format(slug=ServiceFactory().slug)
    got = Client().get(url)
    head = Client().head(url)
    assert got.status_code < 400 or "confirm" in path, (url, got.status_code)
    assert head.status_code == got.status_code, url
    assert head.content == b""
