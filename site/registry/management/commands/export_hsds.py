"""``manage.py export_hsds --output registry.zip``: the registry as an HSDS 3.0 datapackage.

A zip of CSV files with ``datapackage.json`` (HSDS 3.0 tabular form, see
``registry.api.tabular``): the published services, their organisations, places,
phones and hours, with the API's ids; confidential places only by district.
``manage.py import_hsds registry.zip --apply`` on another site reproduces it.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safechildhood.core.progress import Progress
from safechildhood.registry.api import tabular


class Command(BaseCommand):
    help = "Export the published registry as an HSDS 3.0 tabular datapackage (zip of CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", required=True, metavar="FILE.zip")

    def handle(self, *args, output: str, **options) -> None:
        path = Path(output)
        if path.parent and not path.parent.exists():
            raise CommandError(f"Нет папки {path.parent}")
        self.bar: Progress | None = None
        quiet = options.get("verbosity", 1) == 0
        try:
            with path.open("wb") as target:
                tables = tabular.write_zip(target, None if quiet else self.progress)
        except OSError as error:
            raise CommandError(f"Не удалось записать {path}: {error}") from error
        finally:
            if self.bar is not None:
                self.bar.close()
        counts = {name: len(rows) for name, rows in tables.rows.items() if rows}
        summary = ", ".join(f"{name} {count}" for name, count in counts.items())
        message = self.style.SUCCESS(f"Записано в {path}: {summary or 'пусто'}.")
        if self.bar is None:
            self.stdout.write(message)
        else:
            self.bar.finish(message)

    def progress(self, done: int, total: int) -> None:
        """The shared bar (``core.progress``): a bar in a terminal, plain lines in a log."""
        if self.bar is None:
            self.bar = Progress(self.stdout, total, "Служб")
        self.bar.advance(done - self.bar.done)
