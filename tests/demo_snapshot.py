"""The demo content, loaded once per test session and put back whenever a test needs it.

`load_demo` takes half a minute or more (a few hundred services, pages and their English
translations, each indexed for search), and dozens of tests want the whole demo: browser
tests (whose data must be committed for the live server, and which pytest-django empties
after each test), the search quality sets, the page checks. Loading it for each of them
made `make test` run for over an hour.

So the session loads it once (committed), keeps a snapshot, and puts the database back as
migrations left it. A test that asks for the demo gets the snapshot's rows back:

* PostgreSQL: the tables are copied into a schema of their own (outside Django's search
  path, so flushing never touches them); restoring is one DELETE and one INSERT … SELECT
  per table, which also works inside a test's transaction (rolled back with it).
* SQLite: the engine's backup API copies the whole file, which cannot happen inside a
  transaction; a test in a transaction loads the demo the slow way there.

Each test still starts from exactly the demo, and what one test writes is gone before the
next.
"""

from __future__ import annotations

import sqlite3

from django.db import connection, transaction


class _PostgresCopy:
    def __init__(self, schema: str) -> None:
        self.schema = schema
        with connection.cursor() as cursor:
            self.tables = connection.introspection.table_names(cursor)
            cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            cursor.execute(f"CREATE SCHEMA {schema}")
            for table in self.tables:
                cursor.execute(f'CREATE TABLE {schema}."{table}" AS TABLE public."{table}"')
            cursor.execute(
                "SELECT schemaname || '.' || quote_ident(sequencename), "
                "COALESCE(last_value, 1), last_value IS NOT NULL "
                "FROM pg_sequences WHERE schemaname = 'public'"
            )
            self.sequences = list(cursor.fetchall())

    def restore(self) -> None:
        # DELETE, not TRUNCATE: inside a test's transaction TRUNCATE refuses tables with
        # pending foreign-key checks. Django's foreign keys are deferred, so the order of
        # the tables does not matter.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in self.tables:
                cursor.execute(f'DELETE FROM public."{table}"')
            for table in self.tables:
                cursor.execute(
                    f'INSERT INTO public."{table}" SELECT * FROM {self.schema}."{table}"'
                )
            for name, value, is_called in self.sequences:
                cursor.execute("SELECT setval(%s, %s, %s)", [name, value, is_called])


class _SqliteCopy:
    def __init__(self) -> None:
        connection.ensure_connection()
        self.copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(self.copy)

    def restore(self) -> None:
        connection.ensure_connection()
        self.copy.backup(connection.connection)


def _copy(name: str) -> _PostgresCopy | _SqliteCopy:
    return _PostgresCopy(name) if connection.vendor == "postgresql" else _SqliteCopy()


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


class DemoSnapshot:
    """Made once per session, outside any test's transaction (see the `demo_snapshot`
    fixture): loads the demo, keeps it, and leaves the database as it found it."""

    def __init__(self) -> None:
        from django.core.management import call_command

        before = _copy("before_demo_snapshot")
        reseed_migration_data()
        call_command("load_demo", verbosity=0)
        self._demo = _copy("demo_snapshot")
        before.restore()

    def restore(self) -> None:
        """The demo content in the test database, whatever was there."""
        if connection.vendor != "postgresql" and connection.in_atomic_block:
            from django.core.management import call_command

            reseed_migration_data()
            call_command("load_demo", verbosity=0)
            return
        self._demo.restore()
