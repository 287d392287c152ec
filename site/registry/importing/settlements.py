"""The gazetteer from CSV: one row per settlement, checked whole before anything is written.

The registry's import conventions: the file is decoded as the services' CSV is
(``decoding``: UTF-8 with or without BOM, UTF-16, Windows-1251; binaries refused),
the delimiter is «;», «,» or Tab, headings are codes or Russian labels in any order,
every problem is reported by row and column in Russian, and nothing is written while
there is an error. A row updates the settlement with the same ``slug``, else the one
with the same name in the same district; otherwise it creates one.

Columns: ``name`` (Название), ``kind`` (Тип: город, пгт, посёлок, село, деревня…),
``district`` (Район: its name or slug), ``latitude``, ``longitude`` (Широта, Долгота),
``other_names`` (Другие написания, «;» between them), ``slug`` (optional).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from ..models import District, Settlement
from . import values
from .decoding import NotText, decode
from .engine import normalize
from .records import Problem

MAX_ROWS = 50_000
COLUMNS = {
    "name": "название",
    "kind": "тип",
    "district": "район",
    "latitude": "широта",
    "longitude": "долгота",
    "other_names": "другие написания",
    "slug": "адрес (slug)",
}
REQUIRED = ("name", "district", "latitude", "longitude")
KINDS = {
    "город": Settlement.Kind.CITY,
    "г": Settlement.Kind.CITY,
    "city": Settlement.Kind.CITY,
    "посёлок городского типа": Settlement.Kind.URBAN,
    "поселок городского типа": Settlement.Kind.URBAN,
    "пгт": Settlement.Kind.URBAN,
    "рабочий посёлок": Settlement.Kind.URBAN,
    "urban": Settlement.Kind.URBAN,
    "посёлок": Settlement.Kind.SETTLEMENT,
    "поселок": Settlement.Kind.SETTLEMENT,
    "пос": Settlement.Kind.SETTLEMENT,
    "п": Settlement.Kind.SETTLEMENT,
    "settlement": Settlement.Kind.SETTLEMENT,
    "село": Settlement.Kind.SELO,
    "с": Settlement.Kind.SELO,
    "selo": Settlement.Kind.SELO,
    "деревня": Settlement.Kind.VILLAGE,
    "д": Settlement.Kind.VILLAGE,
    "village": Settlement.Kind.VILLAGE,
    "другое": Settlement.Kind.OTHER,
    "other": Settlement.Kind.OTHER,
}


@dataclass
class SettlementPlan:
    """The dry run: settlements to write (unsaved or changed instances) and the problems."""

    rows: list[Settlement] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    source: str = ""

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]

    @property
    def created(self) -> int:
        return sum(1 for row in self.rows if row.pk is None)

    @property
    def updated(self) -> int:
        return len(self.rows) - self.created


def _kind(raw: str) -> str:
    key = raw.strip().casefold().rstrip(".")
    if not key:
        return Settlement.Kind.VILLAGE
    if key in KINDS:
        return KINDS[key]
    raise ValueError(
        f"непонятный тип «{raw[:40]}»: пишите город, пгт, посёлок, село, деревня или другое"
    )


class _Districts:
    """Districts by slug and by name (ё/е and case ignored), in one query."""

    def __init__(self) -> None:
        rows = list(District.objects.all())
        self.by_slug = {d.slug: d for d in rows}
        self.by_name: dict[str, list[District]] = {}
        for district in rows:
            self.by_name.setdefault(normalize(district.name), []).append(district)

    def find(self, reference: str) -> District:
        if reference in self.by_slug:
            return self.by_slug[reference]
        found = self.by_name.get(normalize(reference), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise ValueError(f"несколько районов «{reference}»: укажите адрес (slug) района")
        if not reference:
            raise ValueError("район не указан")
        raise ValueError(f"район «{reference[:80]}» не найден в справочнике «Районы»")


def _header(row: list[str], plan: SettlementPlan) -> list[str | None]:
    known = {code: code for code in COLUMNS} | {label: code for code, label in COLUMNS.items()}
    columns: list[str | None] = []
    for heading in row:
        code = known.get(heading.strip().casefold())
        if code is None and heading.strip():
            plan.problems.append(
                Problem("заголовок", heading.strip()[:60], "колонка не используется", "warning")
            )
        columns.append(code if code not in columns else None)
    return columns


def _reader(data: bytes, plan: SettlementPlan):
    try:
        text, encoding = decode(data)
    except NotText as error:
        plan.problems.append(Problem("файл", "", str(error)))
        return None
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)
    plan.source = f"CSV ({encoding})"
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _existing() -> tuple[dict[str, Settlement], dict[tuple[str, int], Settlement]]:
    rows = list(Settlement.objects.all())
    by_slug = {row.slug: row for row in rows}
    by_name = {(normalize(row.name), row.district_id): row for row in rows}
    return by_slug, by_name


def _read_row(cells: dict[str, str], districts: _Districts, problem) -> Settlement | None:
    """An unsaved settlement from one row's cells, or None after reporting the problems."""
    ok = True
    for code in REQUIRED:
        if not cells.get(code):
            problem(code, "пустая ячейка: обязательно")
            ok = False
    try:
        district = districts.find(cells.get("district", ""))
    except ValueError as error:
        if cells.get("district"):
            problem("district", str(error))
        district, ok = None, False
    point = {}
    for code, limit in (("latitude", 90), ("longitude", 180)):
        try:
            point[code] = values.number(cells.get(code, ""))
        except ValueError as error:
            problem(code, str(error))
            ok = False
            continue
        if point[code] is not None and not -limit <= point[code] <= limit:
            problem(code, f"вне пределов −{limit}…{limit}")
            ok = False
    try:
        kind = _kind(cells.get("kind", ""))
    except ValueError as error:
        problem("kind", str(error))
        ok = False
    if not ok:
        return None
    return Settlement(
        name=" ".join(cells["name"].split()),
        kind=kind,
        district=district,
        other_names=cells.get("other_names", ""),
        slug=cells.get("slug", ""),
        **point,
    )


