"""``manage.py import_settlements FILE.csv [--apply]``: load the gazetteer from CSV.

A dry run by default, as ``import_hsds``: every problem by row and column, what would
be created or updated, nothing written. ``--apply`` writes everything in one
transaction, only when there is no error. The format is in
``registry.importing.settlements``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safechildhood.registry.importing import settlements


class Command(BaseCommand):
    help = "Import settlements (the gazetteer) from CSV: dry run unless --apply."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="CSV: name, kind, district, latitude, longitude…")
        parser.add_argument("--apply", action="store_true", help="write (only without errors)")

    def handle(self, *args, path: str, apply: bool, **options) -> None:
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"Нет такого файла: {source}")
        result = settlements.plan(source.read_bytes())
        for problem in result.problems:
            level = "ОШИБКА" if problem.is_error else "предупреждение"
            style = self.style.ERROR if problem.is_error else self.style.WARNING
            where = problem.record + (f" · {problem.field}" if problem.field else "")
            self.stdout.write(style(f"{level}: {where}: {problem.message}"))
        self.stdout.write(f"Новых пунктов: {result.created}, обновить: {result.updated}.")
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} ошибок: ничего не записано. Исправьте файл и повторите."
            )
        if not apply:
            self.stdout.write(
                self.style.WARNING("Пробный прогон: ничего не записано. Запишите с --apply.")
            )
            return
        settlements.apply(result)
        self.stdout.write(self.style.SUCCESS("Записано."))
