"""Benchmarks: run with `make bench` (SQLite) or with DATABASE_URL set (PostgreSQL).

They are not part of `make test`: figures go to bench/RESULTS.md with the date.
"""

import gc
import os

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