def _merge(new: Settlement, existing: Settlement | None) -> Settlement:
    if existing is None:
        return new
    for name in ("name", "kind", "district", "latitude", "longitude", "other_names"):
        setattr(existing, name, getattr(new, name))
    return existing


def plan(data: bytes, create_only: bool = False) -> SettlementPlan:
    """The dry run of a CSV file (see the module docstring); nothing is written.

    With `create_only` (the demo), rows naming a settlement that exists are left out."""
    result = SettlementPlan()
    reader = _reader(data, result)
    if reader is None:
        return result
    try:
        columns = _header(next(reader, []), result)
        missing = [code for code in REQUIRED if code not in columns]
        if missing:
            result.problems.append(
                Problem("файл", ", ".join(missing), "нет обязательных колонок: это не справочник")
            )
            return result
        _read_rows(reader, columns, result, create_only)
    except csv.Error as error:
        result.problems.append(
            Problem(f"строка {reader.line_num}", "", f"таблица повреждена: {error}")
        )
    if not result.rows and not result.problems and not create_only:
        result.problems.append(Problem("файл", "", "в таблице нет ни одной строки"))
    return result


def _read_rows(reader, columns: list[str | None], result: SettlementPlan, create_only: bool):
    districts = _Districts()
    by_slug, by_name = _existing()
    seen: dict[tuple[str, int], str] = {}
    seen_slugs: dict[str, str] = {}
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        label = f"строка {reader.line_num}"
        if reader.line_num > MAX_ROWS + 1:
            result.problems.append(
                Problem("файл", "", f"слишком много строк: не больше {MAX_ROWS}")
            )
            return

        def problem(code: str, message: str, label: str = label) -> None:
            result.problems.append(Problem(label, code, message))

        cells = {code: row[i].strip() for i, code in enumerate(columns) if code and i < len(row)}
        new = _read_row(cells, districts, problem)
        if new is None:
            continue
        key = (normalize(new.name), new.district.pk)
        if key in seen:
            problem("name", f"повтор: «{new.name}» в этом районе уже есть в {seen[key]}")
            continue
        seen[key] = label
        if new.slug and new.slug in seen_slugs:
            problem("slug", f"повтор адреса (slug) «{new.slug}» из {seen_slugs[new.slug]}")
            continue
        seen_slugs[new.slug] = label
        existing = by_slug.get(new.slug) if new.slug else None
        existing = existing or by_name.get(key)
        if existing is not None and create_only:
            continue
        result.rows.append(_merge(new, existing))


@transaction.atomic
def apply(result: SettlementPlan, is_demo: bool = False) -> None:
    """Write a plan without errors, all or nothing."""
    if result.errors:
        raise ValueError("the plan has errors")
    for row in result.rows:
        if is_demo and row.pk is None:
            row.is_demo = True
        row.full_clean(exclude=["slug"], validate_unique=False)
        row.save()
