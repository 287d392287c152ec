"""Benchmarks: run with `make bench` (SQLite) or with DATABASE_URL set (PostgreSQL).

They are not part of `make test`: figures go to bench/RESULTS.md with the date.
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def settle_database() -> None:
    """After bulk inserts: what autovacuum would have done on a live database (fresh
    statistics, PostgreSQL's visibility map), so that it does not run during the
    measurement and index-only scans work as they would in production."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
