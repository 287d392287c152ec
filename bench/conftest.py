"""Benchmarks: run with `make bench` (SQLite) or with DATABASE_URL set (PostgreSQL).

They are not part of `make test`: figures go to bench/RESULTS.md with the date.
"""

import gc
import os
import statistics

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def frozen_heap():
    """As site/wsgi.py does in a gunicorn worker: the objects alive before the requests
    (Django, Wagtail, templates, test data) are left out of the collector's full
    passes, which otherwise add ~100 ms pauses every few dozen requests."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


def settle_database() -> None:
    """After bulk inserts: what autovacuum would have done on a live database (fresh
    statistics, PostgreSQL's visibility map), so that it does not run during the
    measurement and index-only scans work as they would in production."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


@pytest.fixture(autouse=True)
def production_rendering():
    """Templates rendered as in production. Under pytest-django every template render is
    instrumented for the test client, which copies the whole context at each of the ~240
    templates an admin page renders (widgets included): work a live server never does."""
    from django.template import Template
    from django.test.utils import _TestState

    instrumented = Template._render
    Template._render = _TestState.saved_data.template_render
    yield
    Template._render = instrumented


ROUNDS = 200


def p95(data: list[float]) -> float:
    return statistics.quantiles(data, n=20)[-1]


def measure(benchmark, client, url: str, marker: bytes | None = None, **info) -> None:
    """Time `url` (200 rounds after 5 warm-up), record its p95 and SQL queries in
    ``extra_info`` (and `info`), print them; `marker` must be in the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm per-process caches (renditions, options, site root paths)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    if marker is not None:
        assert marker in response.content
    query_count = len(queries)  # read now: every request empties Django's query log
    benchmark.extra_info.update(info, queries=query_count)
    benchmark.pedantic(client.get, args=(url,), rounds=ROUNDS, iterations=1, warmup_rounds=5)
    data = benchmark.stats.stats.data
    benchmark.extra_info["p95_ms"] = round(p95(data) * 1000, 2)
    print(
        f"\n{url}: p95 {p95(data) * 1000:.1f} ms, median "
        f"{statistics.median(data) * 1000:.1f} ms, {query_count} queries"
    )
