"""Server time and SQL queries for the pages every visitor sees first."""

import statistics

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
    query_count = len(queries)  # read now: every request empties Django's query log
    benchmark.extra_info["queries"] = query_count
    benchmark.pedantic(client.get, args=(url,), rounds=200, iterations=1, warmup_rounds=5)
    data = benchmark.stats.stats.data
    p95 = statistics.quantiles(data, n=20)[-1]
    benchmark.extra_info["p95_ms"] = round(p95 * 1000, 2)
    print(
        f"\n{url}: p95 {p95 * 1000:.1f} ms, median {statistics.median(data) * 1000:.1f} ms, "
        f"{query_count} queries"
    )
