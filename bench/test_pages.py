"""Server time and SQL queries for the pages every visitor sees first."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize("url", ["/", "/en/", "/kak-poluchit-pomoshch/", "/healthz"])
def test_page_render(benchmark, client, demo, url):
    client.get(url)  # warm caches (site root paths, settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    benchmark.extra_info["queries"] = len(queries)
    benchmark.pedantic(client.get, args=(url,), rounds=200, iterations=1, warmup_rounds=5)
