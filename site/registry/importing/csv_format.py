"""The registry editors' CSV layout: one row per service (repeat a row for more addresses).

The header names the columns by code (``external_id``, ``name``...) or by their
Russian label («Название»...), in any order; only the columns present are
written, so a file with ``external_id`` and ``assured_date`` alone updates the
«Проверено» dates and nothing else. ``external_id`` is required: it is how a
second import of the same file updates the services instead of duplicating them.

Rows with the same ``external_id`` describe one service: the first row gives
its fields, the following rows add addresses and phones.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.utils.translation import gettext_lazy as _

from .. import fields
from ..accessibility import recognise
from ..models import Service
from . import values
from .decoding import NotText, decode
from .records import (
    AreaRecord,
    LocationRecord,
    OrganizationRecord,
    Parsed,
    PhoneRecord,
    ScheduleRecord,
    ServiceRecord,
)

MAX_ROWS = 20_000
MAX_CELL = 10_000


@dataclass(frozen=True)
class Column:
    code: str
    label: object  # lazy Russian label, also accepted as a header
    help: object
    example: str
    required: bool = False


COLUMNS = [
    Column(
        "external_id",
        _("Внешний идентификатор"),
        _(
            "Постоянный код службы в вашей таблице: по нему повторный импорт "
            "обновит службу, а не создаст новую"
        ),
        "vologda-mediation-1",
        True,
    ),
    Column(
        "name",
        _("Название"),
        _("Название службы (обязательно для новой службы)"),
        "Служба семейной медиации (демо)",
    ),
    Column(
        "alternate_name",
        _("Другое название"),
        _("Краткое или прежнее название: по нему службу тоже найдут"),
        "",
    ),
    Column(
        "description",
        _("Описание"),
        _("Чем служба помогает, простыми словами (обязательно для новой службы)"),
        "Помогаем родителям договориться о детях после развода.",
    ),
    Column(
        "organization",
        _("Организация"),
        _("Полное название организации; новая будет создана"),
        "КЦСОН «Демонстрационный» (демо)",
    ),
    Column(
        "organization_id",
        _("Идентификатор организации"),
        _("Необязательно: внешний код организации"),
        "kcson-demo",
    ),
    Column(
        "kinds",
        _("Виды помощи"),
        _("Коды или названия через «;», например mediation; sos"),
        "mediation",
    ),
    Column(
        "target_groups",
        _("Кому помогает"),
        _("Коды или названия через «;»"),
        "parents; families_with_children",
    ),
    Column(
        "status",
        _("Состояние"),
        _("работает, временно не работает или закрыта; пусто — работает"),
        "работает",
    ),
    Column("is_24_7", _("Круглосуточно"), _("да или нет"), "нет"),
    Column(
        "hours",
        _("Часы работы"),
        _("Например «пн-пт 9:00-13:00, 14:00-18:00; сб 10:00-14:00» или «круглосуточно»"),
        "пн-пт 9:00-18:00",
    ),
    Column("is_free", _("Бесплатно"), _("да или нет; пусто — да"), "да"),
    Column("fees_description", _("Стоимость"), _("Обязательно, если помощь платная"), ""),
    Column(
        "eligibility_description",
        _("Кто может обратиться"),
        _("Условия"),
        "Семьи с детьми, проживающие в районе",
    ),
    Column("minimum_age", _("Возраст от"), _("Целое число"), ""),
    Column("maximum_age", _("Возраст до"), _("Целое число"), ""),
    Column(
        "application_process",
        _("Как обратиться"),
        _("Например, «позвоните и запишитесь»"),
        "Позвоните и запишитесь на встречу",
    ),
    Column("languages", _("Языки"), _("Через запятую"), "русский"),
    Column(
        "interpretation_services",
        _("Перевод (в т. ч. жестовый)"),
        _("Например, «переводчик русского жестового языка по записи»"),
        "",
    ),
    Column("accessibility", _("Доступность"), _("Доступность для людей с инвалидностью"), ""),
    Column(
        "url", _("Страница службы"), _("Адрес сайта, https://…"), "https://example.org/mediation"
    ),
    Column("email", _("Электронная почта"), _("Адрес почты службы"), "mediation@example.org"),
    Column(
        "alert", _("Срочное объявление"), _("Например, «закрыто на праздники до 10 января»"), ""
    ),
    Column("alert_until", _("Объявление до"), _("Дата ДД.ММ.ГГГГ"), ""),
    Column(
        "assured_date",
        _("Проверено"),
        _("Когда данные сверены со службой, ДД.ММ.ГГГГ"),
        "15.01.2026",
    ),
    Column("assurer_name", _("Кто проверил"), _("Имя проверившего"), "Демо-редактор"),
    Column(
        "district",
        _("Район"),
        _("Название или адрес (slug) района из справочника «Районы»"),
        "Сокольский муниципальный округ",
    ),
    Column(
        "address",
        _("Адрес"),
        _("Адрес приёма; для конфиденциального места всё равно укажите — на сайте его не покажут"),
        "г. Сокол, ул. Демонстрационная, д. 1 (демо)",
    ),
    Column("postal_code", _("Индекс"), _("Почтовый индекс"), "000000"),
    Column("latitude", _("Широта"), _("Например 59.4667 (можно с запятой)"), ""),
    Column("longitude", _("Долгота"), _("Например 40.1111"), ""),
    Column(
        "confidential",
        _("Адрес конфиденциален"),
        _("да — приют, кризисный центр: на сайте только район и телефоны"),
        "нет",
    ),
    Column("location_name", _("Название места"), _("Например, «Отделение в с. Ям»"), ""),
    Column("transportation", _("Как добраться"), _("Остановки, транспорт"), ""),
    Column(
        "accessibility_codes",
        _("Доступность места"),
        _("Через «;»: коды или названия из списка, например «wheelchair; hearing_loop»"),
        "",
    ),
    Column(
        "service_areas",
        _("Обслуживает также районы"),
        _("Названия или адреса (slug) районов через «;»"),
        "",
    ),
    Column("phone", _("Телефон"), _("Номер"), "8 (000) 000-00-01"),
    Column(
        "phone_kind",
        _("Вид телефона"),
        _("горячая линия, днём, вечером и ночью или мобильный; пусто — днём"),
        "днём",
    ),
    Column(
        "phone_description", _("Пояснение к телефону"), _("Например, «бесплатно по России»"), ""
    ),
    Column("phone_2", _("Телефон 2"), _("Второй номер"), ""),
    Column("phone_2_kind", _("Вид телефона 2"), "", ""),
    Column("phone_2_description", _("Пояснение к телефону 2"), "", ""),
    Column("phone_3", _("Телефон 3"), _("Третий номер"), ""),
    Column("phone_3_kind", _("Вид телефона 3"), "", ""),
    Column("phone_3_description", _("Пояснение к телефону 3"), "", ""),
]
COLUMN_CODES = [column.code for column in COLUMNS]
LOCATION_COLUMNS = {
    "district",
    "address",
    "postal_code",
    "latitude",
    "longitude",
    "confidential",
    "location_name",
    "transportation",
    "accessibility_codes",
}
PHONE_SLOTS = [
    ("phone", "phone_kind", "phone_description"),
    *[(f"phone_{n}", f"phone_{n}_kind", f"phone_{n}_description") for n in (2, 3)],
]
PHONE_COLUMNS = {code for slot in PHONE_SLOTS for code in slot}
ORGANIZATION_COLUMNS = {"organization", "organization_id"}
# Headings of the admin's own CSV export that mean the same as a column here.
EXPORT_ALIASES = {"адрес (slug)": "slug", "slug": "slug"}
# How each kind of cell (``registry.fields``) is read; yes/no cells default to the model's.
READERS: dict[str, Callable[[str, object], Any]] = {
    fields.TEXT: lambda value, default: values.text(value),
    fields.STATUS: lambda value, default: values.status(value),
    fields.YES_NO: lambda value, default: values.boolean(value, default),
    fields.INTEGER: lambda value, default: values.integer(value),
    fields.DATE: lambda value, default: values.date(value),
}
# Plain service fields and how to read them (the list is ``registry.fields``).
SERVICE_FIELDS: dict[str, Callable[[object], Any]] = {
    name: partial(READERS[how], default=Service._meta.get_field(name).default)
    for name, how in fields.csv_fields().items()
}
# Fields whose empty cell clears the value (``None`` is written, not skipped).
NULLABLE = {
    name for name, how in fields.csv_fields().items() if how in (fields.INTEGER, fields.DATE)
}


def header_map() -> dict[str, str]:
    """Every accepted heading (code or Russian label, any case) → column code."""
    mapping = {code: code for code in COLUMN_CODES}
    mapping.update({str(column.label).casefold(): column.code for column in COLUMNS})
    mapping.update(EXPORT_ALIASES)
    return mapping


def template_csv() -> str:
    """The downloadable template: the header and one clearly demo example row (UTF-8, BOM)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMN_CODES)
    writer.writerow([column.example for column in COLUMNS])
    return "\ufeff" + out.getvalue()


