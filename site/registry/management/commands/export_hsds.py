"""``manage.py export_hsds --output registry.zip``: the registry as an HSDS 3.0 datapackage.

A zip of CSV files with ``datapackage.json`` (HSDS 3.0 tabular form, see
``registry.api.tabular``): the published services, their organisations, places,
phones and hours, with the API's ids; confidential places only by district.
``manage.py import_hsds registry.zip --apply`` on another site reproduces it.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safechildhood.registry.api import tabular

PLAIN_EVERY = 100  # services between progress lines when the output is not a terminal


class Command(BaseCommand):
    help = "Export the published registry as an HSDS 3.0 tabular datapackage (zip of CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", required=True, metavar="FILE.zip")

    def handle(self, *args, output: str, **options) -> None:
        path = Path(output)
        if path.parent and not path.parent.exists():
            raise CommandError(f"Нет папки {path.parent}")
        self.verbosity = options.get("verbosity", 1)
        self.terminal = self.stdout.isatty()
        try:
            with path.open("wb") as target:
                tables = tabular.write_zip(target, self.progress)
        except OSError as error:
            raise CommandError(f"Не удалось записать {path}: {error}") from error
        if self.terminal and self.verbosity:
            self.stdout.write("")
        counts = {name: len(rows) for name, rows in tables.rows.items() if rows}
        summary = ", ".join(f"{name} {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Записано в {path}: {summary or 'пусто'}."))

    def progress(self, done: int, total: int) -> None:
        """One updating line in a terminal; plain lines (every 100 and the last) in a log."""
        if not self.verbosity:
            return
        if self.terminal:
            self.stdout.write(f"\rСлужб: {done}/{total}", ending="")
            self.stdout.flush()
        elif done % PLAIN_EVERY == 0 or done == total:
            self.stdout.write(f"Служб: {done}/{total}")
