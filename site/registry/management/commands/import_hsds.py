"""``manage.py import_hsds FILE_OR_DIR [--apply]``: import Open Referral HSDS data.

A dry run by default: it prints every problem by record and field and what
would be created or updated, and writes nothing. ``--apply`` writes everything
in one transaction, and only when the dry run found no errors (warnings are
allowed). A place whose district is not found is imported without one (a warning;
editors find it under «Без района») or, with ``--create-districts``, gets a new
district centred on it. Services are matched by ``external_id`` (the HSDS ``id``), so a
second import of the same data updates instead of duplicating.

Accepted: HSDS JSON (a service, a list, an API page, an organisation with its
services), a directory of HSDS tabular files (``services.json``/``.csv`` and
friends), or a CSV in the editors' layout (the admin's «Импорт из CSV»).
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safechildhood.core.progress import Progress
from safechildhood.registry.importing import engine
from safechildhood.registry.importing.csv_format import parse_csv
from safechildhood.registry.importing.hsds_format import read_path
from safechildhood.registry.importing.records import Parsed


class Command(BaseCommand):
    help = "Import HSDS JSON (file or directory) or the editors' CSV: dry run unless --apply."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="HSDS JSON file, directory of HSDS files, or CSV")
        parser.add_argument(
            "--apply",
            action="store_true",
            help="write the data (one transaction; only if the dry run finds no errors)",
        )
        parser.add_argument(
            "--report", metavar="CSV", help="also write the problems to this CSV file"
        )
        parser.add_argument(
            "--create-districts",
            action="store_true",
            help="create a place's district when it is not found (centred on the place)",
        )

    def handle(self, *args, path: str, apply: bool, report: str | None, **options) -> None:
        self.verbosity = options.get("verbosity", 1)
        source = Path(path)
        parsed = self.read(source)
        with Progress(self.stdout, len(parsed.records), "Проверка") as progress:
            result = engine.plan(
                parsed,
                create_districts=options.get("create_districts", False),
                step=progress.advance,
            )
            progress.finish()
        self.print_report(result)
        if report:
            self.write_report(result, Path(report))
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} ошибок: ничего не записано. Исправьте файл и повторите."
            )
        if not result.services:
            raise CommandError("Нет служб для импорта: ничего не записано.")
        if not apply:
            self.stdout.write(
                self.style.WARNING("Пробный прогон: ничего не записано. Запишите с --apply.")
            )
            return
        with Progress(self.stdout, len(result.services), "Запись") as progress:
            try:
                engine.apply(result, step=progress.advance)
            except engine.ImportFailed as error:
                raise CommandError(str(error)) from error
            progress.finish(
                self.style.SUCCESS(
                    f"Записано: новых служб {result.created}, обновлено {result.updated}, "
                    f"новых районов {len(result.new_districts)}."
                )
            )

    def read(self, source: Path) -> Parsed:
        if source.is_file() and source.suffix.lower() == ".csv":
            return parse_csv(source.read_bytes())
        return read_path(source)

    def print_report(self, result: engine.Plan) -> None:
        if result.source:
            self.stdout.write(f"Источник: {result.source}")
        for problem in result.ordered_problems:
            level = "ОШИБКА" if problem.is_error else "предупреждение"
            style = self.style.ERROR if problem.is_error else self.style.WARNING
            where = f"{problem.record}" + (f" · {problem.field}" if problem.field else "")
            self.stdout.write(style(f"{level}: {where}: {problem.message}"))
        if self.verbosity > 1:
            for item in result.services:
                action = "создать" if item.is_new else "обновить"
                self.stdout.write(f"{action}: {item.record.label} ({item.record.external_id})")
        self.stdout.write(result.summary())

    def write_report(self, result: engine.Plan, path: Path) -> None:
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            writer = csv.writer(file, delimiter=";")
            writer.writerow(["level", "record", "field", "message"])
            for problem in result.ordered_problems:
                writer.writerow([problem.level, problem.record, problem.field, problem.message])