def parse_csv(data: bytes) -> Parsed:
    """Bytes of an uploaded CSV → records and every problem found, by row and column."""
    parsed = Parsed()
    file_label = str(_("файл"))
    try:
        text, encoding = decode(data)
    except NotText as error:
        parsed.error(file_label, "", str(error))
        return parsed
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)
    parsed.source = (
        f"CSV ({encoding}, {_('разделитель')} «{'Tab' if delimiter == chr(9) else delimiter}»)"
    )
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        parsed.error(file_label, "", str(_("не удалось прочитать заголовок таблицы")))
        return parsed
    columns = _columns(header, parsed)
    present = {code for code in columns if code}
    missing = [column.code for column in COLUMNS if column.required and column.code not in present]
    if missing:
        parsed.error(
            file_label,
            ", ".join(missing),
            str(
                _(
                    "не похоже на таблицу служб: нет обязательных колонок. "
                    "Скачайте образец и сохраните таблицу как CSV"
                )
            ),
        )
        return parsed
    by_id: dict[str, tuple[ServiceRecord, dict]] = {}
    try:
        for row in reader:
            if reader.line_num > MAX_ROWS + 1:
                parsed.error(
                    file_label, "", str(_("слишком много строк: не больше %(n)d")) % {"n": MAX_ROWS}
                )
                break
            if not any(cell.strip() for cell in row):
                continue
            label = str(_("строка %(n)d")) % {"n": reader.line_num}
            if len(row) > len(columns) and any(cell.strip() for cell in row[len(columns) :]):
                parsed.error(label, "", str(_("в строке больше ячеек, чем колонок в заголовке")))
            cells = {
                code: row[index].strip() if index < len(row) else ""
                for index, code in enumerate(columns)
                if code
            }
            too_long = [code for code, value in cells.items() if len(value) > MAX_CELL]
            for code in too_long:
                parsed.error(label, code, str(_("слишком длинный текст")))
                cells[code] = ""
            _read_row(parsed, label, cells, present, by_id)
    except csv.Error as error:
        parsed.error(
            str(_("строка %(n)d")) % {"n": reader.line_num},
            "",
            str(_("таблица повреждена: %(error)s")) % {"error": error},
        )
    if not parsed.records and not parsed.problems:
        parsed.error(file_label, "", str(_("в таблице нет ни одной строки со службой")))
    return parsed


