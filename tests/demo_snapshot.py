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
* SQLite: the copy is a file, attached to Django's connection under a name of its own
  (every new connection attaches it too: ATTACH cannot happen inside a transaction, so it
  happens when the connection opens). Outside a transaction, the engine's backup API puts
  the whole file back; inside one, one DELETE and one INSERT … SELECT per table, as on
  PostgreSQL. The full-text index follows its table through the search backend's triggers.
  Should the copy not be attached, a test in a transaction loads the demo the slow way.

Each test still starts from exactly the demo, and what one test writes is gone before the
next.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from django.db import connection, transaction
from django.db.backends.signals import connection_created


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

    def can_restore(self) -> bool:
        return True


class _SqliteCopy:
    def __init__(self, name: str) -> None:
        self.name = name
        self._folder = tempfile.TemporaryDirectory(prefix=f"{name}-")  # removed at exit
        self.path = str(Path(self._folder.name) / "copy.sqlite3")
        connection.ensure_connection()
        self.copy = sqlite3.connect(self.path, check_same_thread=False)
        connection.connection.backup(self.copy)
        self.tables = self._data_tables()
        self._attach(connection)
        connection_created.connect(self._attach_new, weak=False)

    def _data_tables(self) -> list[str]:
        """The tables to copy row by row: not SQLite's own, not full-text indexes (virtual
        tables and their shadow tables), which the triggers fill from their source table."""
        rows = self.copy.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        tables = dict(rows.fetchall())
        virtual = [name for name, sql in tables.items() if sql.startswith("CREATE VIRTUAL")]
        return [
            name
            for name in tables
            if not name.startswith("sqlite_")
            and not any(name == v or name.startswith(f"{v}_") for v in virtual)
        ]

    def _attach(self, wrapper) -> None:
        with wrapper.cursor() as cursor:
            cursor.execute(f"ATTACH DATABASE %s AS {self.name}", [self.path])

    def _attach_new(self, sender, connection, **kwargs) -> None:
        if connection.alias == "default" and connection.vendor == "sqlite":
            self._attach(connection)

    def can_restore(self) -> bool:
        """Outside a transaction always; inside one if this connection has the copy."""
        if not connection.in_atomic_block:
            return True
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA database_list")
            return any(row[1] == self.name for row in cursor.fetchall())

    def restore(self) -> None:
        connection.ensure_connection()
        if not connection.in_atomic_block:
            self.copy.backup(connection.connection)
            return
        # Django's foreign keys on SQLite are deferred: the order of the tables does not
        # matter. Inserting rows moves sqlite_sequence, so it is put back last.
        with transaction.atomic(), connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(f'DELETE FROM main."{table}"')
            for table in self.tables:
                cursor.execute(f'INSERT INTO main."{table}" SELECT * FROM {self.name}."{table}"')
            cursor.execute("DELETE FROM main.sqlite_sequence")
            cursor.execute(
                f"INSERT INTO main.sqlite_sequence SELECT * FROM {self.name}.sqlite_sequence"
            )


def _copy(name: str) -> _PostgresCopy | _SqliteCopy:
    return _PostgresCopy(name) if connection.vendor == "postgresql" else _SqliteCopy(name)


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
        if not self._demo.can_restore():
            from django.core.management import call_command

            reseed_migration_data()
            call_command("load_demo", verbosity=0)
            return
        self._demo.restore()
