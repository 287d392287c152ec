"""The demo content, loaded once per test session and put back before each browser test.

`load_demo` takes half a minute or more (a few hundred services, pages and their English
translations, each indexed for search). Browser tests run against a live server, so their
data must be committed, and pytest-django empties every table after each of them. Loading
the demo again for each test made `make test` run for over an hour.

So the first test that asks for the demo loads it and takes a snapshot; later tests get
the same rows back in about a second: in PostgreSQL as copies of the tables in a schema of
their own (outside Django's search path, so flushing never touches them), in SQLite through
the engine's backup API. Each test still starts from exactly the demo, and what one test
writes (a report, a staff account) is gone before the next.
"""

from __future__ import annotations

import sqlite3

from django.db import connection, transaction

SCHEMA = "demo_snapshot"


class _PostgresSnapshot:
    def __init__(self) -> None:
        with connection.cursor() as cursor:
            self.tables = connection.introspection.table_names(cursor)
            cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {SCHEMA}")
            for table in self.tables:
                cursor.execute(f'CREATE TABLE {SCHEMA}."{table}" AS TABLE public."{table}"')
            self.sequences = self._sequence_values(cursor)

    def _sequence_values(self, cursor) -> list[tuple[str, int, bool]]:
        cursor.execute(
            "SELECT schemaname || '.' || quote_ident(sequencename), "
            "COALESCE(last_value, 1), last_value IS NOT NULL "
            "FROM pg_sequences WHERE schemaname = 'public'"
        )
        return list(cursor.fetchall())

    def restore(self) -> None:
        quoted = ", ".join(f'public."{table}"' for table in self.tables)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"TRUNCATE {quoted}")
            for table in self.tables:
                cursor.execute(f'INSERT INTO public."{table}" SELECT * FROM {SCHEMA}."{table}"')
            for name, value, is_called in self.sequences:
                cursor.execute("SELECT setval(%s, %s, %s)", [name, value, is_called])


class _SqliteSnapshot:
    def __init__(self) -> None:
        connection.ensure_connection()
        self.copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(self.copy)

    def restore(self) -> None:
        connection.ensure_connection()
        self.copy.backup(connection.connection)


def reseed_migration_data() -> None:
    """Write what data migrations seed again, idempotently, before the demo loads.

    A transactional test's flush empties what migrations wrote. Serialized rollback
    should restore it, but when ordinary database tests run first in the same session it
    does not, so the browser tests put back what they need themselves: the root
    collection, the registry's taxonomy, the inbox groups and the coordinators' sign-in
    permissions (the root page and the default site are recreated by `load_demo`).
    """
    import importlib

    from django.apps import apps
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    for module, function in [
        ("safechildhood.registry.migrations.0003_seed_taxonomy", "seed"),
        ("safechildhood.requests.migrations.0002_inbox_groups", "create_groups"),
        ("safechildhood.requests.migrations.0004_coordinators_staff_sign_in", "grant"),
    ]:
        getattr(importlib.import_module(module), function)(apps, None)


_snapshot: _PostgresSnapshot | _SqliteSnapshot | None = None


def load_demo_once() -> None:
    """The demo content in the (emptied) test database: loaded the first time, then restored."""
    global _snapshot
    if _snapshot is not None:
        _snapshot.restore()
        return
    from django.core.management import call_command

    reseed_migration_data()
    call_command("load_demo", verbosity=0)
    _snapshot = _PostgresSnapshot() if connection.vendor == "postgresql" else _SqliteSnapshot()