def _columns(header: list[str], parsed: Parsed) -> list[str | None]:
    """The column code of each heading (None: unknown or repeated, reported as such)."""
    known = header_map()
    columns: list[str | None] = []
    for heading in header:
        code = known.get(heading.strip().casefold())
        if code is None and heading.strip():
            parsed.warning(
                str(_("заголовок")),
                heading.strip()[:60],
                str(_("колонка не используется при импорте")),
            )
        if code in columns:
            parsed.error(str(_("заголовок")), heading.strip(), str(_("колонка повторяется")))
            code = None
        columns.append(code)
    return columns


def _read_row(
    parsed: Parsed,
    label: str,
    cells: dict[str, str],
    present: set[str],
    by_id: dict[str, tuple[ServiceRecord, dict]],
) -> None:
    def problem(field: str, error: Exception) -> None:
        parsed.error(label, field, str(error))

    external_id = cells.get("external_id", "")
    if not external_id:
        parsed.error(label, "external_id", str(_("не указан внешний идентификатор службы")))
        return
    location = _location(cells, present, problem)
    phones = _phones(cells, problem)
    if external_id in by_id:
        _add_repeat_row(parsed, label, cells, by_id[external_id], location, phones)
        return

    record = ServiceRecord(label=label, external_id=external_id)
    _read_fields(record, cells, present, problem)
    if "hours" in present:
        try:
            is_24_7, rows = values.hours(cells.get("hours", ""))
        except ValueError as error:
            problem("hours", error)
        else:
            record.schedules = [ScheduleRecord(day, opens, closes) for day, opens, closes in rows]
            if is_24_7:
                record.fields["is_24_7"] = True
    if present & ORGANIZATION_COLUMNS:
        name, org_id = cells.get("organization", ""), cells.get("organization_id", "")
        record.organization = (
            OrganizationRecord(external_id=org_id, name=name) if name or org_id else None
        )
        if record.organization is None:
            record.fields["organization"] = None  # an empty cell unlinks the organisation
    if "kinds" in present:
        record.kinds = values.split_list(cells.get("kinds", ""))
    if "target_groups" in present:
        record.target_groups = values.split_list(cells.get("target_groups", ""))
    if present & LOCATION_COLUMNS:
        record.locations = [location] if location is not None else []
    if "service_areas" in present:
        record.areas = [
            AreaRecord(field="service_areas", districts=[ref])
            for ref in values.split_list(cells.get("service_areas", ""))
        ]
    if present & PHONE_COLUMNS:
        record.phones = phones
    parsed.records.append(record)
    by_id[external_id] = (record, cells)


