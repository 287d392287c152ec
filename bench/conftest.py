"""Benchmarks: run with `make bench` (SQLite) or with DATABASE_URL set (PostgreSQL).

They are not part of `make test`: figures go to bench/RESULTS.md with the date.
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