def _add_repeat_row(
    parsed: Parsed,
    label: str,
    cells: dict[str, str],
    first: tuple[ServiceRecord, dict],
    location: LocationRecord | None,
    phones: list[PhoneRecord],
) -> None:
    """A further row of a service already read: only its address and phones count."""
    record, first_cells = first
    external_id = record.external_id
    if location is not None:
        location.field = f"{label}: district"
        record.locations.append(location)
    if phones and record.phones is not None:
        record.phones += phones
    differing = [
        code
        for code, value in cells.items()
        if code not in LOCATION_COLUMNS | PHONE_COLUMNS | {"external_id"}
        and value
        and value != first_cells.get(code, "")
    ]
    if differing:
        parsed.warning(
            label,
            ", ".join(differing),
            str(_("повтор службы %(id)s: из повторной строки берутся только адрес и телефоны"))
            % {"id": external_id},
        )


def _read_fields(record: ServiceRecord, cells: dict[str, str], present: set[str], problem) -> None:
    """The plain service fields whose columns the file has (``registry.fields``)."""
    for code, read in SERVICE_FIELDS.items():
        if code not in present:
            continue
        try:
            value = read(cells.get(code, ""))
        except ValueError as error:
            problem(code, error)
            continue
        if code == "status" and value is None:
            value = "active"
        if value is not None or code in NULLABLE:
            record.fields[code] = value


def _location(cells: dict[str, str], present: set[str], problem) -> LocationRecord | None:
    if not any(cells.get(code) for code in LOCATION_COLUMNS):
        return None
    location = LocationRecord(
        field="district",
        districts=[cells["district"]] if cells.get("district") else [],
        name=cells.get("location_name", ""),
        address=cells.get("address", ""),
        postal_code=cells.get("postal_code", ""),
        transportation=cells.get("transportation", ""),
    )
    for code in ("latitude", "longitude"):
        try:
            setattr(location, code, values.number(cells.get(code, "")))
        except ValueError as error:
            problem(code, error)
    try:
        location.is_confidential = bool(values.boolean(cells.get("confidential", ""), False))
    except ValueError as error:
        problem("confidential", error)
    location.accessibility_codes = _accessibility_codes(cells, problem)
    return location


def _accessibility_codes(cells: dict[str, str], problem) -> list[str]:
    """Codes named by code or label, separated by «;» (labels have commas); anything
    else is the cell's problem, not a guess."""
    codes: list[str] = []
    cell = values.text(cells.get("accessibility_codes", ""))
    for item in filter(None, (part.strip() for part in re.split(r"[;\n]", cell))):
        code = recognise(item)
        if code is None:
            message = _("«%(item)s»: нет такого кода доступности") % {"item": item}
            problem("accessibility_codes", ValueError(message))
        elif code not in codes:
            codes.append(code)
    return codes


def _phones(cells: dict[str, str], problem) -> list[PhoneRecord]:
    phones = []
    for number_code, kind_code, description_code in PHONE_SLOTS:
        number = cells.get(number_code, "")
        if not number:
            if cells.get(kind_code) or cells.get(description_code):
                problem(number_code, ValueError(str(_("указан вид или пояснение, но нет номера"))))
            continue
        try:
            kind = values.phone_kind(cells.get(kind_code, ""))
        except ValueError as error:
            problem(kind_code, error)
            continue
        phones.append(PhoneRecord(number_code, number, kind, cells.get(description_code, "")))
    return phones
